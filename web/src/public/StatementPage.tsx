/**
 * The statement of reasons for its affected user (DSA Art. 17), opened with the appeal token from the
 * URL fragment (#token=…: never sent to the server as a query string; it goes in the X-Appeal-Token header)
 * or pasted in a form; where the appeal stands, and the appeal form (DSA Art. 20).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { AppealForm } from './AppealForm.tsx';
import { DEFAULT_SERVICE, ErrorSummary, FieldError, Item, describedBy, publicBase, useEnumLabel, useErrorMessage, type SummaryItem } from './common.tsx';

interface PublicDecision {
  id: string;
  decided_at: string;
  outcome: string;
  current: boolean;
  summary: string;
  restrictions: string[];
  statement: { puid: string | null; title: string; sections: Array<{ heading: string; text: string }> } | null;
  details: Record<string, unknown> | null;
}
interface Statement extends PublicDecision {
  locale: string;
  appeal: { open_until: string; status: string; outcome: string | null; can_appeal: boolean };
  superseded_by: PublicDecision | null;
}

function tokenFromHash(): string {
  const h = window.location.hash.replace(/^#/, '');
  return new URLSearchParams(h).get('token') ?? '';
}

export function StatementPage() {
  const { t, i18n } = useTranslation();
  const params = useParams<{ service?: string; decision?: string }>();
  const service = params.service ?? DEFAULT_SERVICE;
  const decisionId = params.decision ?? '';
  const errorMessage = useErrorMessage();
  const [token, setToken] = useState(tokenFromHash);
  const [draft, setDraft] = useState('');
  const [data, setData] = useState<Statement | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [formErrors, setFormErrors] = useState<SummaryItem[]>([]);
  const lang = i18n.language;

  const load = useCallback(
    async (tok: string) => {
      setLoading(true);
      try {
        const locale = lang === 'fr' ? 'fr' : 'en';
        const r = await api<Statement>('GET', `${publicBase(service)}/decisions/${encodeURIComponent(decisionId)}/statement?locale=${locale}`, undefined, {
          'x-appeal-token': tok,
        });
        setData(r);
        setLoadError(null);
      } catch (err) {
        setData(null);
        setLoadError(err instanceof ApiError && (err.status === 404 || err.status === 400) ? t('public.statement.notFound') : errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [service, decisionId, lang],
  );

  useEffect(() => {
    if (token) void load(token);
  }, [token, load]);

  function submitToken(e: FormEvent) {
    e.preventDefault();
    const v = draft.trim();
    if (v.length < 10) {
      setFormErrors([{ field: 'statement-token', message: t('public.statement.invalidToken') }]);
      return;
    }
    setFormErrors([]);
    setToken(v);
  }

  return (
    <section className="form-page">
      <h1>{data?.statement?.title ?? t('public.statement.title')}</h1>
      {!token || (loadError && !data) ? (
        <>
          {loadError && (
            <p role="alert" className="error panel">
              {loadError}
            </p>
          )}
          <form onSubmit={submitToken} noValidate>
            <ErrorSummary items={formErrors} />
            <p>{t('public.statement.tokenIntro')}</p>
            <label htmlFor="statement-token">{t('public.statement.token')}</label>
            <input
              id="statement-token"
              className="mono"
              autoComplete="off"
              spellCheck={false}
              value={draft}
              aria-invalid={formErrors.length > 0 ? true : undefined}
              aria-describedby={describedBy('statement-token-hint', formErrors.length > 0 && 'statement-token-error')}
              onChange={(e) => setDraft(e.target.value)}
            />
            <span id="statement-token-hint" className="hint">
              {t('public.statement.tokenHint')}
            </span>
            <FieldError id="statement-token-error" message={formErrors[0]?.message} />
            <button type="submit">{t('public.statement.open')}</button>
          </form>
        </>
      ) : null}
      {token && loading && !data && <p aria-busy="true">{t('public.common.loading')}</p>}
      {data && <StatementView data={data} service={service} token={token} onChanged={() => void load(token)} />}
    </section>
  );
}

function DecisionBlock({ d, headingLevel }: { d: PublicDecision; headingLevel: 2 | 3 }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  return (
    <>
      <dl className="facts">
        <Item label={t('public.statement.decisionId')}>
          <span className="mono">{d.id}</span>
        </Item>
        {d.statement?.puid && (
          <Item label={t('public.statement.puid')}>
            <span className="mono">{d.statement.puid}</span>
          </Item>
        )}
        <Item label={t('public.statement.decidedAt')}>{fmt.dateTime(d.decided_at)}</Item>
        <Item label={t('public.statement.outcome')}>{label('decision', d.outcome)}</Item>
        {d.restrictions.length > 0 && (
          <Item label={t('public.statement.restrictions')}>
            <ul className="plain">
              {d.restrictions.map((r) => (
                <li key={r}>{label('tdb', r)}</li>
              ))}
            </ul>
          </Item>
        )}
      </dl>
      <p className="lead">{d.summary}</p>
      {d.statement && d.statement.sections.length > 0 && (
        <>
          <H>{t('public.statement.sectionsTitle')}</H>
          {d.statement.sections.map((s, i) => (
            <div key={i} className="statement-section">
              <Sub>{s.heading}</Sub>
              <p className="pre-wrap">{s.text}</p>
            </div>
          ))}
        </>
      )}
      {d.details && Object.keys(d.details).length > 0 && <Details details={d.details} headingLevel={headingLevel} />}
    </>
  );
}

function Details({ details, headingLevel }: { details: Record<string, unknown>; headingLevel: 2 | 3 }) {
  const { t, i18n } = useTranslation();
  const label = useEnumLabel();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const one = (key: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v === 'boolean') return v ? t('public.common.yes') : t('public.common.no');
    if (typeof v === 'number') return fmt.number(v);
    if (typeof v !== 'string') return JSON.stringify(v);
    if (key === 'territorial_scope' && /^[A-Z]{2}$/.test(v)) return fmt.region(v);
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return fmt.date(v);
    if (v === 'Yes' || v === 'No') return v === 'Yes' ? t('public.common.yes') : t('public.common.no');
    if (key === 'category') return label('category', v);
    if (key === 'category_specification') {
      const k = `public.keywords.${v}`;
      return i18n.exists(k) ? t(k) : v;
    }
    return label('tdb', v);
  };
  return (
    <>
      <H>{t('public.statement.detailsTitle')}</H>
      <dl className="facts">
        {Object.entries(details).map(([key, v]) => {
          const fieldKey = `public.statement.fields.${key}`;
          return (
            <Item key={key} label={i18n.exists(fieldKey) ? t(fieldKey) : key}>
              {Array.isArray(v) ? (
                <ul className="plain">
                  {v.map((x, i) => (
                    <li key={i}>{one(key, x)}</li>
                  ))}
                </ul>
              ) : (
                <span className="pre-wrap">{one(key, v)}</span>
              )}
            </Item>
          );
        })}
      </dl>
    </>
  );
}

function StatementView({ data, service, token, onChanged }: { data: Statement; service: string; token: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  return (
    <>
      {data.superseded_by && (
        <div className="panel">
          <h2>{t('public.statement.supersededTitle')}</h2>
          <p>{t('public.statement.supersededIntro')}</p>
          <DecisionBlock d={data.superseded_by} headingLevel={3} />
        </div>
      )}
      {data.superseded_by && <h2>{t('public.statement.originalTitle')}</h2>}
      <DecisionBlock d={data} headingLevel={2} />
      <h2>{t('public.statement.appealTitle')}</h2>
      <dl className="facts">
        <Item label={t('public.statement.appealStatus')}>
          {label('appealStatus', data.appeal.status)}
          {data.appeal.outcome ? ` — ${label('appealOutcome', data.appeal.outcome)}` : ''}
        </Item>
        <Item label={t('public.statement.appealUntil')}>{fmt.date(data.appeal.open_until)}</Item>
      </dl>
      <p>{t('public.statement.redress')}</p>
      {data.appeal.can_appeal ? (
        <StatementAppeal service={service} decisionId={data.id} token={token} onDone={onChanged} />
      ) : (
        <p>{data.appeal.status === 'open' ? t('public.statement.appealPending') : t('public.statement.cannotAppeal')}</p>
      )}
    </>
  );
}

function StatementAppeal({ service, decisionId, token, onDone }: { service: string; decisionId: string; token: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <AppealForm
      idPrefix="appeal"
      title={t('public.statement.appealFormTitle')}
      intro={t('public.statement.appealIntro')}
      send={(explanation) => api('POST', `${publicBase(service)}/decisions/${encodeURIComponent(decisionId)}/appeals`, { token, explanation })}
      confirmation={
        <>
          <h3>{t('public.appeal.confirmationTitle')}</h3>
          <p>{t('public.appeal.confirmation')}</p>
          <button type="button" onClick={onDone}>
            {t('public.statement.refresh')}
          </button>
        </>
      }
    />
  );
}
