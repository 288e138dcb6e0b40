/** The appeal form both parties use (the affected user on the statement page, the notifier on the tracking page). */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';
import { ErrorSummary, FieldError, describedBy, useErrorMessage, type SummaryItem } from './common.tsx';

export function AppealForm({ idPrefix, title, intro, rows = 6, send, confirmation }: { idPrefix: string; title: string; intro: string; rows?: number; send: (explanation: string) => Promise<void>; confirmation: ReactNode }) {
  const { t } = useTranslation();
  const errorMessage = useErrorMessage();
  const [explanation, setExplanation] = useState('');
  const [summary, setSummary] = useState<SummaryItem[]>([]);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const confirmationRef = useRef<HTMLDivElement>(null);
  const field = `${idPrefix}-explanation`;
  const error = summary[0]?.message;

  useEffect(() => {
    if (done) confirmationRef.current?.focus();
  }, [done]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (explanation.trim() === '') {
      setSummary([{ field, message: t('public.appeal.invalid.explanation') }]);
      return;
    }
    setBusy(true);
    try {
      await send(explanation.trim());
      setSummary([]);
      setDone(true);
    } catch (err) {
      const msg = err instanceof ApiError && err.field('explanation') ? t('public.appeal.invalid.explanation') : errorMessage(err);
      setSummary([{ field, message: msg }]);
    } finally {
      setBusy(false);
    }
  }

  if (done)
    return (
      <div className="panel ok-panel" role="status" tabIndex={-1} ref={confirmationRef}>
        {confirmation}
      </div>
    );
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="appeal-form">
      <h3>{title}</h3>
      <p>{intro}</p>
      <ErrorSummary items={summary} />
      <label htmlFor={field}>{t('public.appeal.explanation')}</label>
      <textarea
        id={field}
        rows={rows}
        maxLength={5000}
        required
        aria-required="true"
        value={explanation}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${idPrefix}-hint`, error && `${field}-error`)}
        onChange={(e) => setExplanation(e.target.value)}
      />
      <span id={`${idPrefix}-hint`} className="hint">
        {t('public.appeal.explanationHint')}
      </span>
      <FieldError id={`${field}-error`} message={error} />
      <button type="submit" disabled={busy}>
        {busy ? t('public.common.sending') : t('public.appeal.submit')}
      </button>
    </form>
  );
}
