import { z } from 'zod';
import { CATEGORIES, KEYWORDS } from '../taxonomy/categories.ts';
import { cursorParam, limitParam } from '../http/pagination.ts';

export const ServiceParams = z.object({ service: z.string() });
export const CaseParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a case id (UUID)' }) });

const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const CaseListQuery = z.strictObject({
  queue: z.string().max(60).optional(),
  status: z.enum(['open', 'pending_approval', 'closed']).default('open'),
  category: z.enum(CATEGORIES).optional(),
  breached: boolQuery.optional(),
  mass_report: boolQuery.optional(),
  mine: boolQuery.optional(),
  unclaimed: boolQuery.optional(),
  cursor: cursorParam(z.tuple([z.number(), z.number(), z.string(), z.string()])).optional(),
  limit: limitParam,
});

export const ClaimNextBody = z.strictObject({ queue: z.string().min(1).max(60).optional() }).meta({ example: { queue: 'general' } });
export const AssignBody = z.strictObject({ user_id: z.uuid() });
export const EscalateBody = z.strictObject({ reason: z.string().trim().min(3).max(2000) });
export const NoteBody = z.strictObject({ body: z.string().trim().min(1).max(10000) });

export const CaseView = z.object({
  id: z.string(),
  queue: z.string(),
  category: z.string(),
  subcategory: z.string().nullable(),
  content: z.object({ url: z.string().nullable(), content_id: z.string().nullable() }),
  status: z.string(),
  tier: z.number(),
  trusted: z.boolean(),
  escalated: z.boolean(),
  notice_count: z.number(),
  mass_report_suspected: z.boolean(),
  claimed_by: z.string().nullable(),
  claim_expires_at: z.string().nullable(),
  sla: z.object({ deadline_at: z.string(), breached: z.boolean(), seconds_left: z.number() }),
  created_at: z.string(),
  updated_at: z.string(),
});

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,58}$/, 'lower-case letters, digits and dashes');

export const PolicyItem = z.strictObject({
  category: z.union([z.enum(CATEGORIES), z.literal('*')]),
  subcategory: z.union([z.enum(KEYWORDS), z.literal('*')]).default('*'),
  tier: z.number().int().min(0).max(9),
  deadline_minutes: z.number().int().min(1).max(60 * 24 * 90),
  queue: slug,
});
export const PoliciesBody = z
  .strictObject({ policies: z.array(PolicyItem).min(1).max(500) })
  .meta({
    example: {
      policies: [
        { category: '*', subcategory: '*', tier: 1, deadline_minutes: 1440, queue: 'general' },
        { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', subcategory: 'KEYWORD_TERRORIST_CONTENT', tier: 0, deadline_minutes: 60, queue: 'terrorism' },
      ],
    },
  });

export const QueueBody = z
  .strictObject({
    slug,
    name: z.string().trim().min(1).max(100),
    kind: z.enum(['standard', 'senior']).default('standard'),
    team: slug.nullable().default(null),
    escalation_queue: slug.nullable().default(null),
  })
  .meta({ example: { slug: 'hate-speech', name: 'Hate speech', kind: 'standard', team: null, escalation_queue: 'senior' } });

export const QueuePatchBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    team: slug.nullable().optional(),
    escalation_queue: slug.nullable().optional(),
  })
  .meta({ example: { team: 'child-safety' } });
export const QueueParams = z.object({ service: z.string(), queue: slug });
