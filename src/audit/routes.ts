import { z } from 'zod';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { cursorParam, limitParam, page, pageSchema } from '../http/pagination.ts';
import { verifyChains } from './chain.ts';
import { listAuditEvents } from './sql.ts';

const ServiceParams = z.object({ service: z.string() });

const AuditEvent = z.object({
  id: z.number(),
  occurred_at: z.string(),
  actor_type: z.string(),
  actor_id: z.string().nullable(),
  action: z.string(),
  subject_type: z.string(),
  subject_id: z.string(),
  data: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
  sealed_seq: z.number().nullable(),
});

const ListQuery = z.strictObject({
  subject_type: z.string().max(40).optional(),
  subject_id: z.string().max(100).optional(),
  action: z.string().max(80).optional(),
  cursor: cursorParam(z.tuple([z.number()])).optional(),
  limit: limitParam,
});

export const auditRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/audit',
    operationId: 'listAuditEvents',
    summary: 'Audit events of the service, newest first',
    tags: ['audit'],
    access: can('audit:read'),
    params: ServiceParams,
    query: ListQuery,
    responses: { 200: { description: 'A page of events', schema: pageSchema(AuditEvent) } },
    async handler({ app, access, query }) {
      const items = await listAuditEvents(app.db, access.serviceId, { ...query, beforeId: query.cursor?.[0] });
      return { body: page(items, query.limit, (r) => [r.id]) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/audit/verify',
    operationId: 'verifyAuditChain',
    summary: "Verify the service's audit hash chain",
    description: 'Same check as `vigie audit verify`, for one service, while the server runs.',
    tags: ['audit'],
    access: can('audit:read'),
    params: ServiceParams,
    responses: { 200: { description: 'Verification report (ok=false lists the problems)' } },
    async handler({ app, access }) {
      const report = await verifyChains(app.db, app.auditKey, access.slug);
      return { body: report };
    },
  }),
];
