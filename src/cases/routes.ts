import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import type { HandlerContext } from '../http/route.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { page, pageSchema } from '../http/pagination.ts';
import { createQueue, listPolicies, replacePolicies, updateQueue } from './admin.ts';
import * as s from './schemas.ts';
import { CaseService } from './service.ts';

function cases(ctx: HandlerContext<unknown, unknown, unknown>): CaseService {
  return new CaseService(ctx.app.db, ctx.access, actorOf(ctx.principal), ctx.requestId, ctx.app.config.claimTtlMinutes);
}

const CaseResult = z.object({ case: s.CaseView.nullable() });
const tags = ['cases'];

export const caseRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/queues',
    operationId: 'listQueues',
    summary: 'Queues you can see, with open, unclaimed and SLA-breached counts',
    tags,
    access: can('cases:read'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Queues' } },
    handler: async (ctx) => ({ body: { items: await cases(ctx).listQueues() } }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/cases',
    operationId: 'listCases',
    summary: 'Cases in priority order (tier, trusted flaggers first, deadline), keyset-paged',
    tags,
    access: can('cases:read'),
    params: s.ServiceParams,
    query: s.CaseListQuery,
    responses: { 200: { description: 'A page of cases', schema: pageSchema(s.CaseView) } },
    async handler(ctx) {
      const { query } = ctx;
      const rows = await cases(ctx).list({
        queue: query.queue,
        status: query.status,
        category: query.category,
        breached: query.breached,
        massReport: query.mass_report,
        claimedBy: query.mine ? ctx.access.userId ?? '00000000-0000-0000-0000-000000000000' : undefined,
        unclaimed: query.unclaimed,
        after: query.cursor,
        limit: query.limit,
      });
      const p = page(rows, query.limit, ({ row }) => [row.tier, row.trust_rank, row.deadline_key, row.id]);
      return { body: { items: p.items.map((r) => r.view), next_cursor: p.next_cursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/cases/:id',
    operationId: 'getCase',
    summary: 'One case with its notices and internal notes',
    tags,
    access: can('cases:read'),
    params: s.CaseParams,
    responses: { 200: { description: 'The case' } },
    handler: async (ctx) => ({ body: await cases(ctx).get(ctx.params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/claim-next',
    operationId: 'claimNextCase',
    summary: 'Claim the most urgent unclaimed case you may work (optionally in one queue)',
    description: 'The claim expires after CLAIM_TTL_MINUTES; claim the case again to renew it. `case` is null when nothing is waiting.',
    tags,
    access: can('cases:claim'),
    params: s.ServiceParams,
    body: s.ClaimNextBody,
    bodyExample: { queue: 'general' },
    responses: { 200: { description: 'The claimed case, or null', schema: CaseResult } },
    handler: async (ctx) => ({ body: { case: await cases(ctx).claimNext(ctx.body.queue) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/:id/claim',
    operationId: 'claimCase',
    summary: 'Claim one case (or renew your claim)',
    tags,
    access: can('cases:claim'),
    params: s.CaseParams,
    responses: { 200: { description: 'The case', schema: CaseResult } },
    handler: async (ctx) => ({ body: { case: await cases(ctx).claim(ctx.params.id) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/:id/release',
    operationId: 'releaseCase',
    summary: 'Give a claimed case back to its queue',
    tags,
    access: can('cases:claim'),
    params: s.CaseParams,
    responses: { 200: { description: 'The case', schema: CaseResult } },
    handler: async (ctx) => ({ body: { case: await cases(ctx).release(ctx.params.id) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/:id/assign',
    operationId: 'assignCase',
    summary: 'Reassign a case to another moderator who can work its queue',
    tags,
    access: can('cases:assign'),
    params: s.CaseParams,
    body: s.AssignBody,
    bodyExample: { user_id: '0b6c7d0e-8a51-4d4a-9c57-3f1f3e8e9a10' },
    responses: { 200: { description: 'The case', schema: CaseResult } },
    handler: async (ctx) => ({ body: { case: await cases(ctx).assign(ctx.params.id, ctx.body.user_id) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/:id/escalate',
    operationId: 'escalateCase',
    summary: "Escalate a case to its queue's senior queue, with a reason",
    tags,
    access: can('cases:escalate'),
    params: s.CaseParams,
    body: s.EscalateBody,
    bodyExample: { reason: 'Possible credible threat; needs a senior decision.' },
    responses: { 200: { description: 'The case', schema: CaseResult } },
    handler: async (ctx) => ({ body: { case: await cases(ctx).escalate(ctx.params.id, ctx.body.reason) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/:id/notes',
    operationId: 'addCaseNote',
    summary: 'Add an internal note to a case',
    tags,
    access: can('cases:note'),
    params: s.CaseParams,
    body: s.NoteBody,
    bodyExample: { body: 'Same account posted similar content last week.' },
    responses: { 201: { description: 'The note' } },
    handler: async (ctx) => ({ status: 201, body: await cases(ctx).addNote(ctx.params.id, ctx.body.body) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/sla-policies',
    operationId: 'listSlaPolicies',
    summary: 'Triage policy: tier, deadline and queue per category / sub-category',
    tags: ['policy'],
    access: can('cases:read'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Policies' } },
    handler: async ({ app, access }) => ({ body: { policies: await listPolicies(app.db, access.serviceId) } }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/sla-policies',
    operationId: 'replaceSlaPolicies',
    summary: 'Replace the triage policy (must include the default row "*")',
    tags: ['policy'],
    access: can('policy:manage'),
    params: s.ServiceParams,
    body: s.PoliciesBody,
    bodyExample: s.PoliciesBody.meta()?.example,
    responses: { 200: { description: 'The new policy' } },
    handler: async (ctx) => ({
      body: { policies: await replacePolicies(ctx.app.db, ctx.access.serviceId, ctx.body.policies, actorOf(ctx.principal), ctx.requestId) },
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/queues',
    operationId: 'createQueue',
    summary: 'Create a queue (optionally owned by a team, with its escalation queue)',
    tags: ['policy'],
    access: can('policy:manage'),
    params: s.ServiceParams,
    body: s.QueueBody,
    bodyExample: s.QueueBody.meta()?.example,
    responses: { 201: { description: 'The queue' } },
    handler: async (ctx) => ({ status: 201, body: await createQueue(ctx.app.db, ctx.access.serviceId, ctx.body, actorOf(ctx.principal), ctx.requestId) }),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/v1/services/:service/queues/:queue',
    operationId: 'updateQueue',
    summary: "Rename a queue, change its owning team or its escalation queue",
    tags: ['policy'],
    access: can('policy:manage'),
    params: s.QueueParams,
    body: s.QueuePatchBody,
    bodyExample: { team: 'child-safety' },
    responses: { 200: { description: 'The queue' } },
    handler: async (ctx) => ({
      body: await updateQueue(ctx.app.db, ctx.access.serviceId, ctx.params.queue, ctx.body, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
];
