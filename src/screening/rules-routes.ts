import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { caseVisibleTo } from '../cases/index.ts';
import { notFound } from '../http/errors.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { screenedForCase } from './sql.ts';
import { RuleDefinition, RuleSlug } from './rules.ts';
import { backtestRule, getRule, listRules, putRule } from './rules-service.ts';

const tags = ['screening'];
const ServiceParams = z.object({ service: z.string() });
const RuleParams = z.object({ service: z.string(), slug: RuleSlug });

const RuleBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  mode: z.enum(['live', 'shadow', 'disabled']).default('shadow'),
  definition: RuleDefinition,
});

const RULE_EXAMPLE = {
  name: 'Known terrorist media: hold and open a top-priority case',
  mode: 'shadow',
  definition: {
    all: [{ signal: 'hash_match', banks: ['gifct-tvec'], max_distance: 31 }],
    actions: [{ type: 'hold' }, { type: 'open_case', category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', subcategory: 'KEYWORD_TERRORIST_CONTENT' }],
  },
} satisfies z.input<typeof RuleBody>;

const BacktestBody = z
  .strictObject({
    definition: RuleDefinition,
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { path: ['to'], message: 'must be after from' });

const EvidenceQuery = z.strictObject({ case_id: z.uuid({ message: 'must be a case id (UUID)' }) });

export const screeningRuleRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/screened-items',
    operationId: 'listScreenedItemsOfCase',
    summary: "The items automated screening put into a case: the evidence — bank matches with their provenance, scores, rule results",
    tags,
    access: can('cases:read'),
    params: ServiceParams,
    query: EvidenceQuery,
    responses: { 200: { description: 'Screened items of the case, oldest first' } },
    async handler({ app, access, query }) {
      if (!(await caseVisibleTo(app.db, access, query.case_id))) throw notFound('Case');
      const rows = await screenedForCase(app.db, access.serviceId, query.case_id);
      return {
        body: {
          items: rows.map((r) => ({ id: r.id, kind: r.kind, content_id: r.content_id, content_url: r.content_url, signals: r.signals, rules: r.rule_results, held: r.held, labels: r.labels, screened_at: r.created_at.toISOString() })),
        },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/screening-rules',
    operationId: 'listScreeningRules',
    summary: 'Screening rules of the service (current versions)',
    tags,
    access: can('rules:read'),
    params: ServiceParams,
    responses: { 200: { description: 'Rules' } },
    handler: async ({ app, access }) => ({ body: await listRules(app.db, access.serviceId) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/screening-rules/:slug',
    operationId: 'getScreeningRule',
    summary: 'A screening rule with all its versions',
    tags,
    access: can('rules:read'),
    params: RuleParams,
    responses: { 200: { description: 'The rule' } },
    handler: async ({ app, access, params }) => ({ body: await getRule(app.db, access.serviceId, params.slug) }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/screening-rules/:slug',
    operationId: 'putScreeningRule',
    summary: 'Create a screening rule or replace it with a new version (live, shadow or disabled)',
    description:
      'Conditions (all must hold) over the signals of a screened item: `hash_match` (banks, max_distance), `classifier` (label ≥ min), ' +
      '`language`, `content_kind`, `trusted_flagger`, `account` (platform metadata field compared with a value). Actions: `open_case` ' +
      '(category), `escalate` (senior queue), `hold` (the platform keeps the content hidden until reviewed), `label` (a suggestion). ' +
      'A new rule defaults to `shadow`: evaluated and logged on every screened item, no action, until it is set live. Try it first on past ' +
      'items with the backtest.',
    tags,
    access: can('rules:manage'),
    params: RuleParams,
    body: RuleBody,
    bodyExample: RULE_EXAMPLE,
    responses: { 200: { description: 'The rule, at its new version' } },
    handler: async ({ app, access, principal, requestId, params, body }) => ({
      body: await putRule(app.db, access, actorOf(principal), requestId, params.slug, body),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/screening-rules/backtest',
    operationId: 'backtestScreeningRule',
    summary: 'Dry run: what a rule definition would have done over the items screened in [from, to)',
    tags,
    access: can('rules:read'),
    params: ServiceParams,
    body: BacktestBody,
    bodyExample: { definition: RULE_EXAMPLE.definition, from: '2026-11-01T00:00:00Z', to: '2026-11-26T00:00:00Z' },
    responses: { 200: { description: 'Counts of items matched and of what would have been done, with a sample' } },
    handler: async ({ app, access, body }) => ({ body: await backtestRule(app.db, access.serviceId, body.definition, body.from, body.to) }),
  }),
];
