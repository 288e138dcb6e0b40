import crypto from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import { encodeCursor } from '../http/pagination.ts';
import { webhookNetGuard } from './deliver.ts';
import type { EventType } from './schemas.ts';
import { newEndpointSecret } from './signature.ts';
import * as q from './sql.ts';

/** What a decision event says about the decision (TDB field names; structurally the decision's input). */
export interface DecisionFacts {
  outcome: string;
  decision_visibility?: readonly string[] | undefined;
  decision_monetary?: string | undefined;
  decision_provision?: string | undefined;
  decision_account?: string | undefined;
  end_date_visibility_restriction?: string | undefined;
  end_date_monetary_restriction?: string | undefined;
  end_date_service_restriction?: string | undefined;
  end_date_account_restriction?: string | undefined;
  territorial_scope?: readonly string[] | undefined;
  decision_ground?: string | undefined;
  category?: string | undefined;
  automated_decision?: string | undefined;
}

export interface DecisionEvent {
  serviceId: string;
  decisionId: string;
  caseId: string;
  /** The decision this one corrects: the platform lifts or replaces what that one imposed. */
  supersedes: string | null;
  decidedAt: Date;
  puid: string | null;
  /** Where the content is (from the cases domain). */
  content: { url: string | null; id: string | null };
  /** The platform's own reference of the account concerned, when the moderator gave it (needed to act on an account). */
  account: string | null;
  decision: DecisionFacts;
  /** The decision superseded (corrections): what it imposed, so the platform knows what to lift. */
  previous?: DecisionFacts | null;
  /** The appeal whose outcome this correction is (DSA Art. 20(4)). */
  appealId?: string | null;
}

type Restrictions = { visibility: string[]; monetary: string | null; provision: string | null; account: string | null };

function restrictionsOf(d: DecisionFacts): Restrictions {
  return {
    visibility: d.decision_visibility ? [...d.decision_visibility] : [],
    monetary: d.decision_monetary ?? null,
    provision: d.decision_provision ?? null,
    account: d.decision_account ?? null,
  };
}

/** What the superseded decision imposed that the new one does not: to be lifted (content reinstated, account restored). */
function lifted(previous: DecisionFacts, now: DecisionFacts): Restrictions {
  const p = restrictionsOf(previous);
  const n = restrictionsOf(now);
  return {
    visibility: p.visibility.filter((v) => !n.visibility.includes(v)),
    monetary: p.monetary && p.monetary !== n.monetary ? p.monetary : null,
    provision: p.provision && p.provision !== n.provision ? p.provision : null,
    account: p.account && p.account !== n.account ? p.account : null,
  };
}

/**
 * Queues the platform event of a decision in the caller's transaction (decide()): the event for the pull
 * feed and one delivery per active endpoint subscribed to it. Nothing is sent here; the sender runs
 * after commit. The payload holds what the platform needs to act and no personal data.
 */
export async function queueDecisionEvent(tx: Db, e: DecisionEvent): Promise<{ eventId: string; deliveries: number }> {
  const id = crypto.randomUUID();
  const type: EventType = e.supersedes ? 'decision.corrected' : 'decision.taken';
  const d = e.decision;
  const payload = {
    id,
    type,
    created_at: new Date().toISOString(),
    data: {
      decision_id: e.decisionId,
      case_id: e.caseId,
      supersedes: e.supersedes,
      outcome: d.outcome,
      decided_at: e.decidedAt.toISOString(),
      content: e.content,
      account: e.account ? { ref: e.account } : null,
      restrictions: restrictionsOf(d),
      territorial_scope: d.territorial_scope ? [...d.territorial_scope] : null,
      end_dates: {
        visibility: d.end_date_visibility_restriction ?? null,
        monetary: d.end_date_monetary_restriction ?? null,
        service: d.end_date_service_restriction ?? null,
        account: d.end_date_account_restriction ?? null,
      },
      decision_ground: d.decision_ground ?? null,
      category: d.category ?? null,
      automated_decision: d.automated_decision ?? null,
      statement_puid: e.puid,
      ...(e.supersedes ? correctionData(e) : {}),
    },
  };
  const deliveries = await q.insertEvent(tx, { id, serviceId: e.serviceId, type, decisionId: e.decisionId, payload });
  return { eventId: id, deliveries };
}

/** For a correction: what to lift, whether content or an account is reinstated, and the appeal if it is one's outcome. */
function correctionData(e: DecisionEvent) {
  const lift = e.previous ? lifted(e.previous, e.decision) : { visibility: [], monetary: null, provision: null, account: null };
  return {
    lifted: lift,
    reinstatement: lift.visibility.length > 0 || lift.monetary !== null || lift.provision !== null || lift.account !== null,
    appeal_id: e.appealId ?? null,
  };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentEndpoint(e: q.EndpointRow) {
  return { id: e.id, url: e.url, description: e.description, events: e.events, active: e.active, created_at: iso(e.created_at), disabled_at: iso(e.disabled_at) };
}

function presentDelivery(d: q.DeliveryRow, log: q.AttemptRow[] = []) {
  return {
    id: d.id,
    endpoint_id: d.endpoint_id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    attempts: d.attempts,
    max_attempts: d.max_attempts,
    next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    delivered_at: iso(d.delivered_at),
    created_at: iso(d.created_at),
    log: log.map((a) => ({ attempt: a.attempt, at: iso(a.attempted_at), status_code: a.status_code, error: a.error, duration_ms: a.duration_ms })),
  };
}

export async function createEndpoint(
  db: Db,
  serviceId: string,
  input: { url: string; events: EventType[]; description?: string | undefined },
  actor: AuditActor,
  requestId: string,
) {
  // Outbound network safety (docs/webhooks.md): no loopback, private, link-local… target, unless configured.
  const refused = webhookNetGuard(db).checkEndpointUrl(input.url);
  if (refused) throw validationError([{ path: 'body.url', reason: refused }]);
  const secret = newEndpointSecret();
  return inTransaction(db, async (tx) => {
    const row = await q.insertEndpoint(tx, { serviceId, url: input.url, description: input.description ?? null, secret, events: [...new Set(input.events)] });
    // The URL is configuration, not personal data; the secret never enters the audit log.
    await recordAudit(tx, { serviceId, actor, action: 'webhook.endpoint_created', subjectType: 'webhook_endpoint', subjectId: row.id, data: { url: row.url, events: row.events }, requestId });
    return { ...presentEndpoint(row), secret };
  });
}

export async function disableEndpoint(db: Db, serviceId: string, id: string, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    const before = await q.findEndpoint(tx, serviceId, id);
    if (!before) throw notFound('Webhook endpoint');
    const row = (await q.disableEndpoint(tx, serviceId, id)) as q.EndpointRow;
    if (before.active) await recordAudit(tx, { serviceId, actor, action: 'webhook.endpoint_disabled', subjectType: 'webhook_endpoint', subjectId: id, requestId });
    return presentEndpoint(row);
  });
}

export async function listDeliveries(db: Db, serviceId: string, endpointId: string, query: { status?: string | undefined; after?: [string, string] | undefined; limit: number }) {
  if (!(await q.findEndpoint(db, serviceId, endpointId))) throw notFound('Webhook endpoint');
  const rows = await q.listDeliveries(db, serviceId, endpointId, query.status ?? null, query.after ?? null, query.limit);
  const items = rows.slice(0, query.limit);
  const logs = await q.attemptsOf(db, items.map((d) => d.id));
  const last = items[items.length - 1];
  return {
    items: items.map((d) => presentDelivery(d, logs.filter((a) => a.delivery_id === d.id))),
    next_cursor: rows.length > query.limit && last ? encodeCursor([last.created_key, last.id]) : null,
  };
}

export async function replayDelivery(db: Db, serviceId: string, id: string, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    const r = await q.replayDelivery(tx, serviceId, id);
    if (!r.found) throw notFound('Webhook delivery');
    if (!r.replayed) throw new AppError('CONFLICT', 'This delivery is still pending: it will be attempted again on its own');
    await recordAudit(tx, { serviceId, actor, action: 'webhook.delivery_replayed', subjectType: 'webhook_delivery', subjectId: id, data: { event_id: r.replayed.event_id }, requestId });
    return presentDelivery(r.replayed);
  });
}

/** The pull API: decision events in a stable order; `next_cursor` is where to resume (also when the page is empty). */
export async function pullActions(db: Db, serviceId: string, query: { after?: [number] | undefined; limit: number }) {
  await inTransaction(db, (tx) => q.sequenceFeed(tx, serviceId));
  const rows = await q.eventFeed(db, serviceId, query.after?.[0] ?? null, query.limit);
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  const position = last ? [last.feed_seq] : (query.after ?? null);
  return {
    items: items.map((e) => ({
      event_id: e.id,
      type: e.type,
      created_at: iso(e.created_at),
      payload: e.payload,
      confirmation: e.confirmed_at ? { effective_at: iso(e.effective_at), confirmed_at: iso(e.confirmed_at) } : null,
    })),
    next_cursor: position ? encodeCursor(position) : null,
    has_more: rows.length > query.limit,
  };
}

/** Records (once) that the platform gave effect to an event; audited. A repeated confirmation returns the first. */
export async function confirmAction(db: Db, access: ServiceAccess, eventId: string, effectiveAt: Date, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    const r = await q.confirmEvent(tx, access.serviceId, eventId, effectiveAt, { keyId: access.apiKeyId ?? null, userId: access.userId ?? null });
    if (!r) throw notFound('Event');
    if (r.created) {
      await recordAudit(tx, {
        serviceId: access.serviceId,
        actor,
        action: 'decision.enforcement_confirmed',
        subjectType: 'decision',
        subjectId: r.row.decision_id,
        data: { event_id: eventId, event_type: r.row.type, effective_at: r.row.effective_at.toISOString() },
        requestId,
      });
    }
    return { event_id: r.row.event_id, decision_id: r.row.decision_id, effective_at: iso(r.row.effective_at), confirmed_at: iso(r.row.confirmed_at), already_confirmed: !r.created };
  });
}
