/**
 * Quality review of decisions (docs/quality-review.md). A share of decisions — the decision policy's
 * `quality_review.sample_rate` — is sampled inside the decision's transaction for a blind second review:
 * another person, who did not take (nor approve) the decision, sees the case and its notices but not the
 * decision, and records their own judgement. The server then compares the two, stores the comparison and
 * only then shows the original decision. Agreement rates are aggregated from the reviews, per category,
 * per moderator and per reviewer, with a Wilson 95 % interval.
 */
import crypto from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError, notFound } from '../http/errors.ts';
import { page } from '../http/pagination.ts';
import * as q from './quality-sql.ts';
import type { QualityReviewInput } from './quality-schemas.ts';

const SYSTEM: AuditActor = { type: 'system', id: null };
const SCALES = ['visibility', 'monetary', 'provision', 'account'] as const;
type Scale = (typeof SCALES)[number];

// --- Sampling (called by the decision use case, inside its transaction) ---

/** True with probability `rate` (0: never, 1: always), from the CSPRNG at a resolution of 1e-9. */
export function drawSample(rate: number): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  return crypto.randomInt(1_000_000_000) < Math.round(rate * 1_000_000_000);
}

/** The scales of a restriction from the flat list of its values (DECISION_VISIBILITY_*, DECISION_MONETARY_*…). */
export function scalesOf(restrictions: readonly string[]): q.Scales {
  const s: q.Scales = {};
  const visibility = restrictions.filter((r) => r.startsWith('DECISION_VISIBILITY_'));
  if (visibility.length > 0) s.visibility = [...new Set(visibility)].sort();
  for (const r of restrictions) {
    if (r.startsWith('DECISION_MONETARY_')) s.monetary = r;
    else if (r.startsWith('DECISION_PROVISION_')) s.provision = r;
    else if (r.startsWith('DECISION_ACCOUNT_')) s.account = r;
  }
  return s;
}

/**
 * Samples a decision for quality review with probability `sampleRate`; when drawn, inserts the pending
 * review and its audit event in the caller's transaction. Returns whether it was sampled.
 */
export async function sampleForQualityReview(
  tx: Db,
  d: {
    serviceId: string;
    decisionId: string;
    caseId: string;
    decidedBy: string;
    category: string;
    outcome: string;
    restrictions: string[];
    ground: string | null;
    sampleRate: number;
    actor: AuditActor;
    requestId: string;
  },
): Promise<boolean> {
  // Only decisions a moderator takes on content are reviewed (not, say, a warning step on an account).
  if (d.outcome !== 'restriction' && d.outcome !== 'no_action') return false;
  if (!drawSample(d.sampleRate)) return false;
  const restriction = d.outcome === 'restriction';
  const id = await q.insertQualityReview(tx, {
    serviceId: d.serviceId,
    decisionId: d.decisionId,
    caseId: d.caseId,
    decidedBy: d.decidedBy,
    category: d.category,
    outcome: d.outcome,
    ground: restriction ? d.ground : null,
    restrictions: restriction ? scalesOf(d.restrictions) : {},
  });
  if (!id) return false;
  await recordAudit(tx, {
    serviceId: d.serviceId,
    actor: d.actor,
    action: 'quality_review.sampled',
    subjectType: 'quality_review',
    subjectId: id,
    data: { decision_id: d.decisionId, case_id: d.caseId, sample_rate: d.sampleRate },
    requestId: d.requestId,
  });
  return true;
}

/**
 * A decision was corrected: its review, if still pending, is skipped (reason `superseded`) and audited.
 * A review already done stays: it judged the decision as it was. Returns whether one was skipped.
 */
export async function skipQualityReviewOfSuperseded(
  tx: Db,
  serviceId: string,
  decisionId: string,
  audit: { actor: AuditActor; requestId: string | null; supersededBy?: string } = { actor: SYSTEM, requestId: null },
): Promise<boolean> {
  const id = await q.skipPending(tx, serviceId, decisionId, 'superseded');
  if (!id) return false;
  await recordAudit(tx, {
    serviceId,
    actor: audit.actor,
    action: 'quality_review.skipped',
    subjectType: 'quality_review',
    subjectId: id,
    data: { decision_id: decisionId, reason: 'superseded', superseded_by: audit.supersededBy ?? null },
    requestId: audit.requestId,
  });
  return true;
}

// --- Comparison ---

export interface Judgement {
  outcome: string;
  category: string;
  ground: string | null;
  scales: q.Scales;
}

export interface Comparison {
  agreed: boolean;
  exact_match: boolean;
  /** Dimensions that broke agreement: outcome; for two restrictions: ground, category, and each scale used by one side only. */
  disagreements: string[];
  /** Scales both used with different values (e.g. removed vs disabled): recorded, still agreement. */
  value_differences: string[];
}

const sameValue = (a: string | string[] | undefined, b: string | string[] | undefined) =>
  JSON.stringify(Array.isArray(a) ? [...a].sort() : a) === JSON.stringify(Array.isArray(b) ? [...b].sort() : b);

/**
 * Agreement: the same outcome and, when both restrict, the same ground, the same statement category and
 * the same restriction scales (which of visibility / monetary / provision / account are used). Different
 * values on a scale both used are a value difference: agreement, but not an exact match.
 */
export function compareJudgements(original: Judgement, review: Judgement): Comparison {
  const disagreements: string[] = [];
  const valueDifferences: string[] = [];
  if (original.outcome !== review.outcome) {
    disagreements.push('outcome');
  } else if (original.outcome === 'restriction') {
    if (original.ground !== review.ground) disagreements.push('ground');
    if (original.category !== review.category) disagreements.push('category');
    for (const scale of SCALES) {
      const a = original.scales[scale as Scale];
      const b = review.scales[scale as Scale];
      if ((a === undefined) !== (b === undefined)) disagreements.push(scale);
      else if (a !== undefined && !sameValue(a, b)) valueDifferences.push(scale);
    }
  }
  const agreed = disagreements.length === 0;
  return { agreed, exact_match: agreed && valueDifferences.length === 0, disagreements, value_differences: valueDifferences };
}

// --- Presentation ---

/** The case as a reviewer sees it: what was reported and where, nothing about the decision or who took it. */
function blindCase(r: q.QualityReviewRow) {
  return {
    category: r.case_category,
    subcategory: r.case_subcategory,
    content: { url: r.content_url, content_id: r.content_id },
    trusted: r.trusted,
    notice_count: r.notice_count,
    mass_report_suspected: r.mass_report_suspected,
    opened_at: r.case_created_at.toISOString(),
  };
}

function claimActive(r: q.QualityReviewRow): boolean {
  return r.claimed_by !== null && r.claim_expires_at !== null && r.claim_expires_at.getTime() > Date.now();
}

function presentBlind(r: q.QualityReviewRow, userId: string) {
  const claimed = claimActive(r);
  return {
    id: r.id,
    status: r.status,
    sampled_at: r.sampled_at.toISOString(),
    claimed_by_you: claimed && r.claimed_by === userId,
    claim_expires_at: claimed && r.claimed_by === userId && r.claim_expires_at ? r.claim_expires_at.toISOString() : null,
    skip_reason: r.skip_reason,
    case: blindCase(r),
  };
}

function originalOf(r: q.QualityReviewRow): Judgement {
  return { outcome: r.original_outcome, category: r.category, ground: r.original_ground, scales: r.original_restrictions };
}

/** A review once submitted: the reviewer's judgement, the original decision and the comparison. */
function presentResult(r: q.QualityReviewRow) {
  const o = originalOf(r);
  return {
    id: r.id,
    status: r.status,
    sampled_at: r.sampled_at.toISOString(),
    reviewed_at: r.reviewed_at ? r.reviewed_at.toISOString() : null,
    reviewer_id: r.reviewer_id,
    case_id: r.case_id,
    case: blindCase(r),
    review: r.review,
    original: {
      decision_id: r.decision_id,
      decided_by: r.decided_by,
      decided_at: r.decided_at.toISOString(),
      outcome: o.outcome,
      category: o.category,
      decision_ground: o.ground,
      restrictions: o.scales,
    },
    comparison: {
      agreed: r.agreed,
      exact_match: r.exact_match,
      disagreements: r.disagreements ?? [],
      value_differences: r.value_differences ?? [],
    },
  };
}

// --- Use cases ---

function reviewerId(access: ServiceAccess): string {
  if (!access.userId) throw new AppError('FORBIDDEN', 'Quality reviews are done by people signed in, not by API keys');
  return access.userId;
}

const visible = (r: q.QualityReviewRow, access: ServiceAccess) => r.queue_team_id === null || access.teamIds.includes(r.queue_team_id);
/** The decider and the four-eyes approver have seen the decision: the review is not theirs to do, nor to see while pending. */
const sawDecision = (r: q.QualityReviewRow, userId: string) => r.decided_by === userId || r.approved_by === userId;

export async function listQualityReviews(
  db: Db,
  access: ServiceAccess,
  f: { status: 'pending' | 'done'; cursor?: readonly [string, string] | undefined; limit: number },
) {
  const userId = reviewerId(access);
  if (f.status === 'done') {
    const rows = await q.doneByReviewer(db, access.serviceId, { userId, after: f.cursor, limit: f.limit });
    const p = page(rows, f.limit, (r) => [r.sampled_key, r.id]);
    return { items: p.items.map(presentResult), next_cursor: p.next_cursor };
  }
  const rows = await q.pendingForReviewer(db, access.serviceId, { userId, teamIds: access.teamIds, after: f.cursor, limit: f.limit });
  const p = page(rows, f.limit, (r) => [r.sampled_key, r.id]);
  return { items: p.items.map((r) => presentBlind(r, userId)), next_cursor: p.next_cursor };
}

async function blindDetail(db: Db, r: q.QualityReviewRow, userId: string) {
  const notices = await q.caseNoticeFacts(db, r.case_id, 100);
  return { ...presentBlind(r, userId), notices: notices.map((n) => ({ ...n, created_at: n.created_at.toISOString() })) };
}

/**
 * One review. Pending or skipped: the blind view (the case and its notices), 404 for the person who took
 * or approved the decision. Done: the result, for its reviewer, the moderator reviewed and holders of
 * `quality:read`; 404 for anyone else.
 */
export async function getQualityReview(db: Db, access: ServiceAccess, id: string) {
  const userId = reviewerId(access);
  const r = await q.findQualityReview(db, access.serviceId, id);
  if (!r || !visible(r, access)) throw notFound('Quality review');
  if (r.status === 'done') {
    if (r.reviewer_id !== userId && r.decided_by !== userId && !access.permissions.has('quality:read')) throw notFound('Quality review');
    return presentResult(r);
  }
  if (sawDecision(r, userId)) throw notFound('Quality review');
  return blindDetail(db, r, userId);
}

/** Claims the oldest pending review the caller may do (skipping ones being claimed concurrently); null when none. */
export async function claimNextQualityReview(db: Db, access: ServiceAccess, actor: AuditActor, requestId: string, ttlMinutes: number) {
  const userId = reviewerId(access);
  const id = await q.claimNextReview(db, access.serviceId, { userId, teamIds: access.teamIds, ttlMinutes }, { actorType: actor.type, actorId: actor.id, requestId });
  if (!id) return null;
  const r = await q.findQualityReview(db, access.serviceId, id);
  return r ? blindDetail(db, r, userId) : null;
}

/**
 * Records the reviewer's judgement, compares it with the decision and returns both with the comparison.
 * Not by the person who took or approved the decision (QUALITY_REVIEW_OWN_DECISION); once only (CONFLICT).
 */
export async function submitQualityReview(db: Db, access: ServiceAccess, actor: AuditActor, requestId: string, id: string, input: QualityReviewInput) {
  const userId = reviewerId(access);
  return inTransaction(db, async (tx) => {
    const r = await q.findQualityReview(tx, access.serviceId, id, true);
    if (!r || !visible(r, access)) throw notFound('Quality review');
    if (sawDecision(r, userId)) {
      throw new AppError('QUALITY_REVIEW_OWN_DECISION', r.decided_by === userId ? 'You took this decision; another person reviews it' : 'You approved this decision; another person reviews it');
    }
    if (r.status === 'done') throw new AppError('CONFLICT', 'This decision was already reviewed');
    if (r.status === 'skipped') throw new AppError('CONFLICT', 'This review was skipped: the decision was corrected before it was reviewed');
    if (claimActive(r) && r.claimed_by !== userId) throw new AppError('CONFLICT', 'Another reviewer has claimed this review');

    const review: Judgement = {
      outcome: input.outcome,
      category: input.category ?? r.case_category,
      ground: input.decision_ground ?? null,
      scales: input.outcome === 'restriction' ? (input.restrictions ?? {}) : {},
    };
    const cmp = compareJudgements(originalOf(r), review);
    const stored = {
      outcome: review.outcome,
      category: review.category,
      decision_ground: review.ground,
      restrictions: review.scales.visibility ? { ...review.scales, visibility: [...review.scales.visibility].sort() } : review.scales,
      notes: input.notes ?? null,
    };
    const ok = await q.markReviewed(tx, {
      id: r.id,
      reviewerId: userId,
      review: stored,
      agreed: cmp.agreed,
      exactMatch: cmp.exact_match,
      disagreements: cmp.disagreements,
      valueDifferences: cmp.value_differences,
    });
    if (!ok) throw new AppError('CONFLICT', 'This decision was already reviewed');
    // The notes are the reviewer's words: they stay in the review, not in the audit log.
    await recordAudit(tx, {
      serviceId: access.serviceId,
      actor,
      action: 'quality_review.reviewed',
      subjectType: 'quality_review',
      subjectId: r.id,
      data: { decision_id: r.decision_id, agreed: cmp.agreed, exact_match: cmp.exact_match, disagreements: cmp.disagreements, value_differences: cmp.value_differences },
      requestId,
    });
    return presentResult((await q.findQualityReview(tx, access.serviceId, r.id)) as q.QualityReviewRow);
  });
}

// --- Agreement report ---

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Wilson score interval at 95 % for k agreements out of n, widened outwards to 3 decimals; null when n = 0. */
export function wilson95(k: number, n: number): { low: number; high: number } | null {
  if (n === 0) return null;
  const z = 1.959964;
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denom = 1 + z2 / n;
  return {
    low: Math.max(0, Math.floor(((centre - margin) / denom) * 1000 + 1e-9) / 1000),
    high: Math.min(1, Math.ceil(((centre + margin) / denom) * 1000 - 1e-9) / 1000),
  };
}

function stats(g: { reviewed: number; agreed: number; exact: number }) {
  return {
    reviewed: g.reviewed,
    agreed: g.agreed,
    rate: g.reviewed === 0 ? null : round3(g.agreed / g.reviewed),
    wilson_95: wilson95(g.agreed, g.reviewed),
    exact_match: g.exact,
  };
}

/** Agreement over the reviews done in [from, to): overall, by category, by moderator, by reviewer; from the rows. */
export async function agreementReport(db: Db, serviceId: string, from: string, to: string) {
  const [groups, counts] = await Promise.all([q.agreementGroups(db, serviceId, from, to), q.qualityCounts(db, serviceId, from, to)]);
  const overall = groups.find((g) => g.g === 7) ?? { reviewed: 0, agreed: 0, exact: 0 };
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    pending: counts.pending,
    skipped: counts.skipped,
    overall: stats(overall),
    by_category: groups.filter((g) => g.g === 3).map((g) => ({ category: g.category, ...stats(g) })),
    by_moderator: groups.filter((g) => g.g === 5).map((g) => ({ user_id: g.decided_by, display_name: g.moderator_name, ...stats(g) })),
    by_reviewer: groups.filter((g) => g.g === 6).map((g) => ({ user_id: g.reviewer_id, display_name: g.reviewer_name, ...stats(g) })),
  };
}
