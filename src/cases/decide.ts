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
  };
}

/**
 * Locks a case the caller may see, for deciding or correcting it (in the caller's transaction).
 * `mustHoldClaim`: a first decision is taken by the moderator who holds the case.
 */
export async function lockCaseForDecision(tx: Db, access: ServiceAccess, caseId: string, mustHoldClaim: boolean): Promise<CaseForDecision> {
  const c = await findCase(tx, access.serviceId, caseId, true);
  const queue = c ? (await listQueueRows(tx, access.serviceId)).find((q) => q.id === c.queue_id) : undefined;
  if (!c || !queue || (queue.team_id !== null && !access.teamIds.includes(queue.team_id))) throw notFound('Case');
  const view = present(c);
  if (mustHoldClaim) {
    if (view.status !== 'open') throw new AppError('CASE_NOT_CLAIMABLE', 'The case is already decided; correct its decision instead');
    if (!access.userId || view.claimedBy !== access.userId) {
      throw new AppError('CASE_NOT_CLAIMED_BY_YOU', 'Claim the case before deciding it (your claim may have expired)');
    }
  }
  return view;
}

/** Closes a decided case and releases its claim. */
export async function closeCase(tx: Db, serviceId: string, caseId: string, actor: AuditActor, requestId: string | null, decisionId: string): Promise<void> {
  await sql`update cases set status = 'closed', claimed_by = null, claim_expires_at = null, updated_at = now()
            where id = ${caseId} and service_id = ${serviceId} and status = 'open'`.execute(tx);
  await recordAudit(tx, { serviceId, actor, action: 'case.closed', subjectType: 'case', subjectId: caseId, data: { decision_id: decisionId }, requestId });
}
