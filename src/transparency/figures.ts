/**
 * The figures of a transparency report (Implementing Regulation (EU) 2024/2835, sheets 3–8), computed from the
 * recorded history by `computeReport` (compute.ts) and laid out on the template by the exporter.
 *
 * This file is the source of truth shared by the compute helper (writes the figures) and the export helper
 * (reads them). Conventions:
 * - counts are integers; medians are in hours (decimal, to the millionth of an hour, `null` when nothing to take a
 *   median of);
 *   rates are fractions in [0, 1] (`null` when they cannot be computed from the data).
 * - category rows (sheets 3–6): only rows with data are present (plus the TOTAL row of sheets 3 and 4, always
 *   present, zeros in an empty period); the exporter fills the template's full list
 *   with 0 (rows that apply) or blank (rows that do not apply). A parent row's numbers are the sum of its keyword
 *   rows PLUS the records that carry the parent category but no keyword (those are counted in the parent row
 *   only, never in a keyword row nor in a synthetic KEYWORD_OTHER row). TOTAL is the sum of the parent rows.
 * - the period is inclusive UTC days: [start 00:00 UTC, end + 1 day 00:00 UTC).
 */

/** 'TOTAL' | STATEMENT_CATEGORY_* | KEYWORD_* */
export type CategoryCode = string;

/**
 * A row of sheets 3–6: the TOTAL row (`category: 'TOTAL', keyword: null`), a parent category row
 * (`category: STATEMENT_CATEGORY_*, keyword: null`), or a keyword row under its parent
 * (`category: STATEMENT_CATEGORY_*, keyword: KEYWORD_*`).
 */
export interface CategoryKey {
  category: 'TOTAL' | CategoryCode;
  keyword: CategoryCode | null;
}

/**
 * Sheet 3 (Art. 15(1)(a)): orders received in the period (by `orders.received_at`), by issuing member state.
 * "act" = orders to act (DSA Art. 9: type 'order_to_act' and TCO 'removal_order'); "info" = orders to provide
 * information (Art. 10: 'order_to_provide_information').
 */
export interface OrderRow extends CategoryKey {
  /** 'TOTAL' (all member states) or the issuing member state's code (EU upper-case, 'EL' for Greece). */
  scope: 'TOTAL' | string;
  /** Number of orders to act received. */
  act_received: number;
  /** Sum of `orders.item_count` of those orders (specific items of information: URLs / accounts). */
  act_items: number;
  /** Median of (acknowledged_at − received_at) in hours, over the orders to act acknowledged. */
  act_median_ack_h: number | null;
  /** Median of (effect_given_at − received_at) in hours, over the orders to act given effect (impossible excluded). */
  act_median_effect_h: number | null;
  /** Number of orders to provide information received. */
  info_received: number;
  /** As act_median_ack_h, for orders to provide information. */
  info_median_ack_h: number | null;
  /** As act_median_effect_h, for orders to provide information. */
  info_median_effect_h: number | null;
}

/**
 * Sheet 4 (Art. 15(1)(b)): Art. 16 notices received in the period (by `notices.created_at`). Category = the
 * notice's own category / subcategory (the notifier's explanation). `_tf` = submitted by trusted flaggers
 * (`notices.trusted`). A notice's action is the original decision on the case of its FIRST item (position 0),
 * taken before the end of the period.
 */
export interface NoticeRow extends CategoryKey {
  /** Notices received. */
  received: number;
  /** Of which from trusted flaggers. */
  received_tf: number;
  /** Items of information notified: count of notice_locations of those notices (at least 1 per notice). */
  items: number;
  items_tf: number;
  /**
   * Median time to action, in hours: from the notice's receipt to its action (any outcome, including no action:
   * the time to process the notice), over the notices decided.
   */
  median_action_h: number | null;
  median_action_tf_h: number | null;
  /** Notices whose action restricted on the ground of illegal content (basis: the law). */
  actions_law: number;
  actions_law_tf: number;
  /** Notices whose action restricted on the ground of incompatibility with the terms and conditions. */
  actions_tc: number;
  actions_tc_tf: number;
}

/**
 * Sheets 5 (ground illegal) and 6 (ground incompatible with the terms) (Art. 15(1)(c)): own-initiative
 * restrictions decided in the period (`decisions.basis = 'own_initiative'`, outcome restriction, original
 * decisions only — corrections are counted as reinstatements in sheet 7, not as new measures).
 * Category = the decision's own (details.category, first details.category_specification).
 * A measure may impose several restriction types: each type column counts the measures imposing it, so the
 * type columns need not add up to `measures`.
 */
export interface OwnInitiativeRow extends CategoryKey {
  /** Number of measures (decisions). */
  measures: number;
  /** Of which detected solely by automated means (`decisions.automated_detection`). */
  solely_automated: number;
  /** DECISION_VISIBILITY_CONTENT_REMOVED */
  vis_removal: number;
  /** DECISION_VISIBILITY_CONTENT_DISABLED */
  vis_disable: number;
  /** DECISION_VISIBILITY_CONTENT_DEMOTED */
  vis_demoted: number;
  /** DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED */
  vis_age: number;
  /** DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED */
  vis_interaction: number;
  /** DECISION_VISIBILITY_CONTENT_LABELLED */
  vis_labelled: number;
  /** DECISION_VISIBILITY_OTHER */
  vis_other: number;
  /** DECISION_MONETARY_SUSPENSION */
  mon_suspension: number;
  /** DECISION_MONETARY_TERMINATION */
  mon_termination: number;
  /** DECISION_MONETARY_OTHER */
  mon_other: number;
  /** DECISION_PROVISION_PARTIAL_SUSPENSION or DECISION_PROVISION_TOTAL_SUSPENSION */
  prov_suspension: number;
  /** DECISION_PROVISION_PARTIAL_TERMINATION or DECISION_PROVISION_TOTAL_TERMINATION */
  prov_termination: number;
  /** DECISION_ACCOUNT_SUSPENDED */
  acc_suspension: number;
  /** DECISION_ACCOUNT_TERMINATED */
  acc_termination: number;
}

/**
 * A row of sheets 7–8: `section`, `indicator` and `scope` are the template's EXACT labels (trailing spaces
 * included), so the exporter can match them to the template rows. `value` null = cannot be computed from the
 * recorded data (the exporter leaves the cell blank and may explain in `context`).
 */
export interface ScopedValue {
  section: string;
  indicator: string;
  scope: string;
  value: number | null;
  /** Why a value is null or how it was computed, for the template's "Contextual Information" column. */
  context?: string;
}

export interface ReportFigures {
  /** YYYY-MM-DD, inclusive, UTC days. */
  period: { start: string; end: string };
  /** ISO timestamp of the computation. */
  computed_at: string;
  /** TOTAL scope rows + one block per member state with orders. */
  orders: OrderRow[];
  notices: NoticeRow[];
  own_initiative_illegal: OwnInitiativeRow[];
  own_initiative_tc: OwnInitiativeRow[];
  /** Sheet 7 rows, exact template Section/Indicator/Scope labels, in template order. */
  appeals: ScopedValue[];
  /** Sheet 8 rows (Total number, Own-initiative, NAM Total, NAM Trusted Flagger), exact labels, template order. */
  automated_means: ScopedValue[];
  totals: {
    /** Notices received in the period. */
    notices: number;
    /** Orders received in the period (all types). */
    orders: number;
    /** Decisions taken in the period (all outcomes, corrections and strike steps included). */
    decisions: number;
    /** Decisions taken in the period with outcome 'restriction'. */
    restrictions: number;
    /** Appeals (complaints) submitted in the period. */
    appeals: number;
    /** Restrictions lifted in the period: appeals reversed + corrections from restriction to no action. */
    reinstatements: number;
    /** Median time to action over all notices (= the TOTAL notice row). */
    median_action_h: number | null;
    /** Art. 23 suspensions in the period (manifestly illegal content + unfounded notices + unfounded complaints). */
    suspensions: number;
  };
}

/**
 * The template's restriction columns (sheets 5–6) as masks over `decisions.restriction_mask`, whose bits are
 * RESTRICTION_BITS of src/decisions/reporting.ts (one bit per Transparency Database restriction value: visibility
 * 1–64 in enum order, monetary 128–512, provision partial/total suspension 1024/2048, partial/total termination
 * 4096/8192, account suspended/terminated 16384/32768). test/transparency-compute.test.ts checks they agree.
 */
export const RESTRICTION_COLUMNS = {
  vis_removal: 1,
  vis_disable: 2,
  vis_demoted: 4,
  vis_age: 8,
  vis_interaction: 16,
  vis_labelled: 32,
  vis_other: 64,
  mon_suspension: 128,
  mon_termination: 256,
  mon_other: 512,
  prov_suspension: 1024 | 2048,
  prov_termination: 4096 | 8192,
  acc_suspension: 16384,
  acc_termination: 32768,
} as const satisfies Record<string, number>;

/** Masks of the Art. 20(1)(a)–(d) complaint bases (sheet 7): visibility, provision, account, monetary. */
export const COMPLAINT_BASIS_MASKS = { visibility: 127, provision: 1024 | 2048 | 4096 | 8192, account: 16384 | 32768, monetary: 128 | 256 | 512 } as const;

/** `decisions.basis`: where the decided case came from. */
export type DecisionBasis = 'notice' | 'trusted_notice' | 'order' | 'own_initiative';
