import { sql, type Db } from '../db/index.ts';

export interface NoticeInsert {
  serviceId: string;
  reference: string;
  trackingTokenHash: string;
  source: 'public' | 'api';
  notifierType: string;
  trusted: boolean;
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
}

/** Inserts the notice and, in the same statement, the notifier's identity (kept in its own table). */
export async function insertNotice(db: Db, n: NoticeInsert): Promise<{ id: string; created_at: Date }> {
  const r = await sql<{ id: string; created_at: Date }>`
    with n as (
      insert into notices (service_id, reference, tracking_token_hash, source, notifier_type, trusted, api_key_id, submitted_by,
                           category, subcategory, subcategory_other, explanation, legal_provision, language, content_language, country, good_faith)
      values (${n.serviceId}, ${n.reference}, ${n.trackingTokenHash}, ${n.source}, ${n.notifierType}, ${n.trusted}, ${n.apiKeyId}, ${n.submittedBy},
              ${n.category}, ${n.subcategory}, ${n.subcategoryOther}, ${n.explanation}, ${n.legalProvision}, ${n.language}, ${n.contentLanguage},
              ${n.country}, true)
      returning id, created_at
    ), who as (
      insert into notice_notifiers (notice_id, name, email)
      select id, ${n.notifier?.name ?? null}, ${n.notifier?.email ?? null} from n where ${n.notifier !== null}
    )
    select id, created_at from n`.execute(db);
  return r.rows[0] as { id: string; created_at: Date };
}

export async function insertEvidence(db: Db, noticeId: string, e: { sha256: string; media_type: string; size_bytes: number; filename: string | null }): Promise<void> {
  await sql`insert into notice_evidence (notice_id, sha256, media_type, size_bytes, filename)
            values (${noticeId}, ${e.sha256}, ${e.media_type}, ${e.size_bytes}, ${e.filename})`.execute(db);
}

export interface IdempotentResponse {
  request_hash: string;
  status_code: number;
  response: unknown;
}

export async function findIdempotent(db: Db, serviceId: string, scope: string, key: string): Promise<IdempotentResponse | undefined> {
  const r = await sql<IdempotentResponse>`
    select request_hash, status_code, response from idempotency_keys
    where service_id = ${serviceId} and scope = ${scope} and key = ${key} and created_at > now() - interval '24 hours'`.execute(db);
  return r.rows[0];
}

export async function insertIdempotent(db: Db, serviceId: string, scope: string, key: string, requestHash: string, status: number, response: unknown): Promise<void> {
  await sql`insert into idempotency_keys (service_id, scope, key, request_hash, status_code, response)
            values (${serviceId}, ${scope}, ${key}, ${requestHash}, ${status}, ${JSON.stringify(response)}::jsonb)`.execute(db);
}

export interface NoticeRow {
  id: string;
  reference: string;
  source: string;
  notifier_type: string;
  trusted: boolean;
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

export async function insertAckOutbox(db: Db, noticeId: string): Promise<void> {
  await sql`
    insert into outbox (service_id, kind, notice_id, template, locale)
    select n.service_id, 'email', n.id, 'notice_acknowledgement', case when n.language in ('fr', 'en') then n.language else 'en' end
    from notices n join notice_notifiers w on w.notice_id = n.id and w.email is not null
    where n.id = ${noticeId}
      and not exists (select 1 from outbox o where o.notice_id = n.id and o.template = 'notice_acknowledgement')`.execute(db);
}
