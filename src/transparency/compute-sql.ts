/**
 * The SQL of the transparency report (compute.ts): one aggregate statement per section, nothing read row by row.
 * Every statement takes the service and the period as [from, to) timestamps (inclusive UTC days), and counts only
 * what happened before `to`: a report recomputed after the period gives the same numbers.
 *
 * Category rows come from GROUP BY ROLLUP (category, keyword): grouping level 0 = keyword rows (records without a
 * keyword also form a level-0 row with a null keyword: compute.ts drops it, they are counted in the parent row
 * only), level 1 = parent rows, level 3 = the TOTAL row. Medians are percentile_cont(0.5) over hours; an
 * ordered-set aggregate ignores nulls, so a CASE that yields null outside its subset replaces a FILTER.
 *
 * Sources: migration 0021's notice_actions (sheet 4: the action on each notice, recorded with the decision) and the
 * contested decision's outcome, basis and mask on appeals (sheet 7); migration 0022's notices_report_idx (with the
 * notice's item count), decisions_report_idx (every decision of a period with what sheets 5, 6 and 8 count by) and
 * decisions_corrections_idx (sheet 7). No section joins the decisions table, except by primary key for the few
 * corrections and reviews (bench/README.md, "bench/transparency.ts").
 */
import { sql, type Db, type RawBuilder } from '../db/index.ts';
import { COMPLAINT_BASIS_MASKS } from './figures.ts';

export interface Period {
  serviceId: string;
  /** Start of the first day, UTC. */
  from: Date;
  /** Start of the day after the last day, UTC (exclusive). */
  to: Date;
}

// date_part is float8; extract() is numeric since PostgreSQL 14, several times slower to compute and to sort.
const hours = (later: RawBuilder<unknown>, earlier: RawBuilder<unknown>) => sql`date_part('epoch', ${later} - ${earlier}) / 3600`;
const median = (value: RawBuilder<unknown>) => sql`percentile_cont(0.5) within group (order by ${value})`;

// ------------------------------------------------------------------------------------------- sheet 3: orders

export interface OrderAggRow {
  g_state: number;
  g_cat: number;
  g_kw: number;
  state: string | null;
  category: string | null;
  keyword: string | null;
  act_received: number;
  act_items: number;
  act_median_ack_h: number | null;
  act_median_effect_h: number | null;
  info_received: number;
  info_median_ack_h: number | null;
  info_median_effect_h: number | null;
}

/**
 * Orders received in the period, by member state (and all states) × category rollup. Orders to act = removal
 * orders (TCO) and orders to act (DSA Art. 9); orders to provide information = Art. 10. Medians over the orders
 * acknowledged / given effect before the end of the period (impossible orders have no effect_given_at).
 */
export async function orderFigures(db: Db, p: Period): Promise<OrderAggRow[]> {
  const act = sql`o.type <> 'order_to_provide_information'`;
  const info = sql`o.type = 'order_to_provide_information'`;
  const ack = (kind: RawBuilder<unknown>) => median(sql`case when ${kind} and o.acknowledged_at < ${p.to} then ${hours(sql`o.acknowledged_at`, sql`o.received_at`)} end`);
  const effect = (kind: RawBuilder<unknown>) => median(sql`case when ${kind} and o.effect_given_at < ${p.to} then ${hours(sql`o.effect_given_at`, sql`o.received_at`)} end`);
  const r = await sql<OrderAggRow>`
    select grouping(o.issuing_member_state)::int as g_state, grouping(o.category)::int as g_cat, grouping(o.keyword)::int as g_kw,
           o.issuing_member_state as state, o.category, o.keyword,
           (count(*) filter (where ${act}))::int as act_received,
           coalesce(sum(o.item_count) filter (where ${act}), 0)::int as act_items,
           ${ack(act)} as act_median_ack_h,
           ${effect(act)} as act_median_effect_h,
           (count(*) filter (where ${info}))::int as info_received,
           ${ack(info)} as info_median_ack_h,
           ${effect(info)} as info_median_effect_h
    from orders o
    where o.service_id = ${p.serviceId} and o.received_at >= ${p.from} and o.received_at < ${p.to}
    group by grouping sets ((), (o.category), (o.category, o.keyword),
                            (o.issuing_member_state), (o.issuing_member_state, o.category), (o.issuing_member_state, o.category, o.keyword))`.execute(db);
  return r.rows;
}

// ------------------------------------------------------------------------------------------ sheet 4: notices

export interface NoticeAggRow {
  g_cat: number;
  g_kw: number;
  category: string | null;
  keyword: string | null;
  received: number;
  received_tf: number;
  items: number;
  items_tf: number;
  actions_law: number;
  actions_law_tf: number;
  actions_tc: number;
  actions_tc_tf: number;
  decided: number;
  decided_tf: number;
  solely_automated: number;
  solely_automated_tf: number;
}

/**
 * Art. 16 notices received in the period, by the notifier's category (rollup), with their items (notified locations).
 * A notice's action is the original decision on the case of its first item, taken before the end of the period: its
 * time (from the notice's receipt) gives the median time to action (noticeMedians: any outcome, the time to process
 * the notice), its outcome and ground the actions on the basis of the law (ground illegal) or of the terms (ground
 * incompatible), its automation the notices processed solely by automated means (sheet 8).
 */
export async function noticeCounts(db: Db, p: Period): Promise<NoticeAggRow[]> {
  // Two narrow sources, none joined to the decisions (migrations 0021, 0022): the notices of the period with their item
  // count (index-only scan of notices_report_idx) and the actions on them (notice_actions, recorded with the original
  // decision of the case of their first item). Counts aggregate by (category, keyword) first — a plain GROUP BY that
  // runs in parallel —, then the handful of groups roll up.
  const inPeriod = (t: RawBuilder<unknown>) => sql`${t} >= ${p.from} and ${t} < ${p.to}`;
  const tf = sql`a.trusted`;
  const law = sql`a.outcome = 'restriction' and a.ground = 'illegal'`;
  const tc = sql`a.outcome = 'restriction' and a.ground = 'incompatible'`;
  const actions = sql`notice_actions a where a.service_id = ${p.serviceId} and ${inPeriod(sql`a.received_at`)} and a.decided_at < ${p.to}`;
  const zeros = (names: string[]) => sql.join(names.map((n) => sql`0::bigint as ${sql.ref(n)}`));
  const counted = ['received', 'received_tf', 'items', 'items_tf', 'actions_law', 'actions_law_tf', 'actions_tc', 'actions_tc_tf', 'decided', 'decided_tf', 'solely_automated', 'solely_automated_tf'];
  const r = await sql<NoticeAggRow>`
    with fine as (
      select n.category, n.subcategory, count(*) as received, count(*) filter (where n.trusted) as received_tf,
             sum(n.item_count) as items, coalesce(sum(n.item_count) filter (where n.trusted), 0) as items_tf, ${zeros(counted.slice(4))}
      from notices n where n.service_id = ${p.serviceId} and ${inPeriod(sql`n.created_at`)}
      group by n.category, n.subcategory
      union all
      select a.category, a.subcategory, 0, 0, 0, 0,
             count(*) filter (where ${law}), count(*) filter (where ${law} and ${tf}),
             count(*) filter (where ${tc}), count(*) filter (where ${tc} and ${tf}),
             count(*), count(*) filter (where ${tf}),
             count(*) filter (where a.solely_automated), count(*) filter (where a.solely_automated and ${tf})
      from ${actions}
      group by a.category, a.subcategory
    )
    select grouping(f.category)::int as g_cat, grouping(f.subcategory)::int as g_kw, f.category, f.subcategory as keyword,
           ${sql.join(counted.map((c) => sql`coalesce(sum(f.${sql.ref(c)}), 0)::int as ${sql.ref(c)}`))}
    from fine f
    group by rollup (f.category, f.subcategory)`.execute(db);
  return r.rows;
}

export interface NoticeMedianRow {
  g_cat: number;
  g_kw: number;
  category: string | null;
  keyword: string | null;
  median_action_h: number | null;
  median_action_tf_h: number | null;
}

/**
 * Sheet 4's medians: time to action of the decided notices received in the period (all, trusted flaggers'), by category
 * rollup. A statement of its own, so that it runs beside the counts (compute.ts), and grouped on the codes' bytes
 * (collate "C": the same groups, sorted without the locale's rules).
 */
export async function noticeMedians(db: Db, p: Period): Promise<NoticeMedianRow[]> {
  const r = await sql<NoticeMedianRow>`
    select grouping(a.c)::int as g_cat, grouping(a.k)::int as g_kw, a.c as category, a.k as keyword,
           ${median(sql`a.wait`)} as median_action_h,
           ${median(sql`case when a.trusted then a.wait end`)} as median_action_tf_h
    from (select n.category collate "C" as c, n.subcategory collate "C" as k, n.trusted, ${hours(sql`n.decided_at`, sql`n.received_at`)} as wait
          from notice_actions n
          where n.service_id = ${p.serviceId} and n.received_at >= ${p.from} and n.received_at < ${p.to} and n.decided_at < ${p.to}) a
    group by rollup (a.c, a.k)`.execute(db);
  return r.rows;
}

// ------------------------------------------------------------------------------ sheets 5, 6 and 8: the decisions

/**
 * The decisions taken in the period, counted by everything sheets 5, 6 and 8 tell apart: where the case came from,
 * outcome, original or correction, ground, category, keyword, restriction types, automation. One scan of
 * decisions_report_idx (index-only, migration 0022) and a parallel hash aggregate; the few hundred groups are
 * rolled up in rollup.ts. Two scans (one for sheet 8, one of the own-initiative restrictions for sheets 5–6) read
 * 1.6 times as many index bytes.
 */
export interface DecisionFineRow {
  basis: string | null;
  outcome: string;
  original: boolean;
  ground: string | null;
  category: string | null;
  keyword: string | null;
  restriction_mask: number;
  solely_automated: boolean | null;
  automated_detection: boolean | null;
  n: number;
}

export async function decisionFine(db: Db, p: Period): Promise<DecisionFineRow[]> {
  const r = await sql<DecisionFineRow>`
    select d.basis, d.outcome, d.supersedes_id is null as original, d.ground, d.report_category as category, d.report_keyword as keyword,
           d.restriction_mask, d.solely_automated, d.automated_detection, count(*)::int as n
    from decisions d
    where d.service_id = ${p.serviceId} and d.created_at >= ${p.from} and d.created_at < ${p.to}
    group by d.basis, d.outcome, d.supersedes_id is null, d.ground, d.report_category, d.report_keyword, d.restriction_mask,
             d.solely_automated, d.automated_detection`.execute(db);
  return r.rows;
}

// -------------------------------------------------------------------------------- sheet 7: complaints, suspensions

/** The complaint bases of sheet 7, in template order, as conditions on the contested decision (copied onto the appeal `a`, migration 0021). */
export const COMPLAINT_BASES = {
  visibility: sql`a.contested_outcome = 'restriction' and a.contested_mask & ${sql.lit(COMPLAINT_BASIS_MASKS.visibility)} <> 0`,
  provision: sql`a.contested_outcome = 'restriction' and a.contested_mask & ${sql.lit(COMPLAINT_BASIS_MASKS.provision)} <> 0`,
  account: sql`a.contested_outcome = 'restriction' and a.contested_mask & ${sql.lit(COMPLAINT_BASIS_MASKS.account)} <> 0`,
  monetary: sql`a.contested_outcome = 'restriction' and a.contested_mask & ${sql.lit(COMPLAINT_BASIS_MASKS.monetary)} <> 0`,
  no_action_notice: sql`a.contested_outcome = 'no_action' and a.contested_basis = 'notice'`,
  no_action_trusted_notice: sql`a.contested_outcome = 'no_action' and a.contested_basis = 'trusted_notice'`,
} as const;
export type ComplaintBasis = keyof typeof COMPLAINT_BASES;

export type ComplaintAggRow = Record<`${'all' | ComplaintBasis}_${'total' | 'upheld' | 'modified' | 'reversed'}`, number> &
  Record<`${'all' | ComplaintBasis}_median_h`, number | null> & {
    newly_imposed: number;
    suspensions_illegal: number;
    suspensions_notices: number;
    reinstatements: number;
  };

/**
 * Complaints (appeals): submitted in the period (Total number); upheld / modified (partially reversed) /
 * reversed = decided in the period; median time from submission to decision over those decided in the period.
 * Per basis (Art. 20(1)(a)–(d), from the restriction types of the contested decision — one complaint counts under
 * each type it contests —, or no action on an Art. 16 notice, trusted flaggers' apart). Restrictions newly imposed
 * = complaints decided in the period whose correction restricts where the contested decision did not.
 * Art. 23 suspensions in the period: threshold steps 'suspension' (manifestly illegal content), notifier
 * suspensions (manifestly unfounded notices). Reinstatements: corrections in the period from a restriction to no
 * action (reversed complaints included).
 */
export async function complaintFigures(db: Db, p: Period): Promise<ComplaintAggRow> {
  const submitted = sql`a.created_at >= ${p.from} and a.created_at < ${p.to}`;
  const decided = sql`a.decided_at >= ${p.from} and a.decided_at < ${p.to}`;
  const bases: [string, RawBuilder<unknown>][] = [['all', sql`true`], ...Object.entries(COMPLAINT_BASES)];
  const columns = bases.map(
    ([name, cond]) => sql`
      (count(*) filter (where ${submitted} and ${cond}))::int as ${sql.ref(`${name}_total`)},
      (count(*) filter (where ${decided} and ${cond} and a.outcome = 'upheld'))::int as ${sql.ref(`${name}_upheld`)},
      (count(*) filter (where ${decided} and ${cond} and a.outcome = 'modified'))::int as ${sql.ref(`${name}_modified`)},
      (count(*) filter (where ${decided} and ${cond} and a.outcome = 'reversed'))::int as ${sql.ref(`${name}_reversed`)},
      ${median(sql`case when ${decided} and ${cond} then ${hours(sql`a.decided_at`, sql`a.created_at`)} end`)} as ${sql.ref(`${name}_median_h`)}`,
  );
  const r = await sql<ComplaintAggRow>`
    select ${sql.join(columns)},
           (select count(*) from appeals a join decisions nd on nd.id = a.new_decision_id
             where a.service_id = ${p.serviceId} and ${decided} and a.outcome in ('reversed', 'modified')
               and nd.outcome = 'restriction' and a.contested_outcome <> 'restriction')::int as newly_imposed,
           (select count(*) from account_strike_steps s
             where s.service_id = ${p.serviceId} and s.action = 'suspension' and s.created_at >= ${p.from} and s.created_at < ${p.to})::int as suspensions_illegal,
           (select count(*) from notifier_actions na
             where na.service_id = ${p.serviceId} and na.kind = 'suspension' and na.created_at >= ${p.from} and na.created_at < ${p.to})::int as suspensions_notices,
           (select count(*) from decisions c join decisions prev on prev.id = c.supersedes_id
             where c.service_id = ${p.serviceId} and c.created_at >= ${p.from} and c.created_at < ${p.to}
               and c.supersedes_id is not null and c.outcome = 'no_action' and prev.outcome = 'restriction')::int as reinstatements
    from appeals a
    where a.service_id = ${p.serviceId} and ((${submitted}) or (${decided}))`.execute(db);
  return r.rows[0] as ComplaintAggRow;
}

// ----------------------------------------------------------------------------- sheet 8: quality reviews

export interface ReviewAggRow {
  /** Blind quality reviews done in the period of solely automated decisions, and of those the agreements. */
  automated_reviews: number;
  automated_reviews_agreed: number;
  oi_automated_reviews: number;
  oi_automated_reviews_agreed: number;
}

/** The data of sheet 8's accuracy indicator (compute.ts says how it is defined): the reviews, and their decision by primary key. */
export async function reviewFigures(db: Db, p: Period): Promise<ReviewAggRow> {
  const oi = sql`x.basis = 'own_initiative'`;
  const r = await sql<ReviewAggRow>`
    select count(*)::int as automated_reviews,
           (count(*) filter (where qr.agreed))::int as automated_reviews_agreed,
           (count(*) filter (where ${oi}))::int as oi_automated_reviews,
           (count(*) filter (where ${oi} and qr.agreed))::int as oi_automated_reviews_agreed
    from quality_reviews qr join decisions x on x.id = qr.decision_id
    where qr.service_id = ${p.serviceId} and qr.status = 'done' and qr.reviewed_at >= ${p.from} and qr.reviewed_at < ${p.to}
      and x.solely_automated`.execute(db);
  return r.rows[0] as ReviewAggRow;
}
