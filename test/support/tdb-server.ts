/**
 * A local stand-in for the DSA Transparency Database API (docs/reference/dsa-tdb.md), for tests of code
 * that submits statements of reasons. It validates with src/decisions/tdb.ts, so it answers like the TDB:
 * - `POST /api/v1/statement` → 201 (stored SoR + uuid, id, created_at, platform_name, permalink, self, puid),
 *   422 Laravel-style `{message, errors}`, or 422 puid-not-unique `{message, errors: {puid}, existing: {puid}}`;
 * - `POST /api/v1/statements` `{statements: [1..100]}` → 201 `{statements: [...]}`, all-or-nothing: 422
 *   `{errors: {statement_N: {...}}}` (no message), or 422 `{message, errors: {puid, existing_puids}}` for a puid
 *   repeated in the call or already used by the platform;
 * - `GET /api/v1/statement/existing-puid/{puid}` → 302 / 404 `{message, puid}`; `GET /api/v1/statement/{uuid}` → 200 / 404;
 * - `Authorization: Bearer <token>` else 401 `{"message":"Unauthenticated."}`; puids are unique per platform
 *   (one platform per token) and never reusable;
 * - `failNext(n, status)` makes the next n requests fail (429 with the TDB's plain-text body, or `{"message":"Server Error"}`),
 *   optionally after storing (`afterStore`: the SoR exists but the client sees an error, as on a lost response);
 *   `delayMs` delays every response.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { normaliseForStorage, readTdbInput, summariseTdbErrors, validateTdbStatement, TDB_LIMITS, type TdbErrors } from '../../src/decisions/tdb.ts';

export const RATE_LIMIT_BODY = 'Limit Reached. Please do not overload the API';
export const PUID_NOT_UNIQUE_SINGLE = 'The identifier given is not unique within this platform.';
export const PUID_NOT_UNIQUE_MULTIPLE = 'The platform identifier(s) are not all unique within this call.';

export interface TdbPlatform { token: string; name: string }
export interface TdbServerOptions {
  /** Platforms and their tokens; default one platform "Vigie Test Platform" with a random token. */
  platforms?: TdbPlatform[];
  /** Delay before every response, in ms (also settable later with `setDelay`). */
  delayMs?: number;
}
export interface StoredStatement extends Record<string, unknown> {
  uuid: string;
  id: number;
  puid: string;
  platform_name: string;
  created_at: string;
}
export interface LoggedRequest { method: string; path: string; status: number; body: unknown }
export interface FailOptions { afterStore?: boolean; retryAfter?: number }
export interface TdbServer {
  url: string;
  /** The first platform's token. */
  token: string;
  /** Every stored SoR, in creation order (as echoed, plus `id`). */
  statements: StoredStatement[];
  /** Every request received, with the status answered. */
  requests: LoggedRequest[];
  /** The next `n` requests (any route) fail with `status` (default 500; 429 → the TDB's plain-text body). */
  failNext(n: number, status?: number, opts?: FailOptions): void;
  setDelay(ms: number): void;
  /** Puids used by a platform (by name); they stay used forever, like the TDB's platform_puids table. */
  usedPuids(platformName?: string): string[];
  close(): Promise<void>;
}

interface Reply { status: number; body: unknown; headers?: Record<string, string> }

export async function startTdbServer(opts: TdbServerOptions = {}): Promise<TdbServer> {
  const platforms = opts.platforms ?? [{ token: `tdb-test-${crypto.randomBytes(12).toString('hex')}`, name: 'Vigie Test Platform' }];
  const byToken = new Map(platforms.map((p) => [p.token, p]));
  const puids = new Map<string, Set<string>>(platforms.map((p) => [p.name, new Set<string>()]));
  const statements: StoredStatement[] = [];
  const requests: LoggedRequest[] = [];
  const failures: { status: number; opts: FailOptions }[] = [];
  let delayMs = opts.delayMs ?? 0;
  let nextId = 1;
  let baseUrl = '';

  const now = () => new Date().toISOString().slice(0, 19).replace('T', ' ');
  const json = (status: number, body: unknown): Reply => ({ status, body });

  function store(platform: TdbPlatform, value: Record<string, unknown>, createdAt: string): StoredStatement {
    const uuid = crypto.randomUUID();
    const sor: StoredStatement = {
      ...value,
      uuid,
      id: nextId++,
      puid: value.puid as string,
      platform_name: platform.name,
      created_at: createdAt,
      permalink: `${baseUrl}/statement/${uuid}`,
      self: `${baseUrl}/api/v1/statement/${uuid}`,
    };
    statements.push(sor);
    puids.get(platform.name)?.add(sor.puid);
    return sor;
  }

  function createOne(platform: TdbPlatform, body: unknown): Reply {
    const checked = validateTdbStatement(body, { endpoint: 'single' });
    if (!checked.ok) return json(422, { message: summariseTdbErrors(checked.errors), errors: checked.errors });
    const puid = checked.value.puid;
    if (puids.get(platform.name)?.has(puid)) {
      return json(422, { message: PUID_NOT_UNIQUE_SINGLE, errors: { puid: [PUID_NOT_UNIQUE_SINGLE] }, existing: { puid } });
    }
    const sor = store(platform, { ...normaliseForStorage(checked.value, { endpoint: 'single' }) }, now());
    return json(201, sor);
  }

  function createMany(platform: TdbPlatform, body: unknown): Reply {
    const read = readTdbInput(body);
    const list = typeof read === 'object' && read !== null && !Array.isArray(read) ? (read as Record<string, unknown>).statements : undefined;
    const items = Array.isArray(list) ? list.map((s, i) => [String(i), s] as const) : list && typeof list === 'object' ? Object.entries(list) : null;
    let problem: string | null = null;
    if (list === undefined || list === null || (items && items.length === 0)) problem = 'The statements field is required.';
    else if (!items) problem = 'The statements field must be an array.';
    else if (items.length > TDB_LIMITS.batch) problem = `The statements field must have between 1 and ${TDB_LIMITS.batch} items.`;
    if (problem || !items) return json(422, { message: problem, errors: { statements: [problem] } });
    // A non-object item crashes the TDB's validator (a PHP TypeError).
    if (items.some(([, s]) => typeof s !== 'object' || s === null || Array.isArray(s))) return json(500, { message: 'Server Error' });

    const errors: Record<string, TdbErrors> = {};
    const values = [];
    for (const [index, item] of items) {
      const checked = validateTdbStatement(item, { endpoint: 'batch' });
      if (checked.ok) values.push(checked.value);
      else errors[`statement_${index}`] = checked.errors;
    }
    if (Object.keys(errors).length > 0) return json(422, { errors });

    const all = values.map((v) => v.puid);
    const counts = new Map<string, number>();
    for (const p of all) counts.set(p, (counts.get(p) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1).map(([p]) => p);
    const used = puids.get(platform.name) ?? new Set<string>();
    const duplicates = repeated.length > 0 ? repeated : all.filter((p) => used.has(p));
    if (duplicates.length > 0) {
      return json(422, { message: PUID_NOT_UNIQUE_MULTIPLE, errors: { puid: [PUID_NOT_UNIQUE_MULTIPLE], existing_puids: duplicates } });
    }
    const createdAt = now();
    const out = values.map((v) => {
      const { id: _id, ...echo } = store(platform, { ...normaliseForStorage(v, { endpoint: 'batch' }) }, createdAt);
      return echo; // batch items echo no `id`
    });
    return json(201, { statements: out });
  }

  function route(method: string, path: string, platform: TdbPlatform, body: unknown): Reply {
    if (method === 'POST' && path === '/api/v1/statement') return createOne(platform, body);
    if (method === 'POST' && path === '/api/v1/statements') return createMany(platform, body);
    const existing = /^\/api\/v1\/statement\/existing-puid\/([^/]+)$/.exec(path);
    if (method === 'GET' && existing?.[1] !== undefined) {
      const puid = decodeURIComponent(existing[1]);
      return puids.get(platform.name)?.has(puid)
        ? json(302, { message: 'statement of reason found', puid })
        : json(404, { message: 'statement of reason not found', puid });
    }
    const one = /^\/api\/v1\/statement\/([0-9a-f-]{36})$/.exec(path);
    if (method === 'GET' && one) {
      const sor = statements.find((s) => s.uuid === one[1]);
      return sor ? json(200, sor) : json(404, { message: 'Not Found' });
    }
    return json(404, { message: 'Not Found' });
  }

  async function handle(req: http.IncomingMessage, raw: string): Promise<Reply> {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const failure = failures.shift();
    if (failure && !failure.opts.afterStore) return failureReply(failure);
    const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const platform = auth?.[1] !== undefined ? byToken.get(auth[1].trim()) : undefined;
    if (!platform) return json(401, { message: 'Unauthenticated.' });
    let body: unknown = {};
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = {}; // Laravel reads an unparsable JSON body as empty input
      }
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const reply = route(req.method ?? 'GET', path, platform, body);
    return failure ? failureReply(failure) : reply;
  }

  function failureReply(f: { status: number; opts: FailOptions }): Reply {
    if (f.status === 429) {
      return { status: 429, body: RATE_LIMIT_BODY, headers: { 'content-type': 'text/plain; charset=UTF-8', 'retry-after': String(f.opts.retryAfter ?? 1) } };
    }
    return json(f.status, { message: 'Server Error' });
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      void handle(req, raw)
        .catch((): Reply => ({ status: 500, body: { message: 'Server Error' } }))
        .then((reply) => {
          let parsed: unknown = raw;
          try {
            parsed = raw === '' ? undefined : JSON.parse(raw);
          } catch {
            /* logged as text */
          }
          requests.push({ method: req.method ?? '', path: req.url ?? '', status: reply.status, body: parsed });
          const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(text);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    token: platforms[0]?.token ?? '',
    statements,
    requests,
    failNext(n, status = 500, fo = {}) {
      for (let i = 0; i < n; i++) failures.push({ status, opts: fo });
    },
    setDelay(ms) {
      delayMs = ms;
    },
    usedPuids(name = platforms[0]?.name ?? '') {
      return [...(puids.get(name) ?? [])];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
