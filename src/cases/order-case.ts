import { recordAudit, type AuditActor } from '../audit/index.ts';
import { sql, type Db } from '../db/index.ts';
import { AppError } from '../http/errors.ts';

/** The queue every order case goes to (created for each service: DEFAULT_QUEUES and migration 0016). */
export const ORDERS_QUEUE = 'orders';

/**
 * Opens the case of an order from an authority, in the caller's transaction: one case per order (its own
 * content key, never merged with notice cases), in the orders queue, tier 0 and trust rank -1 so that it
 * sorts ahead of every other case (trusted flaggers included), with the order's legal deadline.
 */
export async function openOrderCase(
  tx: Db,
  o: {
    serviceId: string;
    orderId: string;
    category: string;
    keyword: string | null;
    url: string | null;
    contentId: string | null;
    deadlineAt: Date;
    actor: AuditActor;
    requestId: string | null;
  },
): Promise<string> {
  const r = await sql<{ id: string; queue_id: string }>`
    insert into cases (service_id, content_key, content_url, content_id, queue_id, category, subcategory, tier, trust_rank, deadline_at, notice_count, order_id)
    select ${o.serviceId}, ${'order:' + o.orderId}, ${o.url}, ${o.contentId}, q.id, ${o.category}, ${o.keyword}, 0, -1, ${o.deadlineAt}, 0, ${o.orderId}
    from queues q where q.service_id = ${o.serviceId} and q.slug = ${ORDERS_QUEUE}
    returning id, queue_id`.execute(tx);
  const row = r.rows[0];
  if (!row) throw new AppError('INTERNAL', `The service has no "${ORDERS_QUEUE}" queue`);
  await recordAudit(tx, {
    serviceId: o.serviceId,
    actor: o.actor,
    action: 'case.opened',
    subjectType: 'case',
    subjectId: row.id,
    data: { order_id: o.orderId, tier: 0, deadline_at: o.deadlineAt.toISOString(), queue_id: row.queue_id },
    requestId: o.requestId,
  });
  return row.id;
}

/** The case of an order (id and status), or undefined. */
export async function findOrderCase(db: Db, serviceId: string, orderId: string): Promise<{ id: string; status: string } | undefined> {
  const r = await sql<{ id: string; status: string }>`select id, status from cases where service_id = ${serviceId} and order_id = ${orderId}`.execute(db);
  return r.rows[0];
}

/**
 * Closes the open case of an order that will not be given effect (reasoned impossibility): it leaves the
 * queue, whose head it would otherwise hold past its deadline. No decision is taken.
 */
export async function closeOrderCase(tx: Db, serviceId: string, orderId: string, actor: AuditActor, requestId: string | null, reason: string): Promise<void> {
  const r = await sql<{ id: string }>`
    update cases set status = 'closed', claimed_by = null, claim_expires_at = null, updated_at = now()
    where service_id = ${serviceId} and order_id = ${orderId} and status = 'open' returning id`.execute(tx);
  const id = r.rows[0]?.id;
  if (id) await recordAudit(tx, { serviceId, actor, action: 'case.closed', subjectType: 'case', subjectId: id, data: { order_id: orderId, reason }, requestId });
}
