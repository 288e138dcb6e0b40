import { z } from 'zod';
import type { ReportFigures } from './figures.ts';
import { CATEGORY_LABELS, EU_LANGUAGES, MEMBER_STATES, PARENT_CATEGORIES, PROVIDER_KINDS, QUALITATIVE_KEYS, SHEET_NAMES, type QualitativeKey } from './template.ts';

/** Annex II Part I: free text of the templates is limited to 5 000 characters per cell. */
export const MAX_TEXT = 5000;
const Text = z.string().max(MAX_TEXT, `at most ${MAX_TEXT} characters (Annex II)`);

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');

/**
 * A record whose keys must be one of `codes`: one field error per bad key, at its own path, with a reason
 * that says what is expected (zod's own message would only say "unrecognized keys").
 */
function codeRecord<V extends z.ZodType>(codes: readonly string[], value: V, reason: (key: string) => string) {
  const allowed = new Set(codes);
  return z.record(z.string(), value).superRefine((rec, ctx) => {
    for (const key of Object.keys(rec)) {
      if (!allowed.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: reason(key) });
    }
  }) as unknown as z.ZodType<Partial<Record<string, z.output<V>>>>;
}

const memberStateReason = (k: string) =>
  k === 'GR' ? 'unknown member state: Greece is EL in the template (Eurostat code)' : `unknown member state "${k}": one of ${MEMBER_STATES.join(', ')}`;
const languageField = z.string().refine((l) => (EU_LANGUAGES as readonly string[]).includes(l), {
  message: `an official EU language, lower-case Eurostat code: ${EU_LANGUAGES.join(', ')}`,
});
const fte = z.number().min(0, 'full-time equivalents, ≥ 0').max(10_000_000);

export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;

/** One group of moderators for a language (sheet 9 per-language rows count the ≥ B2 ones). */
export const ModeratorGroup = z.strictObject({
  language: languageField,
  internal_fte: fte,
  external_fte: fte,
  cefr_level: z.enum(CEFR_LEVELS),
  qualifications: Text.optional(),
});

/** A contextual note placed in a "Contextual information" cell of sheets 3–9. */
export const ContextualNote = z.strictObject({
  sheet: z.enum(SHEET_NAMES),
  /** Sheets 3–6: the category code (TOTAL, STATEMENT_CATEGORY_*, KEYWORD_*; `KEYWORD_OTHER` needs `parent`). Sheets 7–9: the Indicator label. */
  row: z.string().min(1).max(300),
  /** The parent category of a `KEYWORD_OTHER` row (sheets 3–6). */
  parent: z.string().max(100).optional(),
  /** Sheet 3: member state or TOTAL (default TOTAL). Sheets 7–9: the Scope label. */
  scope: z.string().max(100).optional(),
  /** Sheets 3–6: the value column the note is about (its header label). */
  column: z.string().max(300).optional(),
  text: Text.min(1),
});

/** What an admin enters for a report: everything the history cannot give. */
export const ReportInputs = z.strictObject({
  /** Sheet 9 (VLOPs): human resources dedicated to content moderation. */
  human_resources: z
    .strictObject({
      internal_fte: fte.optional(),
      external_fte: fte.optional(),
      /** Moderators with sufficient linguistic expertise, each counted once. */
      linguistic_expertise_fte: fte.optional(),
      moderators: z.array(ModeratorGroup).max(500).optional(),
    })
    .optional(),
  /** Sheet 10 (VLOPs/VLOSEs): average monthly active recipients, EU total and per member state. */
  amar: z
    .strictObject({
      total: z.number().int().min(0).optional(),
      member_states: codeRecord(MEMBER_STATES, z.number().int().min(0), memberStateReason).optional(),
    })
    .optional(),
  /** Sheet 11: the 11 qualitative texts. */
  qualitative: z.strictObject(Object.fromEntries(QUALITATIVE_KEYS.map((k) => [k, Text.optional()])) as Record<QualitativeKey, z.ZodOptional<typeof Text>>).optional(),
  /** Sheet 2: how the provider reads each category, by the template's `Category label` (`Category 6c`). */
  category_context: codeRecord(CATEGORY_LABELS, Text, (k) => `unknown category label "${k}": e.g. "TOTAL", "Category 6c"`).optional(),
  /** Sheets 3–6: the description of the `KEYWORD_OTHER` row under each parent category. */
  keyword_other: codeRecord(PARENT_CATEGORIES, Text, (k) => `unknown parent category "${k}" (STATEMENT_CATEGORY_*)`).optional(),
  contextual_notes: z.array(ContextualNote).max(2000).optional(),
  /** false when the service never pays its users: monetary-restriction cells stay blank (Annex II). */
  monetisation: z.boolean().optional(),
});
export type ReportInputs = z.infer<typeof ReportInputs>;

export const INPUTS_EXAMPLE: ReportInputs = {
  human_resources: {
    internal_fte: 12.5,
    external_fte: 30,
    linguistic_expertise_fte: 40,
    moderators: [
      { language: 'fr', internal_fte: 6, external_fte: 10, cefr_level: 'C2', qualifications: 'Law degree or 2 years of T&S experience' },
      { language: 'de', internal_fte: 3.5, external_fte: 8, cefr_level: 'C1' },
    ],
  },
  amar: { total: 52_000_000, member_states: { FR: 11_000_000, DE: 14_000_000, EL: 900_000 } },
  qualitative: { own_initiative_summary: 'We remove, demote or label content that breaks our rules …' },
  keyword_other: { STATEMENT_CATEGORY_SCAMS_AND_FRAUD: 'Counterfeit tickets' },
  contextual_notes: [{ sheet: '4_notices', row: 'TOTAL', column: 'Median time to take action', text: 'From receipt to the first decision.' }],
};

export const ServiceParams = z.object({ service: z.string() });
export const ReportParams = z.object({ service: z.string(), id: z.uuid('a report id (UUID)') });

export const ChangeEntry = z.strictObject({ change: Text.min(1), reason: Text.min(1) });

export const CreateReportBody = z.strictObject({
  period_start: day,
  period_end: day,
  provider_name: z.string().trim().min(1, 'the statutory name of the provider').max(300),
  /** The service's public name (every row of sheets 3–11 carries it). */
  service_name: z.string().trim().min(1).max(300),
  provider_kind: z.enum(PROVIDER_KINDS),
  /** A correction of this published report: a new version with the list of changes and reasons. */
  supersedes: z.uuid().optional(),
  changes: z.array(ChangeEntry).max(200).optional(),
  inputs: ReportInputs.optional(),
});
export type CreateReportBody = z.infer<typeof CreateReportBody>;

export const CREATE_EXAMPLE: CreateReportBody = {
  period_start: '2025-01-01',
  period_end: '2025-12-31',
  provider_name: 'Forum Example SAS',
  service_name: 'Forum Example',
  provider_kind: 'online_platform',
};

export const EXPORT_FORMATS = ['csv', 'zip', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const ExportQuery = z.object({
  format: z.enum(EXPORT_FORMATS),
  /** format=csv: which sheet. */
  sheet: z.enum(SHEET_NAMES).optional(),
});

/** The figures as stored (checked loosely: they come from computeReport, not from a caller). */
export type StoredFigures = ReportFigures;

export const ReportStatus = z.enum(['draft', 'frozen', 'published']);
export type ReportStatus = z.infer<typeof ReportStatus>;
