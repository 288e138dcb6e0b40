import crypto from 'node:crypto';
import { canonicalJson, recordAudit, type AuditActor } from '../audit/index.ts';
import { findOrderCase, openOrderCase } from '../cases/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import { findIdempotent, recordIdempotent, replayIdempotent, type IdempotentResponse } from '../http/idempotency.ts';
import { page } from '../http/pagination.ts';
import { messageAuthority, presentMessage } from './messages.ts';
import type { OrderInput, OrderType, RegisterOrderInput } from './schemas.ts';
import * as q from './sql.ts';

/**
 * Deadline of an order from its receipt. A removal order: one hour, fixed by law (TCO Art. 3(3)). Orders to act
 * and to provide information (DSA Art. 9/10) carry their own deadline or are acted on "without undue delay":
 * our defaults, 24 h and 72 h, keep them at the head of the orders queue.
 */
export const DEFAULT_DEADLINE_MINUTES: Record<OrderType, number> = {
  removal_order: 60,
  order_to_act: 24 * 60,
  order_to_provide_information: 72 * 60,
};

export interface OrderRequest {
  access: ServiceAccess;
  actor: AuditActor;
  requestId: string;
}

/** Why this authority may not send this order (its registered scope), or null. */
function outOfScope(a: q.AuthorityRow, o: OrderInput): string | null {
  if (a.disabled) return `The authority "${a.name}" is disabled: it may not send orders`;
  if (!a.order_types.includes(o.type)) return `The authority "${a.name}" may not issue ${o.type} (its scope: ${a.order_types.join(', ')})`;
  if (o.issuing_member_state !== a.member_state) {
    return `The authority "${a.name}" is an authority of ${a.member_state}; it may not issue an order as ${o.issuing_member_state}`;
  }
  if (a.categories !== null && !a.categories.includes(o.category)) return `The authority "${a.name}" may not issue orders in ${o.category} (its scope: ${a.categories.join(', ')})`;
  return null;
}

const duplicate = (id: string) =>
  new AppError('CONFLICT', `This authority already sent an order with this reference: order ${id}`, [{ path: 'body.reference', reason: `already used by order ${id}` }]);

/**
 * Receives an order, in one transaction: the order and its items, its case at the head of the orders queue with
 * the legal deadline, the acknowledgement of receipt (at once when the authority's key sent it), the message to the
 * authority and the audit events. An authority acting outside its registered scope is refused (403) before anything
 * is written; a reference the authority already used is a 409 naming the existing order.
 */
export async function receiveOrder(
  db: Db,
  req: OrderRequest,
  input: OrderInput | RegisterOrderInput,
  idempotencyKey: string | null,
): Promise<{ status: number; body: unknown; replayed: boolean }> {
  const { access } = req;
  const registered = 'authority_id' in input;
  const authorityId = registered ? input.authority_id : access.authorityId;
  if (!authorityId) throw validationError([{ path: 'body.authority_id', reason: 'required: the authority that issued the order' }]);
  const authority = await q.findAuthority(db, access.serviceId, authorityId);
  if (!authority) {
    if (registered) throw validationError([{ path: 'body.authority_id', reason: 'no such authority in this service' }]);
    throw new AppError('FORBIDDEN', 'The authority of this key no longer exists');
  }
  const refused = outOfScope(authority, input);
  if (refused) throw new AppError('FORBIDDEN', refused);

  const now = new Date();
  const receivedAt = registered && input.received_at ? input.received_at : now;
  if (receivedAt.getTime() > now.getTime() + 60_000) throw validationError([{ path: 'body.received_at', reason: 'must not be in the future' }]);
  const deadlineAt = input.deadline_at ?? new Date(receivedAt.getTime() + DEFAULT_DEADLINE_MINUTES[input.type] * 60_000);
  if (deadlineAt.getTime() <= receivedAt.getTime()) throw validationError([{ path: 'body.deadline_at', reason: 'must be after the order was received' }]);

  const scope = access.apiKeyId ? `order:key:${access.apiKeyId}` : `order:user:${access.userId ?? ''}`;
  const requestHash = idempotencyKey ? crypto.createHash('sha256').update(canonicalJson(input)).digest('hex') : '';
  if (idempotencyKey) {
    const prior = await findIdempotent(db, access.serviceId, scope, idempotencyKey);
    if (prior) return replay(prior, requestHash);
  }
  const existing = await q.findOrderByReference(db, authority.id, input.reference);
  if (existing) throw duplicate(existing.id);

  const establishment = await q.establishmentCountry(db, access.serviceId);
  const crossBorder = input.cross_border === true || (establishment !== null && establishment !== input.issuing_member_state);
  const viaApi = !registered;
  const id = crypto.randomUUID();
  try {
    return await inTransaction(db, async (tx) => {
      await q.insertOrder(tx, {
        id,
        serviceId: access.serviceId,
        authorityId: authority.id,
        type: input.type,
        legalBasis: input.legal_basis,
        issuingMemberState: input.issuing_member_state,
        reference: input.reference,
        category: input.category,
        keyword: input.keyword ?? null,
        statementOfReasons: input.statement_of_reasons ?? null,
        territorialScope: input.territorial_scope ?? null,
        itemCount: input.items.length,
        crossBorder,
        status: viaApi ? 'acknowledged' : 'received',
        channel: viaApi ? 'api' : 'registered',
        receivedAt,
        deadlineAt,
        acknowledgedAt: viaApi ? receivedAt : null,
        submittedByKey: viaApi ? (access.apiKeyId ?? null) : null,
        registeredBy: viaApi ? null : (access.userId ?? null),
      });
      await q.insertItems(tx, id, input.items);
      const first = input.type === 'order_to_provide_information' ? undefined : input.items[0];
      const caseId = await openOrderCase(tx, {
        serviceId: access.serviceId,
        orderId: id,
        category: input.category,
        keyword: input.keyword ?? null,
        url: first?.url ?? null,
        contentId: first?.content_id ?? null,
        deadlineAt,
        actor: req.actor,
        requestId: req.requestId,
      });
      await recordAudit(tx, {
        serviceId: access.serviceId,
        actor: req.actor,
        action: 'order.received',
        subjectType: 'order',
        subjectId: id,
        data: {
          authority_id: authority.id,
          type: input.type,
          reference: input.reference,
          issuing_member_state: input.issuing_member_state,
          category: input.category,
          keyword: input.keyword ?? null,
          items: input.items.length,
          cross_border: crossBorder,
          channel: viaApi ? 'api' : 'registered',
          received_at: receivedAt.toISOString(),
          deadline_at: deadlineAt.toISOString(),
          case_id: caseId,
        },
        requestId: req.requestId,
      });
      if (viaApi) await acknowledgeIn(tx, req, { id, reference: input.reference, receivedAt, deadlineAt, acknowledgedAt: receivedAt });
      const row = (await q.findOrder(tx, access.serviceId, id)) as q.OrderRow;
      const body = await presentFull(tx, access, row);
      if (idempotencyKey) await recordIdempotent(tx, access.serviceId, scope, idempotencyKey, requestHash, body);
      return { status: 201, body, replayed: false };
    });
  } catch (err) {
    // A concurrent submission with the same reference (or Idempotency-Key) committed first.
    if ((err as { code?: string }).code === '23505') {
      if (idempotencyKey) {
        const prior = await findIdempotent(db, access.serviceId, scope, idempotencyKey);
        if (prior) return replay(prior, requestHash);
      }
      const again = await q.findOrderByReference(db, authority.id, input.reference);
      if (again) throw duplicate(again.id);
    }
    throw err;
  }
}

function replay(prior: IdempotentResponse, requestHash: string) {
  const { status, response } = replayIdempotent(prior, requestHash, 'order');
  return { status, body: response, replayed: true };
}

/** The acknowledgement of receipt: message to the authority and audit event (the order row says acknowledged). */
async function acknowledgeIn(
  tx: Db,
  req: OrderRequest,
  o: { id: string; reference: string; receivedAt: Date; deadlineAt: Date | null; acknowledgedAt: Date },
): Promise<void> {
  await messageAuthority(tx, { serviceId: req.access.serviceId, orderId: o.id, reference: o.reference }, 'acknowledgement', {
    received_at: o.receivedAt.toISOString(),
    acknowledged_at: o.acknowledgedAt.toISOString(),
    deadline_at: o.deadlineAt?.toISOString() ?? null,
    text: 'We received your order and are acting on it.',
  });
  await recordAudit(tx, {
    serviceId: req.access.serviceId,
    actor: req.actor,
    action: 'order.acknowledged',
    subjectType: 'order',
    subjectId: o.id,
    data: { acknowledged_at: o.acknowledgedAt.toISOString(), hours_after_receipt: (o.acknowledgedAt.getTime() - o.receivedAt.getTime()) / 3_600_000 },
    requestId: req.requestId,
  });
}

/** The acknowledgement of an order staff registered (received by another channel). */
export async function acknowledgeOrder(db: Db, req: OrderRequest, id: string) {
  return inTransaction(db, async (tx) => {
    const o = await q.findOrder(tx, req.access.serviceId, id, true);
    if (!o) throw notFound('Order');
    if (o.status !== 'received') throw new AppError('CONFLICT', `The order is ${o.status}: its receipt was already acknowledged`);
    const at = await q.acknowledge(tx, id);
    await acknowledgeIn(tx, req, { id, reference: o.reference, receivedAt: o.received_at, deadlineAt: o.deadline_at, acknowledgedAt: at });
    return presentFull(tx, req.access, (await q.findOrder(tx, req.access.serviceId, id)) as q.OrderRow);
  });
}

/** An order as its authority and staff see it; staff also see the case and who registered it. */
export function presentOrder(o: q.OrderRow, access: ServiceAccess) {
  const open = o.status === 'received' || o.status === 'acknowledged';
  return {
    id: o.id,
    authority: { id: o.authority_id, name: o.authority_name },
    type: o.type,
    reference: o.reference,
    legal_basis: o.legal_basis,
    issuing_member_state: o.issuing_member_state,
    category: o.category,
    keyword: o.keyword,
    statement_of_reasons: o.statement_of_reasons,
    territorial_scope: o.territorial_scope,
    item_count: o.item_count,
    cross_border: o.cross_border,
    contested: o.contested,
    status: o.status,
    channel: o.channel,
    received_at: o.received_at.toISOString(),
    deadline_at: o.deadline_at?.toISOString() ?? null,
    overdue: open && o.deadline_at !== null && o.deadline_at.getTime() < Date.now(),
    acknowledged_at: o.acknowledged_at?.toISOString() ?? null,
    effect: o.effect_given_at
      ? { given_at: o.effect_given_at.toISOString(), description: o.effect_description, decision_ids: o.effect_decision_ids ?? [] }
      : null,
    impossibility: o.impossible_at ? { at: o.impossible_at.toISOString(), reason: o.impossibility_reason, explanation: o.impossibility_explanation } : null,
    contest: o.contested_at ? { at: o.contested_at.toISOString(), grounds: o.contest_grounds } : null,
    ...(access.authorityId === undefined ? { registered_by: o.registered_by } : {}),
  };
}

export async function presentFull(db: Db, access: ServiceAccess, o: q.OrderRow) {
  // One after the other: `db` may be a transaction (one connection).
  const items = await q.listItems(db, o.id);
  const messages = await q.listMessages(db, o.id);
  const orderCase = access.authorityId === undefined ? await findOrderCase(db, access.serviceId, o.id) : undefined;
  return {
    ...presentOrder(o, access),
    ...(access.authorityId === undefined ? { case_id: orderCase?.id ?? null } : {}),
    items: items.map((i) => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== null))),
    messages: messages.map(presentMessage),
  };
}

/** An authority's key reads its own authority's orders only: any other is "not found". */
export async function getOrder(db: Db, access: ServiceAccess, id: string) {
  const o = await q.findOrder(db, access.serviceId, id);
  if (!o || (access.authorityId !== undefined && o.authority_id !== access.authorityId)) throw notFound('Order');
  return presentFull(db, access, o);
}

export async function listOrders(db: Db, access: ServiceAccess, f: Omit<q.OrderListFilter, 'after'> & { cursor?: readonly [string, string] | undefined }) {
  // The `authority_id` filter of staff; an authority's key is always held to its own.
  const authorityId = access.authorityId ?? f.authorityId;
  const rows = await q.listOrders(db, access.serviceId, { ...f, authorityId, after: f.cursor });
  const p = page(rows, f.limit, (r) => [r.received_key, r.id]);
  return { items: p.items.map((o) => presentOrder(o, access)), next_cursor: p.next_cursor };
}
