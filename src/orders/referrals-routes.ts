import { actorOf } from '../audit/index.ts';
import { can, defineRoute, type AnyRoute, type HandlerContext } from '../http/route.ts';
import { REFERRAL_RECIPIENTS } from './referral-directory.ts';
import { acknowledgeReferral, createReferral, exportDocument, getReferral, listReferrals, presentReferral, type ReferralRequest } from './referrals.ts';
import * as s from './referrals-schemas.ts';
import { IdParams, ServiceParams } from './schemas.ts';

const tags = ['referrals'];
const referralRequest = (ctx: HandlerContext<unknown, unknown, unknown>): ReferralRequest => ({ access: ctx.access, actor: actorOf(ctx.principal), requestId: ctx.requestId });

export const referralRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/referral-recipients',
    operationId: 'listReferralRecipients',
    summary: 'The built-in directory of authorities and hotlines that receive referrals',
    tags,
    access: can('referrals:create'),
    params: ServiceParams,
    responses: { 200: { description: '`{items}`' } },
    handler: async () => ({ body: { items: REFERRAL_RECIPIENTS } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/referrals',
    operationId: 'createReferral',
    summary: 'Refer a case: a suspected threat to life or safety to the competent authority (DSA Art. 18), or CSAM to the national hotline',
    description:
      'Records what is transmitted (content locations, category, facts, time and time zone, suspect accounts; never the notifier) and when it was sent; ' +
      'answers with the export to send (`export`, format vigie.referral/1).',
    tags,
    access: can('referrals:create'),
    params: ServiceParams,
    body: s.ReferralBody,
    bodyExample: s.ReferralBody.meta()?.example,
    responses: { 201: { description: 'The referral and its export' } },
    handler: async (ctx) => ({ status: 201, body: await createReferral(ctx.app.db, referralRequest(ctx), ctx.body) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/referrals',
    operationId: 'listReferrals',
    summary: 'Referrals, newest first; filter by case or kind',
    tags,
    access: can('referrals:read'),
    params: ServiceParams,
    query: s.ReferralListQuery,
    responses: { 200: { description: '`{items, next_cursor}`' } },
    handler: async ({ app, access, query }) => ({
      body: await listReferrals(app.db, access.serviceId, { caseId: query.case_id, kind: query.kind, cursor: query.cursor, limit: query.limit }),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/referrals/:id',
    operationId: 'getReferral',
    summary: 'One referral',
    tags,
    access: can('referrals:read'),
    params: IdParams,
    responses: { 200: { description: 'The referral' } },
    handler: async ({ app, access, params }) => ({ body: presentReferral(await getReferral(app.db, access.serviceId, params.id)) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/referrals/:id/export',
    operationId: 'exportReferral',
    summary: 'The referral as transmitted, in the format vigie.referral/1 (a JSON file)',
    tags,
    access: can('referrals:read'),
    params: IdParams,
    responses: { 200: { description: 'The export document' } },
    handler: async ({ app, access, params }) => {
      const r = await getReferral(app.db, access.serviceId, params.id);
      return { body: exportDocument(r, access.slug), headers: { 'content-disposition': `attachment; filename="referral-${r.id}.json"` } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/referrals/:id/acknowledgement',
    operationId: 'acknowledgeReferral',
    summary: "Record the recipient's acknowledgement: their reference and when they received it",
    tags,
    access: can('referrals:create'),
    params: IdParams,
    body: s.AcknowledgementBody,
    bodyExample: s.AcknowledgementBody.meta()?.example,
    responses: { 200: { description: 'The referral' } },
    handler: async (ctx) => ({ body: await acknowledgeReferral(ctx.app.db, referralRequest(ctx), ctx.params.id, ctx.body) }),
  }),
];
