/** Small building blocks of the admin pages: showing API errors, a field with its error, submitting a form. */
import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';

export { useResource } from '../app/useResource.ts';

/** An API error in words: forbidden, not found, or the message and each field's reason. */
export function ErrorNote({ error }: { error: ApiError | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text = error.status === 403 ? t('admin.forbidden') : error.status === 0 ? t('errors.network') : error.message;
  return (
    <div role="alert" className="error">
      <p>{text}</p>
      {error.fields.length > 0 && (
        <ul>
          {error.fields.map((f) => (
            <li key={f.path}>
              <span className="mono">{f.path.replace(/^body\./, '')}</span>: {f.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string | undefined; hint?: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {/* Outside the label (the field's name stays short); inputs point to it with aria-describedby. */}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {children}
      {error && (
        <span className="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

/** Runs an API call for a form, keeping its error for the fields. */
export function useSubmit() {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'network'));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { error, busy, run };
}
