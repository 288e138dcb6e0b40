import { actorOf } from '../audit/index.ts';
import { INSTANCE_ADMIN, PUBLIC, defineRoute, type AnyRoute } from '../http/route.ts';
import * as s from './schemas.ts';
import { createHelpResource, deleteHelpResource, listHelpResources, publicHelpResources, replaceHelpResource } from './service.ts';

const tags = ['support'];

export const supportRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/public/help-resources',
    operationId: 'listPublicHelpResources',
    summary: 'Help and legal remedies for victims: reporting points, helplines, legal bodies, victim support',
    description:
      'The resources of `country` (ISO 3166-1 alpha-2), then the European (`EU`) and international (`INT`) ones, ' +
      'each group by position then name; only those covering `harm` when given; every resource when no country is given. ' +
      '`countries` lists the countries that have resources, `harms` the harm slugs. Each resource names the official ' +
      'page it can be checked on (`source_url`) and when it was last checked (`verified_at`, null if not yet).',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    query: s.PublicQuery,
    responses: { 200: { description: 'Resources', schema: s.PublicList } },
    handler: async ({ app, query }) => ({ body: await publicHelpResources(app.db, query) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/help-resources',
    operationId: 'listHelpResources',
    summary: 'Every help resource, for the administration screen',
    tags,
    access: INSTANCE_ADMIN,
    responses: { 200: { description: 'Resources', schema: s.AdminList } },
    handler: async ({ app }) => ({ body: { items: await listHelpResources(app.db) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/help-resources',
    operationId: 'createHelpResource',
    summary: 'Add a help resource (audited in every service)',
    tags,
    access: INSTANCE_ADMIN,
    body: s.ResourceBody,
    bodyExample: s.RESOURCE_EXAMPLE,
    responses: { 201: { description: 'The resource', schema: s.AdminResourceView } },
    handler: async ({ app, body, principal, requestId }) => ({
      status: 201,
      body: await createHelpResource(app.db, body, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/help-resources/:id',
    operationId: 'replaceHelpResource',
    summary: 'Replace a help resource with a whole new document (audited in every service)',
    tags,
    access: INSTANCE_ADMIN,
    params: s.ResourceParams,
    body: s.ResourceBody,
    bodyExample: s.RESOURCE_EXAMPLE,
    responses: { 200: { description: 'The resource', schema: s.AdminResourceView } },
    handler: async ({ app, params, body, principal, requestId }) => ({
      body: await replaceHelpResource(app.db, params.id, body, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/help-resources/:id',
    operationId: 'deleteHelpResource',
    summary: 'Delete a help resource (audited in every service, with the deleted document)',
    tags,
    access: INSTANCE_ADMIN,
    params: s.ResourceParams,
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ app, params, principal, requestId }) => {
      await deleteHelpResource(app.db, params.id, actorOf(principal), requestId);
      return { status: 204 };
    },
  }),
];
