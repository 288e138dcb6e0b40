import { actorOf } from '../audit/index.ts';
import { validationError } from '../http/errors.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { HMA_SOURCE_EXAMPLE, HmaSourceBody } from './remote.ts';
import { ServiceParams } from './schemas.ts';

const tags = ['banks'];

/** The service's HMA, asked beside its banks at lookup and screening (docs/banks.md, "HMA as a remote matcher"). */
export const hmaSourceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/hma',
    operationId: 'getHmaSource',
    summary: "The service's HMA (Hasher-Matcher-Actioner) remote matcher: URL, what its matches mean, last success and error",
    tags,
    access: can('banks:read'),
    params: ServiceParams,
    responses: { 200: { description: 'The HMA source (never its token)' } },
    handler: async ({ app, access }) => ({ body: await app.remoteBanks.get(access.serviceId) }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/hma',
    operationId: 'setHmaSource',
    summary: "Use the service's own HMA as a remote matcher: its matches join the banks' in lookups and screening",
    description:
      'HMA banks have no category or action: `category`, `default_action` and `automated_action_allowed` say what a match means here. ' +
      'Absent `token` keeps the stored one; `null` removes it. The URL follows the outbound rule of webhooks (no private addresses unless WEBHOOK_ALLOW_PRIVATE_NETWORKS or WEBHOOK_ALLOWED_HOSTS).',
    tags,
    access: can('banks:manage'),
    params: ServiceParams,
    body: HmaSourceBody,
    bodyExample: HMA_SOURCE_EXAMPLE,
    responses: { 200: { description: 'The HMA source (never its token)' } },
    async handler({ app, access, body, principal, requestId }) {
      const blocked = app.remoteBanks.checkUrl(body.base_url);
      if (blocked) throw validationError([{ path: 'body.base_url', reason: blocked }]);
      return { body: await app.remoteBanks.put(access.serviceId, body, actorOf(principal), requestId) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/services/:service/hma',
    operationId: 'removeHmaSource',
    summary: 'Stop asking HMA (the banks go on matching)',
    tags,
    access: can('banks:manage'),
    params: ServiceParams,
    responses: { 204: { description: 'Removed' } },
    async handler({ app, access, principal, requestId }) {
      await app.remoteBanks.remove(access.serviceId, actorOf(principal), requestId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/hma/check',
    operationId: 'checkHmaSource',
    summary: "Ask HMA for its banks (GET /c/banks): whether the configuration works",
    description: 'Answers 200 either way: `{ok: true, banks}` or `{ok: false, error: {kind, message}}` (kind: network, timeout, http, invalid_response, blocked).',
    tags,
    access: can('banks:manage'),
    params: ServiceParams,
    responses: { 200: { description: '{ok, banks} or {ok, error}' } },
    handler: async ({ app, access }) => ({ body: await app.remoteBanks.check(access.serviceId) }),
  }),
];
