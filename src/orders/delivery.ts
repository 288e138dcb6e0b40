import { z } from 'zod';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/index.ts';
import { defineJob, type AnyJobType } from '../jobs/index.ts';
import { sendSigned } from '../webhooks/index.ts';
import { DELIVERY_JOB, DELIVERY_MAX_ATTEMPTS } from './messages.ts';
import * as q from './sql.ts';

/** What the authority's callback receives: the message as GET …/orders/:id lists it, with its order. */
export function callbackPayload(m: q.OutgoingMessage) {
  return {
    format: 'vigie.order_message/1',
    id: m.id,
    order_id: m.order_id,
    reference: m.reference,
    kind: m.kind,
    created_at: m.created_at.toISOString(),
    body: m.body,
  };
}

type Sent = Awaited<ReturnType<typeof sendSigned>>;
/** What the POST, made outside any transaction, gave: nothing to do, no callback (any more), or its outcome. */
type Prepared = { step: 'settled' } | { step: 'no_callback' } | { step: 'sent'; outcome: Sent };

/**
 * The job that pushes a message to its authority's callback URL: a JSON POST signed like webhooks (Vigie-Timestamp,
 * Vigie-Signature with the authority's callback secret) through the webhooks' outbound guard. `outbound` is the
 * database handle given to configureWebhookNetwork (its guard: WEBHOOK_ALLOW_PRIVATE_NETWORKS / _ALLOWED_HOSTS).
 *
 * The POST runs in the job's `prepare` step, outside any transaction: a slow authority endpoint must not hold a
 * database connection (on PGlite, the only one). The handler then settles the message in the job's transaction.
 * A failed attempt throws: the jobs table retries it with backoff and keeps its error. The last attempt, or an
 * address the guard refuses (retrying will not help), settles the message `failed` and audits
 * `order.message_delivery_failed` instead of throwing, so that record commits. The message stays readable by polling.
 */
export function orderMessageDeliveryJob(outbound: Db): AnyJobType {
  return defineJob<{ message_id: string }, Prepared>({
    type: DELIVERY_JOB,
    payload: z.object({ message_id: z.uuid() }),
    maxAttempts: DELIVERY_MAX_ATTEMPTS,
    prepare: async (db, { message_id }) => {
      const m = await q.findOutgoingMessage(db, message_id);
      // Delivered or failed already (a job may run twice), or gone: nothing to do.
      if (!m || m.delivery_status !== 'pending') return { step: 'settled' };
      if (!m.callback_url || !m.callback_secret) return { step: 'no_callback' };
      const outcome = await sendSigned(outbound, m.callback_url, m.callback_secret, JSON.stringify(callbackPayload(m)), {
        'user-agent': 'Vigie-Orders/1',
        'vigie-message-id': m.id,
        'vigie-message-kind': m.kind,
      });
      return { step: 'sent', outcome };
    },
    handle: async (tx, { message_id }, job, prepared) => {
      const m = await q.findOutgoingMessage(tx, message_id, true);
      if (!m || m.delivery_status !== 'pending' || prepared.step === 'settled') return;
      const previousError = job.attempts > 1 ? await q.previousJobError(tx, job.id) : null;
      if (prepared.step === 'no_callback') {
        // The callback URL was removed since: the authority reads the message by polling.
        await q.settleDelivery(tx, m.id, { status: null, attempts: job.attempts - 1, lastError: previousError });
        return;
      }
      const r = prepared.outcome;
      if (r.ok) {
        await q.settleDelivery(tx, m.id, { status: 'delivered', attempts: job.attempts, lastError: previousError });
        return;
      }
      if (!r.final && job.attempts < DELIVERY_MAX_ATTEMPTS) throw new Error(r.error);
      await q.settleDelivery(tx, m.id, { status: 'failed', attempts: job.attempts, lastError: r.error });
      await recordAudit(tx, {
        serviceId: m.service_id,
        actor: { type: 'system', id: null },
        action: 'order.message_delivery_failed',
        subjectType: 'order',
        subjectId: m.order_id,
        data: { message_id: m.id, kind: m.kind, authority_id: m.authority_id, attempts: job.attempts, error: r.error.slice(0, 500) },
      });
    },
  });
}
