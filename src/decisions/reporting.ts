/**
 * The transparency-report columns of a decision (migration 0018: basis, report category, ground, restriction mask,
 * automation, received_at, content language), fixed when the decision is taken, for src/transparency/compute*.ts.
 */
import { keywordAllowed, type Category } from '../taxonomy/categories.ts';
import type { CaseForDecision } from '../cases/index.ts';
import type { DecisionReporting } from './sql.ts';
import type { DecisionDocument } from './take.ts';

/**
 * Bits of `decisions.restriction_mask`: one per value of the Transparency Database restriction scales, so that
 * nothing is lost (the report's 13 restriction columns group them: src/transparency/figures.ts RESTRICTION_COLUMNS).
 * The backfill in migrations/0018_transparency.sql uses the same bits.
 */
export const RESTRICTION_BITS = {
  DECISION_VISIBILITY_CONTENT_REMOVED: 1,
  DECISION_VISIBILITY_CONTENT_DISABLED: 2,
  DECISION_VISIBILITY_CONTENT_DEMOTED: 4,
  DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED: 8,
  DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED: 16,
  DECISION_VISIBILITY_CONTENT_LABELLED: 32,
  DECISION_VISIBILITY_OTHER: 64,
  DECISION_MONETARY_SUSPENSION: 128,
  DECISION_MONETARY_TERMINATION: 256,
  DECISION_MONETARY_OTHER: 512,
  DECISION_PROVISION_PARTIAL_SUSPENSION: 1024,
  DECISION_PROVISION_TOTAL_SUSPENSION: 2048,
  DECISION_PROVISION_PARTIAL_TERMINATION: 4096,
  DECISION_PROVISION_TOTAL_TERMINATION: 8192,
  DECISION_ACCOUNT_SUSPENDED: 16384,
  DECISION_ACCOUNT_TERMINATED: 32768,
} as const;

/**
 * The transparency-report columns of a decision (migration 0018), from the case and the document. Basis: an order's
 * case → order; no notice → own initiative (screening, strike steps on the account); a trusted flagger's notice
 * → trusted_notice; else notice. Category (Annex II): notices and orders follow the notifier's / authority's
 * category (the case's), own-initiative measures the decision's own (its category, first keyword of that category).
 */
export function reportingColumns(d: DecisionDocument, c: CaseForDecision): DecisionReporting {
  const basis = c.orderId ? 'order' : c.noticeCount === 0 ? 'own_initiative' : c.trusted ? 'trusted_notice' : 'notice';
  let reportCategory = c.category;
  let reportKeyword = c.subcategory;
  if (basis === 'own_initiative') {
    reportCategory = d.category ?? c.category;
    const own = d.outcome === 'warning' ? undefined : d.category_specification?.find((k) => keywordAllowed(reportCategory as Category, k));
    reportKeyword = own ?? (reportCategory === c.category ? c.subcategory : null);
  }
  let mask = 0;
  if (d.outcome === 'restriction') {
    for (const v of [...(d.decision_visibility ?? []), d.decision_monetary, d.decision_provision, d.decision_account]) if (v) mask |= RESTRICTION_BITS[v];
  }
  return {
    basis,
    reportCategory,
    reportKeyword,
    ground: d.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'illegal' : d.decision_ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' ? 'incompatible' : null,
    restrictionMask: mask,
    solelyAutomated: d.automated_decision === 'AUTOMATED_DECISION_FULLY',
    // As the statement of reasons says it (statement.ts): detected by screening, or so declared.
    automatedDetection: d.automated_detection || c.automatedDetection,
    contentLanguage: d.outcome === 'warning' ? null : (d.content_language ?? null),
    orderId: c.orderId,
  };
}

