/** Routes of the decision policy: the policy itself, four-eyes proposals and account strikes. */
import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { DecisionPolicyBody, DEFAULT_DECISION_POLICY, getDecisionPolicy, replaceDecisionPolicy } from './policy.ts';
import { approveProposal, getProposal, listProposals, rejectProposal } from './proposals.ts';
import { decisionRequest } from './request.ts';
import { ServiceParams } from './schemas.ts';
import { accountStrikes } from './strikes.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const ProposalParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a proposal id (UUID)' }) });
const ProposalListQuery = z.strictObject({
  status: z.enum(['pending', 'approved', 'rejected']).default('pending'),
  cursor: cursorParam(z.tuple([z.string(), z.string()])).optional(),
  limit: limitParam,
});
const ApproveBody = z.strictObject({ note: text(2000).optional() });
const RejectBody = z.strictObject({ reason: text(2000) });
const AccountParams = z.object({ service: z.string(), ref: z.string().min(1).max(200) });

export const governanceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/decision-policy',
    operationId: 'getDecisionPolicy',
    summary: 'The decision policy: four-eyes rules, quality-review sampling, strike thresholds',
    tags: ['policy'],
    access: can('decisions:read'),
    params: ServiceParams,
    responses: { 200: { description: 'The policy (the default one until an admin sets it)' } },
    handler: async ({ app, access }) => ({ body: await getDecisionPolicy(app.db, access.serviceId) }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/decision-policy',
    operationId: 'replaceDecisionPolicy',
    summary: 'Replace the decision policy (whole document, validated; audited)',
    description:
      'Four-eyes rules: a decision matching every criterion of a rule (any of the values listed per criterion) is held until a ' +
      'second person with `decisions:approve` approves it. Quality review: share of decisions sampled for a blind second review. ' +
      'Strikes (DSA Art. 23(1)): decisions marked `manifestly_illegal` give the account a strike that expires after `expiry_days`; ' +
      'reaching a threshold warns, then suspends the account, each step a decision with its statement of reasons.',
    tags: ['policy'],
    access: can('policy:manage'),
    params: ServiceParams,
    body: DecisionPolicyBody,
    bodyExample: DEFAULT_DECISION_POLICY,
    responses: { 200: { description: 'The policy now in force' } },
    handler: async ({ app, access, principal, requestId, body }) => ({
      body: await replaceDecisionPolicy(app.db, access.serviceId, access.userId, actorOf(principal), requestId, body),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/decision-proposals',
    operationId: 'listDecisionProposals',
    summary: 'Decisions held for four-eyes approval (default pending), oldest first (keyset-paged)',
    tags: ['decisions'],
    access: can('decisions:read'),
    params: ServiceParams,
    query: ProposalListQuery,
    responses: { 200: { description: 'A page of proposals' } },
    handler: async ({ app, access, query }) => ({ body: await listProposals(app.db, { access }, query) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/decision-proposals/:id',
    operationId: 'getDecisionProposal',
    summary: 'One proposed decision, with the rules that hold it',
    tags: ['decisions'],
    access: can('decisions:read'),
    params: ProposalParams,
    responses: { 200: { description: 'The proposal' } },
    handler: async ({ app, access, params }) => ({ body: await getProposal(app.db, { access }, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/decision-proposals/:id/approve',
    operationId: 'approveDecisionProposal',
    summary: 'Approve a proposed decision: it is taken now (statement of reasons, platform event, messages)',
    description: 'By a signed-in person other than its author (FOUR_EYES_SAME_PERSON). The decision records both: decided_by and approved_by.',
    tags: ['decisions'],
    access: can('decisions:approve'),
    params: ProposalParams,
    body: ApproveBody,
    bodyExample: { note: 'Checked the account history: termination is proportionate.' },
    responses: { 200: { description: 'The approved proposal and the decision taken' } },
    handler: async (ctx) => ({ body: await approveProposal(ctx.app.db, decisionRequest(ctx), ctx.params.id, ctx.body.note) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/decision-proposals/:id/reject',
    operationId: 'rejectDecisionProposal',
    summary: 'Reject a proposed decision with a reason: nothing is decided, the case returns to its queue',
    tags: ['decisions'],
    access: can('decisions:approve'),
    params: ProposalParams,
    body: RejectBody,
    bodyExample: { reason: 'A first breach: suspend rather than terminate.' },
    responses: { 200: { description: 'The rejected proposal' } },
    handler: async (ctx) => ({ body: await rejectProposal(ctx.app.db, decisionRequest(ctx), ctx.params.id, ctx.body.reason) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/accounts/:ref/strikes',
    operationId: 'getAccountStrikes',
    summary: "An account's strikes (active, expired, revoked) and the warnings and suspensions they led to (DSA Art. 23)",
    tags: ['decisions'],
    access: can('strikes:read'),
    params: AccountParams,
    responses: { 200: { description: 'The strike record' } },
    handler: async ({ app, access, params }) => ({ body: await accountStrikes(app.db, access.serviceId, params.ref) }),
  }),
];
