import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { notFound } from '../http/errors.ts';
import { cursorParam, limitParam, page } from '../http/pagination.ts';
import { can, defineRoute, type AnyRoute, type HandlerContext } from '../http/route.ts';
import * as s from './schemas.ts';
import * as svc from './service.ts';
import { findNotifier, listActions, listNotifiers } from './sql.ts';

const tags = ['notifiers'];
const BASE = '/v1/services/:service/notifiers';

function ctxOf(c: HandlerContext<unknown, unknown, unknown>): svc.Ctx {
  return { serviceId: c.access.serviceId, userId: c.access.userId ?? null, actor: actorOf(c.principal), requestId: c.requestId };
}
const identityAllowed = (c: HandlerContext<unknown, unknown, unknown>) => c.access.permissions.has('notices:read_identity');

const ActionListQuery = z.strictObject({ cursor: cursorParam(z.tuple([z.string(), z.string()])).optional(), limit: limitParam });

export const notifierRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: BASE,
    operationId: 'listNotifiers',
    summary: 'Notifiers (organisations with API keys, people by email), newest first (keyset-paged)',
    description: 'Filters: trusted (trusted flaggers), suspended (suspension in force), kind. People notifying by email are shown without name or email unless the caller may read notifier identities.',
    tags,
    access: can('notifiers:read'),
    params: s.ServiceParams,
    query: s.NotifierListQuery,
    responses: { 200: { description: 'A page of notifiers' } },
    async handler(c) {
      const show = identityAllowed(c);
      const rows = await listNotifiers(c.app.db, c.access.serviceId, { ...c.query, before: c.query.cursor }, show);
      const p = page(rows, c.query.limit, (n) => [n.created_key, n.id]);
      return { body: { items: p.items.map((n) => svc.presentNotifier(n, show)), next_cursor: p.next_cursor } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: BASE,
    operationId: 'registerNotifier',
    summary: 'Register an organisation notifier (e.g. a trusted flagger) and bind its API keys (audited)',
    description: 'A key already bound to another notifier moves here; the notices it sent before stay with that notifier.',
    tags,
    access: can('notifiers:manage'),
    params: s.ServiceParams,
    body: s.RegisterBody,
    bodyExample: s.REGISTER_EXAMPLE,
    responses: { 201: { description: 'The notifier' } },
    handler: async (c) => ({ status: 201, body: await svc.registerOrganisation(c.app.db, ctxOf(c), c.body) }),
  }),
  defineRoute({
    method: 'GET',
    url: `${BASE}/:id`,
    operationId: 'getNotifier',
    summary: 'One notifier with its statistics: notices, decided, with action, precision, manifestly unfounded, median time to decision',
    description: 'Statistics over notices received in [from, to] (UTC days; default the last 365 days). `accountability`: manifestly unfounded notices in the window of the service policy, against its threshold.',
    tags,
    access: can('notifiers:read'),
    params: s.NotifierParams,
    query: s.StatsQuery,
    responses: { 200: { description: 'The notifier and its statistics' } },
    handler: async (c) => ({ body: await svc.notifierWithStats(c.app.db, c.access.serviceId, c.params.id, c.query, identityAllowed(c)) }),
  }),
  defineRoute({
    method: 'PATCH',
    url: `${BASE}/:id`,
    operationId: 'updateNotifier',
    summary: 'Name, designation, and trusted-flagger status with its expertise (DSA Art. 22; audited)',
    description:
      'Granting or revoking trusted-flagger status, or changing its expertise (TDB categories), needs a reason and is recorded as a ' +
      '`trusted_granted` / `trusted_revoked` notifier action. Only notifiers sending with an API key can be trusted flaggers.',
    tags,
    access: can('notifiers:manage'),
    params: s.NotifierParams,
    body: s.PatchBody,
    bodyExample: s.PATCH_EXAMPLE,
    responses: { 200: { description: 'The notifier' } },
    handler: async (c) => ({ body: await svc.updateNotifier(c.app.db, ctxOf(c), c.params.id, c.body, identityAllowed(c)) }),
  }),
  defineRoute({
    method: 'POST',
    url: `${BASE}/:id/keys`,
    operationId: 'bindNotifierKey',
    summary: "Bind an API key to an organisation notifier: the key's future notices are this notifier's (audited)",
    tags,
    access: can('notifiers:manage'),
    params: s.NotifierParams,
    body: s.BindKeyBody,
    bodyExample: { api_key_id: '00000000-0000-4000-8000-000000000000' },
    responses: { 200: { description: 'The notifier' } },
    handler: async (c) => ({ body: await svc.bindKey(c.app.db, ctxOf(c), c.params.id, c.body.api_key_id) }),
  }),
  defineRoute({
    method: 'GET',
    url: `${BASE}/:id/actions`,
    operationId: 'listNotifierActions',
    summary: 'Decisions about a notifier, oldest first: warnings, suspensions, lifts, trusted-flagger status (keyset-paged)',
    tags,
    access: can('notifiers:read'),
    params: s.NotifierParams,
    query: ActionListQuery,
    responses: { 200: { description: 'A page of actions' } },
    async handler(c) {
      if (!(await findNotifier(c.app.db, c.access.serviceId, c.params.id))) throw notFound('Notifier');
      const rows = await listActions(c.app.db, c.params.id, { after: c.query.cursor, limit: c.query.limit });
      const p = page(rows, c.query.limit, (a) => [a.created_key, a.id]);
      return { body: { items: p.items.map(svc.presentAction), next_cursor: p.next_cursor } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${BASE}/:id/warnings`,
    operationId: 'warnNotifier',
    summary: 'Warn a notifier that sends manifestly unfounded notices (DSA Art. 23(2); audited)',
    tags,
    access: can('notifiers:manage'),
    params: s.NotifierParams,
    body: s.WarningBody,
    bodyExample: s.WARNING_EXAMPLE,
    responses: { 201: { description: 'The warning (a notifier action)' } },
    handler: async (c) => ({ status: 201, body: await svc.warnNotifier(c.app.db, ctxOf(c), c.params.id, c.body) }),
  }),
  defineRoute({
    method: 'POST',
    url: `${BASE}/:id/suspensions`,
    operationId: 'suspendNotifier',
    summary: 'Suspend a warned notifier for a period (DSA Art. 23(2); audited)',
    description:
      `Needs a prior warning (409 otherwise), a period of ${s.SUSPENSION_DAYS.min}–${s.SUSPENSION_DAYS.max} days, and at least the service's ` +
      'threshold of manifestly unfounded notices in its window (409 otherwise). Until the end, the notifier\'s new notices are refused (403).',
    tags,
    access: can('notifiers:manage'),
    params: s.NotifierParams,
    body: s.SuspensionBody,
    bodyExample: s.SUSPENSION_EXAMPLE,
    responses: { 201: { description: 'The suspension (a notifier action)' } },
    handler: async (c) => ({ status: 201, body: await svc.suspendNotifier(c.app.db, ctxOf(c), c.params.id, c.body) }),
  }),
  defineRoute({
    method: 'POST',
    url: `${BASE}/:id/suspensions/:suspensionId/lift`,
    operationId: 'liftNotifierSuspension',
    summary: 'End a suspension in force early (audited)',
    tags,
    access: can('notifiers:manage'),
    params: s.SuspensionParams,
    body: s.LiftBody,
    bodyExample: s.LIFT_EXAMPLE,
    responses: { 201: { description: 'The lift (a notifier action)' } },
    handler: async (c) => ({ status: 201, body: await svc.liftSuspension(c.app.db, ctxOf(c), c.params.id, c.params.suspensionId, c.body) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/notices/:id/assessment',
    operationId: 'assessNotice',
    summary: "Mark a decided notice as manifestly unfounded, with the reason (DSA Art. 23(2); audited)",
    description: "Only once every item of the notice was decided (409 otherwise). Sending it again corrects the assessment. Counts toward the notifier's suspension threshold.",
    tags,
    access: can('notices:assess'),
    params: s.NoticeParams,
    body: s.AssessmentBody,
    bodyExample: s.ASSESSMENT_EXAMPLE,
    responses: { 200: { description: 'The assessment' } },
    handler: async (c) => ({ body: await svc.assessNotice(c.app.db, ctxOf(c), c.params.id, c.body) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/notifier-policy',
    operationId: 'getNotifierPolicy',
    summary: 'Suspension threshold: manifestly unfounded notices needed within a window of days',
    tags,
    access: can('notifiers:read'),
    params: s.ServiceParams,
    responses: { 200: { description: 'The policy (the default until an admin sets one)' } },
    handler: async (c) => ({ body: await svc.notifierPolicy(c.app.db, c.access.serviceId) }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/notifier-policy',
    operationId: 'replaceNotifierPolicy',
    summary: 'Set the suspension threshold (audited)',
    tags,
    access: can('notifiers:manage'),
    params: s.ServiceParams,
    body: s.PolicyBody,
    bodyExample: s.DEFAULT_NOTIFIER_POLICY,
    responses: { 200: { description: 'The policy now in force' } },
    handler: async (c) => ({ body: await svc.replacePolicy(c.app.db, ctxOf(c), c.body) }),
  }),
];
