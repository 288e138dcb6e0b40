/**
 * Four-eyes rule: decisions that match a rule of the service's policy (e.g. terminating an account, or any
 * restriction in a chosen category) are held as proposals until a second, senior person approves them. Only
 * the approval takes the decision — statement of reasons, platform event, messages — with both names on it.
 * A rejection sends the case back to its queue with the reason in the audit log.
 */
import { recordAudit } from '../audit/index.ts';
import { holdCaseForApproval, lockCaseForDecision, returnCaseToQueue, type CaseForDecision } from '../cases/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { AppError, notFound } from '../http/errors.ts';
import { page } from '../http/pagination.ts';
import { queueCorrectedStatement } from './messages.ts';
import { loadDecisionPolicy } from './policy.ts';
import * as p from './proposals-sql.ts';
import { DecisionBody, type DecisionInput } from './schemas.ts';
import { presentTaken, takeDecision, type DecisionRequest } from './take.ts';
import { findDecision } from './sql.ts';

export function presentProposal(r: p.ProposalRow) {
  return {
    id: r.id,
    case_id: r.case_id,
    supersedes: r.supersedes_id,
    status: r.status,
    rules: r.rules,
    proposed_by: r.proposed_by,
    proposed_at: r.created_at.toISOString(),
    decision: r.details,
    reviewed_by: r.reviewed_by,
    reviewed_at: r.reviewed_at?.toISOString() ?? null,
    review_reason: r.review_reason,
    decision_id: r.decision_id,
  };
}

/** Holds a decision for approval (in the decision's transaction): the proposal, the case out of the queues, the audit event. */
export async function proposeDecision(
  tx: Db,
  req: DecisionRequest,
  m: { case: CaseForDecision; supersedesId: string | null; proposedBy: string; input: DecisionInput; rules: string[] },
): Promise<p.ProposalRow> {
  const serviceId = req.access.serviceId;
  const row = await p.insertProposal(tx, { serviceId, caseId: m.case.id, supersedesId: m.supersedesId, proposedBy: m.proposedBy, details: m.input, rules: m.rules });
  if (!row) throw new AppError('DECISION_PENDING_APPROVAL', 'A decision on this case is already waiting for approval');
  if (m.supersedesId === null) await holdCaseForApproval(tx, serviceId, m.case.id, req.actor, req.requestId, row.id);
  await recordAudit(tx, {
    serviceId,
    actor: req.actor,
    action: 'decision.proposed',
    subjectType: 'decision_proposal',
    subjectId: row.id,
    data: { case_id: m.case.id, supersedes: m.supersedesId, rules: m.rules, outcome: m.input.outcome },
    requestId: req.requestId,
  });
  return row;
}

export async function listProposals(
  db: Db,
  req: Pick<DecisionRequest, 'access'>,
  f: { status: 'pending' | 'approved' | 'rejected'; cursor?: readonly [string, string] | undefined; limit: number },
) {
  const rows = await p.listProposalRows(db, req.access.serviceId, { status: f.status, teamIds: req.access.teamIds, after: f.cursor, limit: f.limit });
  const pg = page(rows, f.limit, (r) => [r.created_key, r.id]);
  return { items: pg.items.map(presentProposal), next_cursor: pg.next_cursor };
}

export async function getProposal(db: Db, req: Pick<DecisionRequest, 'access'>, id: string) {
  const row = await p.findProposal(db, req.access.serviceId, id, req.access.teamIds);
  if (!row) throw notFound('Decision proposal');
  return presentProposal(row);
}

/** The proposal, locked and still pending, reviewed by someone other than its author. */
async function pendingForReview(tx: Db, req: DecisionRequest, id: string): Promise<{ row: p.ProposalRow; reviewer: string }> {
  const reviewer = req.access.userId;
  if (!reviewer) throw new AppError('FORBIDDEN', 'Approvals are given by people signed in, not by API keys');
  const row = await p.findProposal(tx, req.access.serviceId, id, req.access.teamIds, true);
  if (!row) throw notFound('Decision proposal');
  if (row.status !== 'pending') throw new AppError('PROPOSAL_ALREADY_REVIEWED', `This proposal was already ${row.status}`);
  if (row.proposed_by === reviewer) throw new AppError('FOUR_EYES_SAME_PERSON', 'You proposed this decision; a second person must review it');
  return { row, reviewer };
}

/** Approves a proposal: the decision is taken now, decided by its author and approved by the caller. */
export async function approveProposal(db: Db, req: DecisionRequest, id: string, note: string | undefined) {
  return inTransaction(db, async (tx) => {
    const { row, reviewer } = await pendingForReview(tx, req, id);
    if (row.supersedes_id) {
      const previous = await findDecision(tx, req.access.serviceId, row.supersedes_id);
      if (previous?.superseded_by) throw new AppError('DECISION_SUPERSEDED', `The decision this proposal corrects was corrected meanwhile by ${previous.superseded_by}`);
    }
    const c = await lockCaseForDecision(tx, req.access, row.case_id, row.supersedes_id ? 'any' : 'approval');
    // The stored proposal was validated when it was made; parsing again gives the typed document back.
    const input = DecisionBody.parse(row.details);
    const policy = await loadDecisionPolicy(tx, req.access.serviceId);
    const taken = await takeDecision(tx, req, {
      serviceId: req.access.serviceId,
      case: c,
      supersedesId: row.supersedes_id,
      decidedBy: row.proposed_by,
      approvedBy: reviewer,
      document: input,
      policy,
      sample: true,
    });
    if (row.supersedes_id && !input.affected_user) await queueCorrectedStatement(tx, req.access.serviceId, taken.id);
    const reviewed = await p.markReviewed(tx, { id: row.id, status: 'approved', reviewedBy: reviewer, reason: note ?? null, decisionId: taken.id });
    await recordAudit(tx, {
      serviceId: req.access.serviceId,
      actor: req.actor,
      action: 'decision.approved',
      subjectType: 'decision_proposal',
      subjectId: row.id,
      data: { case_id: row.case_id, decision_id: taken.id, note: note ?? null },
      requestId: req.requestId,
    });
    return { proposal: presentProposal(reviewed), decision: await presentTaken(tx, req.access.serviceId, taken, input.affected_user?.locale ?? 'en') };
  });
}

/** Rejects a proposal with a reason: nothing is decided; a first decision's case goes back to its queue. */
export async function rejectProposal(db: Db, req: DecisionRequest, id: string, reason: string) {
  return inTransaction(db, async (tx) => {
    const { row, reviewer } = await pendingForReview(tx, req, id);
    // Team access to the case is checked like for an approval.
    await lockCaseForDecision(tx, req.access, row.case_id, 'any');
    const reviewed = await p.markReviewed(tx, { id: row.id, status: 'rejected', reviewedBy: reviewer, reason, decisionId: null });
    if (!row.supersedes_id) await returnCaseToQueue(tx, req.access.serviceId, row.case_id, req.actor, req.requestId, row.id);
    await recordAudit(tx, {
      serviceId: req.access.serviceId,
      actor: req.actor,
      action: 'decision.rejected',
      subjectType: 'decision_proposal',
      subjectId: row.id,
      data: { case_id: row.case_id, reason },
      requestId: req.requestId,
    });
    return presentProposal(reviewed);
  });
}
