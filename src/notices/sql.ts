import { auditInsertCte } from '../audit/index.ts';
import { sql, type Db, type RawBuilder } from '../db/index.ts';

export interface NoticeInsert {
  id: string;
  serviceId: string;
  reference: string;
  trackingTokenHash: string;
  createdAt: Date;
  source: 'public' | 'api';
  notifierType: string;
  apiKeyId: string | null;
  submittedBy: string | null;
  category: string;
  subcategory: string | null;
  subcategoryOther: string | null;
  explanation: string;
  legalProvision: string | null;
  language: string;
  contentLanguage: string | null;
  country: string | null;
  notifier: { name: string; email: string } | null;
  evidence: Array<{ sha256: string; media_type: string; size_bytes: number; filename: string | null }>;
  idempotency: { scope: string; key: string; requestHash: string; response: unknown } | null;
}

export interface IntakeParts {
  /**
   * CTEs of the notifiers domain, first in the WITH list: the notice's notifier (found or registered) as the
   * one-row CTE `notifier` names, with columns notifier_id, trusted and blocked_until.
   */
  notifier: { ctes: RawBuilder<unknown>; name: RawBuilder<unknown> };
  /** A text expression: non-null when the notifier may not notify (suspended), failing the statement with it. */
  refusal: RawBuilder<unknown>;
  /** CTEs from other domains (cases) that file the notice, in the WITH list after the notice. */
  ctes: RawBuilder<unknown>[];
  /** Case ids selected by those CTEs. */
  caseIds: RawBuilder<unknown>[];
  /** Audit rows of those CTEs. */
  auditRows: RawBuilder<unknown>[];
  /** The notice.received audit row, given the case ids as a jsonb expression. */
  noticeAudit: (casesJson: RawBuilder<unknown>) => RawBuilder<unknown>;
}

/**
 * The whole intake as ONE statement (so one round trip, and atomic without BEGIN/COMMIT): the notice,
 * the notifier's identity (its own table), evidence rows, the acknowledgement message in the outbox,
 * the idempotency record, the case CTEs of the cases domain and every audit event.
 */
export async function insertNoticeStatement(db: Db, n: NoticeInsert, parts: IntakeParts): Promise<void> {
  const casesJson = sql`(select coalesce(jsonb_agg(x.id), '[]'::jsonb) from (${sql.join(parts.caseIds, sql` union all `)}) as x(id))`;
  const expected = parts.caseIds.length;
  const nf = parts.notifier.name;
  await sql`
    with ${parts.notifier.ctes}, notice as (
      insert into notices (id, service_id, reference, tracking_token_hash, source, notifier_type, trusted, notifier_id, api_key_id, submitted_by,
                           category, subcategory, subcategory_other, explanation, legal_provision, language, content_language, country,
                           good_faith, item_count, created_at)
      select ${n.id}, ${n.serviceId}, ${n.reference}, ${n.trackingTokenHash}, ${n.source}, ${n.notifierType}, ${nf}.trusted, ${nf}.notifier_id,
             ${n.apiKeyId}, ${n.submittedBy}, ${n.category}, ${n.subcategory}, ${n.subcategoryOther}, ${n.explanation}, ${n.legalProvision},
             ${n.language}, ${n.contentLanguage}, ${n.country}, true, ${expected}::int, ${n.createdAt}
      from ${nf}
      returning id
    ), who as (
      insert into notice_notifiers (notice_id, name, email)
      select id, ${n.notifier?.name ?? null}, ${n.notifier?.email ?? null} from notice where ${n.notifier !== null}
    ), evidence as (
      insert into notice_evidence (notice_id, sha256, media_type, size_bytes, filename)
      select ${n.id}, e.sha256, e.media_type, e.size_bytes, e.filename
      from unnest(${n.evidence.map((e) => e.sha256)}::text[], ${n.evidence.map((e) => e.media_type)}::text[],
                  ${n.evidence.map((e) => e.size_bytes)}::int[], ${n.evidence.map((e) => e.filename)}::text[])
           as e(sha256, media_type, size_bytes, filename)
    ), ack as (
      insert into outbox (service_id, kind, notice_id, template, locale)
      select ${n.serviceId}, 'email', id, 'notice_acknowledgement', ${n.language === 'fr' ? 'fr' : 'en'} from notice where ${n.notifier !== null}
    ), idem as (
      insert into idempotency_keys (service_id, scope, key, request_hash, status_code, response)
      select ${n.serviceId}, ${n.idempotency?.scope ?? ''}, ${n.idempotency?.key ?? ''}, ${n.idempotency?.requestHash ?? ''}, 201,
             ${JSON.stringify(n.idempotency?.response ?? null)}::jsonb
      where ${n.idempotency !== null}
    ), ${sql.join(parts.ctes, sql`, `)},
    ${auditInsertCte('audit', sql.join([...parts.auditRows, parts.noticeAudit(casesJson)], sql` union all `))}
    -- A suspended notifier's notice is refused, and every location must have found its case (a service always
    -- has a default triage policy); if not, fail the statement so that nothing of this notice is written.
    select cast(coalesce(${parts.refusal},
                         case when (select count(*) from (${sql.join(parts.caseIds, sql` union all `)}) as c) <> ${expected}
                              then 'no triage policy matched: notice refused' end) as int)`.execute(db);
}

export interface NoticeRow {
  id: string;
  reference: string;
  source: string;
  notifier_type: string;
  trusted: boolean;
  /** The notifier (notifiers domain); null for anonymous notices and public-form notices from before notifiers. */
  notifier_id: string | null;
  category: string;
  subcategory: string | null;
  subcategory_other: string | null;
  explanation: string;
  legal_provision: string | null;
  language: string;
  content_language: string | null;
  country: string | null;
  status: string;
  created_at: Date;
  tracking_token_hash: string;
  /** created_at as PostgreSQL text (microseconds), for keyset cursors. */
  created_key: string;
}

export async function findNoticeById(db: Db, serviceId: string, id: string): Promise<NoticeRow | undefined> {
  return (await sql<NoticeRow>`select *, created_at::text as created_key from notices where id = ${id} and service_id = ${serviceId}`.execute(db)).rows[0];
}

export async function findNoticeByReference(db: Db, serviceId: string, reference: string): Promise<NoticeRow | undefined> {
  return (await sql<NoticeRow>`select *, created_at::text as created_key from notices where reference = ${reference} and service_id = ${serviceId}`.execute(db)).rows[0];
}

export async function listNoticeRows(db: Db, serviceId: string, f: { category?: string | undefined; before?: readonly [string, string] | undefined; limit: number }) {
  const r = await sql<NoticeRow>`
    select *, created_at::text as created_key from notices where service_id = ${serviceId}
      ${f.category ? sql`and category = ${f.category}` : sql``}
      ${f.before ? sql`and (created_at, id) < (${f.before[0]}::timestamptz, ${f.before[1]}::uuid)` : sql``}
    order by created_at desc, id desc limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

export async function noticeDetails(db: Db, noticeId: string) {
  const [locations, evidence, notifier] = await Promise.all([
    sql<{ position: number; url: string | null; content_id: string | null; case_id: string }>`
      select position, url, content_id, case_id from notice_locations where notice_id = ${noticeId} order by position`.execute(db),
    sql<{ id: string; sha256: string; media_type: string; size_bytes: number; filename: string | null }>`
      select id, sha256, media_type, size_bytes, filename from notice_evidence where notice_id = ${noticeId} order by created_at, id`.execute(db),
    sql<{ name: string | null; email: string | null }>`select name, email from notice_notifiers where notice_id = ${noticeId}`.execute(db),
  ]);
  return { locations: locations.rows, evidence: evidence.rows, notifier: notifier.rows[0] ?? null };
}

/** Public status: received → in review once a moderator holds one of its cases. */
export async function publicStatus(db: Db, noticeId: string): Promise<{ in_review: boolean; updated_at: Date | null }> {
  const r = await sql<{ in_review: boolean; updated_at: Date | null }>`
    select coalesce(bool_or(c.claimed_by is not null and c.claim_expires_at > now()), false) as in_review, max(c.updated_at) as updated_at
    from notice_locations l join cases c on c.id = l.case_id where l.notice_id = ${noticeId}`.execute(db);
  return r.rows[0] ?? { in_review: false, updated_at: null };
}


export interface LocationOutcomeRow {
  position: number;
  url: string | null;
  content_id: string | null;
  decision_id: string | null;
  outcome: string | null;
  decided_at: Date | null;
  restriction_tdb: Record<string, unknown> | null;
  /** This notice's own latest appeal against a decision on the location's case, if any; `appeal_on_current`: against the current one. */
  appeal_status: 'open' | 'decided' | null;
  appeal_outcome: 'upheld' | 'reversed' | 'modified' | null;
  appeal_on_current: boolean | null;
}

/**
 * Each location of a notice with the current decision on its case (the last of the corrections chain).
 * Reads the decisions domain's tables read-only: a public read model of the notifier's tracking page that
 * must not import the decisions domain (decisions → notices is the dependency direction).
 * Only what the notifier may know: the outcome, the restriction types and ground, their own appeal.
 */
export async function locationOutcomes(db: Db, noticeId: string): Promise<LocationOutcomeRow[]> {
  const r = await sql<LocationOutcomeRow>`
    select l.position, l.url, l.content_id, d.id as decision_id, d.outcome, d.created_at as decided_at,
           (select jsonb_build_object('decision_visibility', s.tdb->'decision_visibility', 'decision_monetary', s.tdb->'decision_monetary',
                                      'decision_provision', s.tdb->'decision_provision', 'decision_account', s.tdb->'decision_account',
                                      'decision_ground', s.tdb->'decision_ground')
            from statements_of_reasons s where s.decision_id = d.id) as restriction_tdb,
           a.status as appeal_status, a.outcome as appeal_outcome, a.decision_id = d.id as appeal_on_current
    from notice_locations l
    left join lateral (
      select x.id, x.outcome, x.created_at from decisions x
      where x.case_id = l.case_id and not exists (select 1 from decisions n where n.supersedes_id = x.id)
      order by x.created_at desc, x.id desc limit 1) d on true
    left join lateral (
      select p.status, p.outcome, p.decision_id from appeals p
      where p.notice_id = l.notice_id and p.decision_id in (select y.id from decisions y where y.case_id = l.case_id)
      order by p.created_at desc, p.id desc limit 1) a on true
    where l.notice_id = ${noticeId}
    order by l.position`.execute(db);
  return r.rows.map((row) => ({ ...row, position: Number(row.position) }));
}
