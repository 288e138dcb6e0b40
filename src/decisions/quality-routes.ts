import { actorOf } from '../audit/index.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { agreementReport, claimNextQualityReview, getQualityReview, listQualityReviews, submitQualityReview } from './quality.ts';
import * as s from './quality-schemas.ts';
import { ServiceParams } from './schemas.ts';

const tags = ['quality review'];

const AGREEMENT =
  'Agreement = the same outcome and, when both restrict, the same decision ground, the same statement category and the same ' +
  'restriction scales (which of visibility, monetary, provision, account are used). Different values on a scale both used ' +
  '(e.g. removed vs disabled) are recorded in `value_differences`: still agreement, but not an `exact_match`.';

export const qualityRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/quality-reviews',
    operationId: 'listQualityReviews',
    summary: 'Quality reviews: the pending queue (blind), or the reviews you submitted (keyset-paged)',
    description:
      '`status=pending` (default): reviews waiting, oldest sampled first, without reviews of decisions you took or approved, nor ones ' +
      'another reviewer has claimed. Each item shows the case (content, category, number of notices), never the decision. ' +
      '`status=done`: the reviews you submitted, with the original decision and the comparison. Signed-in people only.',
    tags,
    access: can('quality:review'),
    params: ServiceParams,
    query: s.QualityReviewListQuery,
    responses: { 200: { description: 'A page of quality reviews' } },
    handler: async ({ app, access, query }) => ({ body: await listQualityReviews(app.db, access, query) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/quality-reviews/agreement',
    operationId: 'qualityAgreementReport',
    summary: 'Agreement rate of quality reviews done in [from, to): overall, by category, by moderator, by reviewer',
    description:
      `${AGREEMENT} Each group gives reviewed, agreed, rate (3 decimals) and a Wilson 95 % interval (small samples are ` +
      'not over-read), and the number of exact matches. `pending` counts reviews waiting now; `skipped` those skipped in the ' +
      'period because their decision was corrected first. Computed from the reviews themselves.',
    tags,
    access: can('quality:read'),
    params: ServiceParams,
    query: s.AgreementQuery,
    responses: { 200: { description: 'The agreement report' } },
    handler: async ({ app, access, query }) => ({ body: await agreementReport(app.db, access.serviceId, query.from, query.to) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/quality-reviews/claim-next',
    operationId: 'claimNextQualityReview',
    summary: 'Claim the oldest pending quality review you may do (blind view), or null when there is none',
    description: 'Two reviewers claiming at once get different reviews. The claim lasts CLAIM_TTL_MINUTES; others cannot submit meanwhile.',
    tags,
    access: can('quality:review'),
    params: ServiceParams,
    responses: { 200: { description: 'The claimed review (blind), or null' } },
    handler: async (ctx) => ({
      body: await claimNextQualityReview(ctx.app.db, ctx.access, actorOf(ctx.principal), ctx.requestId, ctx.app.config.claimTtlMinutes),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/quality-reviews/:id',
    operationId: 'getQualityReview',
    summary: 'One quality review: blind while pending (the case and its notices, not the decision); the result once done',
    description:
      'Pending: 404 for the person who took or approved the decision. Done: the reviewer\'s judgement, the original decision and ' +
      'the comparison, for the reviewer, the moderator reviewed and holders of quality:read (404 for others).',
    tags,
    access: can('quality:review'),
    params: s.QualityReviewParams,
    responses: { 200: { description: 'The review' } },
    handler: async ({ app, access, params }) => ({ body: await getQualityReview(app.db, access, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/quality-reviews/:id',
    operationId: 'submitQualityReview',
    summary: 'Submit your own judgement of the case; the response reveals the original decision and the comparison',
    description:
      `${AGREEMENT} The category defaults to the case's. By the person who took or approved the decision: ` +
      'QUALITY_REVIEW_OWN_DECISION. Already reviewed, skipped (the decision was corrected) or claimed by another reviewer: CONFLICT.',
    tags,
    access: can('quality:review'),
    params: s.QualityReviewParams,
    body: s.QualityReviewBody,
    bodyExample: s.QUALITY_REVIEW_EXAMPLE,
    responses: { 200: { description: 'The review with the original decision and the comparison' } },
    handler: async (ctx) => ({
      body: await submitQualityReview(ctx.app.db, ctx.access, actorOf(ctx.principal), ctx.requestId, ctx.params.id, ctx.body),
    }),
  }),
];
