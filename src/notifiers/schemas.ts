import { z } from 'zod';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { CATEGORIES } from '../taxonomy/categories.ts';
import { EU_EEA_COUNTRIES } from '../taxonomy/languages.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Suspensions are bounded (Art. 23(2): "for a reasonable period of time"). */
export const SUSPENSION_DAYS = { min: 1, max: 365 } as const;
/** Applies while a service has set no policy of its own (docs/notifiers.md). */
export const DEFAULT_NOTIFIER_POLICY = { unfounded_threshold: 5, window_days: 180 } as const;

export const ServiceParams = z.object({ service: z.string() });
export const NotifierParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a notifier id (UUID)' }) });
export const SuspensionParams = z.object({
  service: z.string(),
  id: z.uuid({ message: 'must be a notifier id (UUID)' }),
  suspensionId: z.uuid({ message: 'must be a suspension id (UUID)' }),
});
export const NoticeParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a notice id (UUID)' }) });

export const NotifierListQuery = z.strictObject({
  trusted: flag.optional(),
  suspended: flag.optional(),
  kind: z.enum(['api_key', 'email']).optional(),
  cursor: cursorParam(z.tuple([z.string(), z.string()])).optional(),
  limit: limitParam,
});

export const StatsQuery = z
  .strictObject({ from: day.optional(), to: day.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ['from'], message: 'must not be after `to`' });

/** TDB statement categories: a trusted flagger's area of expertise (Art. 22(2)(a)). */
const Expertise = z
  .array(z.enum(CATEGORIES, { message: 'must be a DSA Transparency Database category (STATEMENT_CATEGORY_…)' }))
  .max(CATEGORIES.length)
  .refine((e) => new Set(e).size === e.length, 'lists a category twice');

export const Designation = z.strictObject({
  coordinator: text(200).describe('The Digital Services Coordinator that awarded the status'),
  member_state: z.enum(EU_EEA_COUNTRIES, { message: 'must be an EU/EEA member state code (e.g. FR)' }),
  designated_at: day,
  reference: text(200).optional(),
});

export const RegisterBody = z.strictObject({
  display_name: text(200),
  api_key_ids: z.array(z.uuid({ message: 'must be an API key id (UUID)' })).max(50).default([]),
});
export const REGISTER_EXAMPLE = { display_name: 'Point de Contact', api_key_ids: [] } satisfies z.input<typeof RegisterBody>;

export const BindKeyBody = z.strictObject({ api_key_id: z.uuid({ message: 'must be an API key id (UUID)' }) });

export const PatchBody = z
  .strictObject({
    display_name: text(200).optional(),
    trusted_flagger: z.boolean().optional(),
    expertise: Expertise.optional(),
    designation: Designation.nullable().optional(),
    reason: text(2000).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.trusted_flagger !== undefined || b.expertise !== undefined) && b.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'required when granting or revoking trusted-flagger status or changing the expertise' });
    }
    if (Object.keys(b).length === 0) ctx.addIssue({ code: 'custom', path: [], message: 'nothing to change' });
  });
export type PatchInput = z.output<typeof PatchBody>;
export const PATCH_EXAMPLE = {
  trusted_flagger: true,
  expertise: ['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS'],
  designation: { coordinator: 'Arcom', member_state: 'FR', designated_at: '2025-01-15', reference: 'ARCOM-TF-2025-004' },
  reason: 'Awarded trusted-flagger status by Arcom on 2025-01-15',
} satisfies z.input<typeof PatchBody>;

export const WarningBody = z.strictObject({ reason: text(2000) });
export const WARNING_EXAMPLE = { reason: '7 of your notices in the last 6 months were manifestly unfounded (the items were plainly lawful).' };

export const SuspensionBody = z.strictObject({
  reason: text(2000),
  days: z
    .number({ message: `a number of days (${SUSPENSION_DAYS.min}–${SUSPENSION_DAYS.max})` })
    .int('whole days')
    .min(SUSPENSION_DAYS.min, `at least ${SUSPENSION_DAYS.min} day`)
    .max(SUSPENSION_DAYS.max, `at most ${SUSPENSION_DAYS.max} days (a reasonable period, Art. 23(2))`),
});
export const SUSPENSION_EXAMPLE = { reason: 'Manifestly unfounded notices continued after the warning of 2026-03-02.', days: 30 };

export const LiftBody = z.strictObject({ reason: text(2000) });
export const LIFT_EXAMPLE = { reason: 'The notifier explained and corrected its process.' };

export const AssessmentBody = z.strictObject({
  manifestly_unfounded: z.boolean().default(true),
  reason: text(2000),
});
export const ASSESSMENT_EXAMPLE = { manifestly_unfounded: true, reason: 'The reported post is a recipe; nothing in it is illegal or against the terms.' };

export const PolicyBody = z.strictObject({
  unfounded_threshold: z.number().int().min(1).max(10_000),
  window_days: z.number().int().min(1).max(3650),
});
