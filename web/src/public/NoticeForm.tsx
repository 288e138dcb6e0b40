/**
 * The notice form (DSA Art. 16): every element the API takes, evidence files by multipart, field errors
 * from the API next to their fields, and the receipt (reference + tracking token, shown once).
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { currentLocale, fmt } from '../i18n/index.ts';
import { DEFAULT_SERVICE, ErrorSummary, FieldError, describedBy, publicBase, randomKey, useErrorMessage, type SummaryItem } from './common.tsx';
import {
  ANONYMOUS_ALLOWED,
  CATEGORIES,
  CATEGORY_KEYWORDS,
  EU_EEA_COUNTRIES,
  EVIDENCE_ACCEPT,
  EVIDENCE_MAX_BYTES,
  EVIDENCE_MAX_FILES,
  EVIDENCE_TYPES,
  LANGUAGES,
} from './taxonomy.ts';

interface Receipt {
  reference: string;
  tracking_token: string;
  status: string;
  received_at: string;
  evidence: Array<{ sha256: string; media_type: string; size_bytes: number }>;
}

interface LocationInput {
  key: number;
  url: string;
  content_id: string;
}

type Errors = Record<string, string>;

/** Field ids of the form, by the API's path (body.x…). */
function fieldIdFor(path: string): string {
  const p = path.replace(/^body\./, '');
  const loc = /^locations\.(\d+)(?:\.(url|content_id))?/.exec(p);
  if (loc) return `report-loc-${loc[1]}-${loc[2] === 'content_id' ? 'content-id' : 'url'}`;
  if (p === 'locations') return 'report-loc-0-url';
  if (p === 'notifier.email') return 'report-email';
  if (p === 'notifier' || p.startsWith('notifier.')) return 'report-name';
  if (p.startsWith('evidence')) return 'report-evidence';
  const map: Record<string, string> = {
    category: 'report-category',
    subcategory: 'report-subcategory',
    subcategory_other: 'report-subcategory-other',
    explanation: 'report-explanation',
    legal_provision: 'report-legal',
    country: 'report-country',
    language: 'report-content-language',
    content_language: 'report-content-language',
    notifier_type: 'report-type-individual',
    good_faith: 'report-good-faith',
  };
  return map[p] ?? 'report-category';
}

/** The translated message for a field id (the API's reasons are in English). */
function messageKeyFor(fieldId: string): string {
  if (/^report-loc-\d+-url$/.test(fieldId)) return 'url';
  if (/^report-loc-\d+-content-id$/.test(fieldId)) return 'contentId';
  const m: Record<string, string> = {
    'report-category': 'category',
    'report-subcategory': 'subcategory',
    'report-subcategory-other': 'subcategoryOther',
    'report-explanation': 'explanation',
    'report-legal': 'legal',
    'report-country': 'country',
    'report-content-language': 'language',
    'report-name': 'name',
    'report-email': 'email',
    'report-evidence': 'evidence',
    'report-good-faith': 'goodFaith',
    'report-type-individual': 'notifierType',
  };
  return m[fieldId] ?? 'category';
}

function formatBytes(n: number): string {
  return `${fmt.number(Math.round((n / (1024 * 1024)) * 10) / 10)} MB`;
}

export function NoticeForm() {
  const { t } = useTranslation();
  const params = useParams<{ service?: string }>();
  const service = params.service ?? DEFAULT_SERVICE;
  const errorMessage = useErrorMessage();

  const [category, setCategory] = useState('');
  const [subcategory, setSubcategory] = useState('');
  const [subcategoryOther, setSubcategoryOther] = useState('');
  const [locations, setLocations] = useState<LocationInput[]>([{ key: 0, url: '', content_id: '' }]);
  const nextKey = useRef(1);
  const [explanation, setExplanation] = useState('');
  const [legal, setLegal] = useState('');
  const [country, setCountry] = useState('');
  const [contentLanguage, setContentLanguage] = useState('');
  const [notifierType, setNotifierType] = useState<'individual' | 'organisation'>('individual');
  const [anonymous, setAnonymous] = useState(false);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [goodFaith, setGoodFaith] = useState(false);

  const [errors, setErrors] = useState<Errors>({});
  const [summary, setSummary] = useState<SummaryItem[]>([]);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const idempotency = useRef(randomKey());

  const keywords = category ? (CATEGORY_KEYWORDS[category] ?? []) : [];
  const anonymousAllowed = ANONYMOUS_ALLOWED.includes(subcategory);
  const isAnonymous = anonymousAllowed && anonymous;

  const languageNames = useMemo(() => {
    const dn = new Intl.DisplayNames([currentLocale()], { type: 'language' });
    return LANGUAGES.map((code) => ({ code, name: dn.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name, currentLocale()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t]);
  const countryNames = useMemo(() => {
    const dn = new Intl.DisplayNames([currentLocale()], { type: 'region' });
    return EU_EEA_COUNTRIES.map((code) => ({ code, name: dn.of(code) ?? code })).sort((a, b) => a.name.localeCompare(b.name, currentLocale()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t]);

  const err = (id: string) => errors[id];
  const errId = (id: string) => (errors[id] ? `${id}-error` : undefined);

  function show(list: Array<{ field: string; message: string }>) {
    const byField: Errors = {};
    for (const e of list) byField[e.field] ??= e.message;
    setErrors(byField);
    setSummary(Object.entries(byField).map(([field, message]) => ({ field, message })));
  }

  function checkFiles(): Array<{ field: string; message: string }> {
    const out: Array<{ field: string; message: string }> = [];
    if (files.length > EVIDENCE_MAX_FILES) out.push({ field: 'report-evidence', message: t('public.report.invalid.tooManyFiles', { max: EVIDENCE_MAX_FILES }) });
    const big = files.find((f) => f.size > EVIDENCE_MAX_BYTES);
    if (big) out.push({ field: 'report-evidence', message: t('public.report.invalid.fileTooLarge', { name: big.name, max: formatBytes(EVIDENCE_MAX_BYTES) }) });
    const empty = files.find((f) => f.size === 0);
    if (empty) out.push({ field: 'report-evidence', message: t('public.report.invalid.fileEmpty', { name: empty.name }) });
    const wrong = files.find((f) => f.type !== '' && !EVIDENCE_TYPES.includes(f.type));
    if (wrong) out.push({ field: 'report-evidence', message: t('public.report.invalid.fileType', { name: wrong.name }) });
    return out;
  }

  function body() {
    const trimmed = (s: string) => s.trim();
    return {
      ...(category ? { category } : {}),
      ...(subcategory ? { subcategory } : {}),
      ...(subcategory === 'KEYWORD_OTHER' && trimmed(subcategoryOther) ? { subcategory_other: trimmed(subcategoryOther) } : {}),
      locations: locations.map((l) => ({
        ...(trimmed(l.url) ? { url: trimmed(l.url) } : {}),
        ...(trimmed(l.content_id) ? { content_id: trimmed(l.content_id) } : {}),
      })),
      explanation: explanation,
      ...(trimmed(legal) ? { legal_provision: trimmed(legal) } : {}),
      ...(country ? { country } : {}),
      language: currentLocale(),
      ...(contentLanguage ? { content_language: contentLanguage } : {}),
      ...(isAnonymous ? {} : { notifier: { name: name, email: email.trim() } }),
      notifier_type: notifierType,
      good_faith: goodFaith,
    };
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const fileProblems = checkFiles();
    if (fileProblems.length > 0) {
      show(fileProblems);
      return;
    }
    setBusy(true);
    try {
      const payload = body();
      let sent: unknown = payload;
      if (files.length > 0) {
        const fd = new FormData();
        fd.append('notice', JSON.stringify(payload));
        for (const f of files) fd.append('evidence', f, f.name);
        sent = fd;
      }
      const r = await api<Receipt>('POST', `${publicBase(service)}/notices`, sent, { 'idempotency-key': idempotency.current });
      setErrors({});
      setSummary([]);
      setReceipt(r);
      idempotency.current = randomKey();
      window.scrollTo(0, 0);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) {
        show(
          error.fields.map((f) => {
            const field = fieldIdFor(f.path);
            const key = `public.report.invalid.${messageKeyFor(field)}`;
            return { field, message: t(key) };
          }),
        );
      } else if (error instanceof ApiError && (error.code === 'PAYLOAD_TOO_LARGE' || error.code === 'EVIDENCE_TYPE_NOT_ALLOWED')) {
        show([{ field: 'report-evidence', message: errorMessage(error) }]);
      } else {
        show([{ field: 'report-submit', message: errorMessage(error) }]);
      }
    } finally {
      setBusy(false);
    }
  }

  if (receipt) return <ReceiptView receipt={receipt} service={service} onAnother={() => window.location.reload()} />;

  const hintFor = (c: string) => t(`public.categories.${c}.hint`);

  return (
    <section className="form-page">
      <h1>{t('public.report.title')}</h1>
      <p>{t('public.report.intro')}</p>
      <p className="hint">{t('public.report.required')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate aria-describedby={undefined}>
        <ErrorSummary items={summary} />

        <fieldset>
          <legend>{t('public.report.whatLegend')}</legend>
          <label htmlFor="report-category">
            {t('public.report.category')} <span aria-hidden="true">*</span>
          </label>
          <select
            id="report-category"
            required
            aria-required="true"
            value={category}
            aria-invalid={err('report-category') ? true : undefined}
            aria-describedby={describedBy('report-category-hint', errId('report-category'))}
            onChange={(e) => {
              setCategory(e.target.value);
              setSubcategory('');
              setAnonymous(false);
            }}
          >
            <option value="">{t('public.report.choose')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`public.categories.${c}.label`)}
              </option>
            ))}
          </select>
          <span id="report-category-hint" className="hint" aria-live="polite">
            {category ? hintFor(category) : t('public.report.categoryHint')}
          </span>
          <FieldError id="report-category-error" message={err('report-category')} />

          {keywords.length > 0 && (
            <>
              <label htmlFor="report-subcategory">{t('public.report.subcategory')}</label>
              <select
                id="report-subcategory"
                value={subcategory}
                aria-invalid={err('report-subcategory') ? true : undefined}
                aria-describedby={describedBy('report-subcategory-hint', errId('report-subcategory'))}
                onChange={(e) => {
                  setSubcategory(e.target.value);
                  if (!ANONYMOUS_ALLOWED.includes(e.target.value)) setAnonymous(false);
                }}
              >
                <option value="">{t('public.report.optionalChoice')}</option>
                {keywords.map((k) => (
                  <option key={k} value={k}>
                    {t(`public.keywords.${k}`)}
                  </option>
                ))}
              </select>
              <span id="report-subcategory-hint" className="hint">
                {t('public.report.subcategoryHint')}
              </span>
              <FieldError id="report-subcategory-error" message={err('report-subcategory')} />
            </>
          )}
          {subcategory === 'KEYWORD_OTHER' && (
            <>
              <label htmlFor="report-subcategory-other">{t('public.report.subcategoryOther')}</label>
              <input
                id="report-subcategory-other"
                value={subcategoryOther}
                maxLength={500}
                aria-invalid={err('report-subcategory-other') ? true : undefined}
                aria-describedby={errId('report-subcategory-other')}
                onChange={(e) => setSubcategoryOther(e.target.value)}
              />
              <FieldError id="report-subcategory-other-error" message={err('report-subcategory-other')} />
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>{t('public.report.whereLegend')}</legend>
          <p id="report-loc-hint" className="hint">
            {t('public.report.whereHint')}
          </p>
          {locations.map((l, i) => {
            const urlId = `report-loc-${i}-url`;
            const cidId = `report-loc-${i}-content-id`;
            const n = i + 1;
            return (
              <div key={l.key} className="location-row">
                <label htmlFor={urlId}>{locations.length > 1 ? t('public.report.urlN', { n }) : t('public.report.url')}</label>
                <input
                  id={urlId}
                  type="url"
                  inputMode="url"
                  autoComplete="off"
                  maxLength={2048}
                  value={l.url}
                  aria-invalid={err(urlId) ? true : undefined}
                  aria-describedby={describedBy('report-loc-hint', errId(urlId))}
                  onChange={(e) => setLocations((ls) => ls.map((x) => (x.key === l.key ? { ...x, url: e.target.value } : x)))}
                />
                <FieldError id={`${urlId}-error`} message={err(urlId)} />
                <label htmlFor={cidId}>{locations.length > 1 ? t('public.report.contentIdN', { n }) : t('public.report.contentId')}</label>
                <input
                  id={cidId}
                  autoComplete="off"
                  maxLength={256}
                  value={l.content_id}
                  aria-invalid={err(cidId) ? true : undefined}
                  aria-describedby={describedBy('report-cid-hint', errId(cidId))}
                  onChange={(e) => setLocations((ls) => ls.map((x) => (x.key === l.key ? { ...x, content_id: e.target.value } : x)))}
                />
                {i === 0 && (
                  <span id="report-cid-hint" className="hint">
                    {t('public.report.contentIdHint')}
                  </span>
                )}
                <FieldError id={`${cidId}-error`} message={err(cidId)} />
                {locations.length > 1 && (
                  <button type="button" className="link" onClick={() => setLocations((ls) => ls.filter((x) => x.key !== l.key))}>
                    {t('public.report.removeLocation', { n })}
                  </button>
                )}
              </div>
            );
          })}
          {locations.length < 50 && (
            <button type="button" onClick={() => setLocations((ls) => [...ls, { key: nextKey.current++, url: '', content_id: '' }])}>
              {t('public.report.addLocation')}
            </button>
          )}
        </fieldset>

        <fieldset>
          <legend>{t('public.report.whyLegend')}</legend>
          <label htmlFor="report-explanation">
            {t('public.report.explanation')} <span aria-hidden="true">*</span>
          </label>
          <textarea
            id="report-explanation"
            rows={6}
            required
            aria-required="true"
            maxLength={10000}
            value={explanation}
            aria-invalid={err('report-explanation') ? true : undefined}
            aria-describedby={describedBy('report-explanation-hint', errId('report-explanation'))}
            onChange={(e) => setExplanation(e.target.value)}
          />
          <span id="report-explanation-hint" className="hint">
            {t('public.report.explanationHint')}
          </span>
          <FieldError id="report-explanation-error" message={err('report-explanation')} />

          <label htmlFor="report-legal">{t('public.report.legal')}</label>
          <input
            id="report-legal"
            maxLength={500}
            value={legal}
            aria-invalid={err('report-legal') ? true : undefined}
            aria-describedby={describedBy('report-legal-hint', errId('report-legal'))}
            onChange={(e) => setLegal(e.target.value)}
          />
          <span id="report-legal-hint" className="hint">
            {t('public.report.legalHint')}
          </span>
          <FieldError id="report-legal-error" message={err('report-legal')} />

          <label htmlFor="report-country">{t('public.report.country')}</label>
          <select
            id="report-country"
            value={country}
            aria-invalid={err('report-country') ? true : undefined}
            aria-describedby={describedBy('report-country-hint', errId('report-country'))}
            onChange={(e) => setCountry(e.target.value)}
          >
            <option value="">{t('public.report.optionalChoice')}</option>
            {countryNames.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
          <span id="report-country-hint" className="hint">
            {t('public.report.countryHint')}
          </span>
          <FieldError id="report-country-error" message={err('report-country')} />

          <label htmlFor="report-content-language">{t('public.report.contentLanguage')}</label>
          <select
            id="report-content-language"
            value={contentLanguage}
            aria-invalid={err('report-content-language') ? true : undefined}
            aria-describedby={errId('report-content-language')}
            onChange={(e) => setContentLanguage(e.target.value)}
          >
            <option value="">{t('public.report.optionalChoice')}</option>
            {languageNames.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
          <FieldError id="report-content-language-error" message={err('report-content-language')} />
        </fieldset>

        <fieldset>
          <legend>{t('public.report.evidenceLegend')}</legend>
          <label htmlFor="report-evidence">{t('public.report.evidence')}</label>
          <input
            id="report-evidence"
            type="file"
            multiple
            accept={EVIDENCE_ACCEPT}
            aria-invalid={err('report-evidence') ? true : undefined}
            aria-describedby={describedBy('report-evidence-hint', errId('report-evidence'))}
            onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
          />
          <span id="report-evidence-hint" className="hint">
            {t('public.report.evidenceHint', { max: EVIDENCE_MAX_FILES, size: formatBytes(EVIDENCE_MAX_BYTES) })}
          </span>
          <FieldError id="report-evidence-error" message={err('report-evidence')} />
          {files.length > 0 && (
            <ul className="file-list" aria-label={t('public.report.filesChosen')}>
              {files.map((f, i) => (
                <li key={`${f.name}-${i}`}>
                  <span className="mono">{f.name}</span> ({formatBytes(f.size)})
                </li>
              ))}
            </ul>
          )}
        </fieldset>

        <fieldset>
          <legend>{t('public.report.whoLegend')}</legend>
          {anonymousAllowed && (
            <div className="check">
              <input id="report-anonymous" type="checkbox" checked={anonymous} aria-describedby="report-anonymous-hint" onChange={(e) => setAnonymous(e.target.checked)} />
              <label htmlFor="report-anonymous">{t('public.report.anonymous')}</label>
              <span id="report-anonymous-hint" className="hint">
                {t('public.report.anonymousHint')}
              </span>
            </div>
          )}
          {!isAnonymous && (
            <>
              <fieldset>
                <legend>{t('public.report.notifierType')}</legend>
                <div className="check">
                  <input
                    id="report-type-individual"
                    type="radio"
                    name="notifier_type"
                    value="individual"
                    checked={notifierType === 'individual'}
                    onChange={() => setNotifierType('individual')}
                  />
                  <label htmlFor="report-type-individual">{t('public.report.individual')}</label>
                </div>
                <div className="check">
                  <input
                    id="report-type-organisation"
                    type="radio"
                    name="notifier_type"
                    value="organisation"
                    checked={notifierType === 'organisation'}
                    onChange={() => setNotifierType('organisation')}
                  />
                  <label htmlFor="report-type-organisation">{t('public.report.organisation')}</label>
                </div>
              </fieldset>
              <label htmlFor="report-name">
                {t('public.report.name')} <span aria-hidden="true">*</span>
              </label>
              <input
                id="report-name"
                autoComplete="name"
                required
                aria-required="true"
                maxLength={200}
                value={name}
                aria-invalid={err('report-name') ? true : undefined}
                aria-describedby={errId('report-name')}
                onChange={(e) => setName(e.target.value)}
              />
              <FieldError id="report-name-error" message={err('report-name')} />
              <label htmlFor="report-email">
                {t('public.report.email')} <span aria-hidden="true">*</span>
              </label>
              <input
                id="report-email"
                type="email"
                autoComplete="email"
                required
                aria-required="true"
                maxLength={254}
                value={email}
                aria-invalid={err('report-email') ? true : undefined}
                aria-describedby={describedBy('report-email-hint', errId('report-email'))}
                onChange={(e) => setEmail(e.target.value)}
              />
              <span id="report-email-hint" className="hint">
                {t('public.report.emailHint')}
              </span>
              <FieldError id="report-email-error" message={err('report-email')} />
            </>
          )}
        </fieldset>

        <div className="check">
          <input
            id="report-good-faith"
            type="checkbox"
            required
            aria-required="true"
            checked={goodFaith}
            aria-invalid={err('report-good-faith') ? true : undefined}
            aria-describedby={errId('report-good-faith')}
            onChange={(e) => setGoodFaith(e.target.checked)}
          />
          <label htmlFor="report-good-faith">{t('public.report.goodFaith')}</label>
          <FieldError id="report-good-faith-error" message={err('report-good-faith')} />
        </div>

        <button id="report-submit" type="submit" disabled={busy} aria-describedby={errId('report-submit')}>
          {busy ? t('public.common.sending') : t('public.report.submit')}
        </button>
        <FieldError id="report-submit-error" message={err('report-submit')} />
      </form>
    </section>
  );
}

function ReceiptView({ receipt, service, onAnother }: { receipt: Receipt; service: string; onAnother: () => void }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copied, setCopied] = useState(false);
  const trackHref = `${service === DEFAULT_SERVICE ? '/track' : `/track/${encodeURIComponent(service)}`}?ref=${encodeURIComponent(receipt.reference)}`;
  return (
    <section className="form-page">
      <h1 ref={(el) => {
        heading.current = el;
        el?.focus();
      }} tabIndex={-1}>
        {t('public.receipt.title')}
      </h1>
      <p role="status">{t('public.receipt.intro', { date: fmt.dateTime(receipt.received_at) })}</p>
      <dl className="facts">
        <dt>{t('public.receipt.reference')}</dt>
        <dd className="mono" data-testid="receipt-reference">
          {receipt.reference}
        </dd>
        <dt>{t('public.receipt.token')}</dt>
        <dd className="mono token" data-testid="receipt-token">
          {receipt.tracking_token}
        </dd>
        {receipt.evidence.length > 0 && (
          <>
            <dt>{t('public.receipt.evidence')}</dt>
            <dd>{t('public.receipt.evidenceCount', { count: receipt.evidence.length })}</dd>
          </>
        )}
      </dl>
      <p className="panel warn-panel">
        <strong>{t('public.receipt.keepIt')}</strong>
      </p>
      {typeof navigator.clipboard?.writeText === 'function' && (
        <p>
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard.writeText(`${receipt.reference} ${receipt.tracking_token}`).then(
                () => setCopied(true),
                () => setCopied(false),
              )
            }
          >
            {t('public.receipt.copy')}
          </button>{' '}
          <span role="status">{copied ? t('public.receipt.copied') : ''}</span>
        </p>
      )}
      <p>
        <Link href={trackHref}>{t('public.receipt.trackLink')}</Link>
      </p>
      <p>
        <button type="button" className="link" onClick={onAnother}>
          {t('public.receipt.another')}
        </button>
      </p>
    </section>
  );
}
