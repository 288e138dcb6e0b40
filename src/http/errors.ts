import type { ZodError } from 'zod';

/** Stable error codes and their HTTP status. Documented in docs/api/errors.md; never rename one. */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  MALFORMED_MULTIPART: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CSRF_TOKEN_INVALID: 403,
  QUALITY_REVIEW_OWN_DECISION: 403,
  BANK_READ_ONLY: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  ALREADY_SET_UP: 409,
  CASE_NOT_CLAIMABLE: 409,
  CASE_NOT_CLAIMED_BY_YOU: 409,
  DECISION_SUPERSEDED: 409,
  NOT_APPEALABLE: 409,
  APPEAL_PERIOD_EXPIRED: 409,
  APPEAL_ALREADY_OPEN: 409,
  APPEAL_ALREADY_DECIDED: 409,
  APPEAL_SAME_DECIDER: 409,
  FOUR_EYES_SAME_PERSON: 409,
  PROPOSAL_ALREADY_REVIEWED: 409,
  DECISION_PENDING_APPROVAL: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  EVIDENCE_TYPE_NOT_ALLOWED: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_READY: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  path: string;
  reason: string;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields: FieldError[] };
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.status = ERROR_CODES[code];
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, fields: this.fields } };
  }
}

/** Every zod issue becomes one field error; unknown keys are reported one per key. */
export function zodFields(err: ZodError, prefix: string): FieldError[] {
  const fields: FieldError[] = [];
  for (const issue of err.issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields.push({ path: base ? `${base}.${key}` : key, reason: 'unknown field' });
    } else {
      fields.push({ path: base || prefix, reason: issue.message });
    }
  }
  return fields;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Strings the database cannot store: U+0000 (PostgreSQL text) and lone surrogates (jsonb; PGlite
 * text). One field error per offending string, anywhere in a parsed body, query or params.
 */
export function unstorableText(value: unknown, prefix: string): FieldError[] {
  const out: FieldError[] = [];
  // Iterative: a body may nest thousands of levels deep.
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\u0000') || LONE_SURROGATE.test(v)) out.push({ path, reason: 'must be valid Unicode text without NUL characters' });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) stack.push([child, `${path}.${k}`]);
    }
  }
  return out.reverse();
}

export function validationError(fields: FieldError[]): AppError {
  const n = fields.length;
  return new AppError('VALIDATION_FAILED', `${n} invalid field${n === 1 ? '' : 's'}`, fields);
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
