import { sql, type Db } from '../db/index.ts';

export interface DecisionRow {
  id: string;
  case_id: string;
  supersedes_id: string | null;
  superseded_by: string | null;
  decided_by: string;
  approved_by: string | null;
  outcome: string;
  details: Record<string, unknown>;
  created_at: Date;
  puid: string | null;
  tdb: Record<string, unknown> | null;
}

/** The transparency-report columns of a decision (migration 0018), fixed when it is taken (take.ts reportingColumns). */
export interface DecisionReporting {
  basis: 'notice' | 'trusted_notice' | 'order' | 'own_initiative';
  reportCategory: string;
  reportKeyword: string | null;
  ground: 'illegal' | 'incompatible' | null;
  restrictionMask: number;
  solelyAutomated: boolean;
  automatedDetection: boolean;
  contentLanguage: string | null;
  /** The order the case was opened for: its receipt is the case's received_at. */
  orderId: string | null;
}

export async function insertDecision(
  tx: Db,
  d: { id: string; serviceId: string; caseId: string; supersedesId: string | null; decidedBy: string; approvedBy: string | null; outcome: string; details: unknown; reporting: DecisionReporting },
): Promise<Date> {
  const r = d.reporting;
  // received_at: when the case's order, else its first notice, else its first screening signal arrived; else its opening.
  const orderReceived = r.orderId ? sql`(select o.received_at from orders o where o.id = ${r.orderId})` : sql`null::timestamptz`;
  // In the same statement (migration 0021): an original decision on a notice's case records the action on each notice
  // whose first item is on this case, for sheet 4 of the transparency report.
  const res = await sql<{ created_at: Date }>`
    with d as (
    insert into decisions (id, service_id, case_id, supersedes_id, decided_by, approved_by, outcome, details,
                           basis, report_category, report_keyword, ground, restriction_mask, solely_automated, automated_detection, received_at, content_language)
    values (${d.id}, ${d.serviceId}, ${d.caseId}, ${d.supersedesId}, ${d.decidedBy}, ${d.approvedBy}, ${d.outcome}, ${JSON.stringify(d.details)}::jsonb,
            ${r.basis}, ${r.reportCategory}, ${r.reportKeyword}, ${r.ground}, ${r.restrictionMask}, ${r.solelyAutomated}, ${r.automatedDetection},
            coalesce(${orderReceived},
                     (select min(n.created_at) from notice_locations l join notices n on n.id = l.notice_id where l.case_id = ${d.caseId}),
                     (select min(s.created_at) from screened_items s where s.case_id = ${d.caseId}),
                     (select c.created_at from cases c where c.id = ${d.caseId})),
            ${r.contentLanguage})
    returning id, service_id, case_id, supersedes_id, basis, outcome, ground, solely_automated, created_at
    ), actions as (
      insert into notice_actions (notice_id, service_id, received_at, category, subcategory, trusted, decision_id, decided_at, outcome, ground, solely_automated)
      select n.id, n.service_id, n.created_at, n.category, n.subcategory, n.trusted, d.id, d.created_at, d.outcome, d.ground, d.solely_automated
      from d join notice_locations l on l.case_id = d.case_id and l.position = 0 join notices n on n.id = l.notice_id
      where d.supersedes_id is null and d.basis in ('notice', 'trusted_notice')
      on conflict (notice_id) do nothing
    )
    select created_at from d`.execute(tx);
  return (res.rows[0] as { created_at: Date }).created_at;
}

export async function insertStatement(tx: Db, s: { serviceId: string; decisionId: string; puid: string; tdb: unknown }): Promise<void> {
  await sql`insert into statements_of_reasons (service_id, decision_id, puid, tdb)
            values (${s.serviceId}, ${s.decisionId}, ${s.puid}, ${JSON.stringify(s.tdb)}::jsonb)`.execute(tx);
}

/** Records the affected user's contact (and the hash of their appeal token) and queues their message (the statement of reasons, or a warning). */
export async function insertRecipient(
  tx: Db,
  serviceId: string,
  decisionId: string,
  r: { email?: string | undefined; locale: string; platform_user_ref?: string | undefined },
  appealTokenHash: string,
  template: 'statement_of_reasons' | 'account_warning',
): Promise<void> {
  await sql`insert into decision_recipients (decision_id, email, locale, platform_user_ref, appeal_token_hash)
            values (${decisionId}, ${r.email ?? null}, ${r.locale}, ${r.platform_user_ref ?? null}, ${appealTokenHash})`.execute(tx);
  if (r.email) {
    await sql`insert into outbox (service_id, kind, decision_id, template, locale)
              values (${serviceId}, 'email', ${decisionId}, ${template}, ${r.locale})`.execute(tx);
  }
}

const DECISION_COLUMNS = sql`d.id, d.case_id, d.supersedes_id, (select n.id from decisions n where n.supersedes_id = d.id) as superseded_by,
  d.decided_by, d.approved_by, d.outcome, d.details, d.created_at, s.puid, s.tdb`;

export async function findDecision(db: Db, serviceId: string, id: string): Promise<DecisionRow | undefined> {
  const r = await sql<DecisionRow>`
    select ${DECISION_COLUMNS} from decisions d left join statements_of_reasons s on s.decision_id = d.id
    where d.id = ${id} and d.service_id = ${serviceId}`.execute(db);
  return r.rows[0];
}

export async function caseDecisions(db: Db, serviceId: string, caseId: string): Promise<DecisionRow[]> {
  const r = await sql<DecisionRow>`
    select ${DECISION_COLUMNS} from decisions d left join statements_of_reasons s on s.decision_id = d.id
    where d.case_id = ${caseId} and d.service_id = ${serviceId} order by d.created_at, d.id`.execute(db);
  return r.rows;
}

export async function findStatementByPuid(db: Db, serviceId: string, puid: string): Promise<Record<string, unknown> | undefined> {
  const r = await sql<{ tdb: Record<string, unknown> }>`select tdb from statements_of_reasons where service_id = ${serviceId} and puid = ${puid}`.execute(db);
  return r.rows[0]?.tdb;
}

/** One page of statements in [from, to), after the keyset (created_at text, id). */
export async function statementPage(
  db: Db,
  serviceId: string,
  from: string,
  to: string,
  after: readonly [string, string] | null,
  limit: number,
): Promise<Array<{ id: string; created_key: string; tdb: Record<string, unknown> }>> {
  const r = await sql<{ id: string; created_key: string; tdb: Record<string, unknown> }>`
    select id, created_at::text as created_key, tdb from statements_of_reasons
    where service_id = ${serviceId} and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
      ${after ? sql`and (created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by created_at, id limit ${limit}`.execute(db);
  return r.rows;
}
