/**
 * SQL of the affected user's public statement page (src/decisions/public-statement.ts): read-only.
 */
import { sql, type Db } from '../db/index.ts';

export interface RecipientDecisionRow {
  id: string;
  appeal_token_hash: string | null;
  locale: string;
}

/** A decision of the service with its affected user's appeal-token hash and language (undefined: no such decision or no affected user). */
export async function recipientDecision(db: Db, serviceId: string, decisionId: string): Promise<RecipientDecisionRow | undefined> {
  const r = await sql<RecipientDecisionRow>`
    select d.id, r.appeal_token_hash, r.locale
    from decisions d join decision_recipients r on r.decision_id = d.id
    where d.id = ${decisionId} and d.service_id = ${serviceId}`.execute(db);
  return r.rows[0];
}

export interface ChainRow {
  id: string;
  outcome: string;
  created_at: Date;
  depth: number;
  puid: string | null;
  tdb: Record<string, unknown> | null;
}

/**
 * The decision and the corrections that followed it, in order (depth 0 = this decision, the last row =
 * the current decision). Each decision is corrected at most once (decisions.supersedes_id is unique).
 */
export async function decisionChain(db: Db, serviceId: string, decisionId: string): Promise<ChainRow[]> {
  const r = await sql<ChainRow>`
    with recursive chain (id, outcome, created_at, depth) as (
      select d.id, d.outcome, d.created_at, 0 from decisions d where d.id = ${decisionId} and d.service_id = ${serviceId}
      union all
      select n.id, n.outcome, n.created_at, c.depth + 1 from decisions n join chain c on n.supersedes_id = c.id
      where c.depth < 1000
    )
    select c.id, c.outcome, c.created_at, c.depth::int as depth, s.puid, s.tdb
    from chain c left join statements_of_reasons s on s.decision_id = c.id
    order by c.depth`.execute(db);
  return r.rows.map((row) => ({ ...row, depth: Number(row.depth) }));
}

export interface AppealStateRow {
  /** The affected user's latest appeal on the decision, if any. */
  status: 'open' | 'decided' | null;
  outcome: 'upheld' | 'reversed' | 'modified' | null;
  /** Whether any appeal is open on the decision (a new one would be refused). */
  any_open: boolean;
}

/** The affected user's appeal on a decision (latest), and whether an appeal is open on it. */
export async function affectedUserAppealState(db: Db, decisionId: string): Promise<AppealStateRow> {
  const r = await sql<AppealStateRow>`
    select (select a.status from appeals a where a.decision_id = ${decisionId} and a.appellant = 'affected_user'
            order by a.created_at desc, a.id desc limit 1) as status,
           (select a.outcome from appeals a where a.decision_id = ${decisionId} and a.appellant = 'affected_user'
            order by a.created_at desc, a.id desc limit 1) as outcome,
           exists (select 1 from appeals a where a.decision_id = ${decisionId} and a.status = 'open') as any_open`.execute(db);
  return r.rows[0] ?? { status: null, outcome: null, any_open: false };
}
