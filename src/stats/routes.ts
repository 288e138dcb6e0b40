import { z } from 'zod';
import { validationError } from '../http/errors.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { dashboard } from './service.ts';

const MAX_DAYS = 366;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a calendar date');
const DashboardQuery = z.object({ from: day.optional(), to: day.optional() });

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

export const statsRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/dashboard',
    operationId: 'getDashboard',
    summary: 'Intake, backlog, deadlines met, decisions by category and outcome, appeals and reversals, per UTC day',
    description: 'Default period: the last 30 days. At most 366 days.',
    tags: ['stats'],
    access: can('decisions:read'),
    params: z.object({ service: z.string() }),
    query: DashboardQuery,
    responses: { 200: { description: 'Series per day and totals' } },
    async handler({ app, access, query }) {
      const to = query.to ?? isoDay(Date.now());
      const from = query.from ?? isoDay(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000);
      const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
      if (span < 0) throw validationError([{ path: 'query.from', reason: 'must not be after `to`' }]);
      if (span >= MAX_DAYS) throw validationError([{ path: 'query.from', reason: `at most ${MAX_DAYS} days` }]);
      return { body: await dashboard(app.db, access.serviceId, from, to) };
    },
  }),
];
