import { z } from 'zod';
import { httpUrl } from '../http/validators.ts';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { CATEGORIES, KEYWORDS } from '../taxonomy/categories.ts';
import { LANGUAGES } from '../taxonomy/languages.ts';
import {
  ACCOUNT_TYPES,
  AUTOMATED_DECISIONS,
  CONTENT_TYPES,
  DECISION_ACCOUNT,
  DECISION_GROUNDS,
  DECISION_MONETARY,
  DECISION_PROVISION,
  DECISION_VISIBILITY,
  TERRITORIAL_SCOPE,
} from './tdb-enums.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

/** YYYY-MM-DD, a real calendar date within the Transparency Database's bounds. */
const isoDate = (min: string, max: string) =>
  z.string().refine((v) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v && v >= min && v <= max;
  }, `a real date YYYY-MM-DD between ${min} and ${max}`);


const RESTRICTION_FIELDS = ['decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account'] as const;
const ILLEGAL_FIELDS = ['illegal_content_legal_ground', 'illegal_content_explanation'] as const;
const INCOMPATIBLE_FIELDS = ['incompatible_content_ground', 'incompatible_content_explanation'] as const;

/**
 * A moderator's decision on a case. Restriction fields use the scales and names of the DSA Transparency
 * Database (decision_visibility, decision_monetary, decision_provision, decision_account), so the
 * statement of reasons maps one to one. `no_action` closes the case without a restriction.
 */
export const DecisionBody = z
  .strictObject({
    outcome: z.enum(['restriction', 'no_action']),
    decision_visibility: z.array(z.enum(DECISION_VISIBILITY)).min(1).optional(),
    decision_visibility_other: text(500).optional(),
    decision_monetary: z.enum(DECISION_MONETARY).optional(),
    decision_monetary_other: text(500).optional(),
    decision_provision: z.enum(DECISION_PROVISION).optional(),
    decision_account: z.enum(DECISION_ACCOUNT).optional(),
    end_date_visibility_restriction: isoDate('2000-01-01', '2038-01-01').optional(),
    end_date_monetary_restriction: isoDate('2000-01-01', '2038-01-01').optional(),
    end_date_service_restriction: isoDate('2000-01-01', '2038-01-01').optional(),
    end_date_account_restriction: isoDate('2000-01-01', '2038-01-01').optional(),
    territorial_scope: z.array(z.enum(TERRITORIAL_SCOPE)).min(1).optional(),
    account_type: z.enum(ACCOUNT_TYPES).optional(),
    decision_ground: z.enum(DECISION_GROUNDS).optional(),
    decision_ground_reference_url: httpUrl(500).optional(),
    illegal_content_legal_ground: text(500).optional(),
    illegal_content_explanation: text(2000).optional(),
    incompatible_content_ground: text(500).optional(),
    incompatible_content_explanation: text(2000).optional(),
    incompatible_content_illegal: z.boolean().optional(),
    decision_facts: text(5000),
    automated_detection: z.boolean().default(false),
    automated_decision: z.enum(AUTOMATED_DECISIONS).default('AUTOMATED_DECISION_NOT_AUTOMATED'),
    content_type: z.array(z.enum(CONTENT_TYPES)).min(1).optional(),
    content_type_other: text(500).optional(),
    content_language: z.enum(LANGUAGES).optional(),
    content_date: isoDate('2000-01-01', '2038-01-01').optional(),
    category: z.enum(CATEGORIES).optional(),
    category_addition: z.array(z.enum(CATEGORIES)).optional(),
    category_specification: z.array(z.enum(KEYWORDS)).optional(),
    category_specification_other: text(500).optional(),
    /**
     * The content is manifestly illegal (DSA Art. 23(1)): the account that posted it (affected_user.platform_user_ref)
     * gets a strike, and the service's strike thresholds may warn or suspend it.
     */
    manifestly_illegal: z.boolean().default(false),
    affected_user: z
      .strictObject({
        email: z.email().max(254).optional(),
        locale: z.enum(['en', 'fr']).default('en'),
        platform_user_ref: text(200).optional(),
      })
      .optional(),
  })
  .superRefine(
    (d, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: path.split('.'), message });
      const has = (k: string) => (d as Record<string, unknown>)[k] !== undefined;
      if (d.manifestly_illegal) {
        if (d.outcome !== 'restriction' || d.decision_ground !== 'DECISION_GROUND_ILLEGAL_CONTENT') {
          issue('manifestly_illegal', 'only for a restriction on the ground of illegal content');
        } else if (d.affected_user?.platform_user_ref === undefined) {
          issue('affected_user.platform_user_ref', 'required when manifestly_illegal is true: the account that gets the strike');
        }
      }
      if (d.outcome === 'no_action') {
        for (const k of [...RESTRICTION_FIELDS, 'decision_ground', ...ILLEGAL_FIELDS, ...INCOMPATIBLE_FIELDS]) {
          if (has(k)) issue(k, 'not allowed when outcome is no_action');
        }
        return;
      }
      if (!RESTRICTION_FIELDS.some(has)) issue('decision_visibility', 'a restriction needs at least one of decision_visibility, decision_monetary, decision_provision, decision_account');
      if (!has('decision_ground')) issue('decision_ground', 'required for a restriction: illegal content or incompatibility with the terms and conditions');
      if (d.decision_ground === 'DECISION_GROUND_ILLEGAL_CONTENT') {
        for (const k of ILLEGAL_FIELDS) if (!has(k)) issue(k, 'required when the ground is illegal content');
        for (const k of [...INCOMPATIBLE_FIELDS, 'incompatible_content_illegal']) if (has(k)) issue(k, 'only when the ground is incompatibility with the terms and conditions');
      }
      if (d.decision_ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT') {
        for (const k of INCOMPATIBLE_FIELDS) if (!has(k)) issue(k, 'required when the ground is incompatibility with the terms and conditions');
        for (const k of ILLEGAL_FIELDS) if (has(k)) issue(k, 'only when the ground is illegal content');
      }
      if (!has('content_type')) issue('content_type', 'required for a restriction (statement of reasons)');
      if (!has('content_date')) issue('content_date', 'required for a restriction: when the content was posted');
      const other = (field: string, otherField: string, present: boolean) => {
        if (present && !has(otherField)) issue(otherField, `required when ${field} is "other"`);
        if (!present && has(otherField)) issue(otherField, `only when ${field} is "other"`);
      };
      // The refinement also runs when fields failed their own schema (to list every problem at once): guard types.
      const listHas = (v: unknown, item: string) => Array.isArray(v) && v.includes(item);
      other('decision_visibility', 'decision_visibility_other', listHas(d.decision_visibility, 'DECISION_VISIBILITY_OTHER'));
      other('decision_monetary', 'decision_monetary_other', d.decision_monetary === 'DECISION_MONETARY_OTHER');
      other('content_type', 'content_type_other', listHas(d.content_type, 'CONTENT_TYPE_OTHER'));
    },
    { when: (p) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) },
  );
export type DecisionInput = z.output<typeof DecisionBody>;

export const DECISION_EXAMPLE = {
  outcome: 'restriction',
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  territorial_scope: ['FR'],
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  illegal_content_legal_ground: 'Loi du 29 juillet 1881, art. 24 (provocation à la haine)',
  illegal_content_explanation: 'The post calls for violence against people because of their religion.',
  decision_facts: 'Reported by a user on 2026-11-20; the post names a religious group and calls for attacks on its places of worship.',
  automated_detection: false,
  automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
  content_type: ['CONTENT_TYPE_TEXT'],
  content_language: 'fr',
  content_date: '2026-11-20',
  affected_user: { email: 'author@example.org', locale: 'fr' },
} satisfies z.input<typeof DecisionBody>;

export const ServiceParams = z.object({ service: z.string() });
export const CaseParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a case id (UUID)' }) });
export const DecisionParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a decision id (UUID)' }) });
export const PuidParams = z.object({ service: z.string(), puid: z.string().regex(/^[a-zA-Z0-9_-]{1,500}$/, 'not a puid') });
export const StatementQuery = z.strictObject({ locale: z.enum(['en', 'fr']).default('en') });
export const ExportQuery = z
  .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });

// --- Internal complaints (appeals, DSA Art. 20) ---

const appealToken = z.string().min(10).max(100);

export const AppealBody = z.strictObject({
  token: appealToken,
  explanation: text(5000),
});
export const APPEAL_EXAMPLE = {
  token: 'the-token-you-were-given-with-the-decision',
  explanation: 'The post quoted the slogan to criticise it; the full thread shows it.',
} satisfies z.input<typeof AppealBody>;

export const NoticeAppealParams = z.object({
  service: z.string(),
  reference: z.string().regex(/^N-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'not a notice reference'),
});
export const AppealParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be an appeal id (UUID)' }) });

export const AppealListQuery = z.strictObject({
  status: z.enum(['open', 'decided']).default('open'),
  cursor: cursorParam(z.tuple([z.string(), z.string()])).optional(),
  limit: limitParam,
});

export const AppealDecisionBody = z
  .strictObject({
    outcome: z.enum(['upheld', 'reversed', 'modified']),
    reason: text(4000),
    decision: DecisionBody.optional(),
  })
  .superRefine(
    (b, ctx) => {
      if (b.outcome === 'modified' && b.decision === undefined) ctx.addIssue({ code: 'custom', path: ['decision'], message: 'required when the outcome is modified: the new decision' });
      if (b.outcome !== 'modified' && b.decision !== undefined) ctx.addIssue({ code: 'custom', path: ['decision'], message: 'only when the outcome is modified' });
    },
    { when: (p) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) },
  );
export type AppealDecisionInput = z.output<typeof AppealDecisionBody>;
export const APPEAL_DECISION_EXAMPLE = {
  outcome: 'upheld',
  reason: 'The post calls for attacks on places of worship; the context given does not change that.',
} satisfies z.input<typeof AppealDecisionBody>;
