/** Help and remedies: resources by country and harm, from GET /v1/public/help-resources. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../app/api.ts';
import { currentLocale, fmt } from '../i18n/index.ts';
import { useEnumLabel } from './common.tsx';
import { EU_EEA_COUNTRIES, HARMS } from './taxonomy.ts';

interface Localised {
  fr: string;
  en: string;
}
interface Resource {
  id: string;
  country: string;
  harms: string[];
  kind: string;
  name: Localised;
  description: Localised;
  url: string | null;
  phone: string | null;
  hours: Localised | null;
  source_url: string;
  verified_at?: string | null;
}
interface HelpResponse {
  items: Resource[];
  countries: string[];
  harms: string[];
}

/** Only http(s) addresses become links (anything else is shown as text). */
function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function defaultCountry(): string {
  const region = navigator.language.split('-')[1]?.toUpperCase();
  return region && /^[A-Z]{2}$/.test(region) ? region : 'FR';
}

export function HelpPage() {
  const { t, i18n } = useTranslation();
  const label = useEnumLabel();
  const [country, setCountry] = useState(defaultCountry);
  const [harm, setHarm] = useState('');
  const [data, setData] = useState<HelpResponse | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'unavailable' | 'error'>('loading');
  const locale = i18n.language === 'fr' ? 'fr' : 'en';

  useEffect(() => {
    let live = true;
    setState('loading');
    const qs = new URLSearchParams({ country, ...(harm ? { harm } : {}) });
    api<HelpResponse>('GET', `/v1/public/help-resources?${qs.toString()}`)
      .then((r) => {
        if (!live) return;
        setData(r);
        setState('ready');
      })
      .catch((err: unknown) => {
        if (!live) return;
        setData(null);
        setState(err instanceof ApiError && (err.status === 404 || err.status === 405) ? 'unavailable' : 'error');
      });
    return () => {
      live = false;
    };
  }, [country, harm]);

  /** A country's name; EU and INT (European and international resources) have their own labels. */
  const countryName = (code: string): string => (code === 'INT' || code === 'EU' ? t(`public.help.scope.${code}`) : fmt.region(code));
  const countries = useMemo(() => {
    // EU and INT resources come with every country's: they are not a choice of their own.
    const codes = new Set<string>([...(data?.countries ?? EU_EEA_COUNTRIES), country].filter((c) => /^[A-Z]{2}$/.test(c) && c !== 'EU'));
    return [...codes].map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name, currentLocale()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, country, i18n.language]);
  const harms = data?.harms && data.harms.length > 0 ? data.harms : HARMS;

  return (
    <section>
      <h1>{t('public.help.title')}</h1>
      <p>{t('public.help.intro')}</p>
      <p className="panel">{t('public.help.emergency')}</p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('public.help.filters')}>
        <div>
          <label htmlFor="help-country">{t('public.help.country')}</label>
          <select id="help-country" value={country} onChange={(e) => setCountry(e.target.value)}>
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="help-harm">{t('public.help.harm')}</label>
          <select id="help-harm" value={harm} onChange={(e) => setHarm(e.target.value)}>
            <option value="">{t('public.help.allHarms')}</option>
            {harms.map((h) => (
              <option key={h} value={h}>
                {label('harm', h)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <div aria-live="polite">
        {state === 'loading' && <p aria-busy="true">{t('public.common.loading')}</p>}
        {state === 'unavailable' && <p className="panel">{t('public.help.unavailable')}</p>}
        {state === 'error' && <p className="panel error">{t('public.errors.generic')}</p>}
        {state === 'ready' && data && data.items.length === 0 && <p>{t('public.help.none')}</p>}
      </div>
      {state === 'ready' && data && data.items.length > 0 && (
        <>
          <h2>{t('public.help.results', { count: data.items.length, country: countryName(country) })}</h2>
          <ul className="cards resources">
            {data.items.map((r) => {
              const href = r.url ? safeHref(r.url) : null;
              const source = safeHref(r.source_url);
              return (
                <li key={r.id}>
                  <h3>{r.name[locale]}</h3>
                  <p>
                    <span className="badge">{label('kind', r.kind)}</span> <span className="hint-inline">{countryName(r.country)}</span>
                  </p>
                  <p>{r.description[locale]}</p>
                  <dl className="facts compact">
                    {r.phone && (
                      <>
                        <dt>{t('public.help.phone')}</dt>
                        <dd>
                          <a href={`tel:${r.phone.replace(/[^\d+]/g, '')}`}>{r.phone}</a>
                        </dd>
                      </>
                    )}
                    {r.hours && (
                      <>
                        <dt>{t('public.help.hours')}</dt>
                        <dd>{r.hours[locale]}</dd>
                      </>
                    )}
                    {r.url && (
                      <>
                        <dt>{t('public.help.website')}</dt>
                        <dd>
                          {href ? (
                            <a href={href} rel="noopener noreferrer">
                              {r.url}
                            </a>
                          ) : (
                            <span className="mono">{r.url}</span>
                          )}
                        </dd>
                      </>
                    )}
                    {r.harms.length > 0 && (
                      <>
                        <dt>{t('public.help.harms')}</dt>
                        <dd>{r.harms.map((h) => label('harm', h)).join(', ')}</dd>
                      </>
                    )}
                  </dl>
                  {source && (
                    <p className="hint">
                      <a href={source} rel="noopener noreferrer" aria-label={t('public.help.sourceOf', { name: r.name[locale] })}>
                        {t('public.help.source')}
                      </a>
                      {r.verified_at ? ` — ${t('public.help.verified', { date: fmt.date(r.verified_at) })}` : ''}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}
