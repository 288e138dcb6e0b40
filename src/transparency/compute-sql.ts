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
 * Indexes (migration 0018): decisions_report_idx, decisions_own_initiative_idx, notices_report_idx; migration 0021:
 * notice_actions (sheet 4: the action on each notice, recorded with the decision) and notice_locations_extra_idx,
 * the contested decision's outcome, basis and mask on appeals (sheet 7). No section joins the decisions table
 * (bench/README.md, "bench/transparency.ts").
 */
import { sql, type Db, type RawBuilder } from '../db/index.ts';
import { COMPLAINT_BASIS_MASKS, RESTRICTION_COLUMNS } from './figures.ts';

export interface Period {
  serviceId: string;
  /** Start of the first day, UTC. */
  from: Date;
  /** Start of the day after the last day, UTC (exclusive). */
  to: Date;
}

const hours = (later: RawBuilder<unknown>, earlier: RawBuilder<unknown>) => sql`extract(epoch from (${later} - ${earlier})) / 3600.0`;
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
  median_action_h: number | null;
  median_action_tf_h: number | null;
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
 * Art. 16 notices received in the period, by the notifier's category (rollup). One row per notified item
 * (notice_locations); the notice itself is its position-0 row. A notice's action is the original decision on the
 * case of its first item, taken before the end of the period: its time (from the notice's receipt) gives the median
 * time to action (any outcome: the time to process the notice), its outcome and ground the actions on the basis of
 * the law (ground illegal) or of the terms (ground incompatible), its automation the notices processed solely by
 * automated means (sheet 8).
 */
export async function noticeFigures(db: Db, p: Period): Promise<NoticeAggRow[]> {
  // Three narrow sources, none joined to the decisions (migration 0021): the notices of the period (index-only scan of
  // notices_report_idx), their further items (partial notice_locations_extra_idx), and the actions on them
  // (notice_actions, recorded with the original decision of the case of their first item). Counts aggregate by
  // (category, keyword) first — a plain GROUP BY that runs in parallel —, then the handful of groups roll up; the
  // medians roll up over the actions only.
  const inPeriod = (t: RawBuilder<unknown>) => sql`${t} >= ${p.from} and ${t} < ${p.to}`;
  const tf = sql`a.trusted`;
  const law = sql`a.outcome = 'restriction' and a.ground = 'illegal'`;
  const tc = sql`a.outcome = 'restriction' and a.ground = 'incompatible'`;
  const wait = hours(sql`a.decided_at`, sql`a.received_at`);
  const actions = sql`notice_actions a where a.service_id = ${p.serviceId} and ${inPeriod(sql`a.received_at`)} and a.decided_at < ${p.to}`;
  const zeros = (names: string[]) => sql.join(names.map((n) => sql`0::bigint as ${sql.ref(n)}`));
  const counted = ['received', 'received_tf', 'items', 'items_tf', 'actions_law', 'actions_law_tf', 'actions_tc', 'actions_tc_tf', 'decided', 'decided_tf', 'solely_automated', 'solely_automated_tf'];
  const r = await sql<NoticeAggRow>`
    with fine as (
      select n.category, n.subcategory, count(*) as received, count(*) filter (where n.trusted) as received_tf,
             count(*) as items, count(*) filter (where n.trusted) as items_tf, ${zeros(counted.slice(4))}
      from notices n where n.service_id = ${p.serviceId} and ${inPeriod(sql`n.created_at`)}
      group by n.category, n.subcategory
      union all
      select n.category, n.subcategory, 0, 0, count(*), count(*) filter (where n.trusted), ${zeros(counted.slice(4))}
      from notice_locations l join notices n on n.id = l.notice_id
      where l.position > 0 and l.service_id = ${p.serviceId} and n.service_id = ${p.serviceId} and ${inPeriod(sql`n.created_at`)}
      group by n.category, n.subcategory
      union all
      select a.category, a.subcategory, 0, 0, 0, 0,
             count(*) filter (where ${law}), count(*) filter (where ${law} and ${tf}),
             count(*) filter (where ${tc}), count(*) filter (where ${tc} and ${tf}),
             count(*), count(*) filter (where ${tf}),
             count(*) filter (where a.solely_automated), count(*) filter (where a.solely_automated and ${tf})
      from ${actions}
      group by a.category, a.subcategory
    ), counts as (
      select grouping(f.category)::int as g_cat, grouping(f.subcategory)::int as g_kw, f.category, f.subcategory as keyword,
             ${sql.join(counted.map((c) => sql`coalesce(sum(f.${sql.ref(c)}), 0)::int as ${sql.ref(c)}`))}
      from fine f
      group by rollup (f.category, f.subcategory)
    ), medians as (
      select grouping(a.category)::int as g_cat, grouping(a.subcategory)::int as g_kw, a.category, a.subcategory as keyword,
             ${median(wait)} as median_action_h,
             ${median(sql`case when ${tf} then ${wait} end`)} as median_action_tf_h
      from ${actions}
      group by rollup (a.category, a.subcategory)
    )
    select c.*, m.median_action_h, m.median_action_tf_h
    from counts c
    left join medians m on m.g_cat = c.g_cat and m.g_kw = c.g_kw and m.category is not distinct from c.category and m.keyword is not distinct from c.keyword`.execute(db);
  return r.rows;
}

// -------------------------------------------------------------------------------- sheets 5 and 6: own initiative

export type OwnInitiativeAggRow = {
  ground: 'illegal' | 'incompatible';
  g_cat: number;
  g_kw: number;
  category: string | null;
  keyword: string | null;
  measures: number;
  solely_automated: number;
} & Record<keyof typeof RESTRICTION_COLUMNS, number>;

/**
 * Own-initiative restrictions taken in the period (original decisions; corrections are not new measures), by
 * ground × the decision's category rollup; one count per restriction column of the template (a measure imposing
 * several types counts in each). `solely_automated` = detected by automated means.
 */
export async function ownInitiativeFigures(db: Db, p: Period): Promise<OwnInitiativeAggRow[]> {
  const names = Object.keys(RESTRICTION_COLUMNS);
  const columns = Object.entries(RESTRICTION_COLUMNS).map(([name, mask]) => sql`(count(*) filter (where d.restriction_mask & ${sql.lit(mask)} <> 0))::int as ${sql.ref(name)}`);
  // Two levels: the scan of millions of rows aggregates by (ground, category, keyword) — a plain GROUP BY, which
  // PostgreSQL runs in parallel —, then the handful of groups roll up (grouping sets do not run in parallel).
  const r = await sql<OwnInitiativeAggRow>`
    with fine as (
      select d.ground, d.report_category, d.report_keyword,
             count(*)::int as measures,
             (count(*) filter (where d.automated_detection))::int as solely_automated,
             ${sql.join(columns)}
      from decisions d
      where d.service_id = ${p.serviceId} and d.created_at >= ${p.from} and d.created_at < ${p.to}
        and d.basis = 'own_initiative' and d.outcome = 'restriction' and d.supersedes_id is null and d.ground is not null
      group by d.ground, d.report_category, d.report_keyword
    )
    select f.ground, grouping(f.report_category)::int as g_cat, grouping(f.report_keyword)::int as g_kw,
           f.report_category as category, f.report_keyword as keyword,
           sum(f.measures)::int as measures, sum(f.solely_automated)::int as solely_automated,
           ${sql.join(names.map((n) => sql`sum(f.${sql.ref(n)})::int as ${sql.ref(n)}`))}
    from fine f
    group by f.ground, rollup (f.report_category, f.report_keyword)`.execute(db);
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

// ----------------------------------------------------------------------------- sheet 8: automated means, totals

export interface DecisionAggRow {
  decisions: number;
  restrictions: number;
  /** Original restrictions (measures), all bases / own initiative, solely automated or not. */
  measures_solely: number;
  measures_not_solely: number;
  oi_measures_solely: number;
  oi_measures_not_solely: number;
  /** Original decisions taken by people on automatically detected cases, and of those the restrictions. */
  detected_reviewed: number;
  detected_confirmed: number;
  oi_detected_reviewed: number;
  oi_detected_confirmed: number;
  /** Blind quality reviews done in the period of solely automated decisions, and of those the agreements. */
  automated_reviews: number;
  automated_reviews_agreed: number;
  oi_automated_reviews: number;
  oi_automated_reviews_agreed: number;
}

/**
 * Decisions taken in the period (totals), measures (original restrictions) solely automated or not, and the data
 * of the accuracy indicators (compute.ts says how they are defined).
 */
export async function decisionFigures(db: Db, p: Period): Promise<DecisionAggRow> {
  const measure = sql`d.outcome = 'restriction' and d.supersedes_id is null`;
  const oi = sql`d.basis = 'own_initiative'`;
  const detected = sql`d.supersedes_id is null and d.automated_detection and not d.solely_automated`;
  const r = await sql<DecisionAggRow>`
    select count(*)::int as decisions,
           (count(*) filter (where d.outcome = 'restriction'))::int as restrictions,
           (count(*) filter (where ${measure} and d.solely_automated))::int as measures_solely,
           (count(*) filter (where ${measure} and not d.solely_automated))::int as measures_not_solely,
           (count(*) filter (where ${measure} and d.solely_automated and ${oi}))::int as oi_measures_solely,
           (count(*) filter (where ${measure} and not d.solely_automated and ${oi}))::int as oi_measures_not_solely,
           (count(*) filter (where ${detected}))::int as detected_reviewed,
           (count(*) filter (where ${detected} and d.outcome = 'restriction'))::int as detected_confirmed,
           (count(*) filter (where ${detected} and ${oi}))::int as oi_detected_reviewed,
           (count(*) filter (where ${detected} and ${oi} and d.outcome = 'restriction'))::int as oi_detected_confirmed,
           (select count(*) from quality_reviews qr join decisions x on x.id = qr.decision_id
             where qr.service_id = ${p.serviceId} and qr.status = 'done' and qr.reviewed_at >= ${p.from} and qr.reviewed_at < ${p.to} and x.solely_automated)::int as automated_reviews,
           (select count(*) from quality_reviews qr join decisions x on x.id = qr.decision_id
             where qr.service_id = ${p.serviceId} and qr.status = 'done' and qr.reviewed_at >= ${p.from} and qr.reviewed_at < ${p.to} and x.solely_automated and qr.agreed)::int as automated_reviews_agreed,
           (select count(*) from quality_reviews qr join decisions x on x.id = qr.decision_id
             where qr.service_id = ${p.serviceId} and qr.status = 'done' and qr.reviewed_at >= ${p.from} and qr.reviewed_at < ${p.to} and x.solely_automated
               and x.basis = 'own_initiative')::int as oi_automated_reviews,
           (select count(*) from quality_reviews qr join decisions x on x.id = qr.decision_id
             where qr.service_id = ${p.serviceId} and qr.status = 'done' and qr.reviewed_at >= ${p.from} and qr.reviewed_at < ${p.to} and x.solely_automated
               and x.basis = 'own_initiative' and qr.agreed)::int as oi_automated_reviews_agreed
    from decisions d
    where d.service_id = ${p.serviceId} and d.created_at >= ${p.from} and d.created_at < ${p.to}`.execute(db);
  return r.rows[0] as DecisionAggRow;
}
