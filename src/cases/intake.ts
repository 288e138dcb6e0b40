import { sql, type Db } from '../db/index.ts';

export interface AttachInput {
  serviceId: string;
  noticeId: string;
  position: number;
  url: string | null;
  contentId: string | null;
  /** Normalised identity of the content: notices with the same key share one open case. */
  contentKey: string;
  category: string;
  subcategory: string | null;
  trusted: boolean;
  massReportThreshold: number;
  massReportWindowMinutes: number;
}

export interface AttachResult {
  caseId: string;
  created: boolean;
  /** True when this notice made the case cross the mass-report threshold. */
  massReportFlagged: boolean;
  queueId: string;
  tier: number;
  deadlineAt: Date;
}

/**
 * Files one located item of a notice into its case, in one statement: resolve the triage policy
 * (sub-category, then category, then the service default), create the open case for this content
 * or add to it — taking the more urgent tier, deadline and queue — count the burst of notices
 * for mass-report detection, and link the notice. Must run in the intake transaction.
 */
export async function attachNoticeToCase(tx: Db, a: AttachInput): Promise<AttachResult> {
  const windowSecs = a.massReportWindowMinutes * 60;
  const r = await sql<{ id: string; created: boolean; burst_count: number; mass_report_suspected: boolean; queue_id: string; tier: number; deadline_at: Date }>`
    with pol as (
      select tier, deadline_minutes, queue_id from sla_policies
      where service_id = ${a.serviceId}
        and (category = ${a.category} or category = '*')
        and (subcategory = ${a.subcategory ?? '*'} or subcategory = '*')
      order by (category = '*'), (subcategory = '*')
      limit 1
    ), upserted as (
      insert into cases (service_id, content_key, content_url, content_id, queue_id, category, subcategory, tier, trust_rank, deadline_at)
      select ${a.serviceId}, ${a.contentKey}, ${a.url}, ${a.contentId}, pol.queue_id, ${a.category}, ${a.subcategory},
             pol.tier, ${a.trusted ? 0 : 1}, now() + make_interval(mins => pol.deadline_minutes)
      from pol
      on conflict (service_id, content_key) where status = 'open' do update set
        notice_count = cases.notice_count + 1,
        burst_started_at = case when cases.burst_started_at < now() - make_interval(secs => ${windowSecs}) then now() else cases.burst_started_at end,
        burst_count = case when cases.burst_started_at < now() - make_interval(secs => ${windowSecs}) then 1 else cases.burst_count + 1 end,
        mass_report_suspected = cases.mass_report_suspected or (
          cases.burst_started_at >= now() - make_interval(secs => ${windowSecs}) and cases.burst_count + 1 >= ${a.massReportThreshold}),
        queue_id = case when excluded.tier < cases.tier then
            case when cases.escalated then coalesce((select escalation_queue_id from queues where id = excluded.queue_id), excluded.queue_id)
                 else excluded.queue_id end
          else cases.queue_id end,
        category = case when excluded.tier < cases.tier then excluded.category else cases.category end,
        subcategory = case when excluded.tier < cases.tier then excluded.subcategory else cases.subcategory end,
        tier = least(cases.tier, excluded.tier),
        trust_rank = least(cases.trust_rank, excluded.trust_rank),
        deadline_at = least(cases.deadline_at, excluded.deadline_at),
        content_url = coalesce(cases.content_url, excluded.content_url),
        content_id = coalesce(cases.content_id, excluded.content_id),
        updated_at = now()
      returning id, (xmax = 0) as created, burst_count, mass_report_suspected, queue_id, tier, deadline_at
    ), linked as (
      insert into notice_locations (notice_id, position, service_id, url, content_id, content_key, case_id)
      select ${a.noticeId}, ${a.position}, ${a.serviceId}, ${a.url}, ${a.contentId}, ${a.contentKey}, id from upserted
    )
    select * from upserted`.execute(tx);
  const row = r.rows[0];
  if (!row) throw new Error(`service ${a.serviceId} has no default triage policy`);
  return {
    caseId: row.id,
    created: row.created,
    massReportFlagged: row.mass_report_suspected && !row.created && row.burst_count === a.massReportThreshold,
    queueId: row.queue_id,
    tier: row.tier,
    deadlineAt: row.deadline_at,
  };
}
