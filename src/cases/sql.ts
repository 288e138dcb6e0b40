import { auditInsertCte } from '../audit/index.ts';
import { sql, type Db } from '../db/index.ts';

export interface CaseRow {
  id: string;
  service_id: string;
  content_key: string;
  content_url: string | null;
  content_id: string | null;
  queue_id: string;
  queue_slug: string;
  category: string;
  subcategory: string | null;
  tier: number;
  trust_rank: number;
  deadline_at: Date;
  status: string;
  escalated: boolean;
  claimed_by: string | null;
  claim_expires_at: Date | null;
  notice_count: number;
  mass_report_suspected: boolean;
  automated_detection: boolean;
  /** Set when the case was opened for an order from an authority (orders domain). */
  order_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** deadline_at as PostgreSQL text: full microsecond precision for keyset cursors (a JS Date keeps ms). */
  deadline_key: string;
}

export interface QueueRow {
  id: string;
  slug: string;
  name: string;
  kind: 'standard' | 'senior';
  team_id: string | null;
  escalation_queue_id: string | null;
}

const CASE_COLUMNS = sql`c.id, c.service_id, c.content_key, c.content_url, c.content_id, c.queue_id, q.slug as queue_slug,
  c.category, c.subcategory, c.tier, c.trust_rank, c.deadline_at, c.status, c.escalated, c.claimed_by, c.claim_expires_at,
  c.notice_count, c.mass_report_suspected, c.automated_detection, c.order_id, c.created_at, c.updated_at, c.deadline_at::text as deadline_key`;

export async function listQueueRows(db: Db, serviceId: string): Promise<QueueRow[]> {
  const r = await sql<QueueRow>`
    select id, slug, name, kind, team_id, escalation_queue_id from queues where service_id = ${serviceId} order by slug`.execute(db);
  return r.rows;
}

export interface QueueCounts {
  queue_id: string;
  open: number;
  unclaimed: number;
  breached: number;
  next_deadline_at: Date | null;
}

export async function queueCounts(db: Db, queueIds: string[]): Promise<QueueCounts[]> {
  if (queueIds.length === 0) return [];
  const r = await sql<QueueCounts>`
    select queue_id,
           count(*)::int as open,
           count(*) filter (where claimed_by is null or claim_expires_at < now())::int as unclaimed,
           count(*) filter (where deadline_at < now())::int as breached,
           min(deadline_at) as next_deadline_at
    from cases where queue_id = any(${queueIds}::uuid[]) and status = 'open'
    group by queue_id`.execute(db);
  return r.rows;
}

export async function findCase(db: Db, serviceId: string, caseId: string, lock = false): Promise<CaseRow | undefined> {
  const r = await sql<CaseRow>`
    select ${CASE_COLUMNS} from cases c join queues q on q.id = c.queue_id
    where c.id = ${caseId} and c.service_id = ${serviceId} ${lock ? sql`for update of c` : sql``}`.execute(db);
  return r.rows[0];
}

export interface CaseListFilter {
  queueIds: string[];
  status: 'open' | 'pending_approval' | 'closed';
  category?: string | undefined;
  breached?: boolean | undefined;
  massReport?: boolean | undefined;
  claimedBy?: string | undefined;
  unclaimed?: boolean | undefined;
  after?: readonly [number, number, string, string] | undefined;
  limit: number;
}

/** Cases in priority order (tier, trusted first, deadline, id), keyset-paged on that same key. */
export async function listCaseRows(db: Db, serviceId: string, f: CaseListFilter): Promise<CaseRow[]> {
  const after = f.after;
  const r = await sql<CaseRow>`
    select ${CASE_COLUMNS} from cases c join queues q on q.id = c.queue_id
    where c.service_id = ${serviceId} and c.queue_id = any(${f.queueIds}::uuid[]) and c.status = ${f.status}
      ${f.category ? sql`and c.category = ${f.category}` : sql``}
      ${f.breached === undefined ? sql`` : f.breached ? sql`and c.deadline_at < now()` : sql`and c.deadline_at >= now()`}
      ${f.massReport === undefined ? sql`` : sql`and c.mass_report_suspected = ${f.massReport}`}
      ${f.claimedBy ? sql`and c.claimed_by = ${f.claimedBy} and c.claim_expires_at >= now()` : sql``}
      ${f.unclaimed ? sql`and (c.claimed_by is null or c.claim_expires_at < now())` : sql``}
      ${after ? sql`and (c.tier, c.trust_rank, c.deadline_at, c.id) > (${after[0]}, ${after[1]}, ${after[2]}::timestamptz, ${after[3]}::uuid)` : sql``}
    order by c.tier, c.trust_rank, c.deadline_at, c.id
    limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

/**
 * Claims the most urgent claimable case among the given queues, and records `case.claimed`, in one
 * statement. Each queue's head is found through its priority index (LATERAL … LIMIT 1), so the cost
 * does not grow with the size of the queues; SKIP LOCKED lets concurrent moderators each get a
 * different case.
 */
export async function claimNextRow(
  db: Db,
  serviceId: string,
  queueIds: string[],
  userId: string,
  ttlMinutes: number,
  audit: { actorType: string; actorId: string | null; requestId: string | null },
): Promise<CaseRow | undefined> {
  if (queueIds.length === 0) return undefined;
  const r = await sql<CaseRow>`
    with candidate as (
      select x.id from unnest(${queueIds}::uuid[]) as qs(queue_id)
      cross join lateral (
        select c.id, c.tier, c.trust_rank, c.deadline_at from cases c
        where c.queue_id = qs.queue_id and c.status = 'open'
          and (c.claimed_by is null or c.claim_expires_at < now())
        order by c.tier, c.trust_rank, c.deadline_at, c.id
        limit 1 for update skip locked
      ) x
      order by x.tier, x.trust_rank, x.deadline_at, x.id
      limit 1
    ), c as (
      update cases c set claimed_by = ${userId}, claim_expires_at = now() + make_interval(secs => ${ttlMinutes * 60}), updated_at = now()
      from candidate where c.id = candidate.id and c.service_id = ${serviceId}
      returning c.*
    ), ${auditInsertCte(
      'claim',
      sql`select c.service_id, ${audit.actorType}::text, ${audit.actorId}::text, 'case.claimed', 'case', c.id::text,
                 jsonb_build_object('queue', q.slug, 'next', true), ${audit.requestId}::text
          from c join queues q on q.id = c.queue_id`,
    )}
    select ${CASE_COLUMNS} from c join queues q on q.id = c.queue_id`.execute(db);
  return r.rows[0];
}

export async function setClaim(db: Db, caseId: string, userId: string | null, ttlMinutes: number): Promise<void> {
  await sql`update cases set claimed_by = ${userId},
              claim_expires_at = ${userId === null ? null : sql`now() + make_interval(secs => ${ttlMinutes * 60})`},
              updated_at = now()
            where id = ${caseId}`.execute(db);
}

export async function moveToQueue(db: Db, caseId: string, queueId: string, escalated: boolean): Promise<void> {
  await sql`update cases set queue_id = ${queueId}, escalated = ${escalated}, claimed_by = null, claim_expires_at = null, updated_at = now()
            where id = ${caseId}`.execute(db);
}

export interface NoteRow {
  id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: Date;
}

export async function insertNote(db: Db, serviceId: string, caseId: string, authorId: string, body: string): Promise<NoteRow> {
  const r = await sql<NoteRow>`
    with n as (insert into case_notes (case_id, service_id, author_id, body) values (${caseId}, ${serviceId}, ${authorId}, ${body})
               returning id, author_id, body, created_at)
    select n.*, u.display_name as author_name from n join users u on u.id = n.author_id`.execute(db);
  return r.rows[0] as NoteRow;
}

export async function listNotes(db: Db, caseId: string): Promise<NoteRow[]> {
  const r = await sql<NoteRow>`
    select n.id, n.author_id, u.display_name as author_name, n.body, n.created_at
    from case_notes n join users u on u.id = n.author_id where n.case_id = ${caseId} order by n.created_at, n.id`.execute(db);
  return r.rows;
}

export interface CaseNoticeRow {
  notice_id: string;
  reference: string;
  category: string;
  subcategory: string | null;
  explanation: string;
  language: string;
  notifier_type: string;
  trusted: boolean;
  url: string | null;
  content_id: string | null;
  created_at: Date;
}

export async function listCaseNotices(db: Db, caseId: string, limit: number): Promise<CaseNoticeRow[]> {
  const r = await sql<CaseNoticeRow>`
    select n.id as notice_id, n.reference, n.category, n.subcategory, n.explanation, n.language, n.notifier_type, n.trusted,
           l.url, l.content_id, n.created_at
    from notice_locations l join notices n on n.id = l.notice_id
    where l.case_id = ${caseId} order by n.created_at desc, n.id desc limit ${limit}`.execute(db);
  return r.rows;
}

export async function userCanBeAssigned(db: Db, serviceId: string, userId: string): Promise<{ role: string; teamIds: string[] } | undefined> {
  const r = await sql<{ role: string; team_ids: string[] }>`
    select m.role, coalesce(array_agg(t.id::text) filter (where t.id is not null), '{}') as team_ids
    from memberships m join users u on u.id = m.user_id and not u.disabled
    left join team_members tm on tm.user_id = m.user_id
    left join teams t on t.id = tm.team_id and t.service_id = m.service_id
    where m.service_id = ${serviceId} and m.user_id = ${userId}
    group by m.role`.execute(db);
  const row = r.rows[0];
  return row ? { role: row.role, teamIds: row.team_ids } : undefined;
}

export interface HistoryRow {
  id: number;
  occurred_at: Date;
  actor_type: string;
  actor_name: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
}

/** The audit events of a case and of the subjects that name it (decisions), oldest first, with the actor's display name. */
export async function caseHistory(db: Db, serviceId: string, caseId: string, limit: number): Promise<HistoryRow[]> {
  const r = await sql<HistoryRow>`
    select e.id, e.occurred_at, e.actor_type, u.display_name as actor_name, e.action, e.subject_type, e.subject_id
    from audit_events e left join users u on e.actor_type = 'user' and u.id::text = e.actor_id
    where e.id = any(array(
      select id from audit_events where service_id = ${serviceId} and subject_type = 'case' and subject_id = ${caseId}
      union all
      select id from audit_events where service_id = ${serviceId} and data ? 'case_id' and data->>'case_id' = ${caseId}))
    order by e.id limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ ...x, id: Number(x.id) }));
}
