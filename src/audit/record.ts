import crypto from 'node:crypto';
import { sql, type Db } from '../db/index.ts';

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

export interface StoredEventFields {
  service_id: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  data: unknown;
  request_id: string | null;
}

/** The hash of one event over every stored column but its id. */
export function eventHash(e: StoredEventFields): string {
  const body = canonicalJson([
    e.service_id,
    e.occurred_at.toISOString(),
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
 * Appends one audit event. Call it with the transaction that makes the change, so both commit or
 * neither does. The event waits in `audit_pending` until the sealer chains it.
 */
export async function recordAudit(db: Db, input: AuditEventInput): Promise<void> {
  const fields: StoredEventFields = {
    service_id: input.serviceId,
    occurred_at: new Date(),
    actor_type: input.actor.type,
    actor_id: input.actor.id,
    action: input.action,
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    data: JSON.parse(JSON.stringify(input.data ?? {})) as unknown,
    request_id: input.requestId ?? null,
  };
  await sql`
    with e as (
      insert into audit_events (service_id, occurred_at, actor_type, actor_id, action, subject_type, subject_id, data, request_id, event_hash)
      values (${fields.service_id}, ${fields.occurred_at}, ${fields.actor_type}, ${fields.actor_id}, ${fields.action},
              ${fields.subject_type}, ${fields.subject_id}, ${JSON.stringify(fields.data)}::jsonb, ${fields.request_id}, ${eventHash(fields)})
      returning id, service_id
    )
    insert into audit_pending (event_id, service_id) select id, service_id from e
  `.execute(db);
}
