/**
 * Partner exchange of hash banks between Vigie instances (docs/banks.md, "Partner exchange").
 *
 * Owner side: a bank's owner gives a partner a **grant** (one bank, revocable). Its token
 * `vxg_<grant id>_<secret>` is shown once; only sha256(secret) is stored. The partner pulls
 * `GET /v1/exchange/banks/{bank}/entries?cursor=` with the token in `Vigie-Exchange-Token`, and gets pages of
 * entries in (updated_at, id) order — every status, so retractions and disputes propagate — signed with
 * `Vigie-Signature: v1=<hex HMAC-SHA256(secret, "<Vigie-Timestamp>.<raw body>")>` (the webhook scheme).
 *
 * Pulling side: a positive bank whose source is a partner keeps the partner's URL, the token (AES-256-GCM
 * encrypted with DATA_DIR/exchange.key, never returned) and the cursor; `syncPartnerBank` pulls every page
 * since the cursor, checks each signature, upserts the page's entries and the new cursor in one transaction,
 * then updates the matcher.
 *
 * The exchange tables are this file's own; it writes `bank_entries` of the banks domain it belongs to.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import { loadOrCreateKeyFile } from '../keys.ts';
import type { BankMatcher } from './matcher.ts';
import { ENTRY_STATUSES, hashProblem, SIGNAL_TYPES, type EntryStatus, type SignalType } from './schemas.ts';
import * as q from './sql.ts';

/** Header carrying the grant token on a pull (the request authenticator reserves `Authorization: Bearer` for API keys). */
export const EXCHANGE_TOKEN_HEADER = 'vigie-exchange-token';
/** Rows at or after now() minus this are read again by the next pull (late commits: see `exchangePage`). */
export const EXCHANGE_LOOKBACK_MS = 30_000;
/** A page's signature is refused when its timestamp is further than this from the puller's clock. */
export const SIGNATURE_TOLERANCE_S = 300;
export const MAX_EXCHANGE_PAGE = 1000;
/** Pages one sync pulls at most (the next sync goes on from the cursor). */
export const MAX_SYNC_PAGES = 1000;
const FETCH_TIMEOUT_MS = 15_000;
const MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** Provenance fields a partner may see; the rest (added_by, note, imported_from…) is internal. */
const SHARED_PROVENANCE = ['source', 'reference', 'tags', 'original_signal_type', 'quality', 'te_status'] as const;

function sharedProvenance(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SHARED_PROVENANCE) if (p[k] !== undefined && p[k] !== null) out[k] = p[k];
  return out;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

// ---------------------------------------------------------------- tokens, signatures, encryption

const TOKEN_RE = /^vxg_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function parseGrantToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1] as string, secret: m[2] as string } : null;
}

/** `v1=` + hex HMAC-SHA256(secret, "<timestamp>.<raw body>"): the value of the Vigie-Signature header. */
export function exchangeSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a page's signature and the freshness of its timestamp; returns the reason it is refused, or null. */
export function signatureProblem(secret: string, timestampHeader: string | null, signatureHeader: string | null, body: string, nowMs = Date.now()): string | null {
  if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader) || !signatureHeader) return 'missing Vigie-Timestamp or Vigie-Signature';
  const ts = Number(timestampHeader);
  if (Math.abs(nowMs / 1000 - ts) > SIGNATURE_TOLERANCE_S) return `Vigie-Timestamp ${ts} is more than ${SIGNATURE_TOLERANCE_S} s from this clock`;
  return safeEqual(exchangeSignature(secret, ts, body), signatureHeader) ? null : 'Vigie-Signature does not match the body';
}

const exchangeKeys = new Map<string, Buffer>();
function exchangeKey(dataDir: string): Buffer {
  let key = exchangeKeys.get(dataDir);
  if (!key) {
    key = loadOrCreateKeyFile(dataDir, 'exchange.key');
    exchangeKeys.set(dataDir, key);
  }
  return key;
}

/** AES-256-GCM, bound to the bank (additional data): `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptToken(dataDir: string, bankId: string, token: string): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', exchangeKey(dataDir), iv);
  c.setAAD(Buffer.from(bankId));
  const ct = Buffer.concat([c.update(token, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

export function decryptToken(dataDir: string, bankId: string, stored: string): string {
  const [v, iv, tag, ct] = stored.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown token encryption');
  const d = crypto.createDecipheriv('aes-256-gcm', exchangeKey(dataDir), Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(bankId));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

// ---------------------------------------------------------------- SQL (this file's tables)

interface GrantRow {
  id: string;
  bank_id: string;
  partner: string;
  secret_hash: string;
  created_by: AuditActor;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

interface SourceRow {
  bank_id: string;
  url: string;
  token_encrypted: string;
  cursor: string | null;
  last_synced_at: Date | null;
  last_error: string | null;
}

interface ExchangeRow {
  id: number;
  signal_type: SignalType;
  hash: string;
  status: EntryStatus;
  provenance: Record<string, unknown>;
  updated_at: Date;
  /** updated_at as PostgreSQL prints it (microseconds): the cursor's time, exact. */
  ts: string;
}

async function findGrant(db: Db, id: string): Promise<GrantRow | undefined> {
  return (await sql<GrantRow>`select * from bank_exchange_grants where id = ${id}`.execute(db)).rows[0];
}

async function findSource(db: Db, bankId: string, lock = false): Promise<SourceRow | undefined> {
  return (await sql<SourceRow>`select * from bank_partner_sources where bank_id = ${bankId} ${lock ? sql`for update` : sql``}`.execute(db)).rows[0];
}

// ---------------------------------------------------------------- owner side: grants

async function ownedBank(tx: Db, serviceId: string, bankId: string): Promise<q.BankRow> {
  const bank = await q.findVisibleBank(tx, serviceId, bankId, true);
  if (!bank) throw notFound('Bank');
  if (bank.service_id !== serviceId) throw new AppError('BANK_READ_ONLY', `The bank "${bank.slug}" belongs to the service "${bank.service_slug}" and is shared read-only`);
  return bank;
}

function presentGrant(g: GrantRow) {
  return { id: g.id, bank_id: g.bank_id, partner: g.partner, created_by: g.created_by, created_at: iso(g.created_at), last_used_at: iso(g.last_used_at), revoked_at: iso(g.revoked_at) };
}

/** A new grant on a bank the service owns; the token is in this answer only. */
export async function createGrant(db: Db, serviceId: string, bankId: string, partner: string, actor: AuditActor, requestId: string) {
  const secret = crypto.randomBytes(32).toString('base64url');
  return inTransaction(db, async (tx) => {
    await ownedBank(tx, serviceId, bankId);
    const g = (
      await sql<GrantRow>`
        insert into bank_exchange_grants (bank_id, partner, secret_hash, created_by)
        values (${bankId}, ${partner}, ${sha256(secret)}, ${JSON.stringify(actor)}::jsonb) returning *`.execute(tx)
    ).rows[0] as GrantRow;
    await recordAudit(tx, { serviceId, actor, action: 'bank.exchange_grant_created', subjectType: 'bank', subjectId: bankId, data: { grant_id: g.id, partner }, requestId });
    return { ...presentGrant(g), token: `vxg_${g.id}_${secret}` };
  });
}

export async function listGrants(db: Db, serviceId: string, bankId: string) {
  const bank = await q.findVisibleBank(db, serviceId, bankId);
  if (!bank || bank.service_id !== serviceId) throw notFound('Bank');
  const r = await sql<GrantRow>`select * from bank_exchange_grants where bank_id = ${bankId} order by created_at, id`.execute(db);
  return { items: r.rows.map(presentGrant) };
}

export async function revokeGrant(db: Db, serviceId: string, bankId: string, grantId: string, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    await ownedBank(tx, serviceId, bankId);
    const g = (
      await sql<GrantRow>`
        update bank_exchange_grants set revoked_at = coalesce(revoked_at, now())
        where id = ${grantId} and bank_id = ${bankId} returning *`.execute(tx)
    ).rows[0];
    if (!g) throw notFound('Exchange grant');
    await recordAudit(tx, { serviceId, actor, action: 'bank.exchange_grant_revoked', subjectType: 'bank', subjectId: bankId, data: { grant_id: g.id, partner: g.partner }, requestId });
    return presentGrant(g);
  });
}

// ---------------------------------------------------------------- owner side: the signed page

const CursorKey = z.tuple([z.string().min(1).max(64), z.number().int().min(0).max(2_147_483_647)]);

/** The opaque cursor: base64url of `[updated_at as PostgreSQL text, id]`. */
export const encodeExchangeCursor = (ts: string, id: number) => Buffer.from(JSON.stringify([ts, id])).toString('base64url');

export function decodeExchangeCursor(cursor: string): [string, number] | null {
  try {
    const parsed = CursorKey.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    // PostgreSQL's own timestamptz text (ISO DateStyle), e.g. `2026-11-26 17:32:37.123456+00`.
    if (parsed.success && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/.test(parsed.data[0])) return parsed.data;
  } catch {
    /* fall through */
  }
  return null;
}

export const ExchangeQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EXCHANGE_PAGE).default(500),
});

/**
 * One page of a bank's entries for the holder of a grant, in (updated_at, id) order after the cursor, as
 * the exact JSON text that is signed. An unknown, revoked or other bank's token is a 404, like a bank
 * that does not exist.
 *
 * `updated_at` is a transaction's start time, so a transaction that commits after a pull may carry an
 * earlier time than rows that pull returned. The last page's cursor therefore never goes past now() minus
 * EXCHANGE_LOOKBACK_MS: the next pull reads those rows again (applying an entry twice changes nothing).
 */
export async function exchangePage(db: Db, token: string | undefined, bankId: string, query: { cursor?: string | undefined; limit: number }, lookbackMs = EXCHANGE_LOOKBACK_MS) {
  const parsed = token ? parseGrantToken(token) : null;
  const grant = parsed ? await findGrant(db, parsed.id) : undefined;
  if (!parsed || !grant || grant.revoked_at !== null || grant.bank_id !== bankId || !safeEqual(sha256(parsed.secret), grant.secret_hash)) {
    throw new AppError('NOT_FOUND', `No exchange grant for this bank: send the grant token in the ${EXCHANGE_TOKEN_HEADER} header`);
  }
  let after: [string, number] | null = null;
  if (query.cursor !== undefined) {
    after = decodeExchangeCursor(query.cursor);
    if (!after) throw validationError([{ path: 'query.cursor', reason: 'invalid cursor (use next_cursor from the previous page)' }]);
  }
  const bank = (
    await sql<{ id: string; name: string; kind: string; category: string | null; enabled: boolean }>`
      select id, name, kind, category, enabled from banks where id = ${bankId}`.execute(db)
  ).rows[0];
  if (!bank) throw notFound('Bank');
  const rows = (
    await sql<ExchangeRow>`
      select id, signal_type, hash, status, provenance, updated_at, updated_at::text as ts from bank_entries
      where bank_id = ${bankId} and (updated_at, id) > (${after?.[0] ?? '-infinity'}::timestamptz, ${after?.[1] ?? 0}::int)
      order by updated_at, id limit ${query.limit + 1}`.execute(db)
  ).rows;
  const items = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  const last = items[items.length - 1];
  let next: string | null = query.cursor ?? null;
  if (last && hasMore) next = encodeExchangeCursor(last.ts, last.id);
  else if (last) {
    const c = (
      await sql<{ ts: string; id: number }>`
        select case when ${last.ts}::timestamptz < now() - make_interval(secs => ${lookbackMs / 1000}) then ${last.ts}
                    else (now() - make_interval(secs => ${lookbackMs / 1000}))::text end as ts,
               case when ${last.ts}::timestamptz < now() - make_interval(secs => ${lookbackMs / 1000}) then ${last.id}::int else 0 end as id`.execute(db)
    ).rows[0] as { ts: string; id: number };
    next = encodeExchangeCursor(c.ts, Number(c.id));
  }
  await sql`update bank_exchange_grants set last_used_at = now() where id = ${grant.id} and (last_used_at is null or last_used_at < now() - interval '1 minute')`.execute(db);
  const body = JSON.stringify({
    bank: { id: bank.id, name: bank.name, kind: bank.kind, category: bank.category, enabled: bank.enabled },
    items: items.map((e) => ({ signal_type: e.signal_type, hash: e.hash, status: e.status, provenance: sharedProvenance(e.provenance), updated_at: iso(e.updated_at) })),
    next_cursor: next,
    has_more: hasMore,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'vigie-timestamp': String(timestamp),
      'vigie-signature': exchangeSignature(parsed.secret, timestamp, body),
    },
  };
}

// ---------------------------------------------------------------- pulling side

export const PARTNER_SOURCE_EXAMPLE = {
  url: 'https://vigie.partner.example/v1/exchange/banks/6f1c2a9e-8a51-4f7e-9a0b-1d2c3e4f5a6b/entries',
  token: 'vxg_3b0c7a52-5f0e-4c41-b1f5-2f6e0c1d9a88_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG',
};
export const PartnerSourceBody = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), 'must not carry credentials'),
    token: z.string().max(200).refine((t) => parseGrantToken(t) !== null, 'an exchange grant token: vxg_<id>_<secret>'),
  })
  .meta({ example: PARTNER_SOURCE_EXAMPLE });

function presentSource(s: SourceRow) {
  return { url: s.url, token: 'set (never shown)', cursor: s.cursor, last_synced_at: iso(s.last_synced_at), last_error: s.last_error };
}

/** Makes a positive bank the service owns a mirror of a partner's bank (source kind `partner`); resets the cursor. */
export async function setPartnerSource(db: Db, matcher: BankMatcher, dataDir: string, serviceId: string, bankId: string, input: { url: string; token: string }, actor: AuditActor, requestId: string) {
  const s = await inTransaction(db, async (tx) => {
    const bank = await ownedBank(tx, serviceId, bankId);
    if (bank.kind !== 'positive') throw validationError([{ path: 'params.bank', reason: 'a partner source feeds a positive bank' }]);
    const host = new URL(input.url).host;
    await sql`update banks set source_kind = 'partner', source_description = coalesce(source_description, ${`partner Vigie at ${host}`}), updated_at = now() where id = ${bankId}`.execute(tx);
    const row = (
      await sql<SourceRow>`
        insert into bank_partner_sources (bank_id, url, token_encrypted) values (${bankId}, ${input.url}, ${encryptToken(dataDir, bankId, input.token)})
        on conflict (bank_id) do update set url = excluded.url, token_encrypted = excluded.token_encrypted, cursor = null, last_error = null, updated_at = now()
        returning *`.execute(tx)
    ).rows[0] as SourceRow;
    await recordAudit(tx, { serviceId, actor, action: 'bank.partner_source_set', subjectType: 'bank', subjectId: bankId, data: { url: input.url }, requestId });
    return row;
  });
  await matcher.reloadBanks();
  return presentSource(s);
}

export async function getPartnerSource(db: Db, serviceId: string, bankId: string) {
  const bank = await q.findVisibleBank(db, serviceId, bankId);
  if (!bank || bank.service_id !== serviceId) throw notFound('Bank');
  const s = await findSource(db, bankId);
  if (!s) throw notFound('Partner source');
  return presentSource(s);
}

const PageSchema = z.object({
  bank: z.object({ id: z.string(), name: z.string() }).loose(),
  items: z
    .array(
      z.object({
        signal_type: z.enum(SIGNAL_TYPES),
        hash: z.string().max(200),
        status: z.enum(ENTRY_STATUSES),
        provenance: z.record(z.string(), z.unknown()).default({}),
        updated_at: z.string().nullable().optional(),
      }),
    )
    .max(MAX_EXCHANGE_PAGE),
  next_cursor: z.string().max(512).nullable(),
  has_more: z.boolean(),
});
type Page = z.output<typeof PageSchema>;

export class PartnerPullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PartnerPullError';
  }
}

/** One signed page from the partner, checked (signature, shape, hashes) before anything is written. */
async function fetchPage(url: string, token: string, cursor: string | null, fetchImpl: typeof fetch): Promise<Page> {
  const u = new URL(url);
  if (cursor !== null) u.searchParams.set('cursor', cursor);
  let res: Response;
  try {
    res = await fetchImpl(u, { headers: { [EXCHANGE_TOKEN_HEADER]: token, accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new PartnerPullError(`partner unreachable: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (res.status !== 200) throw new PartnerPullError(`partner answered ${res.status}: ${text.slice(0, 200)}`);
  if (text.length > MAX_PAGE_BYTES) throw new PartnerPullError('partner page too large');
  const secret = (parseGrantToken(token) as { secret: string }).secret;
  const problem = signatureProblem(secret, res.headers.get('vigie-timestamp'), res.headers.get('vigie-signature'), text);
  if (problem) throw new PartnerPullError(`signature refused: ${problem}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PartnerPullError('partner page is not JSON');
  }
  const parsed = PageSchema.safeParse(json);
  if (!parsed.success) throw new PartnerPullError(`partner page malformed: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  for (const [i, e] of parsed.data.items.entries()) {
    const bad = hashProblem(e.signal_type, e.hash);
    if (bad) throw new PartnerPullError(`partner page malformed: items.${i}.${bad}`);
  }
  return parsed.data;
}

interface UpsertRow extends q.EntryRow {
  inserted: boolean;
}

/**
 * Applies a page: new hashes are inserted with the partner's status; known hashes take the partner's status
 * when it differs — except that an entry quarantined here by flood protection stays quarantined until a
 * person confirms it, unless the partner retracts it.
 */
async function upsertPage(tx: Db, bankId: string, host: string, items: Page['items']): Promise<UpsertRow[]> {
  const byKey = new Map<string, { signal_type: string; hash: string; status: string; provenance: Record<string, unknown> }>();
  for (const e of items) {
    const hash = e.hash.toLowerCase();
    byKey.set(`${e.signal_type}:${hash}`, { signal_type: e.signal_type, hash, status: e.status, provenance: { ...sharedProvenance(e.provenance), imported_from: `partner:${host}` } });
  }
  if (byKey.size === 0) return [];
  const r = await sql<UpsertRow>`
    insert into bank_entries as b (bank_id, signal_type, hash, status, status_reason, provenance)
    select ${bankId}::uuid, e.signal_type, e.hash, e.status,
           case when e.status <> 'active' then ${`${'set by the partner at '}${host}`} end, e.provenance
    from jsonb_to_recordset(${JSON.stringify([...byKey.values()])}::jsonb) as e(signal_type text, hash text, status text, provenance jsonb)
    on conflict (bank_id, signal_type, hash) do update
      set status = excluded.status, status_reason = excluded.status_reason, provenance = excluded.provenance, version = b.version + 1, updated_at = now()
      where b.status <> excluded.status and not (b.status = 'quarantined' and excluded.status in ('active', 'disputed'))
    returning b.id, b.bank_id, b.signal_type, b.hash, b.provenance, b.status, b.status_reason, b.version, b.created_at, b.updated_at, (b.xmax::text = '0') as inserted`.execute(tx);
  return r.rows;
}

export interface SyncReport {
  ok: boolean;
  pages: number;
  received: number;
  added: number;
  updated: number;
  cursor: string | null;
  error: string | null;
}

/**
 * Pulls every page since the stored cursor. Each page is applied with its cursor in one transaction (the
 * source row locked, and the cursor checked unchanged: two syncs of one bank cannot interleave pages); the
 * matcher is updated after each commit. A failure (partner unreachable, bad signature, malformed page)
 * stops the sync, keeps the pages already applied and is recorded as `last_error`.
 */
export async function syncPartnerBank(
  db: Db,
  matcher: BankMatcher,
  dataDir: string,
  serviceId: string,
  bankId: string,
  actor: AuditActor,
  requestId: string | null,
  opts: { fetch?: typeof fetch; maxPages?: number } = {},
): Promise<SyncReport> {
  const start = await inTransaction(db, async (tx) => {
    await ownedBank(tx, serviceId, bankId);
    const s = await findSource(tx, bankId);
    if (!s) throw notFound('Partner source');
    return s;
  });
  const token = decryptToken(dataDir, bankId, start.token_encrypted);
  const host = new URL(start.url).host;
  const report: SyncReport = { ok: true, pages: 0, received: 0, added: 0, updated: 0, cursor: start.cursor, error: null };
  const maxPages = opts.maxPages ?? MAX_SYNC_PAGES;
  try {
    for (let more = true; more && report.pages < maxPages; ) {
      const page = await fetchPage(start.url, token, report.cursor, opts.fetch ?? fetch);
      const from = report.cursor;
      const rows = await inTransaction(db, async (tx) => {
        const s = await findSource(tx, bankId, true);
        if (!s || s.url !== start.url || s.cursor !== from) throw new PartnerPullError('the partner source changed or another sync ran meanwhile; run the sync again');
        const applied = await upsertPage(tx, bankId, host, page.items);
        await sql`update bank_partner_sources set cursor = ${page.next_cursor}, last_synced_at = now(), last_error = null where bank_id = ${bankId}`.execute(tx);
        if (applied.length > 0) {
          const added = applied.filter((r) => r.inserted).length;
          await recordAudit(tx, {
            serviceId,
            actor,
            action: 'bank.entries_synced',
            subjectType: 'bank',
            subjectId: bankId,
            data: { partner: host, received: page.items.length, added, updated: applied.length - added },
            requestId,
          });
        }
        return applied;
      });
      for (const row of rows) matcher.apply(row);
      report.pages++;
      report.received += page.items.length;
      report.added += rows.filter((r) => r.inserted).length;
      report.updated += rows.filter((r) => !r.inserted).length;
      report.cursor = page.next_cursor;
      more = page.has_more;
    }
  } catch (err) {
    if (!(err instanceof PartnerPullError)) throw err;
    report.ok = false;
    report.error = err.message;
    await sql`update bank_partner_sources set last_error = ${err.message}, last_synced_at = now() where bank_id = ${bankId}`.execute(db);
  }
  return report;
}

/**
 * Syncs every partner bank of the instance once (for a periodic task: `vigie`'s worker does not run it
 * yet; see docs/banks.md). Errors are in the reports.
 */
export async function syncAllPartnerBanks(db: Db, matcher: BankMatcher, dataDir: string, opts: { fetch?: typeof fetch } = {}) {
  const banks = (await sql<{ bank_id: string; service_id: string }>`
    select s.bank_id, b.service_id from bank_partner_sources s join banks b on b.id = s.bank_id order by s.bank_id`.execute(db)).rows;
  const out: Array<{ bank_id: string } & SyncReport> = [];
  for (const b of banks) {
    out.push({ bank_id: b.bank_id, ...(await syncPartnerBank(db, matcher, dataDir, b.service_id, b.bank_id, { type: 'system', id: null }, null, opts)) });
  }
  return out;
}
