import { sql, type Db } from '../db/index.ts';

export const OUTBOX_STATUSES = ['pending', 'sent', 'dead', 'skipped'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** A claimed outbox row: what the delivery worker needs to compose the message. */
export interface ClaimedMessage {
  id: string;
  service_id: string;
  template: string;
  locale: string;
  notice_id: string | null;
  decision_id: string | null;
  appeal_id: string | null;
  /** A warning or suspension of a notifier (notifiers domain). */
  notifier_action_id: string | null;
  attempts: number;
}

/**
 * Takes the oldest due pending email under a lease: its next attempt moves `leaseSeconds` ahead, in one
 * statement, so no transaction stays open while the SMTP server answers (on PGlite that would block every
 * request). If the worker dies mid-send, the lease runs out and the message is sent again (at-least-once).
 * SKIP LOCKED lets several workers share the outbox on PostgreSQL.
 */
export async function claimDueEmail(db: Db, leaseSeconds: number): Promise<ClaimedMessage | undefined> {
  const r = await sql<ClaimedMessage>`
    update outbox set next_attempt_at = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
    where id = (
      select id from outbox
      where kind = 'email' and status = 'pending' and next_attempt_at <= now()
      order by next_attempt_at limit 1 for update skip locked)
    returning id, service_id, template, locale, notice_id, decision_id, appeal_id, notifier_action_id, attempts`.execute(db);
  const row = r.rows[0];
  return row ? { ...row, attempts: Number(row.attempts) } : undefined;
}

export async function markSent(db: Db, id: string, messageId: string): Promise<void> {
  await sql`update outbox set status = 'sent', sent_at = now(), message_id = ${messageId.slice(0, 500)}, last_error = null, updated_at = now()
            where id = ${id}`.execute(db);
}

export async function markSkipped(db: Db, id: string, reason: string): Promise<void> {
  await sql`update outbox set status = 'skipped', last_error = ${reason}, updated_at = now() where id = ${id}`.execute(db);
}

/** One more failed attempt: back off 2^attempts seconds (capped at an hour), dead after maxAttempts. */
export async function markFailed(db: Db, id: string, attemptsBefore: number, maxAttempts: number, error: string): Promise<'retry' | 'dead'> {
  const attempts = attemptsBefore + 1;
  const dead = attempts >= maxAttempts;
  const delay = Math.min(3600, 2 ** attempts);
  await sql`update outbox set attempts = ${attempts}, status = ${dead ? 'dead' : 'pending'}, last_error = ${error.slice(0, 1000)},
              next_attempt_at = now() + make_interval(secs => ${delay}), updated_at = now()
            where id = ${id} and status = 'pending'`.execute(db);
  return dead ? 'dead' : 'retry';
}

export interface OutboxRow {
  id: string;
  kind: string;
  template: string;
  locale: string;
  status: string;
  notice_id: string | null;
  decision_id: string | null;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  message_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`id, kind, template, locale, status, notice_id, decision_id, attempts, next_attempt_at, last_error, sent_at, message_id, created_at, updated_at`;

/** Newest first, keyset on (created_at, id). */
export async function listOutbox(
  db: Db,
  serviceId: string,
  q: { status?: OutboxStatus | undefined; after?: [string, string] | undefined; limit: number },
): Promise<Array<OutboxRow & { cursor_ts: string }>> {
  const status = q.status ? sql`and status = ${q.status}` : sql``;
  const after = q.after ? sql`and (created_at, id) < (${q.after[0]}::timestamptz, ${q.after[1]}::uuid)` : sql``;
  // The cursor keeps created_at to the microsecond (a JS Date would round it and skip rows).
  const r = await sql<OutboxRow & { cursor_ts: string }>`
    select ${COLUMNS}, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_ts
    from outbox where service_id = ${serviceId} ${status} ${after}
                                 order by created_at desc, id desc limit ${q.limit + 1}`.execute(db);
  return r.rows.map((row) => ({ ...row, attempts: Number(row.attempts) }));
}

export async function findOutbox(db: Db, serviceId: string, id: string): Promise<OutboxRow | undefined> {
  const r = await sql<OutboxRow>`select ${COLUMNS} from outbox where service_id = ${serviceId} and id = ${id} for update`.execute(db);
  const row = r.rows[0];
  return row ? { ...row, attempts: Number(row.attempts) } : undefined;
}

/** A dead message back to pending, due now, with a fresh attempt budget. */
export async function requeueDead(tx: Db, serviceId: string, id: string): Promise<OutboxRow | undefined> {
  const r = await sql<OutboxRow>`update outbox set status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
                                 where service_id = ${serviceId} and id = ${id} and status = 'dead' returning ${COLUMNS}`.execute(tx);
  const row = r.rows[0];
  return row ? { ...row, attempts: Number(row.attempts) } : undefined;
}
