/**
 * Submission of statements of reasons to the DSA Transparency Database (DSA Art. 24(5)).
 *
 * A `tdb_submissions` row is queued with the statement, in the decision's transaction. A periodic task
 * ({@link submitDueStatements}) claims due rows with FOR UPDATE SKIP LOCKED (the claim is a lease: the
 * row's next_attempt_at moves past the request's timeout, so a dead worker's rows come back), sends
 * them as one batch and records the outcome. A puid is never sent twice knowingly: a row whose previous
 * attempt ended without a definite answer (`in_doubt`) is first checked with GET existing-puid.
 * Every change of a row writes one audit event per row (subject: the statement's puid), in the same
 * statement as the change.
 */
import { auditInsertCte, recordAudit, type AuditActor } from '../audit/index.ts';
import type { Config } from '../config.ts';
import { inTransaction, sql, type Db, type RawBuilder } from '../db/index.ts';
import { AppError, notFound } from '../http/errors.ts';
import type { PeriodicTask } from '../jobs/index.ts';
import { postStatements, puidExists, type TdbClientOptions } from './tdb-client.ts';

export const TDB_SUBMISSION_STATUSES = ['pending', 'submitted', 'dead'] as const;
export type TdbSubmissionStatus = (typeof TDB_SUBMISSION_STATUSES)[number];

/** Rounds of one claimed batch (a 422 names the culprits; the rest is resent at once). */
const MAX_ROUNDS = 4;
/** Parallel existing-puid checks. */
const CHECK_CONCURRENCY = 8;

/**
 * Queues a statement for submission, in the transaction that stores it (call right after
 * insertStatement): the row exists only if the statement does.
 */
export async function queueSubmission(tx: Db, s: { serviceId: string; puid: string }, actor: AuditActor, requestId: string | null): Promise<void> {
  await sql`insert into tdb_submissions (statement_id, service_id, puid)
            select id, service_id, puid from statements_of_reasons where service_id = ${s.serviceId} and puid = ${s.puid}`.execute(tx);
  await recordAudit(tx, { serviceId: s.serviceId, actor, action: 'tdb_submission.queued', subjectType: 'statement_of_reasons', subjectId: s.puid, requestId });
}

interface Claimed {
  statement_id: string;
  service_id: string;
  puid: string;
  attempts: number;
  was_in_doubt: boolean;
  tdb: Record<string, unknown>;
}

async function claim(db: Db, limit: number, leaseSeconds: number): Promise<Claimed[]> {
  const r = await sql<Claimed>`
    with due as (
      select statement_id, in_doubt from tdb_submissions
      where status = 'pending' and next_attempt_at <= now()
      order by next_attempt_at limit ${limit} for update skip locked
    )
    update tdb_submissions t set attempts = t.attempts + 1, in_doubt = true, updated_at = now(),
                                 next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
    from due, statements_of_reasons s
    where t.statement_id = due.statement_id and s.id = t.statement_id
    returning t.statement_id, t.service_id, t.puid, t.attempts, due.in_doubt as was_in_doubt, s.tdb`.execute(db);
  return r.rows;
}

/** Audit rows (one per updated row) selected from the CTE `upd` (service_id, puid, data). */
function auditFromUpdated(action: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select service_id, 'system'::text, null::text, ${action}, 'statement_of_reasons'::text, puid, data, null::text from upd`;
}

async function markSubmitted(db: Db, rows: Array<{ id: string; uuid: string | null }>, via: string): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    with v as (select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, uuid text)),
    upd as (
      update tdb_submissions t set status = 'submitted', tdb_uuid = v.uuid, submitted_at = now(), in_doubt = false,
                                   next_attempt_at = now(), updated_at = now()
      from v where t.statement_id = v.id and t.status = 'pending'
      returning t.service_id, t.puid, jsonb_build_object('tdb_uuid', t.tdb_uuid, 'attempts', t.attempts, 'via', ${via}::text) as data
    ), ${auditFromUpdatedCte(sql`'tdb_submission.submitted'::text`)}
    select 1`.execute(db);
}

async function markDead(db: Db, rows: Array<{ id: string; error: string }>): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    with v as (select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, error text)),
    upd as (
      update tdb_submissions t set status = 'dead', last_error = v.error, in_doubt = false, next_attempt_at = now(), updated_at = now()
      from v where t.statement_id = v.id and t.status = 'pending'
      returning t.service_id, t.puid, jsonb_build_object('attempts', t.attempts, 'error', v.error, 'reason', 'rejected') as data
    ), ${auditFromUpdatedCte(sql`'tdb_submission.dead'::text`)}
    select 1`.execute(db);
}

/**
 * A failed attempt: exponential backoff per row (2^attempts s, capped at an hour, at least Retry-After),
 * or dead once the row has used its attempts.
 */
async function reschedule(db: Db, ids: string[], f: { error: string; inDoubt: boolean; retryAfterS?: number | undefined }, maxAttempts: number): Promise<void> {
  if (ids.length === 0) return;
  const error = f.error.slice(0, 2000);
  await sql`
    with upd as (
      update tdb_submissions t set
        status = case when t.attempts >= ${maxAttempts} then 'dead' else 'pending' end,
        next_attempt_at = now() + make_interval(secs => greatest(least(3600, power(2, t.attempts)), ${f.retryAfterS ?? 0})),
        in_doubt = ${f.inDoubt}, last_error = ${error}, updated_at = now()
      where t.statement_id = any(${ids}::uuid[]) and t.status = 'pending'
      returning t.service_id, t.puid, t.status,
        jsonb_build_object('attempts', t.attempts, 'error', ${error}::text, 'in_doubt', t.in_doubt,
                           'next_attempt_at', case when t.status = 'pending' then t.next_attempt_at end) as data
    ), ${auditFromUpdatedCte(sql`case when status = 'dead' then 'tdb_submission.dead' else 'tdb_submission.retry' end`)}
    select 1`.execute(db);
}

function auditFromUpdatedCte(action: RawBuilder<unknown>): RawBuilder<unknown> {
  return auditInsertCte('a', auditFromUpdated(action));
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

export interface TdbRunResult {
  /** False when TDB_API_URL or TDB_API_TOKEN is unset: nothing is claimed, rows wait. */
  enabled: boolean;
  /** Batches claimed. */
  batches: number;
  submitted: number;
  dead: number;
  retried: number;
}

async function processBatch(db: Db, client: TdbClientOptions, rows: Claimed[], maxAttempts: number, result: TdbRunResult): Promise<void> {
  const fail = async (list: Claimed[], f: { error: string; inDoubt: boolean; retryAfterS?: number | undefined }) => {
    await reschedule(db, list.map((r) => r.statement_id), f, maxAttempts);
    // The same rule as the SQL: out of attempts → dead.
    for (const r of list) {
      if (r.attempts >= maxAttempts) result.dead++;
      else result.retried++;
    }
  };

  // A previous attempt may have stored these: ask before sending them again.
  let pending = rows;
  const doubtful = rows.filter((r) => r.was_in_doubt);
  if (doubtful.length > 0) {
    const answers = await mapLimit(doubtful, CHECK_CONCURRENCY, (r) => puidExists(client, r.puid));
    const found: Claimed[] = [];
    const unknown: Array<[Claimed, string]> = [];
    doubtful.forEach((r, i) => {
      const a = answers[i];
      if (a === true) found.push(r);
      else if (a !== false && a !== undefined) unknown.push([r, a.error]);
    });
    await markSubmitted(db, found.map((r) => ({ id: r.statement_id, uuid: null })), 'existing-puid');
    result.submitted += found.length;
    for (const [r, error] of unknown) await fail([r], { error, inDoubt: true });
    const settled = new Set([...found, ...unknown.map(([r]) => r)]);
    pending = rows.filter((r) => !settled.has(r));
  }

  for (let round = 0; pending.length > 0; round++) {
    if (round >= MAX_ROUNDS) {
      await fail(pending, { error: `batch not settled after ${MAX_ROUNDS} calls`, inDoubt: false });
      return;
    }
    const outcome = await postStatements(client, pending.map((r) => r.tdb));
    if (outcome.kind === 'created') {
      const stored = pending.filter((r) => outcome.uuids.has(r.puid));
      await markSubmitted(db, stored.map((r) => ({ id: r.statement_id, uuid: outcome.uuids.get(r.puid) ?? null })), 'batch');
      result.submitted += stored.length;
      const missing = pending.filter((r) => !outcome.uuids.has(r.puid));
      if (missing.length > 0) await fail(missing, { error: '201 without this puid in the answer', inDoubt: true });
      return;
    }
    if (outcome.kind === 'existing') {
      // Already in the TDB (an earlier attempt got through): never send them again; the rest was not stored.
      const used = new Set(outcome.puids);
      const already = pending.filter((r) => used.has(r.puid));
      if (already.length === 0) {
        await fail(pending, { error: `422 existing_puids names none of the batch: ${outcome.puids.slice(0, 5).join(', ')}`, inDoubt: false });
        return;
      }
      await markSubmitted(db, already.map((r) => ({ id: r.statement_id, uuid: null })), 'existing_puids');
      result.submitted += already.length;
      pending = pending.filter((r) => !used.has(r.puid));
      continue;
    }
    if (outcome.kind === 'invalid') {
      const rejected = pending.filter((_, i) => outcome.items.has(i));
      if (rejected.length === 0) {
        await fail(pending, { error: '422 naming no item of the batch', inDoubt: false });
        return;
      }
      await markDead(db, pending.flatMap((r, i) => (outcome.items.has(i) ? [{ id: r.statement_id, error: `422: ${JSON.stringify(outcome.items.get(i)).slice(0, 1990)}` }] : [])));
      result.dead += rejected.length;
      pending = pending.filter((_, i) => !outcome.items.has(i));
      continue;
    }
    await fail(pending, outcome);
    return;
  }
}

/**
 * The periodic task: claims due submissions (up to TDB_BATCH_SIZE per call, several batches per run)
 * and submits them. Does nothing when TDB_API_URL or TDB_API_TOKEN is unset.
 */
export async function submitDueStatements(db: Db, config: Config, opts: { fetch?: typeof fetch; maxBatches?: number } = {}): Promise<TdbRunResult> {
  const result: TdbRunResult = { enabled: false, batches: 0, submitted: 0, dead: 0, retried: 0 };
  if (!config.tdbApiUrl || !config.tdbApiToken) return result;
  result.enabled = true;
  const client: TdbClientOptions = { url: config.tdbApiUrl, token: config.tdbApiToken, timeoutMs: config.tdbTimeoutMs, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  // The lease covers the existence checks and every round of the batch, each bounded by the timeout.
  const leaseSeconds = Math.ceil(config.tdbTimeoutMs / 1000) * (MAX_ROUNDS + 2) + 60;
  const batchSize = Math.min(100, Math.max(1, config.tdbBatchSize));
  for (let i = 0; i < (opts.maxBatches ?? 10); i++) {
    const rows = await claim(db, batchSize, leaseSeconds);
    if (rows.length === 0) break;
    result.batches++;
    await processBatch(db, client, rows, config.tdbMaxAttempts, result);
    if (rows.length < batchSize) break;
  }
  return result;
}

export interface TdbSubmissionRow {
  id: string;
  puid: string;
  decision_id: string;
  status: TdbSubmissionStatus;
  attempts: number;
  in_doubt: boolean;
  next_attempt_at: string | null;
  last_error: string | null;
  tdb_uuid: string | null;
  submitted_at: string | null;
  created_at: string;
}

/** One keyset page (oldest first) of a service's submissions, optionally of one status; limit + 1 rows. */
export async function listSubmissions(
  db: Db,
  serviceId: string,
  f: { status?: TdbSubmissionStatus | undefined; after?: readonly [string, string] | undefined; limit: number },
): Promise<Array<TdbSubmissionRow & { created_key: string }>> {
  // As stored: the same fields with timestamps as Date, plus the keyset key.
  type Stored = Omit<TdbSubmissionRow, 'next_attempt_at' | 'submitted_at' | 'created_at'> & {
    next_attempt_at: Date;
    submitted_at: Date | null;
    created_at: Date;
    created_key: string;
  };
  const r = await sql<Stored>`
    select t.statement_id as id, t.puid, s.decision_id, t.status, t.attempts, t.in_doubt, t.next_attempt_at, t.last_error,
           t.tdb_uuid, t.submitted_at, t.created_at, t.created_at::text as created_key
    from tdb_submissions t join statements_of_reasons s on s.id = t.statement_id
    where t.service_id = ${serviceId}
      ${f.status ? sql`and t.status = ${f.status}` : sql``}
      ${f.after ? sql`and (t.created_at, t.statement_id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by t.created_at, t.statement_id limit ${f.limit + 1}`.execute(db);
  return r.rows.map((x) => ({
    ...x,
    next_attempt_at: x.status === 'pending' ? new Date(x.next_attempt_at).toISOString() : null,
    submitted_at: x.submitted_at ? new Date(x.submitted_at).toISOString() : null,
    created_at: new Date(x.created_at).toISOString(),
  }));
}

/** Puts a dead submission back in the queue (attempts reset), e.g. after the TDB-side problem was fixed. */
export async function replaySubmission(db: Db, serviceId: string, id: string, actor: AuditActor, requestId: string | null): Promise<{ id: string; puid: string; status: TdbSubmissionStatus }> {
  return inTransaction(db, async (tx) => {
    const r = await sql<{ puid: string; previous_attempts: number; last_error: string | null }>`
      with old as (select statement_id, attempts from tdb_submissions where statement_id = ${id} and service_id = ${serviceId})
      update tdb_submissions t set status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
      from old
      where t.statement_id = old.statement_id and t.status = 'dead'
      returning t.puid, old.attempts as previous_attempts, t.last_error`.execute(tx);
    const row = r.rows[0];
    if (!row) {
      const cur = await sql<{ status: string }>`select status from tdb_submissions where statement_id = ${id} and service_id = ${serviceId}`.execute(tx);
      const status = cur.rows[0]?.status;
      if (!status) throw notFound('Transparency Database submission');
      throw new AppError('CONFLICT', `Only dead submissions are replayed; this one is ${status}`);
    }
    await recordAudit(tx, {
      serviceId,
      actor,
      action: 'tdb_submission.replayed',
      subjectType: 'statement_of_reasons',
      subjectId: row.puid,
      data: { previous_attempts: row.previous_attempts, last_error: row.last_error },
      requestId,
    });
    return { id, puid: row.puid, status: 'pending' as const };
  });
}

/** The submission task for the worker, when TDB_API_URL and TDB_API_TOKEN are set (none otherwise). */
export function tdbPeriodicTasks(db: Db, config: Config): PeriodicTask[] {
  if (!config.tdbApiUrl || !config.tdbApiToken) return [];
  return [{ name: 'tdb-submit', intervalMs: config.tdbSubmitIntervalMs, run: () => submitDueStatements(db, config) }];
}
