import type { CaseForDecision } from '../cases/index.ts';
import type { DecisionInput } from './schemas.ts';

/** The platform unique identifier of a decision's statement in the Transparency Database. */
export const puidFor = (decisionId: string) => `vigie-${decisionId}`;

/**
 * The statement of reasons in the DSA Transparency Database API format (key names and enum keys of
 * `POST /api/v1/statement`). Only fields that apply are set: the TDB rejects `null` for some of them.
 * The source is the notice (Art. 16), a trusted flagger (Art. 22) or an order (other notification); no personal data is included.
 */
export function buildTdbStatement(d: DecisionInput, c: CaseForDecision, decisionId: string, applicationDate: string): Record<string, unknown> {
  const s: Record<string, unknown> = {
    decision_ground: d.decision_ground,
    decision_facts: d.decision_facts,
    content_type: d.content_type,
    category: d.category ?? c.category,
    content_date: d.content_date,
    application_date: applicationDate,
    // An order from an authority (DSA Art. 9, TCO removal order) is a notification other than an Art. 16 notice.
    source_type: c.orderId ? 'SOURCE_TYPE_OTHER_NOTIFICATION' : c.noticeCount === 0 ? 'SOURCE_VOLUNTARY' : c.trusted ? 'SOURCE_TRUSTED_FLAGGER' : 'SOURCE_ARTICLE_16',
    // Detected by automated screening, or so declared by the moderator.
    automated_detection: d.automated_detection || c.automatedDetection ? 'Yes' : 'No',
    automated_decision: d.automated_decision,
    puid: puidFor(decisionId),
  };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) s[key] = value;
  };
  set('decision_visibility', d.decision_visibility);
  set('decision_visibility_other', d.decision_visibility_other);
  set('decision_monetary', d.decision_monetary);
  set('decision_monetary_other', d.decision_monetary_other);
  set('decision_provision', d.decision_provision);
  set('decision_account', d.decision_account);
  set('account_type', d.account_type);
  set('end_date_visibility_restriction', d.end_date_visibility_restriction);
  set('end_date_monetary_restriction', d.end_date_monetary_restriction);
  set('end_date_service_restriction', d.end_date_service_restriction);
  set('end_date_account_restriction', d.end_date_account_restriction);
  set('territorial_scope', d.territorial_scope);
  set('decision_ground_reference_url', d.decision_ground_reference_url);
  if (d.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT') {
    set('illegal_content_legal_ground', d.illegal_content_legal_ground);
    set('illegal_content_explanation', d.illegal_content_explanation);
  } else {
    set('incompatible_content_ground', d.incompatible_content_ground);
    set('incompatible_content_explanation', d.incompatible_content_explanation);
    if (d.incompatible_content_illegal !== undefined) s.incompatible_content_illegal = d.incompatible_content_illegal ? 'Yes' : 'No';
  }
  set('content_type_other', d.content_type_other);
  set('content_language', d.content_language?.toUpperCase());
  const extra = (d.category_addition ?? []).filter((x) => x !== s.category);
  if (extra.length > 0) s.category_addition = extra;
  const keywords = d.category_specification ?? (c.subcategory ? [c.subcategory] : undefined);
  set('category_specification', keywords);
  set('category_specification_other', d.category_specification_other);
  return s;
}
