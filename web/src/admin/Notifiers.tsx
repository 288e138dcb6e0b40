/**
 * Notifiers of a service (docs/notifiers.md): the list (trusted / suspended / kind, keyset pages), one notifier's
 * statistics and the decisions about it, trusted-flagger status with its expertise and designation (DSA Art. 22),
 * warnings, suspensions and lifts (Art. 23(2)), organisations and their API keys, and the suspension threshold.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../app/api.ts';
import { currentLocale, fmt } from '../i18n/index.ts';
import { useEnumLabel } from '../public/common.tsx';
import { CATEGORIES, EU_EEA_COUNTRIES } from '../public/taxonomy.ts';
import { ErrorNote, Field, useResource, useSubmit } from './common.tsx';

interface Notifier {
  id: string;
  kind: 'api_key' | 'email';
  display_name: string | null;
  trusted_flagger: boolean;
  expertise: string[];
  trust_configured: boolean;
  trusted_by_key_role: boolean;
  designation: { coordinator: string; member_state: string; designated_at: string; reference: string | null } | null;
  status: 'active' | 'warned' | 'suspended';
  suspended_until: string | null;
  api_key_ids: string[];
  notices_total: number;
  created_at: string;
  identity?: { hidden: true } | { name: string | null; email: string | null };
}
interface NotifierDetail extends Notifier {
  statistics: {
    period: { from: string; to: string };
    notices: number;
    decided: number;
    with_action: number;
    precision: number | null;
    manifestly_unfounded: number;
    median_hours_to_decision: number | null;
  };
  accountability: { window_days: number; unfounded_threshold: number; notices_in_window: number; unfounded_in_window: number };
}
interface Action {
  id: string;
  kind: 'warning' | 'suspension' | 'lifted' | 'trusted_granted' | 'trusted_revoked';
  reason: string;
  starts_at: string | null;
  ends_at: string | null;
  lifts_action_id: string | null;
  unfounded_count: number | null;
  notices_count: number | null;
  window_days: number | null;
  details: { expertise?: string[] };
  created_at: string;
  notified_by_email?: boolean;
}
interface Key {
  id: string;
  name: string;
  role: string;
  prefix: string;
  revoked_at: string | null;
}
interface Policy {
  unfounded_threshold: number;
  window_days: number;
}
interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const PAGE = 25;
/** A calendar day (YYYY-MM-DD, UTC) in the current locale, without shifting it to the browser's time zone. */
const day = (d: string) => new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
/** Keys that may send notices, hence be bound to a notifier (the server checks it too). */
const notifyingKeys = (keys: Key[] | undefined) => (keys ?? []).filter((k) => k.revoked_at === null && (k.role === 'platform' || k.role === 'trusted_flagger'));

/** "Association X", or "Person (email protected)" for someone who used the public form. */
function useNotifierName() {
  const { t } = useTranslation();
  return (n: Notifier) => n.display_name ?? (n.kind === 'email' ? t('admin.notifiers.person') : t('admin.notifiers.unnamed'));
}

function StatusText({ n }: { n: Notifier }) {
  const { t } = useTranslation();
  if (n.status === 'suspended') return <span className="badge warn">{t('admin.notifiers.status.suspended', { date: fmt.dateTime(n.suspended_until) })}</span>;
  if (n.status === 'warned') return <span className="badge warn">{t('admin.notifiers.status.warned')}</span>;
  return <>{t('admin.notifiers.status.active')}</>;
}

function TrustText({ n }: { n: Notifier }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  if (n.trusted_flagger) {
    return (
      <>
        <span className="badge">{t('admin.notifiers.trustedBadge')}</span>
        <span className="hint">{n.expertise.map((c) => label('category', c)).join(' · ')}</span>
      </>
    );
  }
  if (n.trusted_by_key_role) return <span className="hint">{t('admin.notifiers.trustedByKeyRole')}</span>;
  return <>—</>;
}

/** Every decision about a notifier, oldest first (all pages: there are few). */
function useActions(url: string, tick: number) {
  const [items, setItems] = useState<Action[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const all: Action[] = [];
        let cursor: string | null = null;
        for (let i = 0; i < 20; i++) {
          const p: Page<Action> = await api<Page<Action>>('GET', `${url}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          all.push(...p.items);
          cursor = p.next_cursor;
          if (!cursor) break;
        }
        if (live) {
          setItems(all);
          setError(null);
        }
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'network'));
      }
    })();
    return () => {
      live = false;
    };
  }, [url, tick]);
  return { items, error };
}

const described = (...ids: Array<string | false | undefined>) => ids.filter(Boolean).join(' ') || undefined;

function History({ actions }: { actions: Action[] }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  if (actions.length === 0) return <p>{t('admin.notifiers.history.none')}</p>;
  const liftOf = new Map(actions.filter((a) => a.lifts_action_id).map((a) => [a.lifts_action_id as string, a]));
  return (
    <table>
      <caption className="visually-hidden">{t('admin.notifiers.history.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.notifiers.history.date')}</th>
          <th scope="col">{t('admin.notifiers.history.kind')}</th>
          <th scope="col">{t('admin.notifiers.history.reason')}</th>
          <th scope="col">{t('admin.notifiers.history.details')}</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((a) => {
          const lift = liftOf.get(a.id);
          return (
            <tr key={a.id}>
              <td>{fmt.dateTime(a.created_at)}</td>
              <td>{t(`admin.notifiers.history.kinds.${a.kind}`, { defaultValue: a.kind })}</td>
              <td className="pre-wrap">{a.reason}</td>
              <td>
                {a.kind === 'suspension' && <span className="hint">{t('admin.notifiers.history.period', { from: fmt.dateTime(a.starts_at), to: fmt.dateTime(a.ends_at) })}</span>}
                {lift && <span className="hint">{t('admin.notifiers.history.liftedOn', { date: fmt.dateTime(lift.created_at) })}</span>}
                {a.unfounded_count !== null && a.window_days !== null && (
                  <span className="hint">
                    {t('admin.notifiers.history.weighed', { unfounded: fmt.number(a.unfounded_count), notices: fmt.number(a.notices_count ?? 0), days: fmt.number(a.window_days) })}
                  </span>
                )}
                {a.kind === 'trusted_granted' && a.details.expertise && (
                  <span className="hint">{t('admin.notifiers.history.expertise', { list: a.details.expertise.map((c) => label('category', c)).join(', ') })}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Trusted-flagger status, expertise (TDB categories) and designation: one PATCH with its reason. */
function TrustForm({ base, n, onSaved }: { base: string; n: Notifier; onSaved: () => void }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const form = useSubmit();
  const [trusted, setTrusted] = useState(n.trusted_flagger);
  const [expertise, setExpertise] = useState<string[]>(n.expertise);
  const [coordinator, setCoordinator] = useState(n.designation?.coordinator ?? '');
  const [state, setState] = useState(n.designation?.member_state ?? '');
  const [date, setDate] = useState(n.designation?.designated_at ?? '');
  const [reference, setReference] = useState(n.designation?.reference ?? '');
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState(false);
  const regions = new Intl.DisplayNames([currentLocale()], { type: 'region' });
  const id = (s: string) => `nf-trust-${s}`;
  const err = (f: string) => form.error?.field(f);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const sameExpertise = [...expertise].sort().join() === [...n.expertise].sort().join();
    const trustChanged = trusted !== n.trusted_flagger || (trusted && !sameExpertise);
    const hasDesignation = coordinator.trim() !== '' || state !== '' || date !== '' || reference.trim() !== '';
    const designation = hasDesignation
      ? { coordinator: coordinator.trim(), member_state: state, designated_at: date, ...(reference.trim() ? { reference: reference.trim() } : {}) }
      : n.designation
        ? null
        : undefined;
    const body = {
      ...(trustChanged ? { trusted_flagger: trusted, expertise: trusted ? expertise : [] } : {}),
      ...(designation !== undefined ? { designation } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    const r = await form.run(() => api<Notifier>('PATCH', base, body));
    if (r) {
      setSaved(true);
      setReason('');
      onSaved();
    }
  }

  const toggle = (c: string, on: boolean) => setExpertise(on ? [...expertise, c] : expertise.filter((x) => x !== c));
  // Field errors of the designation come back as body.designation.<field>.
  const dErr = (f: string) => err(`designation.${f}`);
  return (
    <form onSubmit={(e) => void save(e)} noValidate className="panel" aria-labelledby={id('title')}>
      <h4 id={id('title')}>{t('admin.notifiers.trust.title')}</h4>
      <ErrorNote error={form.error} />
      <div className="check">
        <input id={id('trusted')} type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} aria-describedby={described(err('trusted_flagger') && id('trusted-error'))} />
        <label htmlFor={id('trusted')}>{t('admin.notifiers.trust.trusted')}</label>
        {err('trusted_flagger') && (
          <span className="field-error" id={id('trusted-error')}>
            {err('trusted_flagger')}
          </span>
        )}
      </div>
      {trusted && (
        <fieldset aria-describedby={described(id('expertise-hint'), err('expertise') && id('expertise-error'))}>
          <legend>{t('admin.notifiers.trust.expertise')}</legend>
          <span className="hint" id={id('expertise-hint')}>
            {t('admin.notifiers.trust.expertiseHint')}
          </span>
          {CATEGORIES.map((c) => (
            <div className="check" key={c}>
              <input id={id(`cat-${c}`)} type="checkbox" checked={expertise.includes(c)} onChange={(e) => toggle(c, e.target.checked)} />
              <label htmlFor={id(`cat-${c}`)}>{label('category', c)}</label>
            </div>
          ))}
          {err('expertise') && (
            <span className="field-error" id={id('expertise-error')}>
              {err('expertise')}
            </span>
          )}
        </fieldset>
      )}
      <fieldset>
        <legend>{t('admin.notifiers.trust.designation')}</legend>
        <Field id={id('coordinator')} label={t('admin.notifiers.trust.coordinator')} error={dErr('coordinator')}>
          <input id={id('coordinator')} value={coordinator} onChange={(e) => setCoordinator(e.target.value)} aria-invalid={dErr('coordinator') ? true : undefined} aria-describedby={described(dErr('coordinator') && id('coordinator-error'))} />
        </Field>
        <Field id={id('state')} label={t('admin.notifiers.trust.memberState')} error={dErr('member_state')}>
          <select id={id('state')} value={state} onChange={(e) => setState(e.target.value)} aria-invalid={dErr('member_state') ? true : undefined} aria-describedby={described(dErr('member_state') && id('state-error'))}>
            <option value="">{t('admin.notifiers.trust.choose')}</option>
            {EU_EEA_COUNTRIES.map((c) => (
              <option key={c} value={c}>
                {regions.of(c) ?? c}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id('date')} label={t('admin.notifiers.trust.designatedAt')} error={dErr('designated_at')}>
          <input id={id('date')} type="date" value={date} onChange={(e) => setDate(e.target.value)} aria-invalid={dErr('designated_at') ? true : undefined} aria-describedby={described(dErr('designated_at') && id('date-error'))} />
        </Field>
        <Field id={id('reference')} label={t('admin.notifiers.trust.reference')} error={dErr('reference')}>
          <input id={id('reference')} value={reference} onChange={(e) => setReference(e.target.value)} />
        </Field>
      </fieldset>
      <Field id={id('reason')} label={t('admin.notifiers.trust.reason')} hint={t('admin.notifiers.trust.reasonHint')} error={err('reason')}>
        <textarea id={id('reason')} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={err('reason') ? true : undefined} aria-describedby={described(id('reason-hint'), err('reason') && id('reason-error'))} />
      </Field>
      <button type="submit" disabled={form.busy}>
        {t('admin.notifiers.trust.save')}
      </button>
      <p role="status" className="ok">
        {saved ? t('admin.notifiers.trust.saved') : ''}
      </p>
    </form>
  );
}

function BindKey({ base, n, keys, onBound }: { base: string; n: Notifier; keys: Key[]; onBound: () => void }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const available = keys.filter((k) => !n.api_key_ids.includes(k.id));
  const [key, setKey] = useState('');
  const [done, setDone] = useState(false);
  async function bind(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await form.run(() => api<Notifier>('POST', `${base}/keys`, { api_key_id: key }));
    if (r) {
      setDone(true);
      setKey('');
      onBound();
    }
  }
  return (
    <form onSubmit={(e) => void bind(e)} noValidate className="panel" aria-labelledby="nf-bind-title">
      <h4 id="nf-bind-title">{t('admin.notifiers.bind.title')}</h4>
      <ErrorNote error={form.error} />
      {available.length === 0 ? (
        <p>{t('admin.notifiers.bind.noneAvailable')}</p>
      ) : (
        <>
          <Field id="nf-bind-key" label={t('admin.notifiers.bind.key')} hint={t('admin.notifiers.bind.hint')} error={form.error?.field('api_key_id')}>
            <select id="nf-bind-key" required value={key} onChange={(e) => setKey(e.target.value)} aria-describedby="nf-bind-key-hint">
              <option value="">{t('admin.notifiers.trust.choose')}</option>
              {available.map((k) => (
                <option key={k.id} value={k.id}>
                  {k.name} ({k.prefix}…)
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" disabled={form.busy || key === ''}>
            {t('admin.notifiers.bind.button')}
          </button>
        </>
      )}
      <p role="status" className="ok">
        {done ? t('admin.notifiers.bind.done') : ''}
      </p>
    </form>
  );
}

/** Warn, suspend (after a warning) or lift, each with its reason; says whether the notifier is told by email. */
function Accountability({ base, n, actions, onDone }: { base: string; n: NotifierDetail; actions: Action[]; onDone: () => void }) {
  const { t } = useTranslation();
  const warn = useSubmit();
  const suspend = useSubmit();
  const lift = useSubmit();
  const [warnReason, setWarnReason] = useState('');
  const [suspendReason, setSuspendReason] = useState('');
  const [days, setDays] = useState('30');
  const [liftReason, setLiftReason] = useState('');
  const [done, setDone] = useState<{ text: string; told: boolean | undefined } | null>(null);
  const lifted = new Set(actions.map((a) => a.lifts_action_id).filter(Boolean));
  const current = n.status === 'suspended' ? actions.filter((a) => a.kind === 'suspension' && !lifted.has(a.id)).at(-1) : undefined;

  async function doWarn(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const r = await warn.run(() => api<Action>('POST', `${base}/warnings`, { reason: warnReason }));
    if (r) {
      setWarnReason('');
      setDone({ text: t('admin.notifiers.warn.done'), told: r.notified_by_email });
      onDone();
    }
  }
  async function doSuspend(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    // Sent as typed (a number when it reads as one): the server says what is wrong with it, next to the field.
    const r = await suspend.run(() => api<Action>('POST', `${base}/suspensions`, { reason: suspendReason, days: days.trim() === '' ? null : Number(days) }));
    if (r) {
      setSuspendReason('');
      setDone({ text: t('admin.notifiers.suspend.done', { date: fmt.dateTime(r.ends_at) }), told: r.notified_by_email });
      onDone();
    }
  }
  async function doLift(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    if (!current) return;
    const r = await lift.run(() => api<Action>('POST', `${base}/suspensions/${current.id}/lift`, { reason: liftReason }));
    if (r) {
      setLiftReason('');
      setDone({ text: t('admin.notifiers.lift.done'), told: undefined });
      onDone();
    }
  }

  const wErr = warn.error?.field('reason');
  const sErr = (f: string) => suspend.error?.field(f);
  const lErr = lift.error?.field('reason');
  return (
    <>
      <div role="status">
        {done && (
          <div className="panel ok-panel">
            <p className="ok">{done.text}</p>
            {done.told !== undefined && <p>{done.told ? t('admin.notifiers.told.email') : t('admin.notifiers.told.recordedOnly')}</p>}
          </div>
        )}
      </div>
      {n.status === 'suspended' ? (
        <form onSubmit={(e) => void doLift(e)} noValidate className="panel" aria-labelledby="nf-lift-title">
          <h4 id="nf-lift-title">{t('admin.notifiers.lift.title')}</h4>
          <ErrorNote error={lift.error} />
          {!current && <p className="warn">{t('admin.notifiers.lift.unknown')}</p>}
          <Field id="nf-lift-reason" label={t('admin.notifiers.lift.reason')} error={lErr}>
            <textarea id="nf-lift-reason" rows={2} required value={liftReason} onChange={(e) => setLiftReason(e.target.value)} aria-invalid={lErr ? true : undefined} aria-describedby={described(lErr && 'nf-lift-reason-error')} />
          </Field>
          <button type="submit" disabled={lift.busy || !current}>
            {t('admin.notifiers.lift.button')}
          </button>
        </form>
      ) : (
        <>
          <form onSubmit={(e) => void doWarn(e)} noValidate className="panel" aria-labelledby="nf-warn-title">
            <h4 id="nf-warn-title">{t('admin.notifiers.warn.title')}</h4>
            <ErrorNote error={warn.error} />
            <Field id="nf-warn-reason" label={t('admin.notifiers.warn.reason')} error={wErr}>
              <textarea id="nf-warn-reason" rows={2} required value={warnReason} onChange={(e) => setWarnReason(e.target.value)} aria-invalid={wErr ? true : undefined} aria-describedby={described(wErr && 'nf-warn-reason-error')} />
            </Field>
            <button type="submit" disabled={warn.busy}>
              {t('admin.notifiers.warn.button')}
            </button>
          </form>
          <form onSubmit={(e) => void doSuspend(e)} noValidate className="panel" aria-labelledby="nf-suspend-title">
            <h4 id="nf-suspend-title">{t('admin.notifiers.suspend.title')}</h4>
            <p className="hint" id="nf-suspend-intro">
              {t('admin.notifiers.suspend.intro', { threshold: fmt.number(n.accountability.unfounded_threshold), days: fmt.number(n.accountability.window_days) })}
            </p>
            <ErrorNote error={suspend.error} />
            <Field id="nf-suspend-reason" label={t('admin.notifiers.suspend.reason')} error={sErr('reason')}>
              <textarea
                id="nf-suspend-reason"
                rows={2}
                required
                value={suspendReason}
                onChange={(e) => setSuspendReason(e.target.value)}
                aria-invalid={sErr('reason') ? true : undefined}
                aria-describedby={described('nf-suspend-intro', sErr('reason') && 'nf-suspend-reason-error')}
              />
            </Field>
            <Field id="nf-suspend-days" label={t('admin.notifiers.suspend.days')} error={sErr('days')}>
              <input
                id="nf-suspend-days"
                type="number"
                inputMode="numeric"
                min={1}
                max={365}
                required
                value={days}
                onChange={(e) => setDays(e.target.value)}
                aria-invalid={sErr('days') ? true : undefined}
                aria-describedby={described(sErr('days') && 'nf-suspend-days-error')}
              />
            </Field>
            <button type="submit" disabled={suspend.busy}>
              {t('admin.notifiers.suspend.button')}
            </button>
          </form>
        </>
      )}
    </>
  );
}

function Detail({ service, id, keys, onChanged, onClose }: { service: string; id: string; keys: Key[]; onChanged: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const name = useNotifierName();
  const base = `/v1/services/${encodeURIComponent(service)}/notifiers/${encodeURIComponent(id)}`;
  const detail = useResource<NotifierDetail>(base);
  const [tick, setTick] = useState(0);
  const actions = useActions(`${base}/actions`, tick);
  const heading = useRef<HTMLHeadingElement>(null);
  const { reload } = detail;
  const regions = new Intl.DisplayNames([currentLocale()], { type: 'region' });
  useEffect(() => heading.current?.focus(), [id]);
  const changed = useCallback(() => {
    reload();
    setTick((x) => x + 1);
    onChanged();
  }, [reload, onChanged]);

  const n = detail.data;
  const percent = new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 1 });
  // Under an hour in minutes, else in hours (Intl words the unit in the current language).
  const duration = (h: number) =>
    h < 1
      ? new Intl.NumberFormat(currentLocale(), { style: 'unit', unit: 'minute', unitDisplay: 'long', maximumFractionDigits: 0 }).format(h * 60)
      : new Intl.NumberFormat(currentLocale(), { style: 'unit', unit: 'hour', unitDisplay: 'long', maximumFractionDigits: 1 }).format(h);
  const keyName = (k: string) => {
    const found = keys.find((x) => x.id === k);
    return found ? `${found.name} (${found.prefix}…)` : k;
  };
  return (
    <section aria-labelledby="nf-detail-title" className="panel">
      <h3 id="nf-detail-title" ref={heading} tabIndex={-1}>
        {n ? name(n) : '…'}
      </h3>
      <button type="button" onClick={onClose}>
        {t('admin.notifiers.close')}
      </button>
      <ErrorNote error={detail.error ?? actions.error} />
      {n && (
        <>
          <dl className="facts">
            <dt>{t('admin.notifiers.detail.kind')}</dt>
            <dd>{t(`admin.notifiers.kinds.${n.kind}`)}</dd>
            <dt>{t('admin.notifiers.columns.trusted')}</dt>
            <dd>
              <TrustText n={n} />
            </dd>
            <dt>{t('admin.notifiers.detail.status')}</dt>
            <dd>
              <StatusText n={n} />
            </dd>
            <dt>{t('admin.notifiers.detail.created')}</dt>
            <dd>{fmt.date(n.created_at)}</dd>
            <dt>{t('admin.notifiers.detail.noticesTotal')}</dt>
            <dd>{fmt.number(n.notices_total)}</dd>
            {n.kind === 'api_key' ? (
              <>
                <dt>{t('admin.notifiers.detail.keys')}</dt>
                <dd>{n.api_key_ids.length === 0 ? t('admin.notifiers.detail.noKeys') : n.api_key_ids.map(keyName).join(', ')}</dd>
                <dt>{t('admin.notifiers.detail.designation')}</dt>
                <dd>
                  {n.designation
                    ? t('admin.notifiers.detail.designationText', {
                        coordinator: n.designation.coordinator,
                        state: regions.of(n.designation.member_state) ?? n.designation.member_state,
                        date: day(n.designation.designated_at),
                      }) + (n.designation.reference ? ` — ${t('admin.notifiers.detail.reference', { reference: n.designation.reference })}` : '')
                    : t('admin.notifiers.detail.noDesignation')}
                </dd>
              </>
            ) : (
              <>
                <dt>{t('admin.notifiers.detail.identity')}</dt>
                <dd>
                  {!n.identity || 'hidden' in n.identity
                    ? t('admin.notifiers.detail.identityHidden')
                    : [n.identity.name, n.identity.email].filter(Boolean).join(' — ') || '—'}
                </dd>
              </>
            )}
          </dl>

          <h4>{t('admin.notifiers.stats.title', { from: day(n.statistics.period.from), to: day(n.statistics.period.to) })}</h4>
          <dl className="totals">
            <div>
              <dt>{t('admin.notifiers.stats.notices')}</dt>
              <dd>{fmt.number(n.statistics.notices)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.decided')}</dt>
              <dd>{fmt.number(n.statistics.decided)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.withAction')}</dt>
              <dd>{fmt.number(n.statistics.with_action)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.precision')}</dt>
              <dd>{n.statistics.precision === null ? '—' : percent.format(n.statistics.precision)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.unfounded')}</dt>
              <dd>{fmt.number(n.statistics.manifestly_unfounded)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.median')}</dt>
              <dd>{n.statistics.median_hours_to_decision === null ? '—' : duration(n.statistics.median_hours_to_decision)}</dd>
            </div>
          </dl>
          <p>
            {t('admin.notifiers.stats.accountability', {
              unfounded: fmt.number(n.accountability.unfounded_in_window),
              notices: fmt.number(n.accountability.notices_in_window),
              days: fmt.number(n.accountability.window_days),
              threshold: fmt.number(n.accountability.unfounded_threshold),
            })}
          </p>

          <h4>{t('admin.notifiers.history.title')}</h4>
          {actions.items === null ? <p aria-busy="true">…</p> : <History actions={actions.items} />}

          {actions.items !== null && <Accountability base={base} n={n} actions={actions.items} onDone={changed} />}
          {n.kind === 'api_key' ? (
            <>
              <TrustForm base={base} n={n} onSaved={changed} />
              <BindKey base={base} n={n} keys={keys} onBound={changed} />
            </>
          ) : (
            <p className="hint">{t('admin.notifiers.trust.onlyOrganisations')}</p>
          )}
        </>
      )}
    </section>
  );
}

function Register({ base, keys, onRegistered }: { base: string; keys: Key[]; onRegistered: (n: Notifier) => void }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [done, setDone] = useState('');
  async function register(e: FormEvent) {
    e.preventDefault();
    setDone('');
    const r = await form.run(() => api<Notifier>('POST', base, { display_name: name, api_key_ids: chosen }));
    if (r) {
      setDone(t('admin.notifiers.register.done', { name: r.display_name ?? name }));
      setName('');
      setChosen([]);
      onRegistered(r);
    }
  }
  const nErr = form.error?.field('display_name');
  return (
    <form onSubmit={(e) => void register(e)} noValidate className="panel" aria-labelledby="nf-register-title">
      <h3 id="nf-register-title">{t('admin.notifiers.register.title')}</h3>
      <ErrorNote error={form.error} />
      <Field id="nf-register-name" label={t('admin.notifiers.register.name')} error={nErr}>
        <input id="nf-register-name" required value={name} onChange={(e) => setName(e.target.value)} aria-invalid={nErr ? true : undefined} aria-describedby={described(nErr && 'nf-register-name-error')} />
      </Field>
      <fieldset aria-describedby="nf-register-keys-hint">
        <legend>{t('admin.notifiers.register.keys')}</legend>
        <span className="hint" id="nf-register-keys-hint">
          {t('admin.notifiers.register.keysHint')}
        </span>
        {keys.length === 0 && <p>{t('admin.notifiers.register.noKeys')}</p>}
        {keys.map((k) => (
          <div className="check" key={k.id}>
            <input
              id={`nf-register-key-${k.id}`}
              type="checkbox"
              checked={chosen.includes(k.id)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, k.id] : chosen.filter((x) => x !== k.id))}
            />
            <label htmlFor={`nf-register-key-${k.id}`}>
              {k.name} <span className="mono">({k.prefix}…)</span>
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" disabled={form.busy}>
        {t('admin.notifiers.register.button')}
      </button>
      <p role="status" className="ok">
        {done}
      </p>
    </form>
  );
}

function PolicyForm({ service }: { service: string }) {
  const { t } = useTranslation();
  const url = `/v1/services/${encodeURIComponent(service)}/notifier-policy`;
  const policy = useResource<Policy>(url);
  const form = useSubmit();
  const [edit, setEdit] = useState<{ threshold: string; window: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const values = edit ?? (policy.data ? { threshold: String(policy.data.unfounded_threshold), window: String(policy.data.window_days) } : null);
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!values) return;
    setSaved(false);
    const r = await form.run(() => api<Policy>('PUT', url, { unfounded_threshold: Number(values.threshold), window_days: Number(values.window) }));
    if (r) {
      setSaved(true);
      setEdit(null);
      policy.reload();
    }
  }
  const tErr = form.error?.field('unfounded_threshold');
  const wErr = form.error?.field('window_days');
  return (
    <form onSubmit={(e) => void save(e)} noValidate className="panel" aria-labelledby="nf-policy-title">
      <h3 id="nf-policy-title">{t('admin.notifiers.policy.title')}</h3>
      <p className="hint">{t('admin.notifiers.policy.intro')}</p>
      <ErrorNote error={policy.error ?? form.error} />
      {values && (
        <div className="inline-form">
          <Field id="nf-policy-threshold" label={t('admin.notifiers.policy.threshold')} error={tErr}>
            <input
              id="nf-policy-threshold"
              type="number"
              inputMode="numeric"
              min={1}
              value={values.threshold}
              onChange={(e) => setEdit({ ...values, threshold: e.target.value })}
              aria-invalid={tErr ? true : undefined}
              aria-describedby={described(tErr && 'nf-policy-threshold-error')}
            />
          </Field>
          <Field id="nf-policy-window" label={t('admin.notifiers.policy.window')} error={wErr}>
            <input
              id="nf-policy-window"
              type="number"
              inputMode="numeric"
              min={1}
              value={values.window}
              onChange={(e) => setEdit({ ...values, window: e.target.value })}
              aria-invalid={wErr ? true : undefined}
              aria-describedby={described(wErr && 'nf-policy-window-error')}
            />
          </Field>
          <button type="submit" disabled={form.busy}>
            {t('admin.notifiers.policy.save')}
          </button>
        </div>
      )}
      <p role="status" className="ok">
        {saved ? t('admin.notifiers.policy.saved') : ''}
      </p>
    </form>
  );
}

type Tri = '' | 'true' | 'false';

export function Notifiers({ service }: { service: string }) {
  const { t } = useTranslation();
  const name = useNotifierName();
  const base = `/v1/services/${encodeURIComponent(service)}/notifiers`;
  const [filters, setFilters] = useState<{ trusted: Tri; suspended: Tri; kind: '' | 'api_key' | 'email' }>({ trusted: '', suspended: '', kind: '' });
  const [applied, setApplied] = useState(filters);
  const query = Object.entries(applied)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `&${k}=${v}`)
    .join('');
  const listUrl = `${base}?limit=${PAGE}${query}`;
  const first = useResource<Page<Notifier>>(listUrl);
  const [more, setMore] = useState<{ url: string; items: Notifier[]; next: string | null } | null>(null);
  const moreLoad = useSubmit();
  const keysRes = useResource<{ items: Key[] }>(`/v1/services/${encodeURIComponent(service)}/api-keys`);
  const keys = notifyingKeys(keysRes.data?.items);
  const [open, setOpen] = useState<string | null>(null);
  const { reload } = first;

  // Extra pages belong to the first page they followed: a new filter or a reload starts again.
  const extra = more && more.url === listUrl && first.data ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : (first.data?.next_cursor ?? null);

  async function loadMore() {
    if (!next) return;
    const p = await moreLoad.run(() => api<Page<Notifier>>('GET', `${listUrl}&cursor=${encodeURIComponent(next)}`));
    if (p) setMore({ url: listUrl, items: [...(extra?.items ?? []), ...p.items], next: p.next_cursor });
  }
  const changed = useCallback(() => {
    setMore(null);
    reload();
  }, [reload]);

  function filter(e: FormEvent) {
    e.preventDefault();
    setMore(null);
    setApplied(filters);
  }
  const tri = (id: 'trusted' | 'suspended', label: string) => (
    <Field id={`nf-filter-${id}`} label={label}>
      <select id={`nf-filter-${id}`} value={filters[id]} onChange={(e) => setFilters({ ...filters, [id]: e.target.value as Tri })}>
        <option value="">{t('admin.notifiers.filters.any')}</option>
        <option value="true">{t('admin.notifiers.filters.yes')}</option>
        <option value="false">{t('admin.notifiers.filters.no')}</option>
      </select>
    </Field>
  );

  return (
    <section aria-labelledby="notifiers-title">
      <h2 id="notifiers-title">{t('admin.notifiers.title')}</h2>
      <p className="hint">{t('admin.notifiers.intro')}</p>
      <form onSubmit={filter} className="inline-form" aria-label={t('admin.notifiers.filters.legend')}>
        {tri('trusted', t('admin.notifiers.filters.trusted'))}
        {tri('suspended', t('admin.notifiers.filters.suspended'))}
        <Field id="nf-filter-kind" label={t('admin.notifiers.filters.kind')}>
          <select id="nf-filter-kind" value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value as '' | 'api_key' | 'email' })}>
            <option value="">{t('admin.notifiers.filters.any')}</option>
            <option value="api_key">{t('admin.notifiers.kinds.api_key')}</option>
            <option value="email">{t('admin.notifiers.kinds.email')}</option>
          </select>
        </Field>
        <button type="submit">{t('admin.notifiers.filters.apply')}</button>
      </form>
      <ErrorNote error={first.error ?? moreLoad.error} />
      {first.data && items.length === 0 && <p>{t('admin.notifiers.none')}</p>}
      {items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('admin.notifiers.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.notifiers.columns.name')}</th>
              <th scope="col">{t('admin.notifiers.columns.kind')}</th>
              <th scope="col">{t('admin.notifiers.columns.trusted')}</th>
              <th scope="col">{t('admin.notifiers.columns.status')}</th>
              <th scope="col">{t('admin.notifiers.columns.notices')}</th>
              <th scope="col">{t('admin.notifiers.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((n) => (
              <tr key={n.id}>
                <td>
                  {name(n)}
                  <span className="hint mono">{n.id.slice(0, 8)}</span>
                </td>
                <td>{t(`admin.notifiers.kinds.${n.kind}`)}</td>
                <td>
                  <TrustText n={n} />
                </td>
                <td>
                  <StatusText n={n} />
                </td>
                <td className="count">{fmt.number(n.notices_total)}</td>
                <td>
                  <button type="button" aria-expanded={open === n.id} aria-controls={open === n.id ? 'nf-detail' : undefined} onClick={() => setOpen(open === n.id ? null : n.id)}>
                    {t('admin.notifiers.details')}
                    <span className="visually-hidden"> — {name(n)} {n.id.slice(0, 8)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" onClick={() => void loadMore()} disabled={moreLoad.busy}>
          {t('admin.notifiers.more')}
        </button>
      )}
      <div id="nf-detail">{open && <Detail key={open} service={service} id={open} keys={keys} onChanged={changed} onClose={() => setOpen(null)} />}</div>
      <Register
        base={base}
        keys={keys}
        onRegistered={(n) => {
          changed();
          keysRes.reload();
          setOpen(n.id);
        }}
      />
      <PolicyForm service={service} />
    </section>
  );
}
