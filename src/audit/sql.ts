import { sql, type Db } from '../db/index.ts';

export interface AuditListFilter {
  subject_type?: string | undefined;
  subject_id?: string | undefined;
  action?: string | undefined;
  beforeId?: number | undefined;
  limit: number;
}

export interface AuditEventView {
  id: number;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  data: Record<string, unknown>;
  request_id: string | null;
  sealed_seq: number | null;
}

/** Newest first, keyset by id; fetches limit + 1 rows so the caller knows if there is a next page. */
export async function listAuditEvents(db: Db, serviceId: string, f: AuditListFilter): Promise<AuditEventView[]> {
  const rows = await sql<Omit<AuditEventView, 'occurred_at'> & { occurred_at: Date }>`
    select e.id, e.occurred_at, e.actor_type, e.actor_id, e.action, e.subject_type, e.subject_id, e.data, e.request_id,
           c.seq as sealed_seq
    from audit_events e left join audit_chain c on c.event_id = e.id
    where e.service_id = ${serviceId}
      and (${f.subject_type ?? null}::text is null or e.subject_type = ${f.subject_type ?? null})
      and (${f.subject_id ?? null}::text is null or e.subject_id = ${f.subject_id ?? null})
      and (${f.action ?? null}::text is null or e.action = ${f.action ?? null})
      and (${f.beforeId ?? null}::bigint is null or e.id < ${f.beforeId ?? null})
    order by e.id desc limit ${f.limit + 1}`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    id: Number(r.id),
    sealed_seq: r.sealed_seq === null ? null : Number(r.sealed_seq),
    occurred_at: r.occurred_at.toISOString(),
  }));
}
