import type { Db } from '../db/index.ts';
import * as q from './sql.ts';

/** The dashboard of a service over [from, to] (UTC days, both included). */
export async function dashboard(db: Db, serviceId: string, from: string, to: string) {
  const [intake, cases, byCategory, appeals] = [
    await q.intakeByDay(db, serviceId, from, to),
    await q.casesByDay(db, serviceId, from, to),
    await q.decisionsByCategory(db, serviceId, from, to),
    await q.appealsSummary(db, serviceId, from, to),
  ];
  const categories = new Map<string, { category: string; restriction: number; no_action: number }>();
  for (const r of byCategory) {
    const c = categories.get(r.category) ?? { category: r.category, restriction: 0, no_action: 0 };
    if (r.outcome === 'restriction') c.restriction += r.n;
    else c.no_action += r.n;
    categories.set(r.category, c);
  }
  const closed = cases.reduce((s, d) => s + d.closed, 0);
  const inTime = cases.reduce((s, d) => s + d.closed_in_time, 0);
  const outcome = (o: string) => appeals.outcomes.find((x) => x.outcome === o)?.n ?? 0;
  return {
    from,
    to,
    days: intake.map((d) => d.day),
    intake: intake.map((d) => d.n),
    closed: cases.map((d) => d.closed),
    backlog: cases.map((d) => d.backlog),
    // Share of the cases closed that day that were closed by their deadline (null: none closed).
    sla_met: cases.map((d) => (d.closed === 0 ? null : Math.round((d.closed_in_time / d.closed) * 1000) / 1000)),
    decisions_by_category: [...categories.values()],
    appeals_lodged: appeals.lodged.map((d) => d.n),
    appeals_decided: { upheld: outcome('upheld'), reversed: outcome('reversed'), modified: outcome('modified') },
    totals: {
      notices: intake.reduce((s, d) => s + d.n, 0),
      closed,
      sla_met: closed === 0 ? null : Math.round((inTime / closed) * 1000) / 1000,
      backlog_at_end: cases.at(-1)?.backlog ?? 0,
      appeals: appeals.lodged.reduce((s, d) => s + d.n, 0),
      reversal_rate: appeals.outcomes.reduce((s, o) => s + o.n, 0) === 0 ? null : Math.round(((outcome('reversed') + outcome('modified')) / appeals.outcomes.reduce((s, o) => s + o.n, 0)) * 1000) / 1000,
    },
  };
}
