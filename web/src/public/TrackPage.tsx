/**
 * Following a notice: reference + tracking token (sent in the X-Tracking-Token header, never in the URL)
 * → status and, per reported item, the decision in force; the notifier may contest a decision not to act.
 */
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearch } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { AppealForm } from './AppealForm.tsx';
import { DEFAULT_SERVICE, ErrorSummary, FieldError, Item, describedBy, publicBase, useEnumLabel, useErrorMessage, type SummaryItem } from './common.tsx';

interface ItemOutcome {
  url?: string;
  content_id?: string;
  status: string;
  decision: string | null;
  decided_at: string | null;
  restrictions: string[];
  ground: string | null;
  appeal: { open_until: string; can_appeal: boolean; status: string; outcome: string | null } | null;
}
interface Tracking {
  reference: string;
  status: string;
  category: string;
  received_at: string;
  updated_at: string;
  outcome: ItemOutcome[] | null;
}

const REFERENCE = /^N-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

export function TrackPage() {
  const { t } = useTranslation();
  const params = useParams<{ service?: string }>();
  const service = params.service ?? DEFAULT_SERVICE;
  const search = useSearch();
  const errorMessage = useErrorMessage();
  const [reference, setReference] = useState(() => new URLSearchParams(search).get('ref') ?? '');
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [summary, setSummary] = useState<SummaryItem[]>([]);
  const [busy, setBusy] = useState(false);
  const [data, setData] = useState<Tracking | null>(null);
  const [used, setUsed] = useState<{ reference: string; token: string } | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  function show(list: SummaryItem[]) {
    const by: Record<string, string> = {};
    for (const e of list) by[e.field] ??= e.message;
    setErrors(by);
    setSummary(list);
  }

  async function load(ref: string, tok: string) {
    const r = await api<Tracking>('GET', `${publicBase(service)}/notices/${encodeURIComponent(ref)}`, undefined, { 'x-tracking-token': tok });
    setData(r);
    setUsed({ reference: ref, token: tok });
    return r;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const ref = reference.trim().toUpperCase();
    const tok = token.trim();
    const problems: SummaryItem[] = [];
    if (!REFERENCE.test(ref)) problems.push({ field: 'track-reference', message: t('public.track.invalid.reference') });
    if (tok.length < 10) problems.push({ field: 'track-token', message: t('public.track.invalid.token') });
    if (problems.length > 0) {
      setData(null);
      show(problems);
      return;
    }
    setBusy(true);
    try {
      await load(ref, tok);
      show([]);
      setTimeout(() => resultHeading.current?.focus(), 0);
    } catch (err) {
      setData(null);
      show([{ field: 'track-reference', message: err instanceof ApiError && err.status === 404 ? t('public.track.notFound') : errorMessage(err) }]);
    } finally {
      setBusy(false);
    }
  }

  const errId = (id: string) => (errors[id] ? `${id}-error` : undefined);

  return (
    <section className="form-page">
      <h1>{t('public.track.title')}</h1>
      <p>{t('public.track.intro')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorSummary items={summary} />
        <label htmlFor="track-reference">{t('public.track.reference')}</label>
        <input
          id="track-reference"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          value={reference}
          aria-invalid={errors['track-reference'] ? true : undefined}
          aria-describedby={describedBy('track-reference-hint', errId('track-reference'))}
          onChange={(e) => setReference(e.target.value)}
        />
        <span id="track-reference-hint" className="hint">
          {t('public.track.referenceHint')}
        </span>
        <FieldError id="track-reference-error" message={errors['track-reference']} />
        <label htmlFor="track-token">{t('public.track.token')}</label>
        <input
          id="track-token"
          className="mono"
          autoComplete="off"
          spellCheck={false}
          value={token}
          aria-invalid={errors['track-token'] ? true : undefined}
          aria-describedby={describedBy('track-token-hint', errId('track-token'))}
          onChange={(e) => setToken(e.target.value)}
        />
        <span id="track-token-hint" className="hint">
          {t('public.track.tokenHint')}
        </span>
        <FieldError id="track-token-error" message={errors['track-token']} />
        <button type="submit" disabled={busy}>
          {busy ? t('public.common.sending') : t('public.track.submit')}
        </button>
      </form>
      {data && used && (
        <TrackResult data={data} headingRef={resultHeading} service={service} token={used.token} onChanged={() => void load(used.reference, used.token).catch(() => undefined)} />
      )}
    </section>
  );
}

function TrackResult({
  data,
  headingRef,
  service,
  token,
  onChanged,
}: {
  data: Tracking;
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  service: string;
  token: string;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const appealable = (data.outcome ?? []).some((o) => o.appeal?.can_appeal);
  return (
    <div className="panel result">
      <h2 ref={headingRef} tabIndex={-1}>
        {t('public.track.resultTitle', { reference: data.reference })}
      </h2>
      <dl className="facts">
        <Item label={t('public.track.status')}>
          <span className="badge">{label('noticeStatus', data.status)}</span>
        </Item>
        <Item label={t('public.track.category')}>{label('category', data.category)}</Item>
        <Item label={t('public.track.received')}>{fmt.dateTime(data.received_at)}</Item>
        <Item label={t('public.track.updated')}>{fmt.dateTime(data.updated_at)}</Item>
      </dl>
      {data.outcome === null ? (
        <p>{t('public.track.noOutcome')}</p>
      ) : (
        <>
          <h3>{t('public.track.itemsTitle')}</h3>
          <ol className="items">
            {data.outcome.map((o, i) => (
              <li key={i}>
                <dl className="facts">
                  {o.url !== undefined && (
                    <Item label={t('public.track.url')}>
                      <span className="mono">{o.url}</span>
                    </Item>
                  )}
                  {o.content_id !== undefined && (
                    <Item label={t('public.track.contentId')}>
                      <span className="mono">{o.content_id}</span>
                    </Item>
                  )}
                  <Item label={t('public.track.itemStatus')}>{label('itemStatus', o.status)}</Item>
                  {o.decision !== null && <Item label={t('public.track.decision')}>{label('decision', o.decision)}</Item>}
                  {o.decided_at !== null && <Item label={t('public.track.decidedAt')}>{fmt.dateTime(o.decided_at)}</Item>}
                  {o.restrictions.length > 0 && (
                    <Item label={t('public.track.restrictions')}>
                      <ul className="plain">
                        {o.restrictions.map((r) => (
                          <li key={r}>{label('restriction', r)}</li>
                        ))}
                      </ul>
                    </Item>
                  )}
                  {o.ground !== null && <Item label={t('public.track.ground')}>{label('ground', o.ground)}</Item>}
                  {o.appeal !== null && (
                    <>
                      <Item label={t('public.track.appealStatus')}>
                        {label('appealStatus', o.appeal.status)}
                        {o.appeal.outcome ? ` — ${label('appealOutcome', o.appeal.outcome)}` : ''}
                      </Item>
                      <Item label={t('public.track.appealUntil')}>{fmt.date(o.appeal.open_until)}</Item>
                    </>
                  )}
                </dl>
              </li>
            ))}
          </ol>
        </>
      )}
      {appealable && <NotifierAppeal service={service} reference={data.reference} token={token} onDone={onChanged} />}
    </div>
  );
}

function NotifierAppeal({ service, reference, token, onDone }: { service: string; reference: string; token: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <AppealForm
      idPrefix="track-appeal"
      rows={5}
      title={t('public.track.appealTitle')}
      intro={t('public.track.appealIntro')}
      send={async (explanation) => {
        await api('POST', `${publicBase(service)}/notices/${encodeURIComponent(reference)}/appeals`, { token, explanation });
        onDone();
      }}
      confirmation={<p className="ok">{t('public.appeal.confirmation')}</p>}
    />
  );
}
