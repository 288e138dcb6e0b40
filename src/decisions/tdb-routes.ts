import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { cursorParam, limitParam, page, pageSchema } from '../http/pagination.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { listSubmissions, replaySubmission, TDB_SUBMISSION_STATUSES } from './tdb-submit.ts';

const tags = ['tdb'];

const ServiceParams = z.object({ service: z.string() });
const SubmissionParams = z.object({ service: z.string(), id: z.uuid({ message: 'must be a submission id (the statement id, UUID)' }) });

const ListQuery = z.strictObject({
  status: z.enum(TDB_SUBMISSION_STATUSES).optional(),
  cursor: cursorParam(z.tuple([z.string().max(64), z.uuid()])).optional(),
  limit: limitParam,
});

const Submission = z.object({
  id: z.string(),
  puid: z.string(),
  decision_id: z.string(),
  status: z.enum(TDB_SUBMISSION_STATUSES),
  attempts: z.number(),
  in_doubt: z.boolean(),
  next_attempt_at: z.string().nullable(),
  last_error: z.string().nullable(),
  tdb_uuid: z.string().nullable(),
  submitted_at: z.string().nullable(),
  created_at: z.string(),
});

export const tdbRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/tdb-submissions',
    operationId: 'listTdbSubmissions',
    summary: 'Submissions of statements of reasons to the DSA Transparency Database, oldest first (filter by status)',
    description: '`dead` submissions need attention: read `last_error`, fix the cause, then replay them.',
    tags,
    access: can('tdb:manage'),
    params: ServiceParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of submissions', schema: pageSchema(Submission) } },
    async handler({ app, access, query }) {
      const rows = await listSubmissions(app.db, access.serviceId, { status: query.status, after: query.cursor, limit: query.limit });
      const p = page(rows, query.limit, (r) => [r.created_key, r.id]);
      return { body: { items: p.items.map(({ created_key: _k, ...r }) => r), next_cursor: p.next_cursor } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/tdb-submissions/:id/replay',
    operationId: 'replayTdbSubmission',
    summary: 'Put a dead submission back in the queue (attempts reset); it is sent with the next batch',
    tags,
    access: can('tdb:manage'),
    params: SubmissionParams,
    responses: { 200: { description: 'The submission, pending again' } },
    handler: async ({ app, access, params, principal, requestId }) => ({
      body: await replaySubmission(app.db, access.serviceId, params.id, actorOf(principal), requestId),
    }),
  }),
];
