import { auditInsertCte } from '../audit/index.ts';
import { sql, type Db } from '../db/index.ts';

/** The scales of a decision's restriction, as compared by a quality review (absent scale = not used). */
export interface Scales {
  visibility?: string[];
  monetary?: string;
  provision?: string;
  account?: string;
}

export interface QualityReviewRow {
  id: string;
  service_id: string;
  decision_id: string;
  case_id: string;
  decided_by: string;
  category: string;
  original_outcome: 'restriction' | 'no_action';
  original_ground: string | null;
  original_restrictions: Scales;
  status: 'pending' | 'done' | 'skipped';
  sampled_at: Date;
  claimed_by: string | null;
  claim_expires_at: Date | null;
  reviewer_id: string | null;
  review: Record<string, unknown> | null;
  agreed: boolean | null;
  exact_match: boolean | null;
  disagreements: string[] | null;
  value_differences: string[] | null;
  reviewed_at: Date | null;
  skipped_at: Date | null;
  skip_reason: string | null;
  /** sampled_at as PostgreSQL text (microseconds), for keyset cursors. */
  sampled_key: string;
  /** Who approved the decision under the four-eyes rule: they saw it, so they are not blind either. */
  approved_by: string | null;
  decided_at: Date;
  /** The case as the reviewer sees it (blind: nothing about the decision). */
  case_category: string;
  case_subcategory: string | null;
  content_url: string | null;
  content_id: string | null;
  trusted: boolean;
  notice_count: number;
  mass_report_suspected: boolean;
  case_created_at: Date;
  queue_team_id: string | null;
}

const COLUMNS = sql`r.id, r.service_id, r.decision_id, r.case_id, r.decided_by, r.category, r.original_outcome, r.original_ground,
  r.original_restrictions, r.status, r.sampled_at, r.claimed_by, r.claim_expires_at, r.reviewer_id, r.review, r.agreed, r.exact_match,
  r.disagreements, r.value_differences, r.reviewed_at, r.skipped_at, r.skip_reason, r.sampled_at::text as sampled_key,
  d.approved_by, d.created_at as decided_at,
  c.category as case_category, c.subcategory as case_subcategory, c.content_url, c.content_id, c.trust_rank = 0 as trusted,
  c.notice_count, c.mass_report_suspected, c.created_at as case_created_at, qu.team_id as queue_team_id`;

// The blind view reads the case (cases, queues, notice_locations, notices): read-only, the columns the case
// view of the cases domain shows, without its notes, claim or status. Kept here so that the queue, filtered
// by the caller's teams, is one keyset query (the read-model exception in docs/architecture.md).
const FROM = sql`quality_reviews r join decisions d on d.id = r.decision_id join cases c on c.id = r.case_id join queues qu on qu.id = c.queue_id`;

/** Reviews visible to a caller: cases in open queues or the queues of the caller's teams. */
const visibleTo = (teamIds: readonly string[]) => sql`(qu.team_id is null or qu.team_id = any(${[...teamIds]}::uuid[]))`;

export async function insertQualityReview(
  tx: Db,
  r: {
    serviceId: string;
    decisionId: string;
    caseId: string;
    decidedBy: string;
    category: string;
    outcome: string;
    ground: string | null;
    restrictions: Scales;
  },
): Promise<string | undefined> {
  const res = await sql<{ id: string }>`
    insert into quality_reviews (service_id, decision_id, case_id, decided_by, category, original_outcome, original_ground, original_restrictions)
    values (${r.serviceId}, ${r.decisionId}, ${r.caseId}, ${r.decidedBy}, ${r.category}, ${r.outcome}, ${r.ground}, ${JSON.stringify(r.restrictions)}::jsonb)
    on conflict (decision_id) do nothing
    returning id`.execute(tx);
  return res.rows[0]?.id;
}

export async function findQualityReview(db: Db, serviceId: string, id: string, forUpdate = false): Promise<QualityReviewRow | undefined> {
  const r = await sql<QualityReviewRow>`
    select ${COLUMNS} from ${FROM} where r.id = ${id} and r.service_id = ${serviceId} ${forUpdate ? sql`for update of r` : sql``}`.execute(db);
  return r.rows[0];
}

export interface CaseNoticeFacts {
  reference: string;
  category: string;
  subcategory: string | null;
  explanation: string;
  language: string | null;
  notifier_type: string | null;
  trusted: boolean;
  url: string | null;
  content_id: string | null;
  created_at: Date;
}

/** The notices of a case, as the case view shows them (no notifier identity). */
export async function caseNoticeFacts(db: Db, caseId: string, limit: number): Promise<CaseNoticeFacts[]> {
  const r = await sql<CaseNoticeFacts>`
    select n.reference, n.category, n.subcategory, n.explanation, n.language, n.notifier_type, n.trusted, l.url, l.content_id, n.created_at
    from notice_locations l join notices n on n.id = l.notice_id
    where l.case_id = ${caseId} order by n.created_at desc, n.id desc limit ${limit}`.execute(db);
  return r.rows;
}

/**
 * The pending queue for one reviewer, oldest first: not their own decisions nor ones they approved, not
 * claimed by someone else, in queues they can see.
 */
export async function pendingForReviewer(
  db: Db,
  serviceId: string,
  f: { userId: string; teamIds: readonly string[]; after: readonly [string, string] | undefined; limit: number },
): Promise<QualityReviewRow[]> {
  const r = await sql<QualityReviewRow>`
    select ${COLUMNS} from ${FROM}
    where r.service_id = ${serviceId} and r.status = 'pending' and r.decided_by <> ${f.userId}
      and d.approved_by is distinct from ${f.userId}::uuid
      and (r.claimed_by is null or r.claimed_by = ${f.userId} or r.claim_expires_at < now())
      and ${visibleTo(f.teamIds)}
      ${f.after ? sql`and (r.sampled_at, r.id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by r.sampled_at, r.id limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

/** The reviews one reviewer submitted, oldest sampled first. */
export async function doneByReviewer(
  db: Db,
  serviceId: string,
  f: { userId: string; after: readonly [string, string] | undefined; limit: number },
): Promise<QualityReviewRow[]> {
  const r = await sql<QualityReviewRow>`
    select ${COLUMNS} from ${FROM}
    where r.service_id = ${serviceId} and r.status = 'done' and r.reviewer_id = ${f.userId}
      ${f.after ? sql`and (r.sampled_at, r.id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by r.sampled_at, r.id limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

/**
 * Claims the oldest pending review this reviewer may take, skipping rows another transaction holds, and
 * audits the claim in the same statement. Returns its id, or undefined when there is none.
 */
export async function claimNextReview(
  db: Db,
  serviceId: string,
  f: { userId: string; teamIds: readonly string[]; ttlMinutes: number },
  audit: { actorType: string; actorId: string | null; requestId: string | null },
): Promise<string | undefined> {
  const r = await sql<{ id: string }>`
    with candidate as (
      select r.id from quality_reviews r join decisions d on d.id = r.decision_id join cases c on c.id = r.case_id join queues qu on qu.id = c.queue_id
      where r.service_id = ${serviceId} and r.status = 'pending' and r.decided_by <> ${f.userId}
        and d.approved_by is distinct from ${f.userId}::uuid
        and (r.claimed_by is null or r.claimed_by = ${f.userId} or r.claim_expires_at < now())
        and ${visibleTo(f.teamIds)}
      order by r.sampled_at, r.id
      limit 1 for update of r skip locked
    ), claimed as (
      update quality_reviews r set claimed_by = ${f.userId}, claim_expires_at = now() + make_interval(secs => ${f.ttlMinutes * 60})
      from candidate where r.id = candidate.id
      returning r.id, r.service_id
    ), ${auditInsertCte(
      'a',
      sql`select claimed.service_id, ${audit.actorType}::text, ${audit.actorId}::text, 'quality_review.claimed', 'quality_review', claimed.id::text,
                 jsonb_build_object('next', true), ${audit.requestId}::text
          from claimed`,
    )}
    select id from claimed`.execute(db);
  return r.rows[0]?.id;
}

export async function markReviewed(
  tx: Db,
  r: {
    id: string;
    reviewerId: string;
    review: unknown;
    agreed: boolean;
    exactMatch: boolean;
    disagreements: string[];
    valueDifferences: string[];
  },
): Promise<boolean> {
  const res = await sql`
    update quality_reviews set status = 'done', reviewer_id = ${r.reviewerId}, review = ${JSON.stringify(r.review)}::jsonb,
      agreed = ${r.agreed}, exact_match = ${r.exactMatch}, disagreements = ${r.disagreements}::text[],
      value_differences = ${r.valueDifferences}::text[], reviewed_at = now(), claimed_by = null, claim_expires_at = null
    where id = ${r.id} and status = 'pending'`.execute(tx);
  return Number(res.numAffectedRows ?? 0) === 1;
}

/** Marks the pending review of a decision skipped (its decision was corrected); returns the review's id. */
export async function skipPending(tx: Db, serviceId: string, decisionId: string, reason: 'superseded'): Promise<string | undefined> {
  const r = await sql<{ id: string }>`
    update quality_reviews set status = 'skipped', skipped_at = now(), skip_reason = ${reason}, claimed_by = null, claim_expires_at = null
    where service_id = ${serviceId} and decision_id = ${decisionId} and status = 'pending'
    returning id`.execute(tx);
  return r.rows[0]?.id;
}

export interface AgreementGroupRow {
  /** grouping(category, decided_by, reviewer_id): 7 overall, 3 by category, 5 by moderator, 6 by reviewer. */
  g: number;
  category: string | null;
  decided_by: string | null;
  reviewer_id: string | null;
  moderator_name: string | null;
  reviewer_name: string | null;
  reviewed: number;
  agreed: number;
  exact: number;
}

/** Reviews done in [from, to), counted overall, by category, by moderator and by reviewer (one aggregate). */
export async function agreementGroups(db: Db, serviceId: string, from: string, to: string): Promise<AgreementGroupRow[]> {
  const r = await sql<AgreementGroupRow>`
    select a.*, mu.display_name as moderator_name, ru.display_name as reviewer_name
    from (
      select grouping(r.category, r.decided_by, r.reviewer_id)::int as g, r.category, r.decided_by, r.reviewer_id,
             count(*)::int as reviewed, (count(*) filter (where r.agreed))::int as agreed, (count(*) filter (where r.exact_match))::int as exact
      from quality_reviews r
      where r.service_id = ${serviceId} and r.status = 'done' and r.reviewed_at >= ${from}::timestamptz and r.reviewed_at < ${to}::timestamptz
      group by grouping sets ((), (r.category), (r.decided_by), (r.reviewer_id))
    ) a
    left join users mu on mu.id = a.decided_by
    left join users ru on ru.id = a.reviewer_id
    order by a.g desc, a.category, a.decided_by, a.reviewer_id`.execute(db);
  return r.rows;
}

export async function qualityCounts(db: Db, serviceId: string, from: string, to: string): Promise<{ pending: number; skipped: number }> {
  const r = await sql<{ pending: number; skipped: number }>`
    select (count(*) filter (where status = 'pending'))::int as pending,
           (count(*) filter (where status = 'skipped' and skipped_at >= ${from}::timestamptz and skipped_at < ${to}::timestamptz))::int as skipped
    from quality_reviews where service_id = ${serviceId} and status in ('pending', 'skipped')`.execute(db);
  return r.rows[0] ?? { pending: 0, skipped: 0 };
}
