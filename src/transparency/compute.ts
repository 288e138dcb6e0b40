/**
 * Computes a transparency report (Implementing Regulation (EU) 2024/2835, sheets 3–8) from the recorded history:
 * orders, notices, decisions (their reporting columns, migration 0018), appeals, strike steps, notifier actions and
 * quality reviews. Never from counters: recomputing a past period gives the same numbers. Each section is one
 * aggregate statement (compute-sql.ts); memory does not grow with the number of records.
 *
 * How each figure is defined: see figures.ts (fields) and compute-sql.ts (statements). Sheet 8 accuracy indicators,
 * defined from what Vigie records (ACCURACY_CONTEXT below), are null when their base is empty.
 */
import { onOneSnapshot, sql, type Db } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { complaintFigures, decisionFine, noticeCounts, noticeMedians, orderFigures, reviewFigures, type ComplaintAggRow, type ComplaintBasis, type Period } from './compute-sql.ts';
import type { NoticeRow, OrderRow, ReportFigures, ScopedValue } from './figures.ts';
import { decisionTotals, ownInitiativeRows } from './rollup.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The [from, to) timestamps of an inclusive period of UTC days. */
export function periodBounds(start: string, end: string): { from: Date; to: Date } {
  const from = new Date(`${start}T00:00:00Z`);
  const last = new Date(`${end}T00:00:00Z`);
  const real = (s: string, d: Date) => DAY.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  if (!real(start, from) || !real(end, last) || last < from) {
    throw new AppError('VALIDATION_FAILED', 'The period must be two real dates YYYY-MM-DD, the end not before the start', [
      { path: 'period', reason: `got ${start}/${end}` },
    ]);
  }
  return { from, to: new Date(last.getTime() + 86_400_000) };
}

/** A category row (level 0 keyword, 1 parent, 3 TOTAL) of a ROLLUP (category, keyword); null = not a report row. */
function categoryKey(g_cat: number, g_kw: number, category: string | null, keyword: string | null): { category: string; keyword: string | null } | null {
  if (g_cat === 1 && g_kw === 1) return { category: 'TOTAL', keyword: null };
  if (category === null) return null;
  if (g_kw === 1) return { category, keyword: null };
  // Records without a keyword are counted in their parent row only.
  return keyword === null ? null : { category, keyword };
}

/** Template order: TOTAL first, then each parent followed by its keywords (alphabetical within). */
function byTemplateOrder<T extends { category: string; keyword: string | null }>(rows: T[]): T[] {
  const rank = (r: T) => (r.category === 'TOTAL' ? '' : `${r.category}\u0000${r.keyword ?? ''}`);
  return rows.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
}

/** A median in hours, to the millionth of an hour (3.6 ms, as the CSV writes it): the figures, hence their digest,
 * then do not depend on the last bits of the floating-point arithmetic that computed them. */
const num = (v: number | string | null): number | null => (v === null ? null : Math.round(Number(v) * 1e6) / 1e6);

const S7 = {
  internal: 'Internal complaints mechanism',
  ods: 'Out-of-court dispute settlement bodies',
  suspensions: 'Suspensions imposed on repeated offenders',
} as const;

/** Sheet 7 indicators per complaint basis, verbatim from the template (trailing spaces included). */
const COMPLAINT_INDICATORS: Record<ComplaintBasis, string> = {
  visibility: 'Complaint regarding a decision to remove or disable access to or restrict visibility of information',
  provision: 'Complaint regarding a decision to suspend or terminate the provision of the service',
  account: 'Complaint regarding a decision to suspend or terminate an account ',
  monetary: 'Complaint regarding a decision to restrict the ability to monetise information',
  no_action_notice: 'Complaint regarding a decision not to take action on a notice submitted in accordance with Article 16',
  no_action_trusted_notice: 'Complaint regarding a decision not to take action on a notice submitted by a Trusted Flagger in accordance with Article 16',
};

function appealRows(c: ComplaintAggRow): ScopedValue[] {
  const all = 'Number of complaints submitted to the internal-complaints mechanism';
  const rows: ScopedValue[] = [
    { section: S7.internal, indicator: all, scope: 'Total number', value: c.all_total, context: 'Complaints submitted in the period.' },
    { section: S7.internal, indicator: all, scope: 'Decisions upheld', value: c.all_upheld, context: 'Complaints decided in the period.' },
    { section: S7.internal, indicator: all, scope: 'Decisions partially reversed', value: c.all_modified, context: 'Complaints decided in the period whose decision was modified.' },
    { section: S7.internal, indicator: all, scope: 'Decisions reversed', value: c.all_reversed, context: 'Complaints decided in the period.' },
    { section: S7.internal, indicator: all, scope: 'Median time', value: num(c.all_median_h), context: 'Hours from submission to decision, complaints decided in the period.' },
    {
      section: S7.internal,
      indicator: all,
      scope: 'Decision omitted',
      value: 0,
      context: 'Every complaint is decided: Vigie records no withdrawal or other end without a decision.',
    },
    {
      section: S7.internal,
      indicator: 'Number of restrictions newly imposed as a result of an internal complaint',
      scope: 'Total number',
      value: c.newly_imposed,
      context: 'Complaints decided in the period whose correction imposed a restriction where the contested decision had none.',
    },
  ];
  for (const [basis, indicator] of Object.entries(COMPLAINT_INDICATORS) as [ComplaintBasis, string][]) {
    rows.push(
      { section: S7.internal, indicator, scope: 'Total number', value: c[`${basis}_total`] },
      { section: S7.internal, indicator, scope: 'Decisions upheld', value: c[`${basis}_upheld`] },
      { section: S7.internal, indicator, scope: 'Decisions partially reversed', value: c[`${basis}_modified`] },
      { section: S7.internal, indicator, scope: 'Decisions reversed', value: c[`${basis}_reversed`] },
      { section: S7.internal, indicator, scope: 'Median time', value: num(c[`${basis}_median_h`]) },
    );
  }
  const ods = 'Number of disputes submitted to out-of-court dispute settlement bodies';
  const odsContext = 'Vigie does not record out-of-court disputes (DSA Art. 21); to be entered from the provider\u2019s own records.';
  for (const scope of ['Total number', 'Decisions upheld', 'Decisions partially reversed', 'Decisions reversed', 'Median time', 'Decision omitted', 'Percentage of outcomes implemented']) {
    rows.push({ section: S7.ods, indicator: ods, scope, value: null, context: odsContext });
  }
  rows.push(
    {
      section: S7.suspensions,
      indicator: 'Number of suspensions enacted for the provision of manifestly illegal content ',
      scope: 'Total number',
      value: c.suspensions_illegal,
      context: 'Account suspensions taken at a strike threshold (DSA Art. 23(1)) in the period.',
    },
    {
      section: S7.suspensions,
      indicator: 'Number of suspensions enacted for the provision of manifestly unfounded notices',
      scope: 'Total number',
      value: c.suspensions_notices,
      context: 'Notifier suspensions (DSA Art. 23(2)) recorded in the period.',
    },
    {
      section: S7.suspensions,
      indicator: 'Number of suspensions enacted for the provision of manifestly unfounded complaints',
      scope: 'Total number',
      value: 0,
      context: 'Vigie does not suspend complainants; none is recorded.',
    },
  );
  return rows;
}

const S8 = 'Use of automated means for content moderation';
const I8 = {
  measuresSolely: 'Number of measures solely taken by automated means ',
  measuresNot: 'Number of measures not taken by automated means',
  noticesSolely: 'Number of notices solely processed by automated means ',
  noticesNot: 'Number of notices not processed by automated means',
  accuracy: 'Accuracy of the automated means - Accuracy',
  precision: 'Accuracy of the automated means - Precision',
  recall: 'Accuracy of the automated means - Recall',
} as const;

/** How the accuracy indicators of sheet 8 are defined (the exporter may copy these into Contextual Information). */
export const ACCURACY_CONTEXT = {
  accuracy:
    'Share of the blind quality reviews done in the period on solely automated decisions in which the reviewer agreed with the decision (same outcome, ground, category and restriction scales). Blank when no such review was done.',
  precision:
    'Among the cases detected by automated means (screening) that a person decided in the period, the share that ended in a restriction. Blank when there is none.',
  recall:
    'Not computed: it needs the violating content the automated means missed, which is not known (content screened without a flag and never reported is never reviewed).',
  notices: 'Vigie does not assess notices by automated means against a human reference: no accuracy indicator applies.',
} as const;

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** Settings of the report's transactions (`set local`: they end with them). */
export async function reportSettings(tx: Db): Promise<void> {
  // The median rollups sort up to millions of values: in memory rather than in temporary files.
  await sql`set local work_mem = '64MB'`.execute(tx);
  // JIT compiles these few large aggregates for longer than it saves them (bench/README.md: 2.3 s of a 4.4 s statement).
  await sql`set local jit = off`.execute(tx);
}

/** One report at a time spreads over several connections; others meanwhile take one each (the pool stays usable). */
let spreading = false;

/**
 * Computes the report of a service over an inclusive period of UTC days (`start`, `end`: YYYY-MM-DD). All its
 * statements read one snapshot: on PostgreSQL they run at the same time on three connections sharing it
 * (db/index.ts onOneSnapshot), on PGlite one after the other in one read-only repeatable-read transaction; inside a
 * caller's transaction, in it.
 */
export async function computeReport(db: Db, serviceId: string, period: { start: string; end: string }): Promise<ReportFigures> {
  const { from, to } = periodBounds(period.start, period.end);
  const p: Period = { serviceId, from, to };
  const concurrent = !spreading && !db.isTransaction;
  if (concurrent) spreading = true;
  try {
    const [fine, noticeRows, medianRows, [orderRows, complaints, reviews]] = await onOneSnapshot(
      db,
      { concurrent, setup: reportSettings },
      [
        (tx) => decisionFine(tx, p),
        (tx) => noticeCounts(tx, p),
        (tx) => noticeMedians(tx, p),
        async (tx) => [await orderFigures(tx, p), await complaintFigures(tx, p), await reviewFigures(tx, p)] as const,
      ],
    );
    return assemble(period, { orderRows, noticeRows, medianRows, fine, complaints, reviews });
  } finally {
    if (concurrent) spreading = false;
  }
}

interface Sections {
  orderRows: Awaited<ReturnType<typeof orderFigures>>;
  noticeRows: Awaited<ReturnType<typeof noticeCounts>>;
  medianRows: Awaited<ReturnType<typeof noticeMedians>>;
  fine: Awaited<ReturnType<typeof decisionFine>>;
  complaints: ComplaintAggRow;
  reviews: Awaited<ReturnType<typeof reviewFigures>>;
}

function assemble(period: { start: string; end: string }, { orderRows, noticeRows, medianRows, fine, complaints, reviews }: Sections): ReportFigures {
  const orders: OrderRow[] = [];
  for (const r of orderRows) {
    const key = categoryKey(r.g_cat, r.g_kw, r.category, r.keyword);
    if (!key) continue;
    orders.push({
      ...key,
      scope: r.g_state === 1 ? 'TOTAL' : (r.state ?? 'TOTAL'),
      act_received: r.act_received,
      act_items: r.act_items,
      act_median_ack_h: num(r.act_median_ack_h),
      act_median_effect_h: num(r.act_median_effect_h),
      info_received: r.info_received,
      info_median_ack_h: num(r.info_median_ack_h),
      info_median_effect_h: num(r.info_median_effect_h),
    });
  }
  // TOTAL scope block first, then member states alphabetically, each in template order.
  const scopeRank = (s: string) => (s === 'TOTAL' ? '' : s);
  const orderedOrders = byTemplateOrder(orders).sort((a, b) => (scopeRank(a.scope) < scopeRank(b.scope) ? -1 : scopeRank(a.scope) > scopeRank(b.scope) ? 1 : 0));

  // Medians by rollup group (a group with decided notices always has counts too).
  const groupId = (r: { g_cat: number; g_kw: number; category: string | null; keyword: string | null }) => JSON.stringify([r.g_cat, r.g_kw, r.category, r.keyword]);
  const medians = new Map(medianRows.map((m) => [groupId(m), m]));
  const notices: NoticeRow[] = [];
  let noticeTotal: NoticeRow | undefined;
  let counts: (typeof noticeRows)[number] | undefined;
  for (const r of noticeRows) {
    const key = categoryKey(r.g_cat, r.g_kw, r.category, r.keyword);
    if (!key) continue;
    const m = medians.get(groupId(r));
    const row: NoticeRow = {
      ...key,
      received: r.received,
      received_tf: r.received_tf,
      items: r.items,
      items_tf: r.items_tf,
      median_action_h: num(m?.median_action_h ?? null),
      median_action_tf_h: num(m?.median_action_tf_h ?? null),
      actions_law: r.actions_law,
      actions_law_tf: r.actions_law_tf,
      actions_tc: r.actions_tc,
      actions_tc_tf: r.actions_tc_tf,
    };
    if (key.category === 'TOTAL') [noticeTotal, counts] = [row, r];
    notices.push(row);
  }

  const received = counts?.received ?? 0;
  const receivedTf = counts?.received_tf ?? 0;
  const solely = counts?.solely_automated ?? 0;
  const solelyTf = counts?.solely_automated_tf ?? 0;
  const scoped = (scope: string, values: [string, number | null, string?][]): ScopedValue[] =>
    values.map(([indicator, value, context]) => ({ section: S8, indicator, scope, value, ...(context ? { context } : {}) }));
  const d = { ...decisionTotals(fine), ...reviews };
  const automated_means: ScopedValue[] = [
    ...scoped('Total number', [
      [I8.measuresSolely, d.measures_solely, 'Restrictions (original decisions) taken in the period that were solely automated.'],
      [I8.measuresNot, d.measures_not_solely],
      [I8.accuracy, ratio(d.automated_reviews_agreed, d.automated_reviews), ACCURACY_CONTEXT.accuracy],
      [I8.precision, ratio(d.detected_confirmed, d.detected_reviewed), ACCURACY_CONTEXT.precision],
      [I8.recall, null, ACCURACY_CONTEXT.recall],
    ]),
    ...scoped('Own-initiative ', [
      [I8.measuresSolely, d.oi_measures_solely],
      [I8.measuresNot, d.oi_measures_not_solely],
      [I8.accuracy, ratio(d.oi_automated_reviews_agreed, d.oi_automated_reviews), ACCURACY_CONTEXT.accuracy],
      [I8.precision, ratio(d.oi_detected_confirmed, d.oi_detected_reviewed), ACCURACY_CONTEXT.precision],
      [I8.recall, null, ACCURACY_CONTEXT.recall],
    ]),
    ...scoped('NAM Total', [
      [I8.noticesSolely, solely, 'Notices received in the period whose decision was solely automated.'],
      [I8.noticesNot, received - solely, 'Every other notice received in the period (including those not decided yet).'],
      [I8.accuracy, null, ACCURACY_CONTEXT.notices],
      [I8.precision, null, ACCURACY_CONTEXT.notices],
      [I8.recall, null, ACCURACY_CONTEXT.notices],
    ]),
    ...scoped('NAM Trusted Flagger', [
      [I8.noticesSolely, solelyTf],
      [I8.noticesNot, receivedTf - solelyTf],
      [I8.accuracy, null, ACCURACY_CONTEXT.notices],
      [I8.precision, null, ACCURACY_CONTEXT.notices],
      [I8.recall, null, ACCURACY_CONTEXT.notices],
    ]),
  ];

  const orderTotal = orderedOrders.find((o) => o.scope === 'TOTAL' && o.category === 'TOTAL');
  return {
    period: { start: period.start, end: period.end },
    computed_at: new Date().toISOString(),
    orders: orderedOrders,
    notices: byTemplateOrder(notices),
    own_initiative_illegal: byTemplateOrder(ownInitiativeRows(fine, 'illegal')),
    own_initiative_tc: byTemplateOrder(ownInitiativeRows(fine, 'incompatible')),
    appeals: appealRows(complaints),
    automated_means,
    totals: {
      notices: received,
      orders: orderTotal ? orderTotal.act_received + orderTotal.info_received : 0,
      decisions: d.decisions,
      restrictions: d.restrictions,
      appeals: complaints.all_total,
      reinstatements: complaints.reinstatements,
      median_action_h: noticeTotal?.median_action_h ?? null,
      suspensions: complaints.suspensions_illegal + complaints.suspensions_notices,
    },
  };
}
