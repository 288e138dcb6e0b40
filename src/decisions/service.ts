import { lockCaseForDecision } from '../cases/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { AppError, notFound } from '../http/errors.ts';
import { queueCorrectedStatement } from './messages.ts';
import { fourEyesRulesMatched, loadDecisionPolicy } from './policy.ts';
import { presentProposal, proposeDecision } from './proposals.ts';
import type { DecisionInput } from './schemas.ts';
import * as q from './sql.ts';
import { presentDecision, presentTaken, takeDecision, type DecisionRequest } from './take.ts';

export { appealDeadline, presentDecision, sha256, type DecisionRequest } from './take.ts';

/**
 * A moderator's decision on a case they hold — or a correction of a decision. When it matches a four-eyes
 * rule of the service's policy it is held as a proposal (status `pending_approval`) until a second, senior
 * person approves it; otherwise it is taken at once, in one transaction.
 */
export async function decide(db: Db, req: DecisionRequest, target: { caseId: string } | { supersedes: string }, input: DecisionInput) {
  const { access } = req;
  if (!access.userId) throw new AppError('FORBIDDEN', 'Decisions are taken by people signed in, not by API keys');
  const userId = access.userId;
  return inTransaction(db, async (tx) => {
    let caseId: string;
    let supersedesId: string | null = null;
    if ('supersedes' in target) {
      const previous = await q.findDecision(tx, access.serviceId, target.supersedes);
      if (!previous) throw notFound('Decision');
      if (previous.superseded_by) throw new AppError('CONFLICT', `This decision was already corrected by ${previous.superseded_by}; correct that one`);
      caseId = previous.case_id;
      supersedesId = previous.id;
    } else {
      caseId = target.caseId;
    }
    const c = await lockCaseForDecision(tx, access, caseId, supersedesId === null ? 'claimed' : 'any');
    const policy = await loadDecisionPolicy(tx, access.serviceId);
    const rules = fourEyesRulesMatched(policy, input, c.category);
    if (rules.length > 0) {
      const proposal = await proposeDecision(tx, req, { case: c, supersedesId, proposedBy: userId, input, rules });
      return { status: 'pending_approval' as const, proposal: presentProposal(proposal) };
    }
    const taken = await takeDecision(tx, req, { serviceId: access.serviceId, case: c, supersedesId, decidedBy: userId, approvedBy: null, document: input, policy, sample: true });
    // A correction that names no affected user is still sent to the person the corrected decision concerned.
    if (supersedesId && !input.affected_user) await queueCorrectedStatement(tx, access.serviceId, taken.id);
    return { status: 'taken' as const, decision: await presentTaken(tx, access.serviceId, taken, input.affected_user?.locale ?? 'en') };
  });
}

export async function getDecision(db: Db, serviceId: string, id: string, locale: 'en' | 'fr') {
  const d = await q.findDecision(db, serviceId, id);
  if (!d) throw notFound('Decision');
  return presentDecision(d, locale);
}

/** Statements of reasons in [from, to) as NDJSON, page by page: memory stays flat however many there are. */
export async function* exportStatements(db: Db, serviceId: string, from: string, to: string): AsyncGenerator<string> {
  let after: [string, string] | null = null;
  for (;;) {
    const rows = await q.statementPage(db, serviceId, from, to, after, 1000);
    if (rows.length === 0) return;
    yield rows.map((r) => JSON.stringify(r.tdb)).join('\n') + '\n';
    const last = rows[rows.length - 1] as { id: string; created_key: string };
    after = [last.created_key, last.id];
    if (rows.length < 1000) return;
  }
}
