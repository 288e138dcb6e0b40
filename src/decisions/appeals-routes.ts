import { decisionRequest } from './request.ts';
import { can, defineRoute, PUBLIC, type AnyRoute } from '../http/route.ts';
import { appealAsAffectedUser, appealAsNotifier, decideAppeal, getAppeal, listAppeals } from './appeals.ts';
import * as s from './schemas.ts';

const tags = ['appeals'];

export const appealRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/public/services/:service/decisions/:id/appeals',
    operationId: 'appealDecision',
    summary: 'Contest a decision as its affected user (public, free of charge, no account; DSA Art. 20)',
    description:
      'With the appeal token sent to the affected user with the statement of reasons (email link, also returned once to the moderator as `appeal_token`); the token of an earlier decision also opens the decision that corrected it. Open for six months after the decision. ' +
      'A wrong token or an unknown decision = 404; a corrected decision = DECISION_SUPERSEDED (contest the current one); ' +
      'an appeal already open on the decision = APPEAL_ALREADY_OPEN.',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.DecisionParams,
    body: s.AppealBody,
    bodyExample: s.APPEAL_EXAMPLE,
    responses: { 201: { description: 'The appeal, open' } },
    handler: async ({ app, access, params, body, requestId }) => ({
      status: 201,
      body: await appealAsAffectedUser(app.db, access.serviceId, params.id, body, requestId),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/public/services/:service/notices/:reference/appeals',
    operationId: 'appealNoticeOutcome',
    summary: 'Contest a decision to take no action on your notice (public, free of charge, no account; DSA Art. 20)',
    description: 'With the notice reference and its tracking token. Open for six months after the decision. A wrong token = 404.',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.NoticeAppealParams,
    body: s.AppealBody,
    bodyExample: s.APPEAL_EXAMPLE,
    responses: { 201: { description: 'The appeal, open' } },
    handler: async ({ app, access, params, body, requestId }) => ({
      status: 201,
      body: await appealAsNotifier(app.db, access.serviceId, params.reference, body, requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/appeals',
    operationId: 'listAppeals',
    summary: 'Appeals by status (default open), oldest first (keyset-paged)',
    tags,
    access: can('appeals:read'),
    params: s.ServiceParams,
    query: s.AppealListQuery,
    responses: { 200: { description: 'A page of appeals' } },
    handler: async ({ app, access, query }) => ({ body: await listAppeals(app.db, access.serviceId, query) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/appeals/:id',
    operationId: 'getAppeal',
    summary: 'One appeal',
    tags,
    access: can('appeals:read'),
    params: s.AppealParams,
    responses: { 200: { description: 'The appeal' } },
    handler: async ({ app, access, params }) => ({ body: await getAppeal(app.db, access.serviceId, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/appeals/:id/decide',
    operationId: 'decideAppeal',
    summary: 'Decide an appeal: uphold the decision, reverse it (no action: the content is reinstated) or modify it',
    description:
      'By a signed-in person who did not take the contested decision (APPEAL_SAME_DECIDER), never by an API key. ' +
      '`reversed` and `modified` correct the decision (a new decision supersedes it; the platform gets decision.corrected). ' +
      'The affected user and the notifiers are told the outcome.',
    tags,
    access: can('appeals:decide'),
    params: s.AppealParams,
    body: s.AppealDecisionBody,
    bodyExample: s.APPEAL_DECISION_EXAMPLE,
    responses: { 200: { description: 'The decided appeal, and the new decision when reversed or modified' } },
    handler: async (ctx) => ({
      body: await decideAppeal(ctx.app.db, decisionRequest(ctx), ctx.params.id, ctx.body),
    }),
  }),
];
