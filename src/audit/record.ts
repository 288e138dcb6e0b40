import crypto from 'node:crypto';
import { sql, type Db, type RawBuilder } from '../db/index.ts';

export interface AuditActor {
  type: 'user' | 'apikey' | 'public' | 'system';
  id: string | null;
}

export interface AuditEventInput {
  serviceId: string;
  actor: AuditActor;
  /** dotted verb, e.g. `notice.received`, `case.claimed` */
  action: string;
  subjectType: string;
  subjectId: string;
  /** Facts of the change. Never personal data of notifiers: reference them by id. */
  data?: Record<string, unknown>;
  requestId?: string | null;
}

/** JSON with sorted keys, so a value hashes the same after a round trip through jsonb. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** An event as the sealer and the verifier read it (`occurred_at` as UTC text with microseconds). */
export interface StoredEvent {
  id: number;
  service_id: string;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  data: unknown;
  request_id: string | null;
}

/** Columns of an event in the form that is hashed: exact to the microsecond, whatever the session time zone. */
export const STORED_EVENT_COLUMNS = sql`e.id, e.service_id,
  to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
  e.actor_type, e.actor_id, e.action, e.subject_type, e.subject_id, e.data, e.request_id`;

/** SHA-256 of one event's content: every stored column, canonically serialised. */
export function eventHash(e: StoredEvent): string {
  const body = canonicalJson([
    Number(e.id),
    e.service_id,
    e.occurred_at,
    e.actor_type,
    e.actor_id,
    e.action,
    e.subject_type,
    e.subject_id,
    e.data,
    e.request_id,
  ]);
  return crypto.createHash('sha256').update(body).digest('hex');
}

/**
 * A CTE pair that appends audit events selected by `rows` (columns: service_id, actor_type, actor_id,
 * action, subject_type, subject_id, data jsonb, request_id) and marks them pending for the sealer.
 * Lets a use case write its change and its audit events in one statement. `name` prefixes the CTEs.
 */
export function auditInsertCte(name: string, rows: RawBuilder<unknown>): RawBuilder<unknown> {
  const ev = sql.raw(`${name}_events`);
  return sql`${ev} as (
      insert into audit_events (service_id, occurred_at, actor_type, actor_id, action, subject_type, subject_id, data, request_id)
      select r.service_id, clock_timestamp(), r.actor_type, r.actor_id, r.action, r.subject_type, r.subject_id, r.data, r.request_id
      from (${rows}) as r(service_id, actor_type, actor_id, action, subject_type, subject_id, data, request_id)
      returning id, service_id
    ), ${sql.raw(`${name}_pending`)} as (
      insert into audit_pending (event_id, service_id) select id, service_id from ${ev}
    )`;
}

/** One audit row for {@link auditInsertCte}, from known values. */
export function auditRow(e: AuditEventInput): RawBuilder<unknown> {
  return sql`select ${e.serviceId}::uuid, ${e.actor.type}::text, ${e.actor.id}::text, ${e.action}::text,
                    ${e.subjectType}::text, ${e.subjectId}::text, ${JSON.stringify(e.data ?? {})}::jsonb, ${e.requestId ?? null}::text`;
}

/**
 * Appends one audit event. Call it with the transaction that makes the change, so both commit or
 * neither does. The event waits in `audit_pending` until the sealer hashes and chains it.
 */
export async function recordAudit(db: Db, input: AuditEventInput): Promise<void> {
  await sql`with ${auditInsertCte('a', auditRow(input))} select 1`.execute(db);
}
