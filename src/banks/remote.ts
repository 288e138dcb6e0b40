/**
 * HMA as a remote matcher, per service (docs/banks.md, "HMA as a remote matcher"): a service that already
 * runs Meta's Hasher-Matcher-Actioner sets its base URL once, and every lookup and screening call of that
 * service also asks HMA, beside Vigie's own banks. HMA being down never fails a screening call: the answer
 * says which source could not be asked (`remote_errors`), and the source keeps its last error for admins.
 */
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import { notFound } from '../http/errors.ts';
import { CATEGORIES } from '../taxonomy/categories.ts';
import { decryptToken, encryptToken } from './exchange.ts';
import { HmaClient, HmaError, lookupRemote, type HmaErrorKind } from './hma-client.ts';
import type { BankMatch, BankMatcher, MatchResult } from './matcher.ts';
import { DEFAULT_ACTIONS, type SignalType } from './schemas.ts';

/** Config changes made by another process are seen within this delay. */
const CACHE_MS = 5_000;
/** At most this many hashes of one item go to HMA (a long video's frames: spread over the video). */
export const MAX_REMOTE_QUERIES = 64;
const CONCURRENCY = 8;

export const HMA_SOURCE_EXAMPLE = {
  base_url: 'https://hma.internal.example',
  token: 'proxy-bearer-token',
  category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  default_action: 'open_case',
  automated_action_allowed: true,
  timeout_ms: 2000,
};

export const HmaSourceBody = z
  .strictObject({
    base_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not carry credentials (use token)'),
    /** Absent: keep the stored token; null: no token. */
    token: z.string().min(1).max(2000).nullable().optional(),
    md5_signal_type: z.string().regex(/^[a-z0-9_]{1,64}$/, 'an HMA signal type name (lower-case letters, digits, _)').default('video_md5'),
    category: z.enum(CATEGORIES).nullable().default(null),
    default_action: z.enum(DEFAULT_ACTIONS).default('open_case'),
    automated_action_allowed: z.boolean().default(true),
    timeout_ms: z.number().int().min(100).max(10_000).default(2000),
    enabled: z.boolean().default(true),
  })
  .meta({ example: HMA_SOURCE_EXAMPLE });
export type HmaSourceInput = z.output<typeof HmaSourceBody>;

interface SourceRow {
  service_id: string;
  base_url: string;
  token_encrypted: string | null;
  md5_signal_type: string;
  category: string | null;
  default_action: string;
  automated_action_allowed: boolean;
  timeout_ms: number;
  enabled: boolean;
  last_ok_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The error of one remote source in one call (the call itself still answers). */
export interface RemoteError {
  source: 'hma';
  kind: HmaErrorKind | 'blocked';
  message: string;
}

export interface RemoteResult {
  /** Per query (same order as asked): the matches HMA found. */
  matches: BankMatch[][];
  errors: RemoteError[];
}

export interface RemoteEnv {
  dataDir: string;
  /** The outbound rule (webhooks' net guard): reason a URL may not be reached, or null. */
  checkUrl(url: string): string | null;
  fetch?: typeof fetch;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** The token is encrypted bound to this name (the exchange key's additional data). */
const tokenScope = (serviceId: string) => `hma-source:${serviceId}`;

function present(s: SourceRow) {
  return {
    base_url: s.base_url,
    token: s.token_encrypted ? 'set (never shown)' : null,
    md5_signal_type: s.md5_signal_type,
    category: s.category,
    default_action: s.default_action,
    automated_action_allowed: s.automated_action_allowed,
    timeout_ms: s.timeout_ms,
    enabled: s.enabled,
    last_ok_at: iso(s.last_ok_at),
    last_error: s.last_error,
    last_error_at: iso(s.last_error_at),
    updated_at: iso(s.updated_at),
  };
}

async function findSource(db: Db, serviceId: string): Promise<SourceRow | null> {
  return ((await sql<SourceRow>`select * from hma_sources where service_id = ${serviceId}`.execute(db)).rows[0] as SourceRow | undefined) ?? null;
}

/**
 * The remote sources of every service, read from the database and cached briefly; the HMA clients are
 * made per call from the cached row (they hold no connection).
 */
export class RemoteSources {
  private readonly cache = new Map<string, { at: number; row: SourceRow | null }>();
  /** When this process last wrote a success (last_ok_at) per service. */
  private readonly okNoted = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly env: RemoteEnv | null,
  ) {}

  /** Why the outbound rule refuses a base URL, or null. */
  checkUrl(url: string): string | null {
    return this.env ? this.env.checkUrl(url) : 'cannot be reached: remote sources are not configured in this process';
  }

  invalidate(serviceId: string): void {
    this.cache.delete(serviceId);
  }

  private async row(serviceId: string): Promise<SourceRow | null> {
    const hit = this.cache.get(serviceId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.row;
    const row = await findSource(this.db, serviceId);
    this.cache.set(serviceId, { at: Date.now(), row });
    return row;
  }

  private client(row: SourceRow): HmaClient {
    if (!this.env) throw new HmaError('network', 'remote sources are not configured in this process');
    return new HmaClient({
      baseUrl: row.base_url,
      token: row.token_encrypted ? decryptToken(this.env.dataDir, tokenScope(row.service_id), row.token_encrypted) : undefined,
      timeoutMs: row.timeout_ms,
      md5SignalType: row.md5_signal_type,
      ...(this.env.fetch ? { fetch: this.env.fetch } : {}),
    });
  }

  /** Whether the service asks a remote source (enabled HMA). */
  async active(serviceId: string): Promise<boolean> {
    if (!this.env) return false;
    const row = await this.row(serviceId);
    return row !== null && row.enabled;
  }

  /**
   * Looks each hash up in the service's HMA (PDQ and MD5: HMA has no SHA-256 by default). Never throws for
   * HMA's failures: they are returned in `errors` (one per kind) and stored as the source's last error.
   */
  async lookup(serviceId: string, queries: ReadonlyArray<{ signalType: SignalType; hash: string }>): Promise<RemoteResult> {
    const out: RemoteResult = { matches: queries.map(() => []), errors: [] };
    if (!this.env || queries.length === 0) return out;
    const row = await this.row(serviceId);
    if (!row || !row.enabled) return out;
    const blocked = this.env.checkUrl(row.base_url);
    if (blocked) {
      out.errors.push({ source: 'hma', kind: 'blocked', message: `HMA base URL ${blocked}` });
      await this.noteOutcome(serviceId, out.errors);
      return out;
    }
    const client = this.client(row);
    // One request per distinct hash; the dihedral variants and frames of an item often repeat.
    const distinct = new Map<string, number[]>();
    queries.forEach((q, i) => {
      if (q.signalType === 'sha256') return;
      const key = `${q.signalType}:${q.hash.toLowerCase()}`;
      const at = distinct.get(key);
      if (at) at.push(i);
      else distinct.set(key, [i]);
    });
    let keys = [...distinct.keys()];
    if (keys.length > MAX_REMOTE_QUERIES) {
      // Spread over the item rather than its first minute.
      const step = keys.length / MAX_REMOTE_QUERIES;
      keys = Array.from({ length: MAX_REMOTE_QUERIES }, (_, k) => keys[Math.floor(k * step)] as string);
    }
    const errorKinds = new Map<string, RemoteError>();
    const opts = { defaultAction: row.default_action, category: row.category, automatedActionAllowed: row.automated_action_allowed };
    let next = 0;
    const work = async () => {
      while (next < keys.length) {
        const key = keys[next++] as string;
        const sep = key.indexOf(':');
        const signalType = key.slice(0, sep) as SignalType;
        try {
          const found = await lookupRemote(client, signalType, key.slice(sep + 1), opts);
          for (const i of distinct.get(key) ?? []) out.matches[i] = found;
        } catch (err) {
          if (!(err instanceof HmaError)) throw err;
          if (!errorKinds.has(err.kind)) errorKinds.set(err.kind, { source: 'hma', kind: err.kind, message: err.message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, keys.length) }, work));
    out.errors = [...errorKinds.values()];
    await this.noteOutcome(serviceId, out.errors);
    return out;
  }

  /** The source's last success or last error, for admins (best effort: never fails the call). */
  private async noteOutcome(serviceId: string, errors: RemoteError[]): Promise<void> {
    const first = errors[0];
    // A success is written at most once a minute per service: not a database write on every screening call.
    if (!first) {
      const last = this.okNoted.get(serviceId) ?? 0;
      if (Date.now() - last < 60_000) return;
      this.okNoted.set(serviceId, Date.now());
    } else this.okNoted.delete(serviceId);
    const q = first
      ? sql`update hma_sources set last_error = ${`${first.kind}: ${first.message}`.slice(0, 1000)}, last_error_at = now() where service_id = ${serviceId}`
      : sql`update hma_sources set last_ok_at = now() where service_id = ${serviceId} and (last_ok_at is null or last_ok_at < now() - interval '1 minute')`;
    await q.execute(this.db).catch(() => undefined);
  }

  // ------------------------------------------------------------------ configuration

  async get(serviceId: string) {
    const row = await findSource(this.db, serviceId);
    if (!row) throw notFound('HMA source');
    return present(row);
  }

  async put(serviceId: string, input: HmaSourceInput, actor: AuditActor, requestId: string) {
    if (!this.env) throw new Error('remote sources are not configured in this process');
    const env = this.env;
    const row = await inTransaction(this.db, async (tx) => {
      const prev = await findSource(tx, serviceId);
      const token =
        input.token === undefined ? (prev?.token_encrypted ?? null) : input.token === null ? null : encryptToken(env.dataDir, tokenScope(serviceId), input.token);
      const r = (
        await sql<SourceRow>`
          insert into hma_sources (service_id, base_url, token_encrypted, md5_signal_type, category, default_action, automated_action_allowed, timeout_ms, enabled)
          values (${serviceId}, ${input.base_url}, ${token}, ${input.md5_signal_type}, ${input.category}, ${input.default_action},
                  ${input.automated_action_allowed}, ${input.timeout_ms}, ${input.enabled})
          on conflict (service_id) do update set
            base_url = excluded.base_url, token_encrypted = excluded.token_encrypted, md5_signal_type = excluded.md5_signal_type,
            category = excluded.category, default_action = excluded.default_action,
            automated_action_allowed = excluded.automated_action_allowed, timeout_ms = excluded.timeout_ms, enabled = excluded.enabled,
            last_error = null, last_error_at = null, updated_at = now()
          returning *`.execute(tx)
      ).rows[0] as SourceRow;
      const { token: _t, ...logged } = input;
      await recordAudit(tx, {
        serviceId,
        actor,
        action: prev ? 'bank.hma_source_updated' : 'bank.hma_source_set',
        subjectType: 'hma_source',
        subjectId: serviceId,
        data: { ...logged, token: token ? 'set' : 'none' },
        requestId,
      });
      return r;
    });
    this.invalidate(serviceId);
    return present(row);
  }

  async remove(serviceId: string, actor: AuditActor, requestId: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const r = await sql`delete from hma_sources where service_id = ${serviceId}`.execute(tx);
      if (Number(r.numAffectedRows ?? 0) === 0) throw notFound('HMA source');
      await recordAudit(tx, { serviceId, actor, action: 'bank.hma_source_removed', subjectType: 'hma_source', subjectId: serviceId, data: {}, requestId });
    });
    this.invalidate(serviceId);
  }

  /** Asks HMA for its banks (`GET /c/banks`): whether the configuration works, without screening anything. */
  async check(serviceId: string): Promise<{ ok: true; banks: Array<{ name: string; matching_enabled_ratio: number | null }> } | { ok: false; error: RemoteError }> {
    const row = await findSource(this.db, serviceId);
    if (!row) throw notFound('HMA source');
    this.invalidate(serviceId);
    const blocked = this.env?.checkUrl(row.base_url) ?? null;
    let result: Awaited<ReturnType<RemoteSources['check']>>;
    if (blocked) result = { ok: false, error: { source: 'hma', kind: 'blocked', message: `HMA base URL ${blocked}` } };
    else {
      try {
        const banks = await this.client(row).listBanks();
        result = { ok: true, banks: banks.map((b) => ({ name: b.name, matching_enabled_ratio: b.matching_enabled_ratio ?? null })) };
      } catch (err) {
        if (!(err instanceof HmaError)) throw err;
        result = { ok: false, error: { source: 'hma', kind: err.kind, message: err.message } };
      }
    }
    await this.noteOutcome(serviceId, result.ok ? [] : [result.error]);
    return result;
  }
}

/**
 * Matches of several hashes of one item in the service's banks and, when it has one, its HMA: per hash,
 * the local result with HMA's matches appended — unless a negative bank of the service holds that hash
 * (a known false positive suppresses a remote match as it does a local one).
 */
export async function matchEverywhere(
  matcher: BankMatcher,
  remote: RemoteSources,
  serviceId: string,
  queries: ReadonlyArray<{ signalType: SignalType; hash: string }>,
  opts: { radius?: number | undefined } = {},
): Promise<{ results: MatchResult[]; remote_errors: RemoteError[] }> {
  const [results, far] = await Promise.all([Promise.all(queries.map((q) => matcher.match(serviceId, q, opts))), remote.lookup(serviceId, queries)]);
  queries.forEach((q, i) => {
    const found = far.matches[i] ?? [];
    if (found.length === 0) return;
    const r = results[i] as MatchResult;
    const negative = matcher.closestNegative(serviceId, q, opts);
    if (negative) r.suppressed.push(...found.map((m) => ({ ...m, suppressed_by: negative })));
    else r.matches.push(...found);
  });
  return { results, remote_errors: far.errors };
}
