/** Field errors of the instance forms: the API's `body.x.y` paths, matched exactly or by prefix (`body.harms.0`). */
import { ApiError as ApiErrorClass, type ApiError } from '../../app/api.ts';

export function fieldError(error: ApiError | null, name: string): string | undefined {
  if (!error) return undefined;
  return error.fields.find((f) => {
    const p = f.path.replace(/^body\./, '');
    return p === name || p.startsWith(`${name}.`);
  })?.reason;
}

/** The ids an input points to with aria-describedby: its hint and its error, when shown. */
export function describedBy(id: string, opts: { hint?: boolean; error?: string | undefined }): string | undefined {
  const ids = [opts.hint ? `${id}-hint` : '', opts.error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** A validation error with its summary in the console's language (the fields keep the API's reasons). */
export function localizedValidation(error: ApiError | null, summary: string): ApiError | null {
  if (!error || error.code !== 'VALIDATION_FAILED') return error;
  return new ApiErrorClass(error.status, error.code, summary, error.fields);
}
