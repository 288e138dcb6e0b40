/**
 * The dashboard's aggregates, by UTC day over a period, each one SQL statement over the domain tables
 * (no counters to keep in sync). A case's closing is its first decision.
 */
import { sql, type Db } from '../db/index.ts';

export interface DayCount {
  day: string;
  n: number;
}

export async function intakeByDay(db: Db, serviceId: string, from: string, to: string): Promise<DayCount[]> {
  const r = await sql<DayCount>`
    select to_char(d, 'YYYY-MM-DD') as day, coalesce(c.n, 0)::int as n
    from generate_series(${from}::date, ${to}::date, interval '1 day') d
    left join (
      select (created_at at time zone 'UTC')::date as day, count(*) as n from notices
      where service_id = ${serviceId} and created_at >= ${from}::date and created_at < ${to}::date + 1
      group by 1
    ) c on c.day = d::date
    order by d`.execute(db);
  return r.rows;
}

/** Per day: cases closed (first decision) that day, those closed within their deadline, and the open backlog at the day's end. */
export async function casesByDay(db: Db, serviceId: string, from: string, to: string): Promise<Array<{ day: string; closed: number; closed_in_time: number; backlog: number }>> {
  const r = await sql<{ day: string; closed: number; closed_in_time: number; backlog: number }>`
    with first_decision as (
      select c.id, c.created_at, c.deadline_at, min(d.created_at) as closed_at
      from cases c left join decisions d on d.case_id = c.id
      where c.service_id = ${serviceId} and c.created_at < ${to}::date + 1
      group by c.id, c.created_at, c.deadline_at
    )
    select to_char(g, 'YYYY-MM-DD') as day,
      (select count(*) from first_decision f where f.closed_at >= g and f.closed_at < g + interval '1 day')::int as closed,
      (select count(*) from first_decision f where f.closed_at >= g and f.closed_at < g + interval '1 day' and f.closed_at <= f.deadline_at)::int as closed_in_time,
      (select count(*) from first_decision f where f.created_at < g + interval '1 day' and (f.closed_at is null or f.closed_at >= g + interval '1 day'))::int as backlog
    from generate_series(${from}::date, ${to}::date, interval '1 day') g
    order by g`.execute(db);
  return r.rows;
}

export async function decisionsByCategory(db: Db, serviceId: string, from: string, to: string): Promise<Array<{ category: string; outcome: string; n: number }>> {
  const r = await sql<{ category: string; outcome: string; n: number }>`
    select c.category, d.outcome, count(*)::int as n
    from decisions d join cases c on c.id = d.case_id
    where d.service_id = ${serviceId} and d.created_at >= ${from}::date and d.created_at < ${to}::date + 1
    group by c.category, d.outcome
    order by c.category, d.outcome`.execute(db);
  return r.rows;
}

export async function appealsSummary(db: Db, serviceId: string, from: string, to: string): Promise<{ lodged: DayCount[]; outcomes: Array<{ outcome: string; n: number }> }> {
  const lodged = await sql<DayCount>`
    select to_char(d, 'YYYY-MM-DD') as day, coalesce(a.n, 0)::int as n
    from generate_series(${from}::date, ${to}::date, interval '1 day') d
    left join (
      select (created_at at time zone 'UTC')::date as day, count(*) as n from appeals
      where service_id = ${serviceId} and created_at >= ${from}::date and created_at < ${to}::date + 1
      group by 1
    ) a on a.day = d::date
    order by d`.execute(db);
  const outcomes = await sql<{ outcome: string; n: number }>`
    select outcome, count(*)::int as n from appeals
    where service_id = ${serviceId} and status = 'decided' and decided_at >= ${from}::date and decided_at < ${to}::date + 1
    group by outcome order by outcome`.execute(db);
  return { lodged: lodged.rows, outcomes: outcomes.rows };
}
