/**
 * HTTP client of the DSA Transparency Database API (docs/reference/dsa-tdb.md): the batch endpoint and
 * the existing-puid check. It classifies answers; what to do with them is tdb-submit.ts's business.
 */

export interface TdbClientOptions {
  url: string;
  token: string;
  timeoutMs: number;
  /** Injected in tests; default the global fetch. */
  fetch?: typeof fetch;
}

/** The answer to one `POST /api/v1/statements`. */
export type BatchOutcome =
  /** 201: every statement stored; uuid by puid. */
  | { kind: 'created'; uuids: Map<string, string> }
  /** 422: some puids are already used by the platform (nothing of this call was stored). */
  | { kind: 'existing'; puids: string[] }
  /** 422: items rejected by the TDB's validation, by position in the call (nothing stored). */
  | { kind: 'invalid'; items: Map<number, unknown> }
  /**
   * Anything else. `inDoubt`: the statements may have been stored (timeout, network error, 5xx,
   * unreadable 201) — check existing-puid before sending again. Not in doubt: 429, 401/403, other 4xx.
   */
  | { kind: 'failed'; error: string; inDoubt: boolean; retryAfterS?: number };

const trim = (text: string) => text.replace(/\s+/g, ' ').slice(0, 500);

function retryAfter(res: Response): number | undefined {
  const v = Number(res.headers.get('retry-after'));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

async function call(opts: TdbClientOptions, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ res: Response; text: string } | { error: string }> {
  const f = opts.fetch ?? fetch;
  try {
    const res = await f(new URL(path, opts.url.endsWith('/') ? opts.url : `${opts.url}/`), {
      method,
      // A 302 is an answer here (existing-puid), not a redirect to follow.
      redirect: 'manual',
      headers: {
        authorization: `Bearer ${opts.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    return { res, text };
  } catch (err) {
    const e = err as Error;
    return { error: e.name === 'TimeoutError' ? `timeout after ${opts.timeoutMs} ms` : `network error: ${e.message}` };
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `POST /api/v1/statements` with 1–100 statements (all-or-nothing on the TDB side). */
export async function postStatements(opts: TdbClientOptions, statements: readonly unknown[]): Promise<BatchOutcome> {
  const r = await call(opts, 'POST', 'api/v1/statements', { statements });
  if ('error' in r) return { kind: 'failed', error: r.error, inDoubt: true };
  const { res, text } = r;
  const body = parse(text) as Record<string, unknown> | undefined;
  if (res.status === 201) {
    const items = body && Array.isArray(body.statements) ? (body.statements as Array<Record<string, unknown>>) : null;
    if (!items) return { kind: 'failed', error: `201 with an unreadable body: ${trim(text)}`, inDoubt: true };
    const uuids = new Map<string, string>();
    for (const item of items) {
      if (typeof item.puid === 'string' && typeof item.uuid === 'string') uuids.set(item.puid, item.uuid);
    }
    return { kind: 'created', uuids };
  }
  if (res.status === 422 && body && typeof body.errors === 'object' && body.errors !== null) {
    const errors = body.errors as Record<string, unknown>;
    if (Array.isArray(errors.existing_puids)) {
      return { kind: 'existing', puids: errors.existing_puids.filter((p): p is string => typeof p === 'string') };
    }
    const items = new Map<number, unknown>();
    for (const [key, value] of Object.entries(errors)) {
      const m = /^statement_(\d+)$/.exec(key);
      if (m) items.set(Number(m[1]), value);
    }
    if (items.size > 0) return { kind: 'invalid', items };
  }
  const ra = retryAfter(res);
  return {
    kind: 'failed',
    error: `HTTP ${res.status}: ${trim(text)}`,
    inDoubt: res.status >= 500,
    ...(ra === undefined ? {} : { retryAfterS: ra }),
  };
}

/** `GET /api/v1/statement/existing-puid/{puid}`: true (302), false (404), or an error (unknown). */
export async function puidExists(opts: TdbClientOptions, puid: string): Promise<boolean | { error: string }> {
  const r = await call(opts, 'GET', `api/v1/statement/existing-puid/${encodeURIComponent(puid)}`);
  if ('error' in r) return r;
  // Both answers echo the puid; a 404 without it is a wrong URL, not an answer about this puid.
  const echoed = (parse(r.text) as { puid?: unknown } | undefined)?.puid === puid;
  if (r.res.status === 302 && echoed) return true;
  if (r.res.status === 404 && echoed) return false;
  return { error: `existing-puid check: HTTP ${r.res.status}: ${trim(r.text)}` };
}
