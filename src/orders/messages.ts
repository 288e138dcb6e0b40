import type { Db } from '../db/index.ts';
import { enqueue } from '../jobs/index.ts';
import * as q from './sql.ts';

export type MessageKind = 'acknowledgement' | 'effect' | 'impossibility' | 'contest';

/** The durable job that pushes one message to its authority's callback URL (src/orders/delivery.ts). */
export const DELIVERY_JOB = 'order.message.deliver';
/** Attempts of a push: the jobs table's backoff (2^n s, capped at 1 h) spreads 16 over about 5 hours. */
export const DELIVERY_MAX_ATTEMPTS = 16;

/**
 * A message to the authority about its order, in the caller's transaction: kept in `order_messages`, which the
 * authority reads with its key (GET …/orders/:id). When the authority has a callback URL, a delivery job is queued
 * in the same transaction: it exists only if the message commits, and pushes it signed (docs/orders.md).
 */
export async function messageAuthority(
  tx: Db,
  o: { serviceId: string; orderId: string; reference: string },
  kind: MessageKind,
  body: Record<string, unknown>,
): Promise<string> {
  const m = await q.insertMessage(tx, o.serviceId, o.orderId, kind, { order_id: o.orderId, reference: o.reference, ...body });
  if (m.delivery_status === 'pending') {
    await enqueue(tx, { type: DELIVERY_JOB, serviceId: o.serviceId, payload: { message_id: m.id }, maxAttempts: DELIVERY_MAX_ATTEMPTS });
  }
  return m.id;
}

export function presentMessage(m: q.MessageRow) {
  return {
    id: m.id,
    kind: m.kind,
    body: m.body,
    created_at: m.created_at.toISOString(),
    delivered_at: m.delivered_at?.toISOString() ?? null,
    // Push to the callback URL: null when the message is read by polling only.
    delivery: m.delivery_status === null ? null : { status: m.delivery_status, attempts: m.delivery_attempts, last_error: m.delivery_last_error },
  };
}
