/**
 * Help and legal remedies for victims (instance administrators): the list of resources, filtered by country,
 * and an editor for a whole document (POST creates, PUT replaces), with an inline confirmation to delete.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api.ts';
import { currentLocale, fmt } from '../../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../common.tsx';
import { describedBy, fieldError, localizedValidation } from './fields.ts';

const HARMS = ['terrorism', 'child_sexual_abuse', 'hate_speech', 'harassment', 'non_consensual_intimate_images', 'scams', 'self_harm', 'other'] as const;
const KINDS = ['reporting_point', 'helpline', 'legal', 'victim_support'] as const;
type Harm = (typeof HARMS)[number];
type Kind = (typeof KINDS)[number];

interface Localized {
  fr: string;
  en: string;
}
interface HelpResource {
  id: string;
  country: string;
  harms: Harm[];
  kind: Kind;
  name: Localized;
  description: Localized;
  url: string | null;
  phone: string | null;
  hours: Localized | null;
  source_url: string;
  verified_at: string | null;
  position: number;
  created_at: string;
  updated_at: string;
}

/** The form's state: every field as the inputs hold it (strings), turned into the API's document on save. */
interface Draft {
  country: string;
  harms: Harm[];
  kind: Kind;
  nameFr: string;
  nameEn: string;
  descriptionFr: string;
  descriptionEn: string;
  url: string;
  phone: string;
  hoursFr: string;
  hoursEn: string;
  sourceUrl: string;
  verifiedAt: string;
  position: string;
}

const EMPTY: Draft = {
  country: '',
  harms: [],
  kind: 'reporting_point',
  nameFr: '',
  nameEn: '',
  descriptionFr: '',
  descriptionEn: '',
  url: '',
  phone: '',
  hoursFr: '',
  hoursEn: '',
  sourceUrl: '',
  verifiedAt: '',
  position: '100',
};

function toDraft(r: HelpResource): Draft {
  return {
    country: r.country,
    harms: [...r.harms],
    kind: r.kind,
    nameFr: r.name.fr,
    nameEn: r.name.en,
    descriptionFr: r.description.fr,
    descriptionEn: r.description.en,
    url: r.url ?? '',
    phone: r.phone ?? '',
    hoursFr: r.hours?.fr ?? '',
    hoursEn: r.hours?.en ?? '',
    sourceUrl: r.source_url,
    verifiedAt: r.verified_at ? r.verified_at.slice(0, 10) : '',
    position: String(r.position),
  };
}

function toBody(d: Draft) {
  const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
  const position = Number(d.position);
  return {
    country: d.country.trim().toUpperCase(),
    // In the order of the list, whatever order they were ticked in.
    harms: HARMS.filter((h) => d.harms.includes(h)),
    kind: d.kind,
    name: { fr: d.nameFr, en: d.nameEn },
    description: { fr: d.descriptionFr, en: d.descriptionEn },
    url: orNull(d.url),
    phone: orNull(d.phone),
    hours: d.hoursFr.trim() === '' && d.hoursEn.trim() === '' ? null : { fr: d.hoursFr, en: d.hoursEn },
    source_url: d.sourceUrl.trim(),
    verified_at: orNull(d.verifiedAt),
    position: d.position.trim() === '' || !Number.isFinite(position) ? 100 : position,
  };
}

type Status = { kind: 'created' | 'saved' | 'deleted'; name: string } | null;

export function HelpResources() {
  const { t } = useTranslation();
  const locale = currentLocale();
  const list = useResource<{ items: HelpResource[] }>('/v1/help-resources');
  const form = useSubmit();
  const removal = useSubmit();
  const [country, setCountry] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [localError, setLocalError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [status, setStatus] = useState<Status>(null);
  const statusRef = useRef<HTMLParagraphElement>(null);
  const formHeading = useRef<HTMLHeadingElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const [focusForm, setFocusForm] = useState(0);

  useEffect(() => {
    if (status) statusRef.current?.focus();
  }, [status]);
  useEffect(() => {
    if (focusForm > 0) formHeading.current?.focus();
  }, [focusForm]);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const countries = useMemo(() => [...new Set(items.map((r) => r.country))].sort(), [items]);
  const shown = country ? items.filter((r) => r.country === country) : items;
  const error = localError ?? form.error;
  const err = (name: string) => fieldError(error, name);

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
  }
  function toggleHarm(h: Harm, on: boolean) {
    setDraft((d) => ({ ...d, harms: on ? [...d.harms.filter((x) => x !== h), h] : d.harms.filter((x) => x !== h) }));
  }
  function startNew() {
    setEditing(null);
    setDraft(EMPTY);
    setLocalError(null);
    setStatus(null);
    setFocusForm((n) => n + 1);
  }
  function startEdit(r: HelpResource) {
    setEditing(r.id);
    setDraft(toDraft(r));
    setLocalError(null);
    setStatus(null);
    setConfirming(null);
    setFocusForm((n) => n + 1);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setStatus(null);
    // Opening hours: both languages or none (the API would only say that one of them is too short).
    if ((draft.hoursFr.trim() === '') !== (draft.hoursEn.trim() === '')) {
      const path = draft.hoursFr.trim() === '' ? 'body.hours.fr' : 'body.hours.en';
      setLocalError(new ApiError(400, 'VALIDATION_FAILED', t('admin.instance.help.invalid'), [{ path, reason: t('admin.instance.help.hoursBoth') }]));
      return;
    }
    setLocalError(null);
    const body = toBody(draft);
    const r = await form.run(() => (editing ? api<HelpResource>('PUT', `/v1/help-resources/${editing}`, body) : api<HelpResource>('POST', '/v1/help-resources', body)));
    if (r) {
      setStatus({ kind: editing ? 'saved' : 'created', name: r.name[locale] });
      setEditing(r.id);
      setDraft(toDraft(r));
      list.reload();
    }
  }

  async function remove(r: HelpResource) {
    const ok = await removal.run(async () => {
      await api('DELETE', `/v1/help-resources/${r.id}`);
      return true;
    });
    setConfirming(null);
    if (ok) {
      if (editing === r.id) {
        setEditing(null);
        setDraft(EMPTY);
      }
      setStatus({ kind: 'deleted', name: r.name[locale] });
      list.reload();
    }
  }

  /** The props every text input of the form shares: its id, its value, its error's description. */
  const text = (id: string, key: keyof Omit<Draft, 'harms' | 'kind'>, path: string, hint = false) => ({
    id,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => set(key, e.target.value),
    'aria-invalid': err(path) ? true : undefined,
    'aria-describedby': describedBy(id, { hint, error: err(path) }),
  });
  const editedName = editing ? items.find((r) => r.id === editing)?.name[locale] : undefined;

  return (
    <section aria-labelledby="help-title">
      <h2 id="help-title">{t('admin.instance.help.title')}</h2>
      <p>{t('admin.instance.help.intro')}</p>
      <ErrorNote error={list.error ?? removal.error} />
      {status && (
        <p role="status" className="ok" ref={statusRef} tabIndex={-1}>
          {t(`admin.instance.help.status.${status.kind}`, { name: status.name })}
        </p>
      )}
      <div className="toolbar">
        <div>
          <label htmlFor="help-filter-country">{t('admin.instance.help.filterCountry')}</label>
          <select id="help-filter-country" value={country} onChange={(e) => setCountry(e.target.value)}>
            <option value="">{t('admin.instance.help.allCountries')}</option>
            {countries.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={startNew}>
          {t('admin.instance.help.new')}
        </button>
      </div>
      {list.data && shown.length === 0 && <p>{t('admin.instance.help.none')}</p>}
      {list.data && shown.length > 0 && (
        <table className="help-admin-table">
          <caption className="visually-hidden">{t('admin.instance.help.tableCaption', { count: shown.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.instance.help.country')}</th>
              <th scope="col">{t('admin.instance.help.kind')}</th>
              <th scope="col">{t('admin.instance.help.name')}</th>
              <th scope="col">{t('admin.instance.help.harms')}</th>
              <th scope="col">{t('admin.instance.help.verifiedAt')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.id} aria-current={editing === r.id ? 'true' : undefined}>
                <td className="mono">{r.country}</td>
                <td>{t(`admin.instance.help.kinds.${r.kind}`)}</td>
                <th scope="row" className="help-admin-name">
                  {r.name[locale]}
                </th>
                <td>{r.harms.map((h) => t(`admin.instance.help.harmNames.${h}`)).join(', ')}</td>
                <td>{r.verified_at ? fmt.date(r.verified_at) : t('admin.instance.help.notVerified')}</td>
                <td className="help-admin-actions">
                  <button type="button" onClick={() => startEdit(r)}>
                    {t('admin.instance.help.edit')}
                    <span className="visually-hidden"> {r.name[locale]}</span>
                  </button>
                  {confirming === r.id ? (
                    <>
                      <button type="button" ref={confirmButton} className="danger" disabled={removal.busy} onClick={() => void remove(r)}>
                        {t('admin.instance.help.confirmDelete')}
                        <span className="visually-hidden"> {r.name[locale]}</span>
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        {t('admin.instance.help.cancel')}
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setConfirming(r.id)}>
                      {t('admin.instance.help.delete')}
                      <span className="visually-hidden"> {r.name[locale]}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <form onSubmit={(e) => void save(e)} noValidate className="panel help-admin-form" aria-labelledby="help-form-title">
        <h3 id="help-form-title" ref={formHeading} tabIndex={-1}>
          {editing ? t('admin.instance.help.editTitle', { name: editedName ?? draft.nameFr }) : t('admin.instance.help.newTitle')}
        </h3>
        <ErrorNote error={localizedValidation(error, t('admin.instance.help.invalid'))} />
        <div className="help-admin-grid">
          <Field id="help-country" label={t('admin.instance.help.country')} hint={t('admin.instance.help.countryHint')} error={err('country')}>
            <input
              {...text('help-country', 'country', 'country', true)}
              onChange={(e) => set('country', e.target.value.toUpperCase())}
              list="help-country-codes"
              required
              maxLength={3}
              autoComplete="off"
              spellCheck={false}
              pattern="[A-Z]{2}|EU|INT"
            />
            <datalist id="help-country-codes">
              {countries.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
          </Field>
          <Field id="help-kind" label={t('admin.instance.help.kind')} error={err('kind')}>
            <select id="help-kind" value={draft.kind} onChange={(e) => set('kind', e.target.value as Kind)} aria-describedby={describedBy('help-kind', { error: err('kind') })}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`admin.instance.help.kinds.${k}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>

        <fieldset aria-describedby={err('harms') ? 'help-harms-error' : undefined}>
          <legend>{t('admin.instance.help.harms')}</legend>
          <div className="help-admin-harms">
            {HARMS.map((h) => (
              <div className="check" key={h}>
                <input id={`help-harm-${h}`} type="checkbox" checked={draft.harms.includes(h)} onChange={(e) => toggleHarm(h, e.target.checked)} />
                <label htmlFor={`help-harm-${h}`}>{t(`admin.instance.help.harmNames.${h}`)}</label>
              </div>
            ))}
          </div>
          {err('harms') && (
            <span className="field-error" id="help-harms-error">
              {err('harms')}
            </span>
          )}
        </fieldset>

        <fieldset>
          <legend>{t('admin.instance.help.nameLegend')}</legend>
          <div className="help-admin-grid">
            <Field id="help-name-fr" label={t('admin.instance.help.inFrench')} error={err('name.fr')}>
              <input {...text('help-name-fr', 'nameFr', 'name.fr')} lang="fr" required maxLength={200} />
            </Field>
            <Field id="help-name-en" label={t('admin.instance.help.inEnglish')} error={err('name.en')}>
              <input {...text('help-name-en', 'nameEn', 'name.en')} lang="en" required maxLength={200} />
            </Field>
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('admin.instance.help.descriptionLegend')}</legend>
          <div className="help-admin-grid">
            <Field id="help-description-fr" label={t('admin.instance.help.inFrench')} error={err('description.fr')}>
              <textarea {...text('help-description-fr', 'descriptionFr', 'description.fr')} lang="fr" required rows={4} maxLength={2000} />
            </Field>
            <Field id="help-description-en" label={t('admin.instance.help.inEnglish')} error={err('description.en')}>
              <textarea {...text('help-description-en', 'descriptionEn', 'description.en')} lang="en" required rows={4} maxLength={2000} />
            </Field>
          </div>
        </fieldset>

        <div className="help-admin-grid">
          <Field id="help-url" label={t('admin.instance.help.url')} hint={t('admin.instance.help.urlHint')} error={err('url')}>
            <input {...text('help-url', 'url', 'url', true)} type="url" maxLength={2000} />
          </Field>
          <Field id="help-phone" label={t('admin.instance.help.phone')} hint={t('admin.instance.help.phoneHint')} error={err('phone')}>
            <input {...text('help-phone', 'phone', 'phone', true)} type="tel" maxLength={32} />
          </Field>
        </div>

        <fieldset aria-describedby="help-hours-hint">
          <legend>{t('admin.instance.help.hoursLegend')}</legend>
          <span className="hint" id="help-hours-hint">
            {t('admin.instance.help.hoursHint')}
          </span>
          <div className="help-admin-grid">
            <Field id="help-hours-fr" label={t('admin.instance.help.inFrench')} error={err('hours.fr') ?? (err('hours') && !err('hours.en') ? err('hours') : undefined)}>
              <input {...text('help-hours-fr', 'hoursFr', 'hours.fr')} lang="fr" maxLength={200} />
            </Field>
            <Field id="help-hours-en" label={t('admin.instance.help.inEnglish')} error={err('hours.en')}>
              <input {...text('help-hours-en', 'hoursEn', 'hours.en')} lang="en" maxLength={200} />
            </Field>
          </div>
        </fieldset>

        <div className="help-admin-grid">
          <Field id="help-source" label={t('admin.instance.help.sourceUrl')} hint={t('admin.instance.help.sourceHint')} error={err('source_url')}>
            <input {...text('help-source', 'sourceUrl', 'source_url', true)} type="url" required maxLength={2000} />
          </Field>
          <Field id="help-verified" label={t('admin.instance.help.verifiedAt')} hint={t('admin.instance.help.verifiedHint')} error={err('verified_at')}>
            <input {...text('help-verified', 'verifiedAt', 'verified_at', true)} type="date" />
          </Field>
          <Field id="help-position" label={t('admin.instance.help.position')} hint={t('admin.instance.help.positionHint')} error={err('position')}>
            <input {...text('help-position', 'position', 'position', true)} type="number" min={0} max={1000000} step={1} inputMode="numeric" />
          </Field>
        </div>

        <div className="help-admin-buttons">
          <button type="submit" disabled={form.busy}>
            {editing ? t('admin.instance.help.save') : t('admin.instance.help.create')}
          </button>
          {editing && (
            <button type="button" onClick={startNew}>
              {t('admin.instance.help.new')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
