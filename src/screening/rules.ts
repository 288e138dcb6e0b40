/**
 * Screening rules as data: conditions over the signals of one screened item (bank matches, classifier
 * scores, language, content kind, trusted flagger, account metadata from the platform) → actions (open or
 * escalate a case, hold the content pending review, suggest a label). Every condition must hold. Pure: the
 * same evaluation serves live screening, shadow mode and backtests over stored signals.
 */
import { z } from 'zod';
import { CATEGORIES, KEYWORDS, keywordAllowed } from '../taxonomy/categories.ts';

/** What screening observed about one item: the input of every rule. Stored with the item for backtests. */
export interface Signals {
  kind: 'image' | 'video' | 'text';
  /** Detected language of a text (ISO 639-1), null when undetected. */
  lang: string | null;
  hash_matches: Array<{ bank: string; entry_id: number; signal_type: string; distance: number; category: string | null }>;
  /** Calibrated classifier probabilities by label (null: no model for that label in this language); null when the language is not covered. */
  scores: Record<string, number | null> | null;
  trusted_flagger: boolean;
  /** Account metadata sent by the platform (e.g. age_days, followers, verified, prior_removals). */
  account: Record<string, string | number | boolean>;
}

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes (1 to 63)');

const Condition = z.discriminatedUnion('signal', [
  z.strictObject({
    signal: z.literal('hash_match'),
    /** Bank slugs (any of); absent = any bank the service matches against. */
    banks: z.array(z.union([slug, z.string().regex(/^hma:.{1,500}$/, 'hma:<bank name> for a bank of the service\'s HMA')])).min(1).optional(),
    max_distance: z.number().int().min(0).max(64).optional(),
  }),
  z.strictObject({ signal: z.literal('classifier'), label: z.string().min(1).max(100), min: z.number().min(0).max(1) }),
  z.strictObject({ signal: z.literal('language'), in: z.array(z.string().regex(/^[a-z]{2,3}$/, 'an ISO 639 code')).min(1) }),
  z.strictObject({ signal: z.literal('content_kind'), in: z.array(z.enum(['image', 'video', 'text'])).min(1) }),
  z.strictObject({ signal: z.literal('trusted_flagger'), is: z.boolean() }),
  z.strictObject({
    signal: z.literal('account'),
    field: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'a snake_case field name'),
    op: z.enum(['eq', 'neq', 'lt', 'lte', 'gt', 'gte']),
    value: z.union([z.number(), z.string().max(200), z.boolean()]),
  }),
]);
export type Condition = z.output<typeof Condition>;

const Action = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('open_case'),
    /** The case's category; default: the matched bank's, else "other violation of the terms". */
    category: z.enum(CATEGORIES).optional(),
    subcategory: z.enum(KEYWORDS).optional(),
  }),
  /** Open the case in the escalation (senior) queue. */
  z.strictObject({ type: z.literal('escalate') }),
  /** Tell the platform to hold the content (not shown) until a person reviews it. */
  z.strictObject({ type: z.literal('hold') }),
  z.strictObject({ type: z.literal('label'), label: z.string().trim().min(1).max(100) }),
]);
export type Action = z.output<typeof Action>;

export const RuleDefinition = z
  .strictObject({
    all: z.array(Condition).min(1).max(20),
    actions: z.array(Action).min(1).max(10),
  })
  .superRefine(
    (d, ctx) => {
      d.actions.forEach((a, i) => {
        if (a.type !== 'open_case' || a.subcategory === undefined) return;
        if (a.category === undefined) ctx.addIssue({ code: 'custom', path: ['actions', i, 'category'], message: 'required with a subcategory' });
        else if (!keywordAllowed(a.category, a.subcategory)) ctx.addIssue({ code: 'custom', path: ['actions', i, 'subcategory'], message: `not a keyword of ${a.category}` });
      });
    },
    { when: (p) => typeof p.value === 'object' && p.value !== null && Array.isArray((p.value as { actions?: unknown }).actions) },
  );
export type RuleDefinition = z.output<typeof RuleDefinition>;

export { slug as RuleSlug };

function compare(op: Extract<Condition, { signal: 'account' }>['op'], got: string | number | boolean | undefined, want: string | number | boolean): boolean {
  if (got === undefined) return false;
  if (op === 'eq') return got === want;
  if (op === 'neq') return got !== want;
  if (typeof got !== 'number' || typeof want !== 'number') return false;
  return op === 'lt' ? got < want : op === 'lte' ? got <= want : op === 'gt' ? got > want : got >= want;
}

/** Whether one condition holds, and why (for the rule log and the moderator). */
export function checkCondition(c: Condition, s: Signals): { ok: boolean; why: string } {
  switch (c.signal) {
    case 'hash_match': {
      const m = s.hash_matches.filter((x) => (!c.banks || c.banks.includes(x.bank)) && (c.max_distance === undefined || x.distance <= c.max_distance));
      const best = m.reduce<(typeof m)[number] | undefined>((a, x) => (a === undefined || x.distance < a.distance ? x : a), undefined);
      return best ? { ok: true, why: `matches ${best.bank} entry ${best.entry_id} at distance ${best.distance}` } : { ok: false, why: 'no bank match' };
    }
    case 'classifier': {
      const p = s.scores?.[c.label];
      if (p === undefined || p === null) return { ok: false, why: s.scores === null ? 'language not covered by the classifier' : `no score for ${c.label}` };
      return { ok: p >= c.min, why: `${c.label} ${p.toFixed(3)} ${p >= c.min ? '≥' : '<'} ${c.min}` };
    }
    case 'language':
      return { ok: s.lang !== null && c.in.includes(s.lang), why: `language ${s.lang ?? 'unknown'}` };
    case 'content_kind':
      return { ok: c.in.includes(s.kind), why: `content ${s.kind}` };
    case 'trusted_flagger':
      return { ok: s.trusted_flagger === c.is, why: s.trusted_flagger ? 'from a trusted flagger' : 'not from a trusted flagger' };
    case 'account': {
      const got = s.account[c.field];
      return { ok: compare(c.op, got, c.value), why: `account.${c.field} = ${got === undefined ? 'absent' : String(got)}` };
    }
  }
}

export interface RuleResult {
  matched: boolean;
  /** One line per condition, in order. */
  reasons: string[];
}

export function evaluateRule(def: RuleDefinition, s: Signals): RuleResult {
  const checks = def.all.map((c) => checkCondition(c, s));
  return { matched: checks.every((c) => c.ok), reasons: checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.why}`) };
}
