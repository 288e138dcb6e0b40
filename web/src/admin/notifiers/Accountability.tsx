/** Warnings, suspensions and lifts of a notifier (DSA Art. 23(2)), with its figures in the window. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { describedBy } from '../../public/common.tsx';
import { ErrorNote, Field, useSubmit } from '../common.tsx';
import { type Action, type NotifierDetail } from './types.ts';

/** Warn, suspend (after a warning) or lift, each with its reason; says whether the notifier is told by email. */
export function Accountability({ base, n, actions, onDone }: { base: string; n: NotifierDetail; actions: Action[]; onDone: () => void }) {
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
            <textarea id="nf-lift-reason" rows={2} required value={liftReason} onChange={(e) => setLiftReason(e.target.value)} aria-invalid={lErr ? true : undefined} aria-describedby={describedBy(lErr && 'nf-lift-reason-error')} />
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
              <textarea id="nf-warn-reason" rows={2} required value={warnReason} onChange={(e) => setWarnReason(e.target.value)} aria-invalid={wErr ? true : undefined} aria-describedby={describedBy(wErr && 'nf-warn-reason-error')} />
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
                aria-describedby={describedBy('nf-suspend-intro', sErr('reason') && 'nf-suspend-reason-error')}
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
                aria-describedby={describedBy(sErr('days') && 'nf-suspend-days-error')}
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
