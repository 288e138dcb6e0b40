/**
 * The harmonised template of Implementing Regulation (EU) 2024/2835 (Annex I), read from the Commission's own
 * English CSV files kept in `./template/` (see its SOURCE.md). Every exported sheet is built from these rows, so
 * labels, row order and the template's odd trailing spaces stay the template's, byte for byte.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { EU_MEMBER_STATES, type MemberState } from '../taxonomy/member-states.ts';

/** The provider kinds that decide which template rows apply (Annex II Part I). */
export const PROVIDER_KINDS = ['intermediary', 'hosting', 'online_platform', 'vlop'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Sheet names as in the Commission's workbook and publishers' CSV bundles (`N_<name>.csv`). */
export const SHEET_NAMES = [
  '1_report_identification',
  '2_categories_names',
  '3_member_states_orders',
  '4_notices',
  '5_own_initiative_illegal',
  '6_own_initiative_TC',
  '7_appeals_and_recidivism',
  '8_automated_means',
  '9_human_resources',
  '10_AMAR',
  '11_qualitative',
] as const;
export type SheetName = (typeof SHEET_NAMES)[number];

/** The Commission's file names: part 1 is called `summary` there. */
const TEMPLATE_FILES: Record<SheetName, string> = {
  '1_report_identification': 'Part_1_summary',
  '2_categories_names': 'Part_2_categories_names',
  '3_member_states_orders': 'Part_3_member_states_orders',
  '4_notices': 'Part_4_notices',
  '5_own_initiative_illegal': 'Part_5_own_initiative_illegal',
  '6_own_initiative_TC': 'Part_6_own_initiative_TC',
  '7_appeals_and_recidivism': 'Part_7_appeals_and_recidivism',
  '8_automated_means': 'Part_8_automated_means',
  '9_human_resources': 'Part_9_human_resources',
  '10_AMAR': 'Part_10_AMAR',
  '11_qualitative': 'Part_11_qualitative',
};

export interface TemplateSheet {
  name: SheetName;
  /** The file in `./template/`. */
  file: string;
  header: string[];
  rows: string[][];
}

export const TEMPLATE_DIR = new URL('./template/', import.meta.url);

export function templateFileName(name: SheetName): string {
  return `4_EN_Annex_I__Templates_for_Transparency_Reports_CSV_${TEMPLATE_FILES[name]}.csv`;
}

function loadSheet(name: SheetName): TemplateSheet {
  const file = templateFileName(name);
  const text = fs.readFileSync(new URL(file, TEMPLATE_DIR), 'utf8');
  // trim: false and no casting: the labels' trailing spaces and NBSPs are identifiers readers match on.
  const records = parse(text, { trim: false, relax_column_count: false }) as string[][];
  const [header, ...rows] = records;
  if (!header) throw new Error(`empty template file ${file}`);
  return { name, file, header, rows };
}

/** The 11 template sheets, read once at start. */
export const TEMPLATE: Record<SheetName, TemplateSheet> = Object.fromEntries(SHEET_NAMES.map((n) => [n, loadSheet(n)])) as Record<SheetName, TemplateSheet>;

/** The 27 member states as the template writes them (Eurostat codes: EL for Greece), in alphabetical code order. */
export const MEMBER_STATES = EU_MEMBER_STATES;
export type { MemberState };

/** The 24 official EU languages (lower-case Eurostat codes), in the EU's protocol order (the template's `bg` … `sv`). */
export const EU_LANGUAGES = [
  'bg', 'es', 'cs', 'da', 'de', 'et', 'el', 'en', 'fr', 'ga', 'hr', 'it',
  'lv', 'lt', 'hu', 'mt', 'nl', 'pl', 'pt', 'ro', 'sk', 'sl', 'fi', 'sv',
] as const;
export type EuLanguage = (typeof EU_LANGUAGES)[number];

/** Placeholder scopes of the template that stand for "one row per member state / per language". */
export const PLACEHOLDER_SCOPES = new Set(['AT, […], SE', 'AT', '[...]', 'SE', 'bg', 'sv']);

/**
 * Whether a row applies to a provider of this kind, from the row's Applicability label (column A). A row that
 * does not apply is left blank; one that applies but had no events gets 0 (Annex II Part I).
 */
export function applies(applicability: string, kind: ProviderKind): boolean {
  switch (applicability.trim()) {
    case 'All':
      return true;
    case 'Only for providers of hosting services, including online platforms':
      return kind !== 'intermediary';
    case 'Only for providers of online platforms':
      return kind === 'online_platform' || kind === 'vlop';
    case 'Only for VLOPs':
    case 'Only for VLOPs and VLOSEs':
      return kind === 'vlop';
    default:
      throw new Error(`unknown applicability label in the template: ${JSON.stringify(applicability)}`);
  }
}

/** The labels of sheet 2's `Category label` column (`TOTAL`, `Category 1`, `Category 1a`, …). */
export const CATEGORY_LABELS: readonly string[] = TEMPLATE['2_categories_names'].rows.map((r) => r[0] as string);

/** Parent categories (`STATEMENT_CATEGORY_*`) in template order, from sheet 2. */
export const PARENT_CATEGORIES: readonly string[] = TEMPLATE['2_categories_names'].rows
  .map((r) => r[2] as string)
  .filter((c) => c.startsWith('STATEMENT_CATEGORY_'));

/** The placeholder the template puts in every `KEYWORD_OTHER` row's description cell. */
export const OTHER_PLACEHOLDER = 'Text to detail the "Other" keyword.';

/** Keys of the 11 qualitative indicators (sheet 11), in template order. */
export const QUALITATIVE_KEYS = [
  'own_initiative_summary',
  'own_initiative_information',
  'automated_means_description',
  'automated_means_accuracy',
  'automated_means_purposes',
  'automated_means_safeguards',
  'governance_structure',
  'hr_qualifications',
  'hr_training',
  'hr_support',
  'hr_methodology',
] as const;
export type QualitativeKey = (typeof QUALITATIVE_KEYS)[number];

if (TEMPLATE['11_qualitative'].rows.length !== QUALITATIVE_KEYS.length) {
  throw new Error('sheet 11 of the template no longer has 11 indicators: update QUALITATIVE_KEYS');
}
