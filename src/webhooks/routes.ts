import { actorOf } from '../audit/index.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import * as s from './schemas.ts';
import { confirmAction, createEndpoint, disableEndpoint, listDeliveries, presentEndpoint, pullActions, replayDelivery } from './service.ts';
import { listEndpoints } from './sql.ts';

const tags = ['webhooks'];

export const webhookRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/webhooks',
    operationId: 'createWebhookEndpoint',
    summary: 'Add a webhook endpoint of the platform; the signing secret is returned once',
    description:
      'Decision events are POSTed as JSON, signed with `Vigie-Signature: v1=<hex HMAC-SHA256(secret, "<Vigie-Timestamp>.<raw body>")>` ' +
      '(see docs/webhooks.md), retried with exponential backoff until a 2xx answer.',
    tags,
    access: can('webhooks:manage'),
    params: s.ServiceParams,
    body: s.EndpointBody,
    bodyExample: s.ENDPOINT_EXAMPLE,
    responses: { 201: { description: 'The endpoint, with its secret (shown only now)' } },
    handler: async ({ app, access, body, principal, requestId }) => ({
      status: 201,
      body: await createEndpoint(app.db, access.serviceId, body, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: 'Webhook endpoints of the service (secrets are never listed)',
    tags,
    access: can('webhooks:manage'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Endpoints' } },
    handler: async ({ app, access }) => ({ body: { items: (await listEndpoints(app.db, access.serviceId)).map(presentEndpoint) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/webhooks/:id/disable',
    operationId: 'disableWebhookEndpoint',
    summary: 'Disable a webhook endpoint: no new deliveries; pending ones end as dead',
    tags,
    access: can('webhooks:manage'),
    params: s.EndpointParams,
    responses: { 200: { description: 'The disabled endpoint' } },
    handler: async ({ app, access, params, principal, requestId }) => ({
      body: await disableEndpoint(app.db, access.serviceId, params.id, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Deliveries to an endpoint, newest first, with the log of their attempts',
    tags,
    access: can('webhooks:manage'),
    params: s.EndpointParams,
    query: s.DeliveriesQuery,
    responses: { 200: { description: 'A page of deliveries' } },
    handler: async ({ app, access, params, query }) => ({ body: await listDeliveries(app.db, access.serviceId, params.id, query) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/webhook-deliveries/:id/replay',
    operationId: 'replayWebhookDelivery',
    summary: 'Send a dead or delivered delivery again (same event id: receivers deduplicate on it)',
    tags,
    access: can('webhooks:manage'),
    params: s.DeliveryParams,
    responses: { 200: { description: 'The delivery, pending again' } },
    handler: async ({ app, access, params, principal, requestId }) => ({
      body: await replayDelivery(app.db, access.serviceId, params.id, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/actions',
    operationId: 'pullActions',
    summary: 'Decision events for the platform to enforce, oldest first (pull alternative to webhooks)',
    description: 'Resume with `after=<next_cursor>`; `next_cursor` is returned even when the page is empty.',
    tags,
    access: can('actions:pull'),
    params: s.ServiceParams,
    query: s.ActionsQuery,
    responses: { 200: { description: 'A page of events' } },
    handler: async ({ app, access, query }) => ({ body: await pullActions(app.db, access.serviceId, query) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/actions/:eventId/confirm',
    operationId: 'confirmAction',
    summary: 'Record that the platform gave effect to an event (audited; repeated calls return the first)',
    tags,
    access: can('actions:pull'),
    params: s.EventParams,
    body: s.ConfirmBody,
    bodyExample: s.CONFIRM_EXAMPLE,
    responses: { 200: { description: 'The confirmation' } },
    handler: async ({ app, access, params, body, principal, requestId }) => ({
      body: await confirmAction(app.db, access, params.eventId, body.effective_at, actorOf(principal), requestId),
    }),
  }),
];
