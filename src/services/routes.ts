import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { AppError } from '../http/errors.ts';
import { AUTHENTICATED, INSTANCE_ADMIN, can, defineRoute, type AnyRoute } from '../http/route.ts';
import { createService } from './service.ts';
import { listServicesFor } from './sql.ts';

const ServiceView = z.object({ id: z.string(), slug: z.string(), name: z.string(), role: z.string().nullable(), created_at: z.string() });
const CreateServiceBody = z
  .strictObject({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes (2–41)'),
    name: z.string().trim().min(1).max(200),
  })
  .meta({ example: { slug: 'forum-example', name: 'Forum Example' } });

export const serviceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services',
    operationId: 'listServices',
    summary: 'Services you belong to (all of them for instance administrators)',
    tags: ['services'],
    access: AUTHENTICATED,
    responses: { 200: { description: 'Services', schema: z.object({ items: z.array(ServiceView) }) } },
    async handler({ app, principal }) {
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'API keys belong to one service; use GET /v1/services/{service}');
      const rows = await listServicesFor(app.db, principal.userId, principal.instanceAdmin);
      return { body: { items: rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() })) } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services',
    operationId: 'createService',
    summary: 'Create a service (tenant) with default teams, queues and triage policy',
    tags: ['services'],
    access: INSTANCE_ADMIN,
    body: CreateServiceBody,
    bodyExample: { slug: 'forum-example', name: 'Forum Example' },
    responses: { 201: { description: 'The service' } },
    async handler({ app, body, principal, requestId }) {
      const s = await createService(app.db, body, actorOf(principal), requestId);
      return { status: 201, body: { ...s, created_at: s.created_at.toISOString() } };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service',
    operationId: 'getService',
    summary: 'The service and your role in it',
    tags: ['services'],
    access: can('service:read'),
    params: z.object({ service: z.string() }),
    responses: { 200: { description: 'The service' } },
    handler: async ({ access }) => ({
      body: { id: access.serviceId, slug: access.slug, role: access.role, permissions: [...access.permissions].sort() },
    }),
  }),
];
