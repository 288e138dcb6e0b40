import { Readable } from 'node:stream';
import { decisionRequest } from './request.ts';
import { notFound } from '../http/errors.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import * as s from './schemas.ts';
import { decide, exportStatements, getDecision } from './service.ts';
import { caseDecisions, findStatementByPuid } from './sql.ts';
import { presentDecision } from './service.ts';
import { PreviewBody, previewDecision } from './preview.ts';

const tags = ['decisions'];

/** 201 with the decision when it took effect; 202 with the proposal when a four-eyes rule holds it. */
const answer = (r: Awaited<ReturnType<typeof decide>>) =>
  r.status === 'taken' ? { status: 201, body: r.decision } : { status: 202, body: { status: r.status, proposal: r.proposal } };

export const decisionRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/:id/decisions',
    operationId: 'decideCase',
    summary: 'Decide a case you hold: a restriction with its statement of reasons, or no action',
    description:
      'Restrictions use the DSA Transparency Database scales; the statement of reasons is validated against the TDB rules ' +
      'before anything is stored. Closes the case and queues the outcome to notifiers and the statement to the affected user.',
    tags,
    access: can('decisions:create'),
    params: s.CaseParams,
    body: s.DecisionBody,
    bodyExample: s.DECISION_EXAMPLE,
    responses: {
      201: { description: 'The decision and its statement of reasons' },
      202: { description: 'Held for approval under a four-eyes rule: `{status: "pending_approval", proposal}`; nothing takes effect until a senior approves it' },
    },
    handler: async (ctx) => answer(await decide(ctx.app.db, decisionRequest(ctx), { caseId: ctx.params.id }, ctx.body)),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/cases/:id/decisions/preview',
    operationId: 'previewCaseDecision',
    summary: 'Preview a decision: its field problems and the statement of reasons it would produce (writes nothing)',
    description:
      'Takes the same body as deciding the case, and may be called with an incomplete one. Answers 200 with `valid`, the `fields` ' +
      'the decide route would reject (same paths and reasons, the Transparency Database rules included), the statement of reasons ' +
      'in French and English, the TDB JSON (its puid is a placeholder) and the affected user\'s locale. A body that is not a JSON object is a 400.',
    tags,
    access: can('decisions:create'),
    params: s.CaseParams,
    body: PreviewBody,
    bodyExample: s.DECISION_EXAMPLE,
    responses: { 200: { description: '`{valid, fields, statement: {fr, en}, tdb, affected_user_locale, four_eyes_rules, claimed_by_you, case_status}`' } },
    handler: async ({ app, access, params, body }) => ({ body: await previewDecision(app.db, access, params.id, body) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/decisions/:id/corrections',
    operationId: 'correctDecision',
    summary: 'Correct a decision: a new decision that supersedes it (both stay in the history)',
    tags,
    access: can('decisions:correct'),
    params: s.DecisionParams,
    body: s.DecisionBody,
    bodyExample: s.DECISION_EXAMPLE,
    responses: {
      201: { description: 'The new decision' },
      202: { description: 'Held for approval under a four-eyes rule: `{status: "pending_approval", proposal}`' },
    },
    handler: async (ctx) => answer(await decide(ctx.app.db, decisionRequest(ctx), { supersedes: ctx.params.id }, ctx.body)),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/decisions/:id',
    operationId: 'getDecision',
    summary: 'A decision, with its statement of reasons (TDB JSON and text in the requested language)',
    tags,
    access: can('decisions:read'),
    params: s.DecisionParams,
    query: s.StatementQuery,
    responses: { 200: { description: 'The decision' } },
    handler: async ({ app, access, params, query }) => ({ body: await getDecision(app.db, access.serviceId, params.id, query.locale) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/cases/:id/decisions',
    operationId: 'listCaseDecisions',
    summary: 'The decisions on a case, oldest first (corrections included)',
    tags,
    access: can('decisions:read'),
    params: s.CaseParams,
    query: s.StatementQuery,
    responses: { 200: { description: 'Decisions' } },
    handler: async ({ app, access, params, query }) => ({
      body: { items: (await caseDecisions(app.db, access.serviceId, params.id)).map((d) => presentDecision(d, query.locale)) },
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/statements/:puid',
    operationId: 'getStatementTdb',
    summary: 'One statement of reasons in the DSA Transparency Database API format',
    tags,
    access: can('decisions:read'),
    params: s.PuidParams,
    responses: { 200: { description: 'The TDB statement' } },
    async handler({ app, access, params }) {
      const tdb = await findStatementByPuid(app.db, access.serviceId, params.puid);
      if (!tdb) throw notFound('Statement of reasons');
      return { body: tdb };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/statements',
    operationId: 'exportStatements',
    summary: 'Every statement of reasons created in [from, to), as NDJSON in the TDB format (streamed)',
    tags,
    access: can('decisions:read'),
    params: s.ServiceParams,
    query: s.ExportQuery,
    responses: { 200: { description: 'application/x-ndjson, one TDB statement per line' } },
    async handler({ app, access, query, reply }) {
      void reply.type('application/x-ndjson; charset=utf-8');
      return { body: Readable.from(exportStatements(app.db, access.serviceId, query.from, query.to)) };
    },
  }),
];
