/**
 * On a decided case, marks one of its notices manifestly unfounded with the reason (DSA Art. 23(2)): it counts
 * toward the notifier's suspension threshold. Only for roles with `notices:assess`. The server refuses a notice
 * some of whose items are still undecided, or every item of which was restricted; its message is shown.
 * Sending it again corrects the reason.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { base, useService } from './shared.tsx';
import type { CaseNotice } from './types.ts';

/** Roles granted `notices:assess` (src/access/roles.ts). */
const ASSESSORS = ['moderator', 'senior_moderator', 'admin'];

export function NoticeAssessment({ notice, decided }: { notice: CaseNotice; decided: boolean }) {
  const { t } = useTranslation();
  const service = useService();
  const session = useSession();
  const uid = useId();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const role = session.services.find((s) => s.slug === service)?.role ?? null;
  if (!decided || role === null || !ASSESSORS.includes(role)) return null;

  const id = (s: string) => `assess-${uid}-${s}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', `${base(service)}/notices/${encodeURIComponent(notice.notice_id)}/assessment`, { manifestly_unfounded: true, reason });
      setDone(true);
      setOpen(false);
      setReason('');
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'NETWORK', t('errors.network')));
    } finally {
      setBusy(false);
    }
  };
  const reasonError = error?.field('reason');
  // Errors that are not about the reason (e.g. an item not decided yet): the message and each field's reason.
  const other = error && !reasonError ? [error.message, ...error.fields.map((f) => f.reason)].join(' — ') : null;

  return (
    <div className="notice-assessment">
      <p role="status" className="ok">
        {done ? t('admin.notifiers.assessment.done', { reference: notice.reference }) : ''}
      </p>
      {!open ? (
        <button
          type="button"
          aria-expanded={false}
          onClick={() => {
            setOpen(true);
            setDone(false);
            setTimeout(() => field.current?.focus(), 0);
          }}
        >
          {t('admin.notifiers.assessment.action')}
          <span className="visually-hidden"> — {notice.reference}</span>
        </button>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <fieldset>
            <legend>{t('admin.notifiers.assessment.legend', { reference: notice.reference })}</legend>
            {other ? (
              <p role="alert" className="error">
                {other}
              </p>
            ) : null}
            <label htmlFor={id('reason')}>{t('admin.notifiers.assessment.reason')}</label>
            <span className="hint" id={id('hint')}>
              {t('admin.notifiers.assessment.reasonHint')}
            </span>
            <textarea
              id={id('reason')}
              ref={field}
              rows={2}
              required
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={reasonError ? true : undefined}
              aria-describedby={[id('hint'), reasonError ? id('error') : ''].filter(Boolean).join(' ')}
            />
            {reasonError ? (
              <p role="alert" className="error" id={id('error')}>
                {reasonError}
              </p>
            ) : null}
            <div className="toolbar">
              <button type="submit" disabled={busy}>
                {t('admin.notifiers.assessment.submit')}
              </button>
              <button type="button" onClick={() => setOpen(false)}>
                {t('admin.notifiers.assessment.cancel')}
              </button>
            </div>
          </fieldset>
        </form>
      )}
    </div>
  );
}
