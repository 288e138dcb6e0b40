import crypto from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { closeCase, openAccountCase, type CaseForDecision } from '../cases/index.ts';
import type { Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { noticesDecided } from '../notices/index.ts';
import { queueDecisionEvent, type DecisionFacts } from '../webhooks/index.ts';
import { appealTokenFor } from './appeal-token.ts';
import type { DecisionPolicy } from './policy.ts';
import { sampleForQualityReview, skipQualityReviewOfSuperseded } from './quality.ts';
import { renderStatement } from './render.ts';
import { reportingColumns } from './reporting.ts';
import type { DecisionInput } from './schemas.ts';
import { buildTdbStatement, puidFor } from './statement.ts';
import * as q from './sql.ts';
import { recordStep, recordStrike, revokeStrikesOf, type StrikeOutcome, type WarningDocument } from './strikes.ts';
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
    approved_by: d.approved_by,
    decided_at: d.created_at.toISOString(),
    details: d.details,
    statement: d.tdb && d.puid ? { puid: d.puid, tdb: d.tdb, text: renderStatement(d.tdb, locale, appealDeadline(d.created_at)) } : null,
  };
}

/** Who asks for a decision, and what the request carries (the link key derives the appeal token). */
export interface DecisionRequest {
  access: ServiceAccess;
  actor: AuditActor;
  requestId: string;
  linkKey: Buffer;
}

export type DecisionDocument = DecisionInput | WarningDocument;

/** What a decision is taken on and by whom; `approvedBy` when a four-eyes rule held it. */
export interface Taking {
  serviceId: string;
  case: CaseForDecision;
  supersedesId: string | null;
  decidedBy: string;
  approvedBy: string | null;
  document: DecisionDocument;
  policy: DecisionPolicy;
  /** Sample it for a blind quality review (decisions taken by people, not threshold steps). */
  sample: boolean;
  /** The appeal whose outcome this correction is. */
  appealId?: string | undefined;
}

export interface TakenDecision {
  id: string;
  decidedAt: Date;
  puid: string | null;
  appealToken: string | undefined;
  strike: StrikeOutcome | null;
}

/** The restrictions a stored decision imposed (its details are the validated document it was taken with). */
function restrictionFactsOf(row: q.DecisionRow): DecisionFacts {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const visibility = row.details.decision_visibility;
  return {
    outcome: row.outcome,
    decision_visibility: Array.isArray(visibility) ? visibility.filter((v): v is string => typeof v === 'string') : undefined,
    decision_monetary: str(row.details.decision_monetary),
    decision_provision: str(row.details.decision_provision),
    decision_account: str(row.details.decision_account),
  };
}

/**
 * The platform's reference of the account, only when the platform needs it to act on the account: a warning,
 * an account or service restriction, or the lifting of one. Decisions about an item identify it by URL / id.
 */
function accountConcerned(d: DecisionDocument, previous: q.DecisionRow | undefined): string | null {
  const onAccount = (x: { outcome: string; decision_account?: unknown; decision_provision?: unknown }) =>
    x.outcome === 'warning' || x.decision_account !== undefined || x.decision_provision !== undefined;
  if (onAccount(d) && d.affected_user?.platform_user_ref) return d.affected_user.platform_user_ref;
  const before = previous?.details as { outcome?: string; decision_account?: unknown; decision_provision?: unknown; affected_user?: { platform_user_ref?: string } } | undefined;
  if (before && onAccount({ ...before, outcome: previous?.outcome ?? '' })) return d.affected_user?.platform_user_ref ?? before.affected_user?.platform_user_ref ?? null;
  return null;
}

const restrictionsOf = (d: DecisionDocument): string[] =>
  d.outcome === 'warning' ? [] : [...(d.decision_visibility ?? []), d.decision_monetary, d.decision_provision, d.decision_account].filter((x): x is NonNullable<typeof x> => Boolean(x));

/**
 * Takes a decision in the caller's transaction: the immutable decision, its statement of reasons (validated
 * against the Transparency Database rules before it is stored) and its submission job, the affected user's
 * contact, the case closed, the notices marked decided with outcome messages queued, the platform event,
 * the audit event; then the consequences: strikes revoked or recorded (and threshold steps taken), the
 * superseded decision's quality review skipped, a quality review sampled. Nothing is sent from inside the
 * transaction: messages and events wait in the outbox.
 */
export async function takeDecision(tx: Db, req: DecisionRequest, t: Taking): Promise<TakenDecision> {
  const { serviceId } = t;
  const d = t.document;
  const id = crypto.randomUUID();
  const decidedAt = await q.insertDecision(tx, { id, serviceId, caseId: t.case.id, supersedesId: t.supersedesId, decidedBy: t.decidedBy, approvedBy: t.approvedBy, outcome: d.outcome, details: d, reporting: reportingColumns(d, t.case) });
  let puid: string | null = null;
  if (d.outcome === 'restriction') {
    const tdb = buildTdbStatement(d, t.case, id, decidedAt.toISOString().slice(0, 10));
    const checked = validateTdbStatement(tdb);
    if (!checked.ok) {
      throw new AppError(
        'VALIDATION_FAILED',
        'The statement of reasons would not pass the Transparency Database rules',
        Object.entries(checked.errors).flatMap(([field, reasons]) => reasons.map((reason) => ({ path: `body.${field}`, reason }))),
      );
    }
    puid = puidFor(id);
    await q.insertStatement(tx, { serviceId, decisionId: id, puid, tdb: checked.value });
    await queueSubmission(tx, { serviceId, puid }, req.actor, req.requestId);
  }
  // The affected user's appeal token (DSA Art. 20) is derived from the link key; only its hash is stored.
  let appealToken: string | undefined;
  if (d.affected_user) {
    appealToken = appealTokenFor(req.linkKey, id);
    await q.insertRecipient(tx, serviceId, id, d.affected_user, sha256(appealToken), d.outcome === 'warning' ? 'account_warning' : 'statement_of_reasons');
  }
  await closeCase(tx, serviceId, t.case.id, req.actor, req.requestId, id);
  await noticesDecided(tx, t.case.id, id);
  // Enforcement on the platform: the event and its webhook deliveries commit with the decision; sent after commit.
  // A correction carries what the superseded decision imposed, so the platform knows what to lift.
  const previous = t.supersedesId ? await q.findDecision(tx, serviceId, t.supersedesId) : undefined;
  await queueDecisionEvent(tx, {
    serviceId,
    decisionId: id,
    caseId: t.case.id,
    supersedes: t.supersedesId,
    decidedAt,
    puid,
    content: t.case.content,
    account: accountConcerned(d, previous),
    decision: d,
    previous: previous ? restrictionFactsOf(previous) : null,
    appealId: t.appealId ?? null,
  });
  await recordAudit(tx, {
    serviceId,
    actor: req.actor,
    action: t.supersedesId ? 'decision.corrected' : 'decision.taken',
    subjectType: 'decision',
    subjectId: id,
    data: {
      case_id: t.case.id,
      outcome: d.outcome,
      ground: d.decision_ground ?? null,
      restrictions: restrictionsOf(d),
      puid,
      supersedes: t.supersedesId,
      automated_decision: d.automated_decision,
      decided_by: t.decidedBy,
      approved_by: t.approvedBy,
    },
    requestId: req.requestId,
  });
  if (t.supersedesId) {
    await revokeStrikesOf(tx, serviceId, t.supersedesId, id, req.actor, req.requestId);
    await skipQualityReviewOfSuperseded(tx, serviceId, t.supersedesId, { actor: req.actor, requestId: req.requestId, supersededBy: id });
  }
  let strike: StrikeOutcome | null = null;
  const accountRef = d.affected_user?.platform_user_ref;
  if (d.outcome === 'restriction' && d.manifestly_illegal && accountRef !== undefined && t.policy.strikes.enabled) {
    const recorded = await recordStrike(tx, req, { serviceId, decisionId: id, case: t.case, document: d, accountRef, policy: t.policy });
    strike = recorded.outcome;
    if (recorded.step) {
      // The threshold step is a decision of its own on the account, with its own statement, in this transaction.
      const accountCase = await openAccountCase(tx, serviceId, t.case.id, accountRef, req.actor, req.requestId);
      const step = await takeDecision(tx, req, {
        serviceId,
        case: accountCase,
        supersedesId: null,
        decidedBy: t.decidedBy,
        approvedBy: t.approvedBy,
        document: recorded.step.document,
        policy: t.policy,
        sample: false,
      });
      await recordStep(tx, req, { serviceId, accountRef, action: recorded.step.action, strikes: recorded.step.strikes, decisionId: step.id, triggerDecisionId: id });
      strike = { ...strike, step: { action: recorded.step.action, decision_id: step.id } };
    }
  }
  if (t.sample && t.policy.quality_review.sample_rate > 0) {
    await sampleForQualityReview(tx, {
      serviceId,
      decisionId: id,
      caseId: t.case.id,
      decidedBy: t.decidedBy,
      category: d.category ?? t.case.category,
      outcome: d.outcome,
      restrictions: restrictionsOf(d),
      ground: d.decision_ground ?? null,
      sampleRate: t.policy.quality_review.sample_rate,
      actor: req.actor,
      requestId: req.requestId,
    });
  }
  return { id, decidedAt, puid, appealToken, strike };
}

/** The decision as the API answers it after taking it (with the appeal token, and the strike it gave). */
export async function presentTaken(tx: Db, serviceId: string, taken: TakenDecision, locale: 'en' | 'fr') {
  const row = await q.findDecision(tx, serviceId, taken.id);
  const presented = presentDecision(row as q.DecisionRow, locale);
  return {
    ...presented,
    ...(taken.appealToken ? { appeal_token: taken.appealToken } : {}),
    ...(taken.strike ? { strike: taken.strike } : {}),
  };
}

