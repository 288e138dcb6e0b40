/**
 * Internal complaint-handling (DSA Art. 20). The affected user of a decision (with the appeal token
 * returned once with the decision) or a notifier whose notice got no action (with their tracking token)
 * may contest the current decision, free of charge and without an account, for six months. A person who
 * did not take the decision — never an API key — upholds it, reverses it (a correction with no action:
 * the content is reinstated) or modifies it (a correction with a new decision). Everything about one
 * step commits together: the appeal, the correction, the audit events and the messages to both parties.
 */
import crypto from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { AppError, notFound } from '../http/errors.ts';
import { page } from '../http/pagination.ts';
import { queueNotifierAppealMessages, verifyNotifier } from '../notices/index.ts';
import * as q from './appeals-sql.ts';
import { DecisionBody, type AppealDecisionInput, type DecisionInput } from './schemas.ts';
import { lockCaseForDecision } from '../cases/index.ts';
import { loadDecisionPolicy } from './policy.ts';
import { appealDeadline, presentTaken, sha256, takeDecision, type DecisionRequest } from './take.ts';

const PUBLIC_ACTOR: AuditActor = { type: 'public', id: null };

export function presentAppeal(a: q.AppealRow) {
  return {
    id: a.id,
    decision_id: a.decision_id,
    appellant: a.appellant,
    notice_id: a.notice_id,
    explanation: a.explanation,
    status: a.status,
    outcome: a.outcome,
    reason: a.reason,
    decided_by: a.decided_by,
    new_decision_id: a.new_decision_id,
    created_at: a.created_at.toISOString(),
    decided_at: a.decided_at ? a.decided_at.toISOString() : null,
  };
}

/** What the appellant gets back: the appeal's id and status, nothing about the decision's other party. */
function receipt(a: q.AppealRow, decidedAt: Date) {
  return { id: a.id, decision_id: a.decision_id, status: a.status, lodged_at: a.created_at.toISOString(), appeal_until: appealDeadline(decidedAt) };
}

function tokenMatches(token: string, hash: string | null): boolean {
  if (!hash) return false;
  return crypto.timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(hash, 'hex'));
}

function checkWindow(decidedAt: Date, now: Date): void {
  const until = appealDeadline(decidedAt);
  if (now.toISOString().slice(0, 10) > until) {
    throw new AppError('APPEAL_PERIOD_EXPIRED', `Appeals against this decision were open until ${until} (six months, DSA Art. 20(1))`);
  }
}

async function lodge(
  db: Db,
  serviceId: string,
  requestId: string,
  a: { decision: { id: string; case_id: string; created_at: Date }; appellant: 'affected_user' | 'notifier'; noticeId: string | null; explanation: string },
) {
  try {
    return await inTransaction(db, async (tx) => {
      if (await q.openAppealOn(tx, a.decision.id)) throw new AppError('APPEAL_ALREADY_OPEN', 'An appeal against this decision is already open; it will be answered');
      const row = await q.insertAppeal(tx, { serviceId, decisionId: a.decision.id, appellant: a.appellant, noticeId: a.noticeId, explanation: a.explanation });
      if (a.appellant === 'affected_user') {
        await q.queueAffectedUserAppealMessage(tx, { serviceId, decisionId: a.decision.id, appealId: row.id, template: 'appeal_acknowledgement' });
      } else {
        await queueNotifierAppealMessages(tx, { caseId: a.decision.case_id, decisionId: a.decision.id, appealId: row.id, template: 'appeal_acknowledgement', noticeId: a.noticeId ?? undefined });
      }
      // The explanation is the appellant's words (possibly personal data): it stays in the appeal, not in the audit log.
      await recordAudit(tx, {
        serviceId,
        actor: PUBLIC_ACTOR,
        action: 'appeal.lodged',
        subjectType: 'appeal',
        subjectId: row.id,
        data: { decision_id: a.decision.id, appellant: a.appellant, notice_id: a.noticeId },
        requestId,
      });
      return receipt(row, a.decision.created_at);
    });
  } catch (err) {
    // A concurrent appeal on the same decision committed first.
    if ((err as { code?: string }).code === '23505' && String((err as Error).message).includes('appeals_one_open')) {
      throw new AppError('APPEAL_ALREADY_OPEN', 'An appeal against this decision is already open; it will be answered');
    }
    throw err;
  }
}

/** The affected user's appeal: the decision id and the appeal token returned with it. */
export async function appealAsAffectedUser(db: Db, serviceId: string, decisionId: string, input: { token: string; explanation: string }, requestId: string, now = new Date()) {
  const d = await q.decisionForAppeal(db, serviceId, decisionId);
  if (!d || !tokenMatches(input.token, d.appeal_token_hash)) throw notFound('Decision (or wrong appeal token)');
  if (d.superseded_by) throw new AppError('DECISION_SUPERSEDED', `This decision was corrected by ${d.superseded_by}; appeal that one`);
  checkWindow(d.created_at, now);
  return lodge(db, serviceId, requestId, { decision: d, appellant: 'affected_user', noticeId: null, explanation: input.explanation });
}

/** A notifier's appeal against the current decision on their notice when it was no action: reference + tracking token. */
export async function appealAsNotifier(db: Db, serviceId: string, reference: string, input: { token: string; explanation: string }, requestId: string, now = new Date()) {
  const notice = await verifyNotifier(db, serviceId, reference, input.token);
  if (!notice) throw notFound('Notice (or wrong tracking token)');
  const current = await q.currentDecisionsOnCases(db, serviceId, notice.caseIds);
  const d = current.find((x) => x.outcome === 'no_action');
  if (!d) {
    throw new AppError(
      'NOT_APPEALABLE',
      current.length === 0 ? 'Your notice has not been decided yet' : 'The content you reported was acted upon; there is no decision not to act to contest',
    );
  }
  checkWindow(d.created_at, now);
  return lodge(db, serviceId, requestId, { decision: d, appellant: 'notifier', noticeId: notice.noticeId, explanation: input.explanation });
}

export async function listAppeals(db: Db, serviceId: string, f: { status: 'open' | 'decided'; cursor?: readonly [string, string] | undefined; limit: number }) {
  const rows = await q.listAppealRows(db, serviceId, { status: f.status, after: f.cursor, limit: f.limit });
  const p = page(rows, f.limit, (a) => [a.created_key, a.id]);
  return { items: p.items.map(presentAppeal), next_cursor: p.next_cursor };
}

export async function getAppeal(db: Db, serviceId: string, id: string) {
  const a = await q.findAppeal(db, serviceId, id);
  if (!a) throw notFound('Appeal');
  return presentAppeal(a);
}

/**
 * Decides an appeal (DSA Art. 20(4)-(6)): by a signed-in person who did not take the contested decision.
 * `reversed` corrects it with no action (the platform is told through the correction event to lift what it
 * imposed), `modified` corrects it with the given decision, `upheld` leaves it. Both parties are told.
 */
export async function decideAppeal(db: Db, req: DecisionRequest, appealId: string, input: AppealDecisionInput) {
  const { access, actor, requestId } = req;
  if (!access.userId) throw new AppError('FORBIDDEN', 'Appeals are decided by people signed in, not by API keys (DSA Art. 20(6))');
  const userId = access.userId;
  return inTransaction(db, async (tx) => {
    const appeal = await q.findAppeal(tx, access.serviceId, appealId, true);
    if (!appeal) throw notFound('Appeal');
    if (appeal.status !== 'open') throw new AppError('APPEAL_ALREADY_DECIDED', `This appeal was already decided (${appeal.outcome ?? ''})`);
    const original = await q.decisionForAppeal(tx, access.serviceId, appeal.decision_id);
    if (!original) throw notFound('Decision');
    if (original.decided_by === userId) {
      throw new AppError('APPEAL_SAME_DECIDER', 'You took the contested decision; another person must decide the appeal (DSA Art. 20(6))');
    }
    // The appeal is itself the second look (by another, senior person): its correction takes effect at once,
    // without a four-eyes proposal.
    const correct = async (document: DecisionInput) => {
      if (original.superseded_by) throw new AppError('DECISION_SUPERSEDED', `The contested decision was corrected meanwhile by ${original.superseded_by}`);
      const c = await lockCaseForDecision(tx, access, original.case_id, 'any');
      const policy = await loadDecisionPolicy(tx, access.serviceId);
      const taken = await takeDecision(tx, req, { serviceId: access.serviceId, case: c, supersedesId: original.id, decidedBy: userId, approvedBy: null, document, policy, sample: false, appealId: appeal.id });
      return presentTaken(tx, access.serviceId, taken, document.affected_user?.locale ?? 'en');
    };
    let newDecision: Awaited<ReturnType<typeof correct>> | null = null;
    if (input.outcome === 'reversed') {
      if (original.outcome === 'no_action') {
        throw new AppError('VALIDATION_FAILED', 'A decision to take no action is reversed with a new decision: use outcome "modified"', [
          { path: 'body.outcome', reason: 'use "modified" with the new decision' },
        ]);
      }
      newDecision = await correct(DecisionBody.parse({ outcome: 'no_action', decision_facts: `Reversed on appeal: ${input.reason}` }));
    } else if (input.outcome === 'modified') {
      newDecision = await correct(input.decision as NonNullable<AppealDecisionInput['decision']>);
    }
    const row = await q.markAppealDecided(tx, { id: appeal.id, outcome: input.outcome, reason: input.reason, decidedBy: userId, newDecisionId: newDecision?.id ?? null });
    // Both parties: the affected user (if they left an email) and the notifiers of the case.
    await q.queueAffectedUserAppealMessage(tx, { serviceId: access.serviceId, decisionId: original.id, appealId: appeal.id, template: 'appeal_outcome' });
    await queueNotifierAppealMessages(tx, { caseId: original.case_id, decisionId: original.id, appealId: appeal.id, template: 'appeal_outcome' });
    await recordAudit(tx, {
      serviceId: access.serviceId,
      actor,
      action: 'appeal.decided',
      subjectType: 'appeal',
      subjectId: appeal.id,
      data: { decision_id: original.id, appellant: appeal.appellant, outcome: input.outcome, new_decision_id: newDecision?.id ?? null },
      requestId,
    });
    return { appeal: presentAppeal(row), decision: newDecision };
  });
}
