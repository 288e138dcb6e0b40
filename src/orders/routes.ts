import type { FastifyRequest } from 'fastify';
import { actorOf } from '../audit/index.ts';
import { validationError } from '../http/errors.ts';
import { can, defineRoute, type AnyRoute, type HandlerContext, type RouteResult } from '../http/route.ts';
import { netGuardOf } from '../webhooks/index.ts';
import * as authorities from './authorities.ts';
import { contestOrder, declareImpossibility, giveEffect } from './effect.ts';
import * as s from './schemas.ts';
import { acknowledgeOrder, getOrder, listOrders, receiveOrder, type OrderRequest } from './service.ts';

const tags = ['orders'];

const orderRequest = (ctx: HandlerContext<unknown, unknown, unknown>): OrderRequest => ({ access: ctx.access, actor: actorOf(ctx.principal), requestId: ctx.requestId });

function idempotencyKey(req: FastifyRequest): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(raw)) throw validationError([{ path: 'headers.idempotency-key', reason: '1–200 visible ASCII characters' }]);
  return raw;
}

/** After a commit that wrote a message to an authority: its push job (if any) is due now, not at the next poll. */
async function thenPush<T>(ctx: HandlerContext<unknown, unknown, unknown>, work: Promise<T>): Promise<T> {
  const r = await work;
  ctx.app.wakeWorkers();
  return r;
}

const answer = (r: { status: number; body: unknown; replayed: boolean }): RouteResult => ({
  status: r.status,
  body: r.body,
  headers: r.replayed ? { 'idempotent-replayed': 'true' } : {},
});

export const authorityRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/authorities',
    operationId: 'listAuthorities',
    summary: 'Authorities registered to send orders (an authority key sees its own)',
    tags,
    access: can('orders:read'),
    params: s.ServiceParams,
    responses: { 200: { description: '`{items}`' } },
    handler: async ({ app, access }) => ({ body: { items: await authorities.listAuthorities(app.db, access) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/authorities',
    operationId: 'createAuthority',
    summary: 'Register an authority: issuing member state, kind, the order types and categories it may send',
    description:
      'Its API keys (role `authority`, `authority_id` set) submit orders. A callback URL follows the webhooks\' outbound rule; messages are pushed ' +
      'there signed with `callback_secret`, returned only in this answer (rotate it with POST …/authorities/{id}/secret).',
    tags,
    access: can('authorities:manage'),
    params: s.ServiceParams,
    body: s.AuthorityBody,
    bodyExample: s.AuthorityBody.meta()?.example,
    responses: { 201: { description: 'The authority, with its callback signing secret `callback_secret` (shown only now)' } },
    handler: async (ctx) => ({
      status: 201,
      body: await authorities.createAuthority(ctx.app.db, netGuardOf(ctx.app.config), ctx.access.serviceId, ctx.body, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/authorities/:id',
    operationId: 'getAuthority',
    summary: 'One authority',
    tags,
    access: can('orders:read'),
    params: s.IdParams,
    responses: { 200: { description: 'The authority' } },
    handler: async ({ app, access, params }) => ({ body: await authorities.getAuthority(app.db, access, params.id) }),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/v1/services/:service/authorities/:id',
    operationId: 'updateAuthority',
    summary: 'Change an authority (its scope, contact, callback) or disable it; authorities are never deleted',
    tags,
    access: can('authorities:manage'),
    params: s.IdParams,
    body: s.AuthorityPatch,
    bodyExample: s.AuthorityPatch.meta()?.example,
    responses: { 200: { description: 'The authority' } },
    handler: async (ctx) => ({
      body: await authorities.updateAuthority(ctx.app.db, netGuardOf(ctx.app.config), ctx.access.serviceId, ctx.params.id, ctx.body, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/authorities/:id/secret',
    operationId: 'rotateAuthorityCallbackSecret',
    summary: "Rotate the secret that signs pushes to the authority's callback URL; the new secret is returned once",
    description: 'The old secret stops signing at once: messages still being retried are signed with the new one. See docs/orders.md (push delivery).',
    tags,
    access: can('authorities:manage'),
    params: s.IdParams,
    responses: { 200: { description: 'The authority, with `callback_secret` (shown only now)' } },
    handler: async (ctx) => ({
      body: await authorities.rotateCallbackSecret(ctx.app.db, ctx.access.serviceId, ctx.params.id, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/order-settings',
    operationId: 'getOrderSettings',
    summary: "The service's member state of establishment (orders from another state are cross-border, TCO Art. 4)",
    tags,
    access: can('orders:read'),
    params: s.ServiceParams,
    responses: { 200: { description: '`{establishment_country}`' } },
    handler: async ({ app, access }) => ({ body: await authorities.getOrderSettings(app.db, access.serviceId) }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/order-settings',
    operationId: 'setOrderSettings',
    summary: "Set the service's member state of establishment",
    tags,
    access: can('authorities:manage'),
    params: s.ServiceParams,
    body: s.OrderSettingsBody,
    bodyExample: s.OrderSettingsBody.meta()?.example,
    responses: { 200: { description: '`{establishment_country}`' } },
    handler: async (ctx) => ({
      body: await authorities.setOrderSettings(ctx.app.db, ctx.access.serviceId, ctx.body.establishment_country, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
];

export const orderRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/orders',
    operationId: 'submitOrder',
    summary: "An authority's key submits an order: removal order (TCO Art. 3), order to act (DSA Art. 9) or to provide information (Art. 10)",
    description:
      'Answers 201 with the order, acknowledged at receipt. The order must fit the authority\'s registered scope (type, issuing member state, ' +
      'categories; not disabled), else 403 and nothing is written. A reference the authority already used is a 409 naming the existing order. ' +
      'A removal order must be acted on within one hour of receipt.',
    tags,
    access: can('orders:submit'),
    params: s.ServiceParams,
    body: s.OrderBody,
    bodyExample: s.OrderBody.meta()?.example,
    headers: [{ name: 'Idempotency-Key', description: 'A retry with the same key and body returns the first answer' }],
    responses: { 201: { description: 'The order, its acknowledgement and its items' } },
    handler: async (ctx) => {
      // Keys of an authority submit here; people register orders received by other channels at POST …/orders/register.
      if (ctx.access.authorityId === undefined) {
        throw validationError([{ path: 'body', reason: 'only an authority API key submits here; register an order received by another channel at POST …/orders/register' }]);
      }
      return answer(await thenPush(ctx, receiveOrder(ctx.app.db, orderRequest(ctx), ctx.body, idempotencyKey(ctx.req))));
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/orders/register',
    operationId: 'registerOrder',
    summary: 'Register an order received by another channel (post, email, a national system), naming its authority',
    description: 'The order is `received`; acknowledge its receipt to the authority with POST …/orders/{id}/acknowledge.',
    tags,
    access: can('orders:manage'),
    params: s.ServiceParams,
    body: s.RegisterOrderBody,
    bodyExample: s.RegisterOrderBody.meta()?.example,
    headers: [{ name: 'Idempotency-Key', description: 'A retry with the same key and body returns the first answer' }],
    responses: { 201: { description: 'The order' } },
    handler: async (ctx) => answer(await receiveOrder(ctx.app.db, orderRequest(ctx), ctx.body, idempotencyKey(ctx.req))),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/orders',
    operationId: 'listOrders',
    summary: 'Orders, newest first (an authority key sees its own authority\'s); filter by status, type, authority, overdue',
    tags,
    access: can('orders:read'),
    params: s.ServiceParams,
    query: s.OrderListQuery,
    responses: { 200: { description: '`{items, next_cursor}`' } },
    handler: async ({ app, access, query }) => ({
      body: await listOrders(app.db, access, { status: query.status, type: query.type, authorityId: query.authority_id, overdue: query.overdue, cursor: query.cursor, limit: query.limit }),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/orders/:id',
    operationId: 'getOrder',
    summary: 'An order with its items and the messages sent to the authority (an authority key reads its own only)',
    tags,
    access: can('orders:read'),
    params: s.IdParams,
    responses: { 200: { description: 'The order' } },
    handler: async ({ app, access, params }) => ({ body: await getOrder(app.db, access, params.id) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/orders/:id/acknowledge',
    operationId: 'acknowledgeOrder',
    summary: 'Acknowledge receipt of a registered order to its authority',
    tags,
    access: can('orders:manage'),
    params: s.IdParams,
    body: s.AcknowledgeBody,
    bodyExample: {},
    responses: { 200: { description: 'The order' } },
    handler: async (ctx) => ({ body: await thenPush(ctx, acknowledgeOrder(ctx.app.db, orderRequest(ctx), ctx.params.id)) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/orders/:id/effect',
    operationId: 'giveEffectToOrder',
    summary: 'Give effect to an order: a decision on its case (taken here or named), what was done and when',
    description:
      'An order to act or removal order needs a restriction decision on its case: `decision` takes one now (you must hold the case\'s claim; ' +
      'a decision held for four-eyes approval is a 409 and nothing is written) or `decision_ids` names decisions taken. An order to provide ' +
      'information is given effect by the description of the information provided. The authority is told.',
    tags,
    access: can('orders:manage'),
    params: s.IdParams,
    body: s.EffectBody,
    bodyExample: s.EffectBody.meta()?.example,
    responses: { 200: { description: 'The order, status effect_given' } },
    handler: async (ctx) => ({ body: await thenPush(ctx, giveEffect(ctx.app.db, { ...orderRequest(ctx), linkKey: ctx.app.linkKey }, ctx.params.id, ctx.body)) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/orders/:id/impossibility',
    operationId: 'declareOrderImpossible',
    summary: 'Tell the authority the order cannot be given effect, with reasons (force majeure, de facto impossibility, manifest errors, insufficient information)',
    tags,
    access: can('orders:manage'),
    params: s.IdParams,
    body: s.ImpossibilityBody,
    bodyExample: s.ImpossibilityBody.meta()?.example,
    responses: { 200: { description: 'The order, status impossible' } },
    handler: async (ctx) => ({ body: await thenPush(ctx, declareImpossibility(ctx.app.db, orderRequest(ctx), ctx.params.id, ctx.body)) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/orders/:id/contest',
    operationId: 'contestOrder',
    summary: 'Record that the service contests the order, with its grounds',
    tags,
    access: can('orders:manage'),
    params: s.IdParams,
    body: s.ContestBody,
    bodyExample: s.ContestBody.meta()?.example,
    responses: { 200: { description: 'The order, contested' } },
    handler: async (ctx) => ({ body: await thenPush(ctx, contestOrder(ctx.app.db, orderRequest(ctx), ctx.params.id, ctx.body.grounds)) }),
  }),
];
