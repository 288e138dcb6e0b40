import { sql, type RawBuilder } from '../db/index.ts';

export interface AttachInput {
  serviceId: string;
  /** Id of the notice being written in the same statement. */
  noticeId: string;
  position: number;
  url: string | null;
  contentId: string | null;
  /** Normalised identity of the content: notices with the same key share one open case. */
  contentKey: string;
  category: string;
  subcategory: string | null;
  /** Trusted-flagger notice (sorts first within its tier): a value, or a boolean SQL expression of the intake statement. */
  trusted: boolean | RawBuilder<unknown>;
  massReportThreshold: number;
  massReportWindowMinutes: number;
}

export interface AuditContext {
  actorType: string;
  actorId: string | null;
  requestId: string | null;
}

export interface AttachFragments {
  /** CTEs `<p>_pol`, `<p>_case`, `<p>_loc`, to put in the caller's WITH list. */
  ctes: RawBuilder<unknown>;
  /** Audit rows (case.opened / case.notice_added / case.mass_report_suspected) for the caller's audit CTE. */
  auditRows: RawBuilder<unknown>;
  /** `select id from <p>_case` */
  caseId: RawBuilder<unknown>;
}

/**
 * Files one located item of a notice into its case, as CTEs of the intake statement: resolve the
 * triage policy (sub-category, then category, then the service default), create the open case for
 * this content or add to it — taking the more urgent tier, deadline and queue — count the burst of
 * notices for mass-report detection, and link the notice. The cases domain owns this SQL; the
 * notices domain composes it so that one intake is one statement (one round trip, atomic).
 */
export function attachCte(p: string, a: AttachInput, audit: AuditContext): AttachFragments {
  const pol = sql.raw(`${p}_pol`);
  const cs = sql.raw(`${p}_case`);
  const loc = sql.raw(`${p}_loc`);
  const windowSecs = a.massReportWindowMinutes * 60;
  const trustRank = typeof a.trusted === 'boolean' ? sql`${a.trusted ? 0 : 1}::smallint` : sql`(case when ${a.trusted} then 0 else 1 end)::smallint`;
  const ctes = sql`${pol} as (
      select tier, deadline_minutes, queue_id from sla_policies
      where service_id = ${a.serviceId}
        and (category = ${a.category} or category = '*')
        and (subcategory = ${a.subcategory ?? '*'} or subcategory = '*')
      order by (category = '*'), (subcategory = '*')
      limit 1
    ), ${cs} as (
      insert into cases (service_id, content_key, content_url, content_id, queue_id, category, subcategory, tier, trust_rank, deadline_at)
      select ${a.serviceId}, ${a.contentKey}, ${a.url}, ${a.contentId}, ${pol}.queue_id, ${a.category}, ${a.subcategory},
             ${pol}.tier, ${trustRank}, now() + make_interval(mins => ${pol}.deadline_minutes)
      from ${pol}
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
      returning id, service_id, (xmax = 0) as created, burst_count, mass_report_suspected, queue_id, tier, deadline_at
    ), ${loc} as (
      insert into notice_locations (notice_id, position, service_id, url, content_id, content_key, case_id)
      select ${a.noticeId}, ${a.position}, ${a.serviceId}, ${a.url}, ${a.contentId}, ${a.contentKey}, id from ${cs}
    )`;
  const auditRows = sql`
    select service_id, ${audit.actorType}::text, ${audit.actorId}::text,
           case when created then 'case.opened' else 'case.notice_added' end, 'case', id::text,
           jsonb_build_object('notice_id', ${a.noticeId}::text, 'tier', tier, 'deadline_at', deadline_at, 'queue_id', queue_id), ${audit.requestId}::text
    from ${cs}
    union all
    select service_id, 'system', null, 'case.mass_report_suspected', 'case', id::text,
           jsonb_build_object('threshold', ${a.massReportThreshold}::int, 'window_minutes', ${a.massReportWindowMinutes}::numeric), ${audit.requestId}::text
    from ${cs} where mass_report_suspected and not created and burst_count = ${a.massReportThreshold}`;
  return { ctes, auditRows, caseId: sql`select id from ${cs}` };
}
