import { z } from 'zod';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { jobCounts } from './queue.ts';

export const jobRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/jobs',
    operationId: 'jobCounts',
    summary: 'Background jobs of the service by type and status (dead jobs need attention)',
    tags: ['jobs'],
    access: can('jobs:read'),
    params: z.object({ service: z.string() }),
    responses: { 200: { description: 'Counts' } },
    handler: async ({ app, access }) => ({ body: { items: await jobCounts(app.db, access.serviceId) } }),
  }),
];
