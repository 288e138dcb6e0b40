/**
 * The transparency report computed from the recorded history (src/transparency/compute.ts) against an independent
 * recomputation: a period of activity is seeded through the real service (scripts/seed-activity.ts), then every
 * figure is recounted here from plain selects of the raw rows (notices, locations, cases, decisions' details,
 * appeals, strike steps) with JavaScript counting and medians — not the report's SQL nor its reporting columns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { RESTRICTION_BITS } from '../src/decisions/reporting.ts';
import { computeReport, periodBounds } from '../src/transparency/compute.ts';
import { RESTRICTION_COLUMNS, type ReportFigures, type ScopedValue } from '../src/transparency/figures.ts';
import { keywordAllowed, type Category } from '../src/taxonomy/categories.ts';
import { seedActivity, type SeedSummary } from '../scripts/seed-activity.ts';
import { startHarness, type Harness } from './helpers.ts';

interface NoticeRaw { id: string; category: string; subcategory: string | null; trusted: boolean; created_at: Date }
interface LocationRaw { notice_id: string; position: number; case_id: string }
interface CaseRaw { id: string; category: string; subcategory: string | null; notice_count: number; trust_rank: number; order_id: string | null; automated_detection: boolean }
interface DecisionRaw { id: string; case_id: string; supersedes_id: string | null; outcome: string; details: Record<string, unknown>; created_at: Date }
interface OrderRaw {
  type: string;
  issuing_member_state: string;
  category: string;
  keyword: string | null;
  item_count: number;
  received_at: Date;
  acknowledged_at: Date | null;
  effect_given_at: Date | null;
}
interface AppealRaw { id: string; decision_id: string; new_decision_id: string | null; outcome: string | null; created_at: Date; decided_at: Date | null }

/** percentile_cont(0.5): the middle value, or the mean of the two middle values. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}
const hoursBetween = (later: Date, earlier: Date) => (later.getTime() - earlier.getTime()) / 3_600_000;

function closeTo(actual: number | null | undefined, expected: number | null, what: string) {
  if (expected === null) return assert.equal(actual ?? null, null, what);
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-6, `${what}: got ${actual}, expected ${expected}`);
}

/** Rows keyed 'TOTAL' / parent / parent|keyword, from items each with a category, an optional keyword, and values. */
function rollup<T>(items: { category: string; keyword: string | null; item: T }[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  const add = (k: string, v: T) => out.set(k, [...(out.get(k) ?? []), v]);
  for (const { category, keyword, item } of items) {
    add('TOTAL', item);
    add(category, item);
    if (keyword) add(`${category}|${keyword}`, item);
  }
  return out;
}
const keyOf = (r: { category: string; keyword: string | null }) => (r.category === 'TOTAL' ? 'TOTAL' : r.keyword ? `${r.category}|${r.keyword}` : r.category);

function restrictionsOf(d: DecisionRaw): string[] {
  if (d.outcome !== 'restriction') return [];
  const x = d.details;
  const vis = Array.isArray(x.decision_visibility) ? (x.decision_visibility as string[]) : [];
  return [...vis, x.decision_monetary, x.decision_provision, x.decision_account].filter((v): v is string => typeof v === 'string');
}
const groundOf = (d: DecisionRaw) =>
  d.details.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'illegal' : d.details.decision_ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' ? 'incompatible' : null;
const scoped = (rows: ScopedValue[], indicator: string, scope: string) => {
  const r = rows.find((x) => x.indicator === indicator && x.scope === scope);
  assert.ok(r, `row ${indicator} / ${scope}`);
  return r.value;
};

describe('transparency report computed from the history, recomputed independently from the raw rows', () => {
  let h: Harness;
  let seeded: SeedSummary;
  let notices: NoticeRaw[];
  let locations: LocationRaw[];
  let cases: Map<string, CaseRaw>;
  let decisions: DecisionRaw[];
  let appeals: AppealRaw[];
  let suspensionSteps: Date[];
  let orders: OrderRaw[];

  before(async () => {
    h = await startHarness();
    seeded = await seedActivity(h.vigie, { service: 'default', from: '2026-01-01', to: '2026-03-31', notices: 60, seed: 7 });
    notices = (await sql<NoticeRaw>`select id, category, subcategory, trusted, created_at from notices where service_id = ${h.serviceId}`.execute(h.db)).rows;
    locations = (await sql<LocationRaw>`select notice_id, position, case_id from notice_locations where service_id = ${h.serviceId}`.execute(h.db)).rows;
    cases = new Map(
      (await sql<CaseRaw>`select id, category, subcategory, notice_count, trust_rank, order_id, automated_detection from cases where service_id = ${h.serviceId}`.execute(h.db)).rows.map((c) => [
        c.id,
        c,
      ]),
    );
    decisions = (await sql<DecisionRaw>`select id, case_id, supersedes_id, outcome, details, created_at from decisions where service_id = ${h.serviceId}`.execute(h.db)).rows;
    appeals = (await sql<AppealRaw>`select id, decision_id, new_decision_id, outcome, created_at, decided_at from appeals where service_id = ${h.serviceId}`.execute(h.db)).rows;
    orders = (
      await sql<OrderRaw>`select type, issuing_member_state, category, keyword, item_count, received_at, acknowledged_at, effect_given_at from orders where service_id = ${h.serviceId}`.execute(h.db)
    ).rows;
    suspensionSteps = (await sql<{ created_at: Date }>`select created_at from account_strike_steps where service_id = ${h.serviceId} and action = 'suspension'`.execute(h.db)).rows.map((r) => r.created_at);
  });
  after(async () => h.close());

  it('the seed went through the service and spread the history over the period', () => {
    assert.equal(seeded.notices, 60);
    assert.ok(seeded.trustedNotices > 0 && seeded.screened > 0 && seeded.appeals > 0 && seeded.restrictions > 0 && seeded.orders > 0, JSON.stringify(seeded));
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = Date.parse('2026-04-01T00:00:00Z');
    for (const n of notices) assert.ok(n.created_at.getTime() >= from && n.created_at.getTime() < to);
    for (const d of decisions) assert.ok(d.created_at.getTime() >= from && d.created_at.getTime() < to);
  });

  it('restriction bits of the decisions and the report columns agree', () => {
    const bit = (v: keyof typeof RESTRICTION_BITS) => RESTRICTION_BITS[v];
    assert.equal(RESTRICTION_COLUMNS.vis_removal, bit('DECISION_VISIBILITY_CONTENT_REMOVED'));
    assert.equal(RESTRICTION_COLUMNS.vis_other, bit('DECISION_VISIBILITY_OTHER'));
    assert.equal(RESTRICTION_COLUMNS.mon_other, bit('DECISION_MONETARY_OTHER'));
    assert.equal(RESTRICTION_COLUMNS.prov_suspension, bit('DECISION_PROVISION_PARTIAL_SUSPENSION') | bit('DECISION_PROVISION_TOTAL_SUSPENSION'));
    assert.equal(RESTRICTION_COLUMNS.prov_termination, bit('DECISION_PROVISION_PARTIAL_TERMINATION') | bit('DECISION_PROVISION_TOTAL_TERMINATION'));
    assert.equal(RESTRICTION_COLUMNS.acc_termination, bit('DECISION_ACCOUNT_TERMINATED'));
  });

  for (const [start, end] of [
    ['2026-01-01', '2026-03-31'],
    ['2026-02-01', '2026-02-28'],
  ] as const) {
    describe(`period ${start}/${end}`, () => {
      let report: ReportFigures;
      let from: Date;
      let to: Date;
      const inPeriod = (t: Date | null) => t !== null && t >= from && t < to;
      before(async () => {
        ({ from, to } = periodBounds(start, end));
        report = await computeReport(h.db, h.serviceId, { start, end });
      });

      it('notices per category / keyword / TOTAL, trusted split, items, actions on law and terms, median time to action', () => {
        const originalOf = new Map(decisions.filter((d) => d.supersedes_id === null).map((d) => [d.case_id, d]));
        const items = notices
          .filter((n) => inPeriod(n.created_at))
          .map((n) => {
            const locs = locations.filter((l) => l.notice_id === n.id);
            const first = locs.find((l) => l.position === 0);
            const d = first ? originalOf.get(first.case_id) : undefined;
            const decided = d && d.created_at < to ? d : undefined;
            return { category: n.category, keyword: n.subcategory, item: { n, items: locs.length, d: decided } };
          });
        const expected = rollup(items);
        // The TOTAL row is always there (zeros in a period without notices).
        if (!expected.has('TOTAL')) expected.set('TOTAL', []);
        const got = new Map(report.notices.map((r) => [keyOf(r), r]));
        assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
        for (const [key, xs] of expected) {
          const r = got.get(key)!;
          const tf = xs.filter((x) => x.n.trusted);
          const law = (ys: typeof xs) => ys.filter((x) => x.d?.outcome === 'restriction' && groundOf(x.d) === 'illegal').length;
          const tc = (ys: typeof xs) => ys.filter((x) => x.d?.outcome === 'restriction' && groundOf(x.d) === 'incompatible').length;
          const wait = (ys: typeof xs) => median(ys.filter((x) => x.d).map((x) => hoursBetween(x.d!.created_at, x.n.created_at)));
          assert.equal(r.received, xs.length, `${key} received`);
          assert.equal(r.received_tf, tf.length, `${key} received_tf`);
          assert.equal(r.items, xs.reduce((s, x) => s + x.items, 0), `${key} items`);
          assert.equal(r.items_tf, tf.reduce((s, x) => s + x.items, 0), `${key} items_tf`);
          assert.equal(r.actions_law, law(xs), `${key} actions_law`);
          assert.equal(r.actions_law_tf, law(tf), `${key} actions_law_tf`);
          assert.equal(r.actions_tc, tc(xs), `${key} actions_tc`);
          assert.equal(r.actions_tc_tf, tc(tf), `${key} actions_tc_tf`);
          closeTo(r.median_action_h, wait(xs), `${key} median_action_h`);
          closeTo(r.median_action_tf_h, wait(tf), `${key} median_action_tf_h`);
        }
        assert.equal(report.totals.notices, items.length);
        const solely = items.filter((x) => x.item.d?.details.automated_decision === 'AUTOMATED_DECISION_FULLY');
        assert.equal(scoped(report.automated_means, 'Number of notices solely processed by automated means ', 'NAM Total'), solely.length);
        assert.equal(scoped(report.automated_means, 'Number of notices not processed by automated means', 'NAM Total'), items.length - solely.length);
      });

      it('own-initiative measures per ground, category and each restriction type; solely automated detection', () => {
        const own = decisions.filter((d) => {
          const c = cases.get(d.case_id)!;
          return d.supersedes_id === null && d.outcome === 'restriction' && inPeriod(d.created_at) && c.notice_count === 0 && c.order_id === null;
        });
        for (const [ground, rows] of [
          ['illegal', report.own_initiative_illegal],
          ['incompatible', report.own_initiative_tc],
        ] as const) {
          const items = own
            .filter((d) => groundOf(d) === ground)
            .map((d) => {
              const c = cases.get(d.case_id)!;
              const category = (d.details.category as string | undefined) ?? c.category;
              const specs = (d.details.category_specification as string[] | undefined) ?? [];
              const keyword = specs.find((k) => keywordAllowed(category as Category, k)) ?? (category === c.category ? c.subcategory : null);
              return { category, keyword, item: d };
            });
          const expected = rollup(items);
          const got = new Map(rows.map((r) => [keyOf(r), r]));
          assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), ground);
          for (const [key, xs] of expected) {
            const r = got.get(key)!;
            assert.equal(r.measures, xs.length, `${ground} ${key} measures`);
            const automated = xs.filter((d) => d.details.automated_detection === true || cases.get(d.case_id)!.automated_detection);
            assert.equal(r.solely_automated, automated.length, `${ground} ${key} solely_automated`);
            const count = (...values: string[]) => xs.filter((d) => restrictionsOf(d).some((v) => values.includes(v))).length;
            assert.equal(r.vis_removal, count('DECISION_VISIBILITY_CONTENT_REMOVED'));
            assert.equal(r.vis_disable, count('DECISION_VISIBILITY_CONTENT_DISABLED'));
            assert.equal(r.vis_demoted, count('DECISION_VISIBILITY_CONTENT_DEMOTED'));
            assert.equal(r.vis_age, count('DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED'));
            assert.equal(r.vis_interaction, count('DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED'));
            assert.equal(r.vis_labelled, count('DECISION_VISIBILITY_CONTENT_LABELLED'));
            assert.equal(r.vis_other, count('DECISION_VISIBILITY_OTHER'));
            assert.equal(r.mon_suspension, count('DECISION_MONETARY_SUSPENSION'));
            assert.equal(r.mon_termination, count('DECISION_MONETARY_TERMINATION'));
            assert.equal(r.mon_other, count('DECISION_MONETARY_OTHER'));
            assert.equal(r.prov_suspension, count('DECISION_PROVISION_PARTIAL_SUSPENSION', 'DECISION_PROVISION_TOTAL_SUSPENSION'));
            assert.equal(r.prov_termination, count('DECISION_PROVISION_PARTIAL_TERMINATION', 'DECISION_PROVISION_TOTAL_TERMINATION'));
            assert.equal(r.acc_suspension, count('DECISION_ACCOUNT_SUSPENDED'), `${ground} ${key} acc_suspension`);
            assert.equal(r.acc_termination, count('DECISION_ACCOUNT_TERMINATED'));
          }
        }
        const solely = own.filter((d) => d.details.automated_decision === 'AUTOMATED_DECISION_FULLY').length;
        assert.equal(scoped(report.automated_means, 'Number of measures solely taken by automated means ', 'Own-initiative '), solely);
        assert.equal(scoped(report.automated_means, 'Number of measures not taken by automated means', 'Own-initiative '), own.length - solely);
      });

      it('parent rows are the sum of their keyword rows (plus records without keyword), TOTAL the sum of the parents', () => {
        const sheets = [report.notices, report.own_initiative_illegal, report.own_initiative_tc] as { category: string; keyword: string | null }[][];
        const counts = (r: object) => Object.entries(r).filter(([k, v]) => typeof v === 'number' && !k.startsWith('median')) as [string, number][];
        for (const rows of sheets) {
          const total = rows.find((r) => r.category === 'TOTAL');
          const parents = rows.filter((r) => r.category !== 'TOTAL' && r.keyword === null);
          if (!total) {
            assert.equal(rows.length, 0);
            continue;
          }
          for (const [field, value] of counts(total)) {
            assert.equal(parents.reduce((s, p) => s + ((p as unknown as Record<string, number>)[field] ?? 0), 0), value, `TOTAL ${field}`);
          }
          for (const p of parents) {
            const kids = rows.filter((r) => r.category === p.category && r.keyword !== null);
            for (const [field, value] of counts(p)) {
              const sum = kids.reduce((s, k) => s + ((k as unknown as Record<string, number>)[field] ?? 0), 0);
              assert.ok(sum <= value, `${p.category} ${field}: keywords ${sum} > parent ${value}`);
            }
          }
        }
        // In the seed, only a few notice categories come without a keyword: elsewhere parents equal their keywords exactly.
        for (const p of report.notices.filter((r) => r.category === 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' && r.keyword === null)) {
          const kids = report.notices.filter((r) => r.category === p.category && r.keyword !== null);
          assert.equal(kids.reduce((s, k) => s + k.received, 0), p.received);
        }
      });

      it('complaints by outcome and basis, median time, newly imposed restrictions, suspensions, reinstatements', () => {
        const byId = new Map(decisions.map((d) => [d.id, d]));
        const submitted = appeals.filter((a) => inPeriod(a.created_at));
        const decided = appeals.filter((a) => inPeriod(a.decided_at));
        const all = 'Number of complaints submitted to the internal-complaints mechanism';
        assert.equal(scoped(report.appeals, all, 'Total number'), submitted.length);
        assert.equal(scoped(report.appeals, all, 'Decisions upheld'), decided.filter((a) => a.outcome === 'upheld').length);
        assert.equal(scoped(report.appeals, all, 'Decisions partially reversed'), decided.filter((a) => a.outcome === 'modified').length);
        assert.equal(scoped(report.appeals, all, 'Decisions reversed'), decided.filter((a) => a.outcome === 'reversed').length);
        closeTo(scoped(report.appeals, all, 'Median time'), median(decided.map((a) => hoursBetween(a.decided_at!, a.created_at))), 'appeals median');
        const newly = decided.filter((a) => a.new_decision_id && byId.get(a.new_decision_id)!.outcome === 'restriction' && byId.get(a.decision_id)!.outcome !== 'restriction');
        assert.equal(scoped(report.appeals, 'Number of restrictions newly imposed as a result of an internal complaint', 'Total number'), newly.length);

        const visibility = (a: AppealRaw) => restrictionsOf(byId.get(a.decision_id)!).some((v) => v.startsWith('DECISION_VISIBILITY_'));
        const account = (a: AppealRaw) => restrictionsOf(byId.get(a.decision_id)!).some((v) => v.startsWith('DECISION_ACCOUNT_'));
        const noActionOnNotice = (trusted: boolean) => (a: AppealRaw) => {
          const d = byId.get(a.decision_id)!;
          const c = cases.get(d.case_id)!;
          return d.outcome === 'no_action' && c.notice_count > 0 && c.order_id === null && (c.trust_rank === 0) === trusted;
        };
        for (const [indicator, match] of [
          ['Complaint regarding a decision to remove or disable access to or restrict visibility of information', visibility],
          ['Complaint regarding a decision to suspend or terminate an account ', account],
          ['Complaint regarding a decision not to take action on a notice submitted in accordance with Article 16', noActionOnNotice(false)],
          ['Complaint regarding a decision not to take action on a notice submitted by a Trusted Flagger in accordance with Article 16', noActionOnNotice(true)],
        ] as const) {
          assert.equal(scoped(report.appeals, indicator, 'Total number'), submitted.filter(match).length, indicator);
          assert.equal(scoped(report.appeals, indicator, 'Decisions upheld'), decided.filter(match).filter((a) => a.outcome === 'upheld').length, indicator);
          assert.equal(scoped(report.appeals, indicator, 'Decisions reversed'), decided.filter(match).filter((a) => a.outcome === 'reversed').length, indicator);
          closeTo(scoped(report.appeals, indicator, 'Median time'), median(decided.filter(match).map((a) => hoursBetween(a.decided_at!, a.created_at))), indicator);
        }
        assert.equal(
          scoped(report.appeals, 'Number of suspensions enacted for the provision of manifestly illegal content ', 'Total number'),
          suspensionSteps.filter((t) => inPeriod(t)).length,
        );
        const reinstated = decisions.filter((d) => inPeriod(d.created_at) && d.supersedes_id && d.outcome === 'no_action' && byId.get(d.supersedes_id)!.outcome === 'restriction');
        assert.equal(report.totals.reinstatements, reinstated.length);
        assert.equal(report.totals.appeals, submitted.length);
        assert.equal(report.totals.decisions, decisions.filter((d) => inPeriod(d.created_at)).length);
        assert.equal(report.totals.restrictions, decisions.filter((d) => inPeriod(d.created_at) && d.outcome === 'restriction').length);
      });

      it('orders by member state and type: received, items, median time to acknowledge and to give effect', () => {
        const items = orders
          .filter((o) => inPeriod(o.received_at))
          .flatMap((o) => [
            { scope: 'TOTAL', o },
            { scope: o.issuing_member_state, o },
          ]);
        // The all-states TOTAL row is always there (zeros in a period without orders).
        const expected = new Map<string, OrderRaw[]>([['TOTAL#TOTAL', []]]);
        for (const { scope, o } of items) {
          for (const key of ['TOTAL', o.category, ...(o.keyword ? [`${o.category}|${o.keyword}`] : [])]) {
            const k = `${scope}#${key}`;
            expected.set(k, [...(expected.get(k) ?? []), o]);
          }
        }
        const got = new Map(report.orders.map((r) => [`${r.scope}#${keyOf(r)}`, r]));
        assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
        for (const [key, xs] of expected) {
          const r = got.get(key)!;
          const act = xs.filter((o) => o.type !== 'order_to_provide_information');
          const info = xs.filter((o) => o.type === 'order_to_provide_information');
          const ack = (ys: OrderRaw[]) => median(ys.filter((o) => o.acknowledged_at && o.acknowledged_at < to).map((o) => hoursBetween(o.acknowledged_at!, o.received_at)));
          const effect = (ys: OrderRaw[]) => median(ys.filter((o) => o.effect_given_at && o.effect_given_at < to).map((o) => hoursBetween(o.effect_given_at!, o.received_at)));
          assert.equal(r.act_received, act.length, `${key} act_received`);
          assert.equal(r.act_items, act.reduce((s, o) => s + o.item_count, 0), `${key} act_items`);
          assert.equal(r.info_received, info.length, `${key} info_received`);
          closeTo(r.act_median_ack_h, ack(act), `${key} act_median_ack_h`);
          closeTo(r.act_median_effect_h, effect(act), `${key} act_median_effect_h`);
          closeTo(r.info_median_ack_h, ack(info), `${key} info_median_ack_h`);
          closeTo(r.info_median_effect_h, effect(info), `${key} info_median_effect_h`);
        }
        assert.equal(report.totals.orders, orders.filter((o) => inPeriod(o.received_at)).length);
      });

      it('recomputing gives the same numbers', async () => {
        const again = await computeReport(h.db, h.serviceId, { start, end });
        assert.deepEqual({ ...again, computed_at: '' }, { ...report, computed_at: '' });
      });
    });
  }

  it('a reversed or malformed period is refused', async () => {
    await assert.rejects(computeReport(h.db, h.serviceId, { start: '2026-03-01', end: '2026-02-01' }), /period/);
    await assert.rejects(computeReport(h.db, h.serviceId, { start: '2026-02-30', end: '2026-03-01' }), /period/);
  });
});
