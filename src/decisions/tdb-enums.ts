/**
 * Allowed values of the DSA Transparency Database (TDB) statement-of-reasons API, from
 * docs/reference/dsa-tdb.md ("Allowed values"; restated from the TDB's `app/Models/Statement.php`,
 * `EuropeanCountriesService.php` and `EuropeanLanguagesService.php`). Enum fields take these KEYS, case-sensitive.
 * Categories (16) and keywords (69) are the repo's taxonomy (src/taxonomy/categories.ts), re-exported here.
 */
import { CATEGORIES, KEYWORDS, type Category, type Keyword } from '../taxonomy/categories.ts';
import { LANGUAGES } from '../taxonomy/languages.ts';

export { CATEGORIES, KEYWORDS, type Category, type Keyword };

export const DECISION_VISIBILITY = [
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_DISABLED',
  'DECISION_VISIBILITY_CONTENT_DEMOTED',
  'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_LABELLED',
  'DECISION_VISIBILITY_OTHER',
] as const;
export type DecisionVisibility = (typeof DECISION_VISIBILITY)[number];

export const DECISION_MONETARY = ['DECISION_MONETARY_SUSPENSION', 'DECISION_MONETARY_TERMINATION', 'DECISION_MONETARY_OTHER'] as const;
export type DecisionMonetary = (typeof DECISION_MONETARY)[number];

export const DECISION_PROVISION = [
  'DECISION_PROVISION_PARTIAL_SUSPENSION',
  'DECISION_PROVISION_TOTAL_SUSPENSION',
  'DECISION_PROVISION_PARTIAL_TERMINATION',
  'DECISION_PROVISION_TOTAL_TERMINATION',
] as const;
export type DecisionProvision = (typeof DECISION_PROVISION)[number];

export const DECISION_ACCOUNT = ['DECISION_ACCOUNT_SUSPENDED', 'DECISION_ACCOUNT_TERMINATED'] as const;
export type DecisionAccount = (typeof DECISION_ACCOUNT)[number];

export const ACCOUNT_TYPES = ['ACCOUNT_TYPE_BUSINESS', 'ACCOUNT_TYPE_PRIVATE'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const DECISION_GROUNDS = ['DECISION_GROUND_ILLEGAL_CONTENT', 'DECISION_GROUND_INCOMPATIBLE_CONTENT'] as const;
export type DecisionGround = (typeof DECISION_GROUNDS)[number];

export const CONTENT_TYPES = [
  'CONTENT_TYPE_APP',
  'CONTENT_TYPE_AUDIO',
  'CONTENT_TYPE_IMAGE',
  'CONTENT_TYPE_PRODUCT',
  'CONTENT_TYPE_SYNTHETIC_MEDIA',
  'CONTENT_TYPE_TEXT',
  'CONTENT_TYPE_VIDEO',
  'CONTENT_TYPE_OTHER',
] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

export const SOURCE_TYPES = ['SOURCE_ARTICLE_16', 'SOURCE_TRUSTED_FLAGGER', 'SOURCE_TYPE_OTHER_NOTIFICATION', 'SOURCE_VOLUNTARY'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const AUTOMATED_DECISIONS = ['AUTOMATED_DECISION_FULLY', 'AUTOMATED_DECISION_PARTIALLY', 'AUTOMATED_DECISION_NOT_AUTOMATED'] as const;
export type AutomatedDecision = (typeof AUTOMATED_DECISIONS)[number];

/** `automated_detection` and `incompatible_content_illegal` take these literal words, not keys. */
export const YES_NO = ['Yes', 'No'] as const;
export type YesNo = (typeof YES_NO)[number];

/** The 30 EU/EEA codes (ISO 3166-1 alpha-2; Greece is GR), in the TDB's sort order. */
export const TERRITORIAL_SCOPE = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE',
  'IS', 'IT', 'LI', 'LT', 'LU', 'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
] as const;
export type TerritorialScope = (typeof TERRITORIAL_SCOPE)[number];
/** The 27 EU member states: the 30 without the EEA-only IS, LI, NO. */
export const EU_MEMBER_STATES = TERRITORIAL_SCOPE.filter((c) => c !== 'IS' && c !== 'LI' && c !== 'NO');

/**
 * ISO 639-1 codes the TDB accepts for `content_language`: the 184 of src/taxonomy/languages.ts, upper
 * case (BH, Bihari, withdrawn from ISO 639-1, included as the TDB accepts it). The old codes IW, IN, JI are not.
 */
export const CONTENT_LANGUAGES: readonly ContentLanguage[] = LANGUAGES.map((l) => l.toUpperCase() as ContentLanguage).sort();
export type ContentLanguage = Uppercase<(typeof LANGUAGES)[number]>;

/** The 24 official EU languages. */
export const EU_LANGUAGES = [
  'EN', 'BG', 'HR', 'CS', 'DA', 'NL', 'ET', 'FI', 'FR', 'DE', 'EL', 'HU',
  'GA', 'IT', 'LV', 'LT', 'MT', 'PL', 'PT', 'RO', 'SK', 'SL', 'ES', 'SV',
] as const;
