import { sql, type Db } from '../db/index.ts';

export interface ProposalRow {
  id: string;
  service_id: string;
  case_id: string;
  supersedes_id: string | null;
  proposed_by: string;
  details: Record<string, unknown>;
  rules: string[];
  status: 'pending' | 'approved' | 'rejected';
  reviewed_by: string | null;
  review_reason: string | null;
  decision_id: string | null;
  created_at: Date;
  reviewed_at: Date | null;
  /** created_at as PostgreSQL text (microseconds), for keyset cursors. */
  created_key: string;
}

const COLUMNS = sql`p.id, p.service_id, p.case_id, p.supersedes_id, p.proposed_by, p.details, p.rules, p.status, p.reviewed_by,
  p.review_reason, p.decision_id, p.created_at, p.reviewed_at, p.created_at::text as created_key`;

/** Inserts a pending proposal; undefined when the case already has one (one pending proposal per case). */
export async function insertProposal(
  tx: Db,
  p: { serviceId: string; caseId: string; supersedesId: string | null; proposedBy: string; details: unknown; rules: string[] },
): Promise<ProposalRow | undefined> {
  const r = await sql<ProposalRow>`
    insert into decision_proposals as p (service_id, case_id, supersedes_id, proposed_by, details, rules)
    values (${p.serviceId}, ${p.caseId}, ${p.supersedesId}, ${p.proposedBy}, ${JSON.stringify(p.details)}::jsonb, ${p.rules}::text[])
    on conflict (case_id) where status = 'pending' do nothing
    returning ${COLUMNS}`.execute(tx);
  return r.rows[0];
}

/** A proposal of the service, only when the caller's teams may see its case's queue. */
export async function findProposal(db: Db, serviceId: string, id: string, teamIds: readonly string[], lock = false): Promise<ProposalRow | undefined> {
  const r = await sql<ProposalRow>`
    select ${COLUMNS} from decision_proposals p
    join cases c on c.id = p.case_id join queues q on q.id = c.queue_id
    where p.id = ${id} and p.service_id = ${serviceId} and (q.team_id is null or q.team_id = any(${[...teamIds]}::uuid[]))
    ${lock ? sql`for update of p` : sql``}`.execute(db);
  return r.rows[0];
}

/** Proposals by status, oldest first, keyset on (created_at, id); cases of queues the caller's teams may see. */
export async function listProposalRows(
  db: Db,
  serviceId: string,
  f: { status: 'pending' | 'approved' | 'rejected'; teamIds: readonly string[]; after?: readonly [string, string] | undefined; limit: number },
): Promise<ProposalRow[]> {
  const r = await sql<ProposalRow>`
    select ${COLUMNS} from decision_proposals p
    join cases c on c.id = p.case_id join queues q on q.id = c.queue_id
    where p.service_id = ${serviceId} and p.status = ${f.status} and (q.team_id is null or q.team_id = any(${[...f.teamIds]}::uuid[]))
      ${f.after ? sql`and (p.created_at, p.id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by p.created_at, p.id limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

export async function markReviewed(
  tx: Db,
  r: { id: string; status: 'approved' | 'rejected'; reviewedBy: string; reason: string | null; decisionId: string | null },
): Promise<ProposalRow> {
  const res = await sql<ProposalRow>`
    update decision_proposals p set status = ${r.status}, reviewed_by = ${r.reviewedBy}, review_reason = ${r.reason},
      decision_id = ${r.decisionId}, reviewed_at = now()
    where p.id = ${r.id} and p.status = 'pending'
    returning ${COLUMNS}`.execute(tx);
  return res.rows[0] as ProposalRow;
}

/** A pending proposal correcting this decision, if any. */
export async function pendingCorrectionOf(db: Db, decisionId: string): Promise<string | undefined> {
  const r = await sql<{ id: string }>`select id from decision_proposals where supersedes_id = ${decisionId} and status = 'pending'`.execute(db);
  return r.rows[0]?.id;
}
