import { sql, type Db } from '../db/index.ts';

export interface AppealRow {
  id: string;
  service_id: string;
  decision_id: string;
  appellant: 'affected_user' | 'notifier';
  notice_id: string | null;
  explanation: string;
  status: 'open' | 'decided';
  outcome: 'upheld' | 'reversed' | 'modified' | null;
  reason: string | null;
  decided_by: string | null;
  new_decision_id: string | null;
  created_at: Date;
  decided_at: Date | null;
  /** created_at as PostgreSQL text (microseconds), for keyset cursors. */
  created_key: string;
}

const COLUMNS = sql`id, service_id, decision_id, appellant, notice_id, explanation, status, outcome, reason, decided_by, new_decision_id,
  created_at, decided_at, created_at::text as created_key`;

export interface DecisionForAppeal {
  id: string;
  case_id: string;
  outcome: string;
  decided_by: string;
  created_at: Date;
  superseded_by: string | null;
  appeal_token_hash: string | null;
  email: string | null;
  locale: string | null;
}

/** A decision with its affected user's appeal-token hash, for the affected user's appeal. */
export async function decisionForAppeal(
  db: Db,
  serviceId: string,
  decisionId: string,
): Promise<DecisionForAppeal | undefined> {
  const r = await sql<DecisionForAppeal>`
    select d.id, d.case_id, d.outcome, d.decided_by, d.created_at, (select n.id from decisions n where n.supersedes_id = d.id) as superseded_by,
           r.appeal_token_hash, r.email, r.locale
    from decisions d
    -- The affected user of this decision, or of the nearest decision it corrects that names one: a
    -- correction without an affected user is still contested with the token the person was sent.
    left join lateral (
      with recursive back (id, supersedes_id, depth) as (
        select d.id, d.supersedes_id, 0
        union all
        select p.id, p.supersedes_id, b.depth + 1 from decisions p join back b on p.id = b.supersedes_id where b.depth < 1000
      )
      select x.appeal_token_hash, x.email, x.locale from back b join decision_recipients x on x.decision_id = b.id order by b.depth limit 1
    ) r on true
    where d.id = ${decisionId} and d.service_id = ${serviceId}`.execute(db);
  return r.rows[0];
}

/** The current (not superseded) decisions on these cases, newest first. */
export async function currentDecisionsOnCases(db: Db, serviceId: string, caseIds: readonly string[]): Promise<Array<{ id: string; case_id: string; outcome: string; created_at: Date }>> {
  if (caseIds.length === 0) return [];
  const r = await sql<{ id: string; case_id: string; outcome: string; created_at: Date }>`
    select d.id, d.case_id, d.outcome, d.created_at from decisions d
    where d.service_id = ${serviceId} and d.case_id in (${sql.join(caseIds.map((id) => sql`${id}::uuid`))})
      and not exists (select 1 from decisions n where n.supersedes_id = d.id)
    order by d.created_at desc, d.id desc`.execute(db);
  return r.rows;
}

export async function openAppealOn(db: Db, decisionId: string): Promise<string | undefined> {
  const r = await sql<{ id: string }>`select id from appeals where decision_id = ${decisionId} and status = 'open'`.execute(db);
  return r.rows[0]?.id;
}

export async function insertAppeal(
  tx: Db,
  a: { serviceId: string; decisionId: string; appellant: 'affected_user' | 'notifier'; noticeId: string | null; explanation: string },
): Promise<AppealRow> {
  const r = await sql<AppealRow>`
    insert into appeals (service_id, decision_id, appellant, notice_id, explanation, contested_outcome, contested_basis, contested_mask)
    -- The contested decision's outcome, basis and restriction mask, for sheet 7 of the transparency report (migration 0021).
    select ${a.serviceId}, d.id, ${a.appellant}, ${a.noticeId}, ${a.explanation}, d.outcome, d.basis, d.restriction_mask
    from decisions d where d.id = ${a.decisionId}
    returning ${COLUMNS}`.execute(tx);
  return r.rows[0] as AppealRow;
}

export async function findAppeal(db: Db, serviceId: string, id: string, forUpdate = false): Promise<AppealRow | undefined> {
  const r = await sql<AppealRow>`select ${COLUMNS} from appeals where id = ${id} and service_id = ${serviceId} ${forUpdate ? sql`for update` : sql``}`.execute(db);
  return r.rows[0];
}

export async function markAppealDecided(
  tx: Db,
  a: { id: string; outcome: string; reason: string; decidedBy: string; newDecisionId: string | null },
): Promise<AppealRow> {
  const r = await sql<AppealRow>`
    update appeals set status = 'decided', outcome = ${a.outcome}, reason = ${a.reason}, decided_by = ${a.decidedBy},
      new_decision_id = ${a.newDecisionId}, decided_at = now()
    where id = ${a.id} and status = 'open'
    returning ${COLUMNS}`.execute(tx);
  return r.rows[0] as AppealRow;
}

export async function listAppealRows(
  db: Db,
  serviceId: string,
  f: { status: string; after: readonly [string, string] | undefined; limit: number },
): Promise<AppealRow[]> {
  const r = await sql<AppealRow>`
    select ${COLUMNS} from appeals where service_id = ${serviceId} and status = ${f.status}
      ${f.after ? sql`and (created_at, id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by created_at, id limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

/** Queues a message about an appeal to the affected user of a decision (when they left an email). */
export async function queueAffectedUserAppealMessage(tx: Db, m: { serviceId: string; decisionId: string; appealId: string; template: string }): Promise<number> {
  const r = await sql`
    insert into outbox (service_id, kind, decision_id, appeal_id, template, locale)
    select ${m.serviceId}, 'email', r.decision_id, ${m.appealId}, ${m.template}, r.locale
    from decision_recipients r where r.decision_id = ${m.decisionId} and r.email is not null
    on conflict do nothing`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

/** What a message about an appeal needs (the notifications domain composes and sends it). */
export interface AppealMessageData {
  appealId: string;
  appellant: 'affected_user' | 'notifier';
  status: 'open' | 'decided';
  outcome: 'upheld' | 'reversed' | 'modified' | null;
  lodgedAt: Date;
}

export async function appealForMessage(db: Db, appealId: string): Promise<AppealMessageData | undefined> {
  const r = await sql<{ appellant: 'affected_user' | 'notifier'; status: 'open' | 'decided'; outcome: 'upheld' | 'reversed' | 'modified' | null; created_at: Date }>`
    select appellant, status, outcome, created_at from appeals where id = ${appealId}`.execute(db);
  const row = r.rows[0];
  return row ? { appealId, appellant: row.appellant, status: row.status, outcome: row.outcome, lodgedAt: new Date(row.created_at) } : undefined;
}
