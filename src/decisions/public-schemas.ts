import { z } from 'zod';

export const PublicStatementParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a decision id (UUID)' }) });

export const PublicStatementQuery = z.strictObject({
  /** For links; prefer the X-Appeal-Token header (query strings end up in logs). */
  token: z.string().min(10).max(200).optional(),
  locale: z.enum(['en', 'fr']).optional(),
});

const PublicDecision = z.object({
  id: z.string(),
  decided_at: z.string(),
  outcome: z.string().describe('restriction, no_action or warning'),
  current: z.boolean().describe('false when the decision was corrected since (see superseded_by)'),
  summary: z.string().describe('One sentence: what applies'),
  restrictions: z.array(z.string()).describe('Restriction types, as Transparency Database keys'),
  statement: z
    .object({ puid: z.string().nullable(), title: z.string(), sections: z.array(z.object({ heading: z.string(), text: z.string() })) })
    .nullable()
    .describe('The statement of reasons in `locale` (null for a decision to take no action)'),
  details: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('Fields of the statement that concern the person (Transparency Database names): restrictions, ground, explanation, territorial scope, end dates…'),
});

export const PublicStatementResponse = PublicDecision.extend({
  locale: z.enum(['en', 'fr']),
  appeal: z.object({
    open_until: z.string().describe('Last day to contest this decision (six months, DSA Art. 20(1))'),
    status: z.enum(['none', 'open', 'decided']),
    outcome: z.enum(['upheld', 'reversed', 'modified']).nullable(),
    can_appeal: z.boolean(),
  }),
  superseded_by: PublicDecision.nullable().describe('The current decision, when this one was corrected (on appeal or otherwise)'),
});
