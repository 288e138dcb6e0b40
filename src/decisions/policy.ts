import { z } from 'zod';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import { CATEGORIES } from '../taxonomy/categories.ts';
import type { DecisionInput } from './schemas.ts';
import { DECISION_ACCOUNT, DECISION_GROUNDS, DECISION_MONETARY, DECISION_PROVISION, DECISION_VISIBILITY } from './tdb-enums.ts';

/**
 * A four-eyes rule: a decision matching it is held until a second, senior person approves it. Within a
 * field the values are alternatives; across fields all must match (e.g. account termination *and* a
 * category). A rule names at least one criterion.
 */
const FourEyesRule = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes (1 to 63)'),
    outcome: z.array(z.enum(['restriction', 'no_action'])).min(1).optional(),
    decision_visibility: z.array(z.enum(DECISION_VISIBILITY)).min(1).optional(),
    decision_monetary: z.array(z.enum(DECISION_MONETARY)).min(1).optional(),
    decision_provision: z.array(z.enum(DECISION_PROVISION)).min(1).optional(),
    decision_account: z.array(z.enum(DECISION_ACCOUNT)).min(1).optional(),
    decision_ground: z.array(z.enum(DECISION_GROUNDS)).min(1).optional(),
    categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
  })
  .refine((r) => Object.keys(r).some((k) => k !== 'name'), { message: 'a rule needs at least one criterion besides its name' });
export type FourEyesRule = z.output<typeof FourEyesRule>;

const StrikeThreshold = z
  .strictObject({
    strikes: z.number().int().min(1).max(1000),
    action: z.enum(['warning', 'suspension']),
    /** How long the account is suspended (DSA Art. 23(1): "for a reasonable period of time"). */
    suspension_days: z.number().int().min(1).max(3650).optional(),
  })
  .superRefine(
    (t, ctx) => {
      if (t.action === 'suspension' && t.suspension_days === undefined) ctx.addIssue({ code: 'custom', path: ['suspension_days'], message: 'required for a suspension' });
      if (t.action === 'warning' && t.suspension_days !== undefined) ctx.addIssue({ code: 'custom', path: ['suspension_days'], message: 'only for a suspension' });
    },
    { when: (p) => typeof p.value === 'object' && p.value !== null },
  );

export const DecisionPolicyBody = z.strictObject({
  four_eyes: z
    .strictObject({ rules: z.array(FourEyesRule).max(50) })
    .superRefine(
      (f, ctx) => {
        const seen = new Set<string>();
        f.rules.forEach((r, i) => {
          if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: 'rule names must be unique' });
          seen.add(r.name);
        });
      },
      { when: (p) => typeof p.value === 'object' && p.value !== null && Array.isArray((p.value as { rules?: unknown }).rules) },
    ),
  quality_review: z.strictObject({
    /** Share of decisions sampled for a blind second review, 0 to 1. */
    sample_rate: z.number().min(0).max(1),
  }),
  strikes: z
    .strictObject({
      enabled: z.boolean(),
      /** Days after which a strike no longer counts. */
      expiry_days: z.number().int().min(1).max(3650),
      /** Steps by number of active strikes, increasing; a warning must come before the first suspension (Art. 23(1)). */
      thresholds: z.array(StrikeThreshold).max(20),
    })
    .superRefine(
      (s, ctx) => {
        s.thresholds.forEach((t, i) => {
          const prev = s.thresholds[i - 1];
          if (prev && t.strikes <= prev.strikes) ctx.addIssue({ code: 'custom', path: ['thresholds', i, 'strikes'], message: 'thresholds must increase' });
        });
        const firstSuspension = s.thresholds.findIndex((t) => t.action === 'suspension');
        if (firstSuspension >= 0 && !s.thresholds.slice(0, firstSuspension).some((t) => t.action === 'warning')) {
          ctx.addIssue({ code: 'custom', path: ['thresholds', firstSuspension, 'action'], message: 'a suspension must follow a warning (DSA Art. 23(1): "after having issued a prior warning")' });
        }
      },
      { when: (p) => typeof p.value === 'object' && p.value !== null && Array.isArray((p.value as { thresholds?: unknown }).thresholds) },
    ),
});
export type DecisionPolicy = z.output<typeof DecisionPolicyBody>;

/** The policy of a service that never set one. */
export const DEFAULT_DECISION_POLICY: DecisionPolicy = {
  four_eyes: {
    rules: [
      { name: 'account-termination', decision_account: ['DECISION_ACCOUNT_TERMINATED'] },
      { name: 'service-termination', decision_provision: ['DECISION_PROVISION_TOTAL_TERMINATION'] },
    ],
  },
  quality_review: { sample_rate: 0.05 },
  strikes: {
    enabled: true,
    expiry_days: 365,
    thresholds: [
      { strikes: 2, action: 'warning' },
      { strikes: 3, action: 'suspension', suspension_days: 30 },
    ],
  },
};

export async function loadDecisionPolicy(db: Db, serviceId: string): Promise<DecisionPolicy> {
  const r = await sql<{ policy: DecisionPolicy }>`select policy from decision_policies where service_id = ${serviceId}`.execute(db);
  return r.rows[0]?.policy ?? DEFAULT_DECISION_POLICY;
}

export async function getDecisionPolicy(db: Db, serviceId: string) {
  const r = await sql<{ policy: DecisionPolicy; updated_at: Date; updated_by: string | null }>`
    select policy, updated_at, updated_by from decision_policies where service_id = ${serviceId}`.execute(db);
  const row = r.rows[0];
  return { policy: row?.policy ?? DEFAULT_DECISION_POLICY, is_default: row === undefined, updated_at: row?.updated_at.toISOString() ?? null, updated_by: row?.updated_by ?? null };
}

export async function replaceDecisionPolicy(db: Db, serviceId: string, userId: string | undefined, actor: AuditActor, requestId: string, policy: DecisionPolicy) {
  return inTransaction(db, async (tx) => {
    await sql`insert into decision_policies (service_id, policy, updated_by) values (${serviceId}, ${JSON.stringify(policy)}::jsonb, ${userId ?? null})
              on conflict (service_id) do update set policy = excluded.policy, updated_by = excluded.updated_by, updated_at = now()`.execute(tx);
    await recordAudit(tx, { serviceId, actor, action: 'decision_policy.replaced', subjectType: 'service', subjectId: serviceId, data: { policy }, requestId });
    return getDecisionPolicy(tx, serviceId);
  });
}

/** The names of the four-eyes rules a decision matches (empty: it takes effect at once). */
export function fourEyesRulesMatched(policy: DecisionPolicy, d: DecisionInput, caseCategory: string): string[] {
  const anyOf = <T>(wanted: readonly T[] | undefined, got: readonly (T | undefined)[]) => wanted === undefined || got.some((g) => g !== undefined && wanted.includes(g));
  const category = d.category ?? caseCategory;
  return policy.four_eyes.rules
    .filter(
      (r) =>
        anyOf(r.outcome ?? ['restriction'], [d.outcome]) &&
        anyOf(r.decision_visibility, d.decision_visibility ?? []) &&
        anyOf(r.decision_monetary, [d.decision_monetary]) &&
        anyOf(r.decision_provision, [d.decision_provision]) &&
        anyOf(r.decision_account, [d.decision_account]) &&
        anyOf(r.decision_ground, [d.decision_ground]) &&
        anyOf(r.categories, [category, ...(d.category_addition ?? [])]),
    )
    .map((r) => r.name);
}
