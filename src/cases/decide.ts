import { recordAudit, type AuditActor } from '../audit/index.ts';
import { sql, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError, notFound } from '../http/errors.ts';
import { findCase, listQueueRows, type CaseRow } from './sql.ts';

/** What the decisions domain needs to know about the case it decides. */
export interface CaseForDecision {
  id: string;
  category: string;
  subcategory: string | null;
  trusted: boolean;
  noticeCount: number;
  status: string;
  claimedBy: string | null;
  /** Where the content is, for the platform that enforces the decision. */
  content: { url: string | null; id: string | null };
  /** Opened or joined by automated screening (the statement of reasons says detection was automated). */
  automatedDetection: boolean;
  /** The order from an authority this case was opened for (DSA Art. 9 / TCO removal order), if any. */
  orderId: string | null;
}

function present(c: CaseRow): CaseForDecision {
  return {
    id: c.id,
    category: c.category,
    subcategory: c.subcategory,
    trusted: c.trust_rank === 0,
    noticeCount: c.notice_count,
    status: c.status,
    claimedBy: c.claim_expires_at && c.claim_expires_at.getTime() > Date.now() ? c.claimed_by : null,
    content: { url: c.content_url, id: c.content_id },
    automatedDetection: c.automated_detection,
    orderId: c.order_id,
  };
}

/**
 * Locks a case the caller may see, for deciding or correcting it (in the caller's transaction).
 * `claimed`: a first decision is taken by the moderator who holds the open case. `approval`: a decision
 * held for four-eyes approval is taken by the approver (the case waits in `pending_approval`). `any`:
 * corrections and appeals, on a case in any state.
 */
export async function lockCaseForDecision(tx: Db, access: ServiceAccess, caseId: string, mode: 'claimed' | 'approval' | 'any'): Promise<CaseForDecision> {
  const c = await findCase(tx, access.serviceId, caseId, true);
  const queue = c ? (await listQueueRows(tx, access.serviceId)).find((q) => q.id === c.queue_id) : undefined;
  if (!c || !queue || (queue.team_id !== null && !access.teamIds.includes(queue.team_id))) throw notFound('Case');
  const view = present(c);
  if (mode === 'claimed') {
    if (view.status === 'pending_approval') throw new AppError('CASE_NOT_CLAIMABLE', 'A decision on this case is waiting for approval (four-eyes rule)');
    if (view.status !== 'open') throw new AppError('CASE_NOT_CLAIMABLE', 'The case is already decided; correct its decision instead');
    if (!access.userId || view.claimedBy !== access.userId) {
      throw new AppError('CASE_NOT_CLAIMED_BY_YOU', 'Claim the case before deciding it (your claim may have expired)');
    }
  }
  if (mode === 'approval' && view.status !== 'pending_approval') throw new AppError('CONFLICT', `The case is ${view.status}, not waiting for approval`);
  return view;
}

/** Closes a decided case (open, or waiting for approval) and releases its claim. */
export async function closeCase(tx: Db, serviceId: string, caseId: string, actor: AuditActor, requestId: string | null, decisionId: string): Promise<void> {
  const r = await sql`update cases set status = 'closed', claimed_by = null, claim_expires_at = null, updated_at = now()
            where id = ${caseId} and service_id = ${serviceId} and status in ('open', 'pending_approval')`.execute(tx);
  if (Number(r.numAffectedRows ?? 0) > 0) {
    await recordAudit(tx, { serviceId, actor, action: 'case.closed', subjectType: 'case', subjectId: caseId, data: { decision_id: decisionId }, requestId });
  }
}

/**
 * Four-eyes rule: the case of a decision proposed for approval leaves the queues (nobody else can claim and
 * decide it meanwhile) until the proposal is approved (the case closes) or rejected ({@link returnCaseToQueue}).
 */
export async function holdCaseForApproval(tx: Db, serviceId: string, caseId: string, actor: AuditActor, requestId: string, proposalId: string): Promise<void> {
  await sql`update cases set status = 'pending_approval', claimed_by = null, claim_expires_at = null, updated_at = now()
            where id = ${caseId} and service_id = ${serviceId} and status = 'open'`.execute(tx);
  await recordAudit(tx, { serviceId, actor, action: 'case.held_for_approval', subjectType: 'case', subjectId: caseId, data: { proposal_id: proposalId }, requestId });
}

/** A rejected proposal: the case goes back to its queue, unclaimed, with its deadline unchanged. */
export async function returnCaseToQueue(tx: Db, serviceId: string, caseId: string, actor: AuditActor, requestId: string, proposalId: string): Promise<void> {
  const r = await sql`update cases set status = 'open', updated_at = now()
            where id = ${caseId} and service_id = ${serviceId} and status = 'pending_approval'`.execute(tx);
  if (Number(r.numAffectedRows ?? 0) > 0) {
    await recordAudit(tx, { serviceId, actor, action: 'case.returned_to_queue', subjectType: 'case', subjectId: caseId, data: { proposal_id: proposalId }, requestId });
  }
}

/**
 * A case about an account rather than one item (strike thresholds, DSA Art. 23(1)): opened in the queue and
 * category of the case that triggered it, with no notice (own-initiative), and decided at once by the caller.
 */
export async function openAccountCase(tx: Db, serviceId: string, triggerCaseId: string, accountRef: string, actor: AuditActor, requestId: string): Promise<CaseForDecision> {
  const r = await sql<{ id: string }>`
    insert into cases (service_id, content_key, content_id, queue_id, category, subcategory, tier, deadline_at, status, notice_count)
    select service_id, ${'account:' + accountRef}, ${accountRef}, queue_id, category, subcategory, tier, now(), 'open', 0
    from cases where id = ${triggerCaseId} and service_id = ${serviceId}
    on conflict (service_id, content_key) where status = 'open' do update set updated_at = now()
    returning id`.execute(tx);
  const id = (r.rows[0] as { id: string }).id;
  await recordAudit(tx, { serviceId, actor, action: 'case.opened', subjectType: 'case', subjectId: id, data: { account_ref: accountRef, trigger_case_id: triggerCaseId }, requestId });
  return present((await findCase(tx, serviceId, id, true)) as CaseRow);
}

/**
 * Opens a case on an item from a screening signal (own-initiative, no notice), or attaches to the open case
 * on that item — raising its tier when the signal is more urgent. Triage follows the service's SLA policy for
 * the category; `escalate` puts a new case in its queue's escalation queue. Returns the case and whether it is new.
 */
export async function openCaseFromSignal(
  tx: Db,
  s: {
    serviceId: string;
    contentKey: string;
    url: string | null;
    contentId: string | null;
    category: string;
    subcategory: string | null;
    escalate: boolean;
    actor: AuditActor;
    requestId: string;
    data: Record<string, unknown>;
  },
): Promise<{ caseId: string; created: boolean }> {
  const r = await sql<{ id: string; created: boolean }>`
    with pol as (
      select tier, deadline_minutes, queue_id from sla_policies
      where service_id = ${s.serviceId} and (category = ${s.category} or category = '*') and (subcategory = ${s.subcategory ?? '*'} or subcategory = '*')
      order by (category = '*'), (subcategory = '*') limit 1
    )
    insert into cases (service_id, content_key, content_url, content_id, queue_id, category, subcategory, tier, deadline_at, notice_count, escalated, automated_detection)
    select ${s.serviceId}, ${s.contentKey}, ${s.url}, ${s.contentId},
           case when ${s.escalate} then coalesce((select escalation_queue_id from queues where id = pol.queue_id), pol.queue_id) else pol.queue_id end,
           ${s.category}, ${s.subcategory}, pol.tier, now() + make_interval(mins => pol.deadline_minutes), 0, ${s.escalate}, true
    from pol
    on conflict (service_id, content_key) where status = 'open' do update set
      automated_detection = true,
      tier = least(cases.tier, excluded.tier),
      deadline_at = least(cases.deadline_at, excluded.deadline_at),
      updated_at = now()
    returning id, (xmax = 0) as created`.execute(tx);
  const row = r.rows[0];
  if (!row) throw new AppError('INTERNAL', 'No triage policy applies to this category (the default "*" policy is missing)');
  await recordAudit(tx, {
    serviceId: s.serviceId,
    actor: s.actor,
    action: row.created ? 'case.opened' : 'case.signal_attached',
    subjectType: 'case',
    subjectId: row.id,
    data: { source: 'screening', ...s.data },
    requestId: s.requestId,
  });
  return { caseId: row.id, created: row.created };
}

/** Whether the caller's teams may see this case (team-restricted queues); false for an unknown case. */
export async function caseVisibleTo(db: Db, access: ServiceAccess, caseId: string): Promise<boolean> {
  const c = await findCase(db, access.serviceId, caseId, false);
  const queue = c ? (await listQueueRows(db, access.serviceId)).find((q) => q.id === c.queue_id) : undefined;
  return Boolean(c && queue && (queue.team_id === null || access.teamIds.includes(queue.team_id)));
}
