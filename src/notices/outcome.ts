import { sql, type Db } from '../db/index.ts';

/**
 * After a decision on a case: marks the notices whose cases are all closed as decided, and queues the
 * outcome message to each notifier who left an email (one per notice and decision).
 */
export async function noticesDecided(tx: Db, caseId: string, decisionId: string): Promise<number> {
  // `= any(array(…))`: the case's notices are found first through notice_locations_case_idx, then each by
  // primary key — a plan that stays right without table statistics (PGlite never analyzes; an `in (…)`
  // semi-join was planned as full scans of notice_locations and notice_notifiers there).
  await sql`
    update notices n set status = 'decided'
    where n.id = any(array(select notice_id from notice_locations where case_id = ${caseId}))
      and not exists (
        select 1 from notice_locations l join cases c on c.id = l.case_id
        where l.notice_id = n.id and c.status <> 'closed')`.execute(tx);
  const r = await sql`
    insert into outbox (service_id, kind, notice_id, decision_id, template, locale)
    select n.service_id, 'email', n.id, ${decisionId}, 'notice_outcome', case when n.language = 'fr' then 'fr' else 'en' end
    from notices n join notice_notifiers w on w.notice_id = n.id and w.email is not null
    where n.id = any(array(select notice_id from notice_locations where case_id = ${caseId}))
    on conflict do nothing`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

/**
 * Queues a message about an appeal to the notifiers of the notices on a case who left an email (one per
 * notice, template, decision and appeal); `noticeId` limits it to one notice.
 */
export async function queueNotifierAppealMessages(
  tx: Db,
  m: { caseId: string; decisionId: string; appealId: string; template: string; noticeId?: string | undefined },
): Promise<number> {
  const r = await sql`
    insert into outbox (service_id, kind, notice_id, decision_id, appeal_id, template, locale)
    select n.service_id, 'email', n.id, ${m.decisionId}, ${m.appealId}, ${m.template}, case when n.language = 'fr' then 'fr' else 'en' end
    from notices n join notice_notifiers w on w.notice_id = n.id and w.email is not null
    where n.id = any(array(select notice_id from notice_locations where case_id = ${m.caseId}))
      ${m.noticeId ? sql`and n.id = ${m.noticeId}` : sql``}
    on conflict do nothing`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}
