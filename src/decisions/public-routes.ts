import { defineRoute, PUBLIC, type AnyRoute } from '../http/route.ts';
import * as s from './public-schemas.ts';
import { publicStatement } from './public-statement.ts';

const tags = ['appeals'];

/** Routes for the affected user of a decision, with the appeal token from their statement-of-reasons email. */
export const publicDecisionRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/public/services/:service/decisions/:id/statement',
    operationId: 'getPublicStatement',
    summary: 'A statement of reasons, for its affected user (decision id + appeal token; DSA Art. 17 and 20)',
    description:
      'Send the appeal token from the statement email in the X-Appeal-Token header (or the `token` query parameter). ' +
      'A wrong id or token = 404, without saying which. Shows where the appeal stands and, when the decision was ' +
      'corrected since, the current decision (`superseded_by`). Never shows who decided or who notified.',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.PublicStatementParams,
    query: s.PublicStatementQuery,
    headers: [{ name: 'X-Appeal-Token', description: 'The appeal token from the statement-of-reasons email' }],
    responses: { 200: { description: 'The statement and the appeal status', schema: s.PublicStatementResponse } },
    async handler({ app, access, params, query, req }) {
      const header = req.headers['x-appeal-token'];
      const token = typeof header === 'string' && header !== '' ? header : query.token;
      return {
        body: await publicStatement(app.db, access.serviceId, params.id, token, query.locale),
        headers: { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
      };
    },
  }),
];
