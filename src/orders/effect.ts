import { recordAudit } from '../audit/index.ts';
import { closeOrderCase, findOrderCase } from '../cases/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { decide } from '../decisions/index.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import { messageAuthority } from './messages.ts';
import type { EffectInput } from './schemas.ts';
import { presentFull, type OrderRequest } from './service.ts';
import * as q from './sql.ts';

/** Requests that give or refuse effect: a decision may be taken on the way (it needs the link key). */
export interface EffectRequest extends OrderRequest {
  linkKey: Buffer;
}

const WHAT_IS_ALLOWED: Record<string, string> = {
  received: 'acknowledge its receipt first (POST …/acknowledge)',
  effect_given: 'effect was already given',
  impossible: 'its impossibility was already recorded',
};

async function lockOrder(tx: Db, req: OrderRequest, id: string, allowed: readonly string[]): Promise<q.OrderRow> {
  const o = await q.findOrder(tx, req.access.serviceId, id, true);
  if (!o) throw notFound('Order');
  if (!allowed.includes(o.status)) throw new AppError('CONFLICT', `The order is ${o.status}: ${WHAT_IS_ALLOWED[o.status] ?? 'not allowed in this state'}`);
  return o;
}

/**
 * Gives effect to an order: an order to act (or removal order) through restriction decisions on its case — taken
 * here, in this transaction, by the caller holding the case, or taken before and named — with what was done and
 * when; an order to provide information with a description of the information provided. Tells the authority.
 */
export async function giveEffect(db: Db, req: EffectRequest, id: string, input: EffectInput) {
  const { access } = req;
  return inTransaction(db, async (tx) => {
    const o = await lockOrder(tx, req, id, ['acknowledged']);
    const orderCase = await findOrderCase(tx, access.serviceId, id);
    if (!orderCase) throw new AppError('INTERNAL', 'The order has no case');
    const isInformation = o.type === 'order_to_provide_information';
    let decisionIds: string[] = [];
    let decidedAt: Date | undefined;
    if (input.decision) {
      if (isInformation) throw validationError([{ path: 'body.decision', reason: 'an order to provide information is given effect by the information provided (description), not by a restriction' }]);
      const r = await decide(tx, { access, actor: req.actor, requestId: req.requestId, linkKey: req.linkKey }, { caseId: orderCase.id }, input.decision);
      if (r.status !== 'taken') {
        // Rolls back the proposal too: effect is given once the decision takes effect, after approval.
        throw new AppError('DECISION_PENDING_APPROVAL', 'This decision needs four-eyes approval: have it approved on the case, then give effect naming it (decision_ids)');
      }
      decisionIds = [r.decision.id];
      decidedAt = new Date(r.decision.decided_at);
    } else if (input.decision_ids) {
      const onCase = new Map((await q.decisionsOnCase(tx, access.serviceId, orderCase.id)).map((d) => [d.id, d]));
      const fields = input.decision_ids.flatMap((d, i) => {
        const found = onCase.get(d);
        if (!found) return [{ path: `body.decision_ids.${i}`, reason: "not a decision on this order's case" }];
        if (found.superseded_by) return [{ path: `body.decision_ids.${i}`, reason: `superseded by ${found.superseded_by}: name the correction` }];
        return [];
      });
      if (fields.length > 0) throw validationError(fields);
      decisionIds = [...new Set(input.decision_ids)];
    } else if (!isInformation) {
      throw validationError([{ path: 'body.decision', reason: "an order to act is given effect by a decision on its case: take one here (decision) or name those taken (decision_ids)" }]);
    }
    const now = Date.now();
    const at = input.performed_at ?? decidedAt ?? new Date(now);
    if (at.getTime() > now + 60_000) throw validationError([{ path: 'body.performed_at', reason: 'must not be in the future' }]);
    if (at.getTime() < o.received_at.getTime()) throw validationError([{ path: 'body.performed_at', reason: 'must not be before the order was received' }]);
    await q.setEffect(tx, id, { at, description: input.description, decisionIds });
    const withinDeadline = o.deadline_at === null || at.getTime() <= o.deadline_at.getTime();
    await messageAuthority(tx, { serviceId: access.serviceId, orderId: id, reference: o.reference }, 'effect', {
      effect_given_at: at.toISOString(),
      description: input.description,
      decision_ids: decisionIds,
    });
    await recordAudit(tx, {
      serviceId: access.serviceId,
      actor: req.actor,
      action: 'order.effect_given',
      subjectType: 'order',
      subjectId: id,
      data: { effect_given_at: at.toISOString(), decision_ids: decisionIds, case_id: orderCase.id, within_deadline: withinDeadline, hours_after_receipt: (at.getTime() - o.received_at.getTime()) / 3_600_000 },
      requestId: req.requestId,
    });
    return presentFull(tx, access, (await q.findOrder(tx, access.serviceId, id)) as q.OrderRow);
  });
}

/**
 * Records that the order cannot be given effect, with reasons (TCO Art. 3(7) force majeure or de facto
 * impossibility, 3(8) manifest errors or insufficient information; DSA Art. 9(2)): the authority is told and the
 * order's case leaves the queue.
 */
export async function declareImpossibility(db: Db, req: OrderRequest, id: string, input: { reason: string; explanation: string }) {
  const { access } = req;
  return inTransaction(db, async (tx) => {
    const o = await lockOrder(tx, req, id, ['acknowledged']);
    const at = await q.setImpossible(tx, id, input.reason, input.explanation);
    await closeOrderCase(tx, access.serviceId, id, req.actor, req.requestId, `order impossible: ${input.reason}`);
    await messageAuthority(tx, { serviceId: access.serviceId, orderId: id, reference: o.reference }, 'impossibility', {
      at: at.toISOString(),
      reason: input.reason,
      explanation: input.explanation,
    });
    await recordAudit(tx, { serviceId: access.serviceId, actor: req.actor, action: 'order.impossible', subjectType: 'order', subjectId: id, data: { reason: input.reason }, requestId: req.requestId });
    return presentFull(tx, access, (await q.findOrder(tx, access.serviceId, id)) as q.OrderRow);
  });
}

/** Records that the service contests the order (a challenge before the issuing state's courts or the authority). */
export async function contestOrder(db: Db, req: OrderRequest, id: string, grounds: string) {
  const { access } = req;
  return inTransaction(db, async (tx) => {
    const o = await q.findOrder(tx, access.serviceId, id, true);
    if (!o) throw notFound('Order');
    if (o.contested) throw new AppError('CONFLICT', 'The order is already contested');
    const at = await q.setContested(tx, id, grounds);
    await messageAuthority(tx, { serviceId: access.serviceId, orderId: id, reference: o.reference }, 'contest', { at: at.toISOString(), grounds });
    await recordAudit(tx, { serviceId: access.serviceId, actor: req.actor, action: 'order.contested', subjectType: 'order', subjectId: id, data: { status: o.status }, requestId: req.requestId });
    return presentFull(tx, access, (await q.findOrder(tx, access.serviceId, id)) as q.OrderRow);
  });
}
