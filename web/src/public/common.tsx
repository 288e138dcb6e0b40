/** Shared pieces of the public pages: error summary, field errors, translated API errors, enum labels. */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api.ts';

export const DEFAULT_SERVICE = 'default';
export const publicBase = (service: string) => `/v1/public/services/${encodeURIComponent(service)}`;

export interface SummaryItem {
  /** id of the field the message is about (the link focuses it) */
  field: string;
  message: string;
}

/** The list of problems at the top of a form: announced (role="alert") and focused when it appears. */
export function ErrorSummary({ items, title }: { items: SummaryItem[]; title?: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (items.length > 0) ref.current?.focus();
  }, [items]);
  if (items.length === 0) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby={titleId}>
      <h2 id={titleId}>{title ?? t('public.common.errorSummary')}</h2>
      <ul>
        {items.map((it, i) => (
          <li key={`${it.field}-${i}`}>
            <a
              href={`#${it.field}`}
              onClick={(e) => {
                e.preventDefault();
                document.getElementById(it.field)?.focus();
              }}
            >
              {it.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The message under a field (its id is what aria-describedby points to). */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="field-error">
      {message}
    </span>
  );
}

/** aria-describedby from the ids that apply (hint, error). */
export function describedBy(...ids: Array<string | false | undefined | null>): string | undefined {
  const list = ids.filter((x): x is string => typeof x === 'string' && x !== '');
  return list.length > 0 ? list.join(' ') : undefined;
}

/** A sentence for an error that is not about one field. */
export function useErrorMessage(): (err: unknown) => string {
  const { t } = useTranslation();
  return (err: unknown) => {
    if (!(err instanceof ApiError)) return t('public.errors.generic');
    switch (err.code) {
      case 'NETWORK':
        return t('public.errors.network');
      case 'NOT_FOUND':
        return t('public.errors.notFound');
      case 'RATE_LIMITED':
        return t('public.errors.rateLimited');
      case 'PAYLOAD_TOO_LARGE':
        return t('public.errors.tooLarge');
      case 'EVIDENCE_TYPE_NOT_ALLOWED':
        return t('public.errors.evidenceType');
      case 'VALIDATION_FAILED':
        return t('public.errors.validation');
      case 'APPEAL_ALREADY_OPEN':
        return t('public.errors.appealOpen');
      case 'APPEAL_PERIOD_EXPIRED':
        return t('public.errors.appealExpired');
      case 'DECISION_SUPERSEDED':
        return t('public.errors.superseded');
      case 'NOT_APPEALABLE':
        return t('public.errors.notAppealable');
      default:
        return t('public.errors.generic');
    }
  };
}

/** A translated enum value when we know it, the raw value otherwise. */
export function useEnumLabel(): (group: string, value: string | null | undefined) => string {
  const { t, i18n } = useTranslation();
  return (group, value) => {
    if (value === null || value === undefined || value === '') return '—';
    const key = group === 'category' ? `public.categories.${value}.label` : `public.enums.${group}.${value}`;
    return i18n.exists(key) ? t(key) : value;
  };
}

/** A random key for Idempotency-Key (a retry of the same submission never creates a second notice). */
export function randomKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A label / value pair of a definition list. */
export function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}
