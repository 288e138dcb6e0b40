/** Trusted-flagger status with its expertise and designation (DSA Art. 22), and the API keys bound to a notifier. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { describedBy, useEnumLabel } from '../../public/common.tsx';
import { CATEGORIES, EU_EEA_COUNTRIES } from '../../public/taxonomy.ts';
import { ErrorNote, Field, useSubmit } from '../common.tsx';
import { type Key, type Notifier } from './types.ts';

/** Trusted-flagger status, expertise (TDB categories) and designation: one PATCH with its reason. */
export function TrustForm({ base, n, onSaved }: { base: string; n: Notifier; onSaved: () => void }) {
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
        <input id={id('trusted')} type="checkbox" checked={trusted} onChange={(e) => setTrusted(e.target.checked)} aria-describedby={describedBy(err('trusted_flagger') && id('trusted-error'))} />
        <label htmlFor={id('trusted')}>{t('admin.notifiers.trust.trusted')}</label>
        {err('trusted_flagger') && (
          <span className="field-error" id={id('trusted-error')}>
            {err('trusted_flagger')}
          </span>
        )}
      </div>
      {trusted && (
        <fieldset aria-describedby={describedBy(id('expertise-hint'), err('expertise') && id('expertise-error'))}>
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
          <input id={id('coordinator')} value={coordinator} onChange={(e) => setCoordinator(e.target.value)} aria-invalid={dErr('coordinator') ? true : undefined} aria-describedby={describedBy(dErr('coordinator') && id('coordinator-error'))} />
        </Field>
        <Field id={id('state')} label={t('admin.notifiers.trust.memberState')} error={dErr('member_state')}>
          <select id={id('state')} value={state} onChange={(e) => setState(e.target.value)} aria-invalid={dErr('member_state') ? true : undefined} aria-describedby={describedBy(dErr('member_state') && id('state-error'))}>
            <option value="">{t('admin.notifiers.trust.choose')}</option>
            {EU_EEA_COUNTRIES.map((c) => (
              <option key={c} value={c}>
                {fmt.region(c)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id('date')} label={t('admin.notifiers.trust.designatedAt')} error={dErr('designated_at')}>
          <input id={id('date')} type="date" value={date} onChange={(e) => setDate(e.target.value)} aria-invalid={dErr('designated_at') ? true : undefined} aria-describedby={describedBy(dErr('designated_at') && id('date-error'))} />
        </Field>
        <Field id={id('reference')} label={t('admin.notifiers.trust.reference')} error={dErr('reference')}>
          <input id={id('reference')} value={reference} onChange={(e) => setReference(e.target.value)} />
        </Field>
      </fieldset>
      <Field id={id('reason')} label={t('admin.notifiers.trust.reason')} hint={t('admin.notifiers.trust.reasonHint')} error={err('reason')}>
        <textarea id={id('reason')} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={err('reason') ? true : undefined} aria-describedby={describedBy(id('reason-hint'), err('reason') && id('reason-error'))} />
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

export function BindKey({ base, n, keys, onBound }: { base: string; n: Notifier; keys: Key[]; onBound: () => void }) {
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
