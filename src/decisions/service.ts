import crypto from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { closeCase, lockCaseForDecision } from '../cases/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError, notFound } from '../http/errors.ts';
import { noticesDecided } from '../notices/index.ts';
import { queueDecisionEvent } from '../webhooks/index.ts';
import { renderStatement } from './render.ts';
import type { DecisionInput } from './schemas.ts';
import { buildTdbStatement, puidFor } from './statement.ts';
import * as q from './sql.ts';
import { validateTdbStatement } from './tdb.ts';
import { queueSubmission } from './tdb-submit.ts';

export const sha256 = (v: string) => crypto.createHash('sha256').update(v).digest('hex');

/** Appeals are open for six months after the decision (DSA Art. 20(1)). */
export function appealDeadline(decidedAt: Date): string {
  const d = new Date(decidedAt);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.toISOString().slice(0, 10);
}

export function presentDecision(d: q.DecisionRow, locale: 'en' | 'fr' = 'en') {
  return {
    id: d.id,
    case_id: d.case_id,
    outcome: d.outcome,
    supersedes: d.supersedes_id,
    superseded_by: d.superseded_by,
    decided_by: d.decided_by,
    decided_at: d.created_at.toISOString(),
    details: d.details,
    statement: d.tdb && d.puid ? { puid: d.puid, tdb: d.tdb, text: renderStatement(d.tdb, locale, appealDeadline(d.created_at)) } : null,
  };
}

/**
 * Takes a decision on a case — or corrects one — in one transaction: the immutable decision, its
 * statement of reasons (validated against the Transparency Database rules before it is stored), the
 * affected user's contact, the case closed, the notices marked decided with outcome messages queued,
 * and the audit events. Nothing is sent from inside the transaction: messages wait in the outbox.
 */
export async function decide(
  db: Db,
  access: ServiceAccess,
  actor: AuditActor,
  requestId: string,
  target: { caseId: string } | { supersedes: string },
  input: DecisionInput,
) {
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
    const c = await lockCaseForDecision(tx, access, caseId, supersedesId === null);
    const id = crypto.randomUUID();
    const decidedAt = await q.insertDecision(tx, { id, serviceId: access.serviceId, caseId, supersedesId, decidedBy: userId, outcome: input.outcome, details: input });
    let puid: string | null = null;
    if (input.outcome === 'restriction') {
      const tdb = buildTdbStatement(input, c, id, decidedAt.toISOString().slice(0, 10));
      const checked = validateTdbStatement(tdb);
      if (!checked.ok) {
        throw new AppError(
          'VALIDATION_FAILED',
          'The statement of reasons would not pass the Transparency Database rules',
          Object.entries(checked.errors).flatMap(([field, reasons]) => reasons.map((reason) => ({ path: `body.${field}`, reason }))),
        );
      }
      puid = puidFor(id);
      await q.insertStatement(tx, { serviceId: access.serviceId, decisionId: id, puid, tdb: checked.value });
      await queueSubmission(tx, { serviceId: access.serviceId, puid }, actor, requestId);
    }
    // The affected user's appeal token (DSA Art. 20): only its hash is stored; the token is in this response only.
    let appealToken: string | undefined;
    if (input.affected_user) {
      appealToken = crypto.randomBytes(24).toString('base64url');
      await q.insertRecipient(tx, access.serviceId, id, input.affected_user, sha256(appealToken));
    }
    await closeCase(tx, access.serviceId, caseId, actor, requestId, id);
    await noticesDecided(tx, caseId, id);
    // Enforcement on the platform: the event and its webhook deliveries commit with the decision; sent after commit.
    await queueDecisionEvent(tx, { serviceId: access.serviceId, decisionId: id, caseId, supersedes: supersedesId, decidedAt, puid, content: c.content, decision: input });
    await recordAudit(tx, {
      serviceId: access.serviceId,
      actor,
      action: supersedesId ? 'decision.corrected' : 'decision.taken',
      subjectType: 'decision',
      subjectId: id,
      data: {
        case_id: caseId,
        outcome: input.outcome,
        ground: input.decision_ground ?? null,
        restrictions: [...(input.decision_visibility ?? []), input.decision_monetary, input.decision_provision, input.decision_account].filter(Boolean),
        puid,
        supersedes: supersedesId,
        automated_decision: input.automated_decision,
      },
      requestId,
    });
    const row = await q.findDecision(tx, access.serviceId, id);
    const presented = presentDecision(row as q.DecisionRow, input.affected_user?.locale ?? 'en');
    return appealToken ? { ...presented, appeal_token: appealToken } : presented;
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
