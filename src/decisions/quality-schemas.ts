import { z } from 'zod';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { CATEGORIES } from '../taxonomy/categories.ts';
import { DECISION_ACCOUNT, DECISION_GROUNDS, DECISION_MONETARY, DECISION_PROVISION, DECISION_VISIBILITY } from './tdb-enums.ts';

export const QualityReviewParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a quality review id (UUID)' }) });

export const QualityReviewListQuery = z.strictObject({
  /** `pending`: the queue (reviews of your own decisions hidden); `done`: the reviews you submitted. */
  status: z.enum(['pending', 'done']).default('pending'),
  cursor: cursorParam(z.tuple([z.string(), z.string()])).optional(),
  limit: limitParam,
});

export const AgreementQuery = z
  .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { path: ['to'], message: 'must be after from' });

/** The restriction scales of the DSA Transparency Database; a reviewer names the ones they would use. */
export const ReviewRestrictions = z.strictObject({
  visibility: z.array(z.enum(DECISION_VISIBILITY)).min(1).optional(),
  monetary: z.enum(DECISION_MONETARY).optional(),
  provision: z.enum(DECISION_PROVISION).optional(),
  account: z.enum(DECISION_ACCOUNT).optional(),
});
export type ReviewRestrictions = z.output<typeof ReviewRestrictions>;

/** The reviewer's own judgement of the case, made without seeing the decision. */
export const QualityReviewBody = z
  .strictObject({
    outcome: z.enum(['restriction', 'no_action']),
    /** The statement category the reviewer would give; the case's category when omitted. */
    category: z.enum(CATEGORIES).optional(),
    decision_ground: z.enum(DECISION_GROUNDS).optional(),
    restrictions: ReviewRestrictions.optional(),
    notes: z.string().trim().min(1).max(4000).optional(),
  })
  .superRefine(
    (b, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
      if (b.outcome === 'no_action') {
        if (b.decision_ground !== undefined) issue('decision_ground', 'not allowed when outcome is no_action');
        if (b.restrictions !== undefined) issue('restrictions', 'not allowed when outcome is no_action');
        return;
      }
      if (b.decision_ground === undefined) issue('decision_ground', 'required for a restriction');
      const r = b.restrictions;
      if (!r || (r.visibility === undefined && r.monetary === undefined && r.provision === undefined && r.account === undefined)) {
        issue('restrictions', 'a restriction needs at least one of visibility, monetary, provision, account');
      }
    },
    { when: (p) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) },
  );
export type QualityReviewInput = z.output<typeof QualityReviewBody>;

export const QUALITY_REVIEW_EXAMPLE = {
  outcome: 'restriction',
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
  notes: 'A call to attack places of worship; removal is proportionate.',
} satisfies z.input<typeof QualityReviewBody>;
