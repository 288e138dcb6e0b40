import { z } from 'zod';
import { recordAudit, actorOf } from '../audit/index.ts';
import { inTransaction } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { cursorParam, limitParam, page, pageSchema } from '../http/pagination.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { findOutbox, listOutbox, OUTBOX_STATUSES, requeueDead, type OutboxRow } from './sql.ts';

const ServiceParams = z.object({ service: z.string() });
const MessageParams = z.object({ service: z.string(), id: z.uuid() });

/** An outbox message as administrators see it: delivery state only, never the recipient or the text. */
const OutboxMessage = z.object({
  id: z.string(),
  kind: z.string(),
  template: z.string(),
  locale: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  notice_id: z.string().nullable(),
  decision_id: z.string().nullable(),
  attempts: z.number(),
  next_attempt_at: z.string(),
  last_error: z.string().nullable(),
  sent_at: z.string().nullable(),
  message_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const ListQuery = z.strictObject({
  status: z.enum(OUTBOX_STATUSES).optional(),
  cursor: cursorParam(z.tuple([z.string(), z.uuid()])).optional(),
  limit: limitParam,
});

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function present(r: OutboxRow): z.infer<typeof OutboxMessage> {
  return {
    id: r.id,
    kind: r.kind,
    template: r.template,
    locale: r.locale,
    status: r.status as z.infer<typeof OutboxMessage>['status'],
    notice_id: r.notice_id,
    decision_id: r.decision_id,
    attempts: r.attempts,
    next_attempt_at: iso(r.next_attempt_at) as string,
    last_error: r.last_error,
    sent_at: iso(r.sent_at),
    message_id: r.message_id,
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
  };
}

export const notificationRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/outbox',
    operationId: 'listOutbox',
    summary: 'Outgoing messages of the service and their delivery state, newest first',
    description: 'Filter by `status` (pending, sent, dead, skipped). Recipients and message texts are never shown.',
    tags: ['notifications'],
    access: can('jobs:read'),
    params: ServiceParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of messages', schema: pageSchema(OutboxMessage) } },
    async handler({ app, access, query }) {
      const rows = await listOutbox(app.db, access.serviceId, { status: query.status, after: query.cursor, limit: query.limit });
      const p = page(rows, query.limit, (r) => [r.cursor_ts, r.id]);
      return { body: { items: p.items.map(present), next_cursor: p.next_cursor } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/outbox/:id/retry',
    operationId: 'retryOutboxMessage',
    summary: 'Put a dead message back in the delivery queue',
    description: 'Only a `dead` message can be retried: it becomes `pending`, due now, with a fresh attempt budget.',
    tags: ['notifications'],
    access: can('outbox:manage'),
    params: MessageParams,
    responses: {
      200: { description: 'The message, pending again', schema: OutboxMessage },
      404: { description: 'No such message in this service' },
      409: { description: 'The message is not dead' },
    },
    async handler({ app, access, params, principal, requestId }) {
      const row = await inTransaction(app.db, async (tx) => {
        const current = await findOutbox(tx, access.serviceId, params.id);
        if (!current) throw new AppError('NOT_FOUND', 'no such message');
        if (current.status !== 'dead') throw new AppError('CONFLICT', `only a dead message can be retried (this one is ${current.status})`);
        const updated = await requeueDead(tx, access.serviceId, params.id);
        if (!updated) throw new AppError('CONFLICT', 'the message changed meanwhile');
        await recordAudit(tx, {
          serviceId: access.serviceId,
          actor: actorOf(principal),
          action: 'outbox.retried',
          subjectType: 'outbox',
          subjectId: params.id,
          data: { template: current.template, attempts: current.attempts },
          requestId,
        });
        return updated;
      });
      return { body: present(row) };
    },
  }),
];
