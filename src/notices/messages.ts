import { sql, type Db } from '../db/index.ts';

/** What a message about one notice needs: its reference, language and the notifier's contact (personal data). */
export interface NoticeMessageData {
  noticeId: string;
  serviceSlug: string;
  reference: string;
  language: string;
  notifier: { name: string | null; email: string | null } | null;
}

/** Reads a notice for a message to its notifier (the notifications domain composes and sends it). */
export async function noticeForMessage(db: Db, noticeId: string): Promise<NoticeMessageData | undefined> {
  const r = await sql<{ reference: string; language: string; slug: string; has_notifier: boolean; name: string | null; email: string | null }>`
    select n.reference, n.language, s.slug, w.notice_id is not null as has_notifier, w.name, w.email
    from notices n join services s on s.id = n.service_id left join notice_notifiers w on w.notice_id = n.id
    where n.id = ${noticeId}`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    noticeId,
    serviceSlug: row.slug,
    reference: row.reference,
    language: row.language,
    notifier: row.has_notifier ? { name: row.name, email: row.email } : null,
  };
}
