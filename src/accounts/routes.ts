import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { AppError } from '../http/errors.ts';
import { AUTHENTICATED, PUBLIC, can, defineRoute, type AnyRoute } from '../http/route.ts';
import { SESSION_COOKIE } from './authenticator.ts';
import * as s from './schemas.ts';
import * as svc from './service.ts';
import { findUserById, listApiKeys, listMembers, listTeams } from './sql.ts';

const userView = (u: { id: string; email: string; display_name: string; instance_admin: boolean; locale: string }) => ({
  id: u.id,
  email: u.email,
  display_name: u.display_name,
  instance_admin: u.instance_admin,
  locale: u.locale,
});

export const accountRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/setup',
    operationId: 'setup',
    summary: 'Create the first administrator with the one-time token printed at first start',
    tags: ['accounts'],
    access: PUBLIC,
    rateLimit: 'public',
    body: s.SetupBody,
    bodyExample: s.SetupBody.meta()?.example,
    responses: { 201: { description: 'The administrator; sign in next' } },
    async handler({ app, body, requestId }) {
      const user = await svc.completeSetup(app.db, body.token, { email: body.email, password: body.password, displayName: body.display_name }, requestId);
      return { status: 201, body: { user: userView(user) } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/auth/login',
    operationId: 'login',
    summary: 'Sign in; sets an HttpOnly session cookie and returns the CSRF token for unsafe requests',
    tags: ['accounts'],
    access: PUBLIC,
    rateLimit: 'public',
    body: s.LoginBody,
    bodyExample: s.LoginBody.meta()?.example,
    responses: { 200: { description: 'Signed in' } },
    async handler({ app, body, reply }) {
      const r = await svc.login(app.db, body.email, body.password, app.config.sessionTtlHours);
      void reply.setCookie(SESSION_COOKIE, r.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.cookieSecure,
        path: '/',
        expires: r.expiresAt,
      });
      return { body: { user: userView(r.user), csrf_token: r.csrfToken, expires_at: r.expiresAt.toISOString() } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/auth/logout',
    operationId: 'logout',
    summary: 'Sign out (revokes the session)',
    tags: ['accounts'],
    access: AUTHENTICATED,
    responses: { 204: { description: 'Signed out' } },
    async handler({ app, principal, reply }) {
      if (principal.kind === 'user') await svc.logout(app.db, principal.sessionId);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/me',
    operationId: 'me',
    summary: 'Who you are',
    tags: ['accounts'],
    access: AUTHENTICATED,
    responses: { 200: { description: 'The caller' } },
    async handler({ app, principal }) {
      if (principal.kind === 'apikey') return { body: { kind: 'apikey', key_id: principal.keyId, role: principal.role } };
      if (principal.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'Not signed in');
      const u = await findUserById(app.db, principal.userId);
      if (!u) throw new AppError('UNAUTHENTICATED', 'Not signed in');
      return { body: { kind: 'user', user: userView(u), csrf_token: principal.csrfToken } };
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: '/v1/me',
    operationId: 'updateMe',
    summary: 'Your preferences: the console and your emails use this locale',
    tags: ['accounts'],
    access: AUTHENTICATED,
    body: s.MeBody,
    bodyExample: { locale: 'fr' },
    responses: { 200: { description: 'You, updated' } },
    async handler({ app, principal, body }) {
      if (principal.kind !== 'user') throw new AppError('FORBIDDEN', 'Preferences belong to people, not API keys');
      const u = await svc.setLocale(app.db, principal.userId, body.locale);
      return { body: { kind: 'user', user: userView(u) } };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/members',
    operationId: 'listMembers',
    summary: 'Members of the service and their roles',
    tags: ['accounts'],
    access: can('members:manage'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Members' } },
    handler: async ({ app, access }) => ({
      body: { items: (await listMembers(app.db, access.serviceId)).map((m) => ({ ...m, created_at: m.created_at.toISOString() })) },
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/members',
    operationId: 'addMember',
    summary: 'Add a member with a role (creates the account; a generated password is shown once)',
    tags: ['accounts'],
    access: can('members:manage'),
    params: s.ServiceParams,
    body: s.MemberBody,
    bodyExample: s.MemberBody.meta()?.example,
    responses: { 201: { description: 'The member' } },
    handler: async (ctx) => ({
      status: 201,
      body: await svc.addMember(ctx.app.db, ctx.access.serviceId, ctx.body, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/v1/services/:service/members/:userId',
    operationId: 'setMemberRole',
    summary: "Change a member's role",
    tags: ['accounts'],
    access: can('members:manage'),
    params: s.MemberParams,
    body: s.RoleBody,
    bodyExample: { role: 'senior_moderator' },
    responses: { 204: { description: 'Changed' } },
    async handler(ctx) {
      await svc.setMemberRole(ctx.app.db, ctx.access.serviceId, ctx.params.userId, ctx.body.role, actorOf(ctx.principal), ctx.requestId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/services/:service/members/:userId',
    operationId: 'removeMember',
    summary: 'Remove a member from the service',
    tags: ['accounts'],
    access: can('members:manage'),
    params: s.MemberParams,
    responses: { 204: { description: 'Removed' } },
    async handler(ctx) {
      await svc.removeMember(ctx.app.db, ctx.access.serviceId, ctx.params.userId, actorOf(ctx.principal), ctx.requestId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/api-keys',
    operationId: 'listApiKeys',
    summary: 'API keys of the service (never their secrets)',
    tags: ['accounts'],
    access: can('apikeys:manage'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Keys' } },
    handler: async ({ app, access }) => ({ body: { items: (await listApiKeys(app.db, access.serviceId)).map(svc.presentKey) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key with a role; the key is returned once and only its hash is stored',
    tags: ['accounts'],
    access: can('apikeys:manage'),
    params: s.ServiceParams,
    body: s.ApiKeyBody,
    bodyExample: s.ApiKeyBody.meta()?.example,
    responses: { 201: { description: 'The key (field `key`, shown once)' } },
    handler: async (ctx) => ({
      status: 201,
      body: await svc.createApiKey(ctx.app.db, ctx.access.serviceId, ctx.body, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/services/:service/api-keys/:keyId',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key (effective at once)',
    tags: ['accounts'],
    access: can('apikeys:manage'),
    params: s.ApiKeyParams,
    responses: { 204: { description: 'Revoked' } },
    async handler(ctx) {
      await svc.revokeApiKey(ctx.app.db, ctx.access.serviceId, ctx.params.keyId, actorOf(ctx.principal), ctx.requestId);
      ctx.app.auth.forgetApiKey(ctx.params.keyId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/teams',
    operationId: 'listTeams',
    summary: 'Teams and their members (team-owned queues are visible to members only)',
    tags: ['accounts'],
    access: can('teams:manage'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Teams', schema: z.object({ items: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string(), member_ids: z.array(z.string()) })) }) } },
    handler: async ({ app, access }) => ({ body: { items: await listTeams(app.db, access.serviceId) } }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/teams',
    operationId: 'createTeam',
    summary: 'Create a team',
    tags: ['accounts'],
    access: can('teams:manage'),
    params: s.ServiceParams,
    body: s.TeamBody,
    bodyExample: s.TeamBody.meta()?.example,
    responses: { 201: { description: 'The team' } },
    handler: async (ctx) => ({
      status: 201,
      body: await svc.createTeam(ctx.app.db, ctx.access.serviceId, ctx.body.slug, ctx.body.name, actorOf(ctx.principal), ctx.requestId),
    }),
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/teams/:teamId/members/:userId',
    operationId: 'addTeamMember',
    summary: 'Add a member of the service to a team',
    tags: ['accounts'],
    access: can('teams:manage'),
    params: s.TeamMemberParams,
    responses: { 204: { description: 'Added' } },
    async handler(ctx) {
      await svc.changeTeamMembership(ctx.app.db, ctx.access.serviceId, ctx.params.teamId, ctx.params.userId, true, actorOf(ctx.principal), ctx.requestId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/services/:service/teams/:teamId/members/:userId',
    operationId: 'removeTeamMember',
    summary: 'Remove someone from a team',
    tags: ['accounts'],
    access: can('teams:manage'),
    params: s.TeamMemberParams,
    responses: { 204: { description: 'Removed' } },
    async handler(ctx) {
      await svc.changeTeamMembership(ctx.app.db, ctx.access.serviceId, ctx.params.teamId, ctx.params.userId, false, actorOf(ctx.principal), ctx.requestId);
      return { status: 204 };
    },
  }),
];
