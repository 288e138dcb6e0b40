/**
 * Route × role walk: every route of ALL_ROUTES, called by anonymous, by every role of ROLES and by a
 * service admin who is not an instance admin, must answer exactly what its declared access allows.
 * Also: CSRF on cookie sessions, revoked / expired API keys, keys of another service, non-members.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ROLE_PERMISSIONS, ROLES, type Role } from '../src/access/roles.ts';
import { createApiKey } from '../src/accounts/index.ts';
import { ERROR_CODES } from '../src/http/errors.ts';
import type { AnyRoute } from '../src/http/route.ts';
import { ALL_ROUTES } from '../src/routes.ts';
import { startHarness, type Auth, type Harness } from './helpers.ts';

/** Roles used through API keys in practice; the others sign in. An `authority` key is bound to a registered authority. */
const KEY_ROLES: readonly Role[] = ['platform', 'trusted_flagger', 'authority'];

/** A key of an authority registered for the walk: French, every order type (the order route's example fits its scope). */
async function authorityKey(h: Harness): Promise<{ key: string }> {
  const admin = await h.user('admin');
  const res = await h.request('POST', '/v1/services/default/authorities', {
    auth: admin,
    body: { name: 'Walk authority', member_state: 'FR', kind: 'judicial', order_types: ['removal_order', 'order_to_act', 'order_to_provide_information'], contact_email: 'walk@authority.example' },
  });
  assert.equal(res.statusCode, 201, res.body);
  const authorityId = (res.json() as { id: string }).id;
  const k = await createApiKey(h.db, h.serviceId, { name: 'test authority', role: 'authority', authority_id: authorityId }, { type: 'system', id: null }, null);
  return { key: k.key };
}

interface Caller {
  name: string;
  auth: Auth;
  /** `null` for anonymous. */
  role: Role | null;
  kind: 'anonymous' | 'user' | 'apikey';
  instanceAdmin: boolean;
}

function fillPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    if (name === 'service') return 'default';
    if (name === 'queue') return 'general';
    if (name === 'reference') return 'N-AAAA-BBBB-CCCC';
    return crypto.randomUUID();
  });
}

function bodyFor(route: AnyRoute): unknown {
  if (route.bodyExample !== undefined) return structuredClone(route.bodyExample);
  if (route.body || ['POST', 'PUT', 'PATCH'].includes(route.method)) return {};
  return undefined;
}

type Expectation = 'unauthenticated' | 'forbidden' | 'allowed';

function expectation(route: AnyRoute, caller: Caller): Expectation {
  const a = route.access;
  if (a.kind === 'public') return 'allowed';
  if (caller.kind === 'anonymous') return 'unauthenticated';
  if (a.kind === 'authenticated') return 'allowed';
  if (a.kind === 'instance_admin') return caller.instanceAdmin ? 'allowed' : 'forbidden';
  return caller.role !== null && ROLE_PERMISSIONS[caller.role].includes(a.permission) ? 'allowed' : 'forbidden';
}

/**
 * Handler-level refusals that are part of the design, not of the route's declared access:
 * GET /v1/services lists a *user's* services; an API key belongs to one service and is told to use
 * GET /v1/services/{service}. And the reverse: POST /v1/screen serves API keys, users name the service.
 */
function designedHandlerRefusal(route: AnyRoute, caller: Caller, res: LightMyRequestResponse): boolean {
  // Paths without a service (POST /v1/screen) are for API keys, which belong to one service.
  if (caller.kind === 'user' && !route.url.includes(':service') && route.access.kind === 'service' && res.statusCode === 403) {
    return (res.json() as { error: { message: string } }).error.message.startsWith('This path is for API keys');
  }
  if (caller.kind !== 'apikey' || res.statusCode !== 403) return false;
  const message = (res.json() as { error: { message: string } }).error.message;
  // Listing services and setting personal preferences are for people; an API key is told why.
  return (
    (route.method === 'GET' && route.url === '/v1/services' && message.startsWith('API keys belong to one service')) ||
    (route.method === 'PATCH' && route.url === '/v1/me' && message.startsWith('Preferences belong to people'))
  );
}

function errorOf(res: LightMyRequestResponse): { code: string; message: string; fields: unknown[] } {
  const body = res.json() as { error?: { code: string; message: string; fields: unknown[] } };
  assert.ok(body.error, `expected an error body, got ${res.body.slice(0, 300)}`);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(Array.isArray(body.error.fields));
  assert.ok(body.error.code in ERROR_CODES, `unknown error code ${body.error.code}`);
  assert.equal(ERROR_CODES[body.error.code as keyof typeof ERROR_CODES], res.statusCode, `status of ${body.error.code}`);
  return body.error;
}

const ACCESS_DENIALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID']);

describe('access', () => {
  let h: Harness;
  const callers: Caller[] = [];

  before(async () => {
    h = await startHarness();
    callers.push({ name: 'anonymous', auth: undefined, role: null, kind: 'anonymous', instanceAdmin: false });
    for (const role of ROLES) {
      if (KEY_ROLES.includes(role)) {
        const auth = role === 'authority' ? await authorityKey(h) : await h.apiKey(role);
        callers.push({ name: `${role} (API key)`, auth, role, kind: 'apikey', instanceAdmin: false });
      } else {
        // h.user('admin') is also made instance administrator (it is the instance's first admin).
        callers.push({ name: `${role} (session)`, auth: await h.user(role), role, kind: 'user', instanceAdmin: role === 'admin' });
      }
    }
    // A service admin who is not an instance admin: every service permission, no instance_admin route.
    callers.push({ name: 'admin, not instance admin (session)', auth: await h.user('admin', { teams: [] }), role: 'admin', kind: 'user', instanceAdmin: false });
  });

  after(async () => {
    await h?.close();
  });

  test('every route answers each caller as its declared access says', async (t) => {
    // Logout revokes the caller's session: walk it last.
    const routes = [...ALL_ROUTES].sort((a, b) => Number(a.operationId === 'logout') - Number(b.operationId === 'logout'));
    assert.ok(routes.length >= 30, `expected the full route list, got ${routes.length}`);
    const tally: Record<Expectation, number> = { unauthenticated: 0, forbidden: 0, allowed: 0 };
    const allowedStatuses: Record<number, number> = {};
    const failures: string[] = [];
    for (const route of routes) {
      for (const caller of callers) {
        const url = fillPath(route.url);
        const body = bodyFor(route);
        const res = await h.request(route.method, url, { auth: caller.auth, ...(body === undefined ? {} : { body }) });
        const want = expectation(route, caller);
        tally[want]++;
        if (want === 'allowed') allowedStatuses[res.statusCode] = (allowedStatuses[res.statusCode] ?? 0) + 1;
        const where = `${route.method} ${route.url} as ${caller.name}`;
        try {
          assert.ok(res.statusCode < 500, `${where}: ${res.statusCode} ${res.body.slice(0, 300)}`);
          if (want === 'unauthenticated') {
            assert.equal(res.statusCode, 401, `${where}: ${res.body.slice(0, 300)}`);
            assert.equal(errorOf(res).code, 'UNAUTHENTICATED', where);
          } else if (want === 'forbidden') {
            assert.equal(res.statusCode, 403, `${where}: ${res.body.slice(0, 300)}`);
            assert.equal(errorOf(res).code, 'FORBIDDEN', where);
          } else if (res.statusCode >= 400) {
            const err = errorOf(res);
            if (!designedHandlerRefusal(route, caller, res)) {
              assert.ok(!ACCESS_DENIALS.has(err.code), `${where}: refused with ${err.code}: ${err.message}`);
              // 401 is legitimate on a public route only as a wrong password (login).
              assert.ok(res.statusCode !== 403 && (res.statusCode !== 401 || err.code === 'INVALID_CREDENTIALS'), `${where}: ${res.statusCode} ${err.code}`);
            }
          }
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    }
    t.diagnostic(`${routes.length} routes × ${callers.length} callers: ${JSON.stringify(tally)}; statuses when allowed: ${JSON.stringify(allowedStatuses)}`);
    assert.deepEqual(failures, []);
    // The walk did exercise all three outcomes.
    assert.ok(tally.unauthenticated > 0 && tally.forbidden > 0 && tally.allowed > 0);
  });

  test('a cookie session needs X-CSRF-Token on unsafe methods (not on GET)', async () => {
    const session = await h.user('moderator');
    const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
      h.vigie.fastify.inject({ method, url, headers: { cookie: session.cookie, ...headers }, ...(payload ? { payload } : {}) });

    const noToken = await inject('POST', '/v1/services/default/cases/claim-next', {}, {});
    assert.equal(noToken.statusCode, 403);
    assert.equal(errorOf(noToken).code, 'CSRF_TOKEN_INVALID');

    const wrong = await inject('POST', '/v1/services/default/cases/claim-next', { 'x-csrf-token': `${session.csrf}x` }, {});
    assert.equal(wrong.statusCode, 403);
    assert.equal(errorOf(wrong).code, 'CSRF_TOKEN_INVALID');

    const otherSession = await h.user('moderator');
    const foreign = await inject('POST', '/v1/services/default/cases/claim-next', { 'x-csrf-token': otherSession.csrf }, {});
    assert.equal(foreign.statusCode, 403, "another session's token is not this session's");
    assert.equal(errorOf(foreign).code, 'CSRF_TOKEN_INVALID');

    const logoutNoToken = await inject('POST', '/v1/auth/logout', {});
    assert.equal(logoutNoToken.statusCode, 403);
    assert.equal(errorOf(logoutNoToken).code, 'CSRF_TOKEN_INVALID');

    const read = await inject('GET', '/v1/services/default/queues', {});
    assert.equal(read.statusCode, 200, read.body);

    const right = await inject('POST', '/v1/services/default/cases/claim-next', { 'x-csrf-token': session.csrf }, {});
    assert.equal(right.statusCode, 200, right.body);
  });

  test('a signed-out session is anonymous again', async () => {
    const session = await h.user('analyst');
    assert.equal((await h.request('GET', '/v1/me', { auth: session })).statusCode, 200);
    assert.equal((await h.request('POST', '/v1/auth/logout', { auth: session })).statusCode, 204);
    const signedOut = await h.request('GET', '/v1/me', { auth: session });
    assert.equal(signedOut.statusCode, 401);
    assert.equal(errorOf(signedOut).code, 'UNAUTHENTICATED');
  });

  test('revoked, expired and malformed API keys get 401', async () => {
    const admin = await h.user('admin');
    const created = await h.request('POST', '/v1/services/default/api-keys', { auth: admin, body: { name: 'to revoke', role: 'platform' } });
    assert.equal(created.statusCode, 201, created.body);
    const { id, key } = created.json() as { id: string; key: string };
    const live = await h.request('GET', '/v1/services/default', { auth: { key } });
    assert.equal(live.statusCode, 200, live.body);

    const revoked = await h.request('DELETE', `/v1/services/default/api-keys/${id}`, { auth: admin });
    assert.equal(revoked.statusCode, 204, revoked.body);
    for (const url of ['/v1/services/default', '/v1/me']) {
      const res = await h.request('GET', url, { auth: { key } });
      assert.equal(res.statusCode, 401, `${url}: ${res.body}`);
      assert.equal(errorOf(res).code, 'UNAUTHENTICATED');
    }
    const notice = await h.request('POST', '/v1/services/default/notices', { auth: { key }, body: { category: 'x' } });
    assert.equal(notice.statusCode, 401, 'authentication comes before validation');

    const expired = await h.request('POST', '/v1/services/default/api-keys', {
      auth: admin,
      body: { name: 'expired', role: 'platform', expires_at: new Date(Date.now() - 60_000).toISOString() },
    });
    assert.equal(expired.statusCode, 201, expired.body);
    const useExpired = await h.request('GET', '/v1/services/default', { auth: { key: (expired.json() as { key: string }).key } });
    assert.equal(useExpired.statusCode, 401);
    assert.equal(errorOf(useExpired).code, 'UNAUTHENTICATED');

    for (const authorization of ['Bearer', 'Bearer ', 'Bearer nonsense', `Bearer ${key}x`, 'Basic dXNlcjpwYXNz', `bearer ${key}`]) {
      const res = await h.request('GET', '/v1/services/default', { headers: { authorization } });
      assert.equal(res.statusCode, 401, `${authorization}: ${res.body}`);
      assert.equal(errorOf(res).code, 'UNAUTHENTICATED');
    }
  });

  test("an API key of one service is refused on another; so is a user without membership", async () => {
    const instanceAdmin = await h.user('admin');
    const slug = `other-${crypto.randomBytes(3).toString('hex')}`;
    const created = await h.request('POST', '/v1/services', { auth: instanceAdmin, body: { slug, name: 'Other service' } });
    assert.equal(created.statusCode, 201, created.body);

    const otherKey = await h.apiKey('platform', slug);
    const own = await h.request('GET', `/v1/services/${slug}`, { auth: otherKey });
    assert.equal(own.statusCode, 200, own.body);
    const cross = await h.request('GET', '/v1/services/default', { auth: otherKey });
    assert.equal(cross.statusCode, 403, cross.body);
    assert.equal(errorOf(cross).code, 'FORBIDDEN');
    const crossNotice = await h.request('POST', '/v1/services/default/notices', { auth: otherKey, body: { explanation: 'x' } });
    assert.equal(crossNotice.statusCode, 403, 'authorisation comes before validation');
    assert.equal(errorOf(crossNotice).code, 'FORBIDDEN');
    assert.deepEqual(errorOf(crossNotice).fields, [], 'no field errors leak to a caller without access');

    const defaultKey = await h.apiKey('platform');
    const reverse = await h.request('GET', `/v1/services/${slug}`, { auth: defaultKey });
    assert.equal(reverse.statusCode, 403);
    assert.equal(errorOf(reverse).code, 'FORBIDDEN');

    // A user who belongs to the other service only.
    const outsider = await h.user('admin', { service: slug, teams: [] });
    assert.equal((await h.request('GET', `/v1/services/${slug}`, { auth: outsider })).statusCode, 200);
    for (const [method, url] of [
      ['GET', '/v1/services/default'],
      ['GET', '/v1/services/default/cases'],
      ['GET', '/v1/services/default/members'],
      ['POST', '/v1/services/default/cases/claim-next'],
    ] as const) {
      const res = await h.request(method, url, { auth: outsider, ...(method === 'POST' ? { body: {} } : {}) });
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
      assert.equal(errorOf(res).code, 'FORBIDDEN');
    }
    const list = await h.request('GET', '/v1/services', { auth: outsider });
    assert.equal(list.statusCode, 200);
    const slugs = (list.json() as { items: Array<{ slug: string }> }).items.map((s) => s.slug);
    assert.deepEqual(slugs, [slug], 'a non-member does not see the default service');

    // A service that does not exist is indistinguishable from one you do not belong to.
    const missing = await h.request('GET', '/v1/services/no-such-service', { auth: outsider });
    assert.equal(missing.statusCode, 403);
    assert.equal(errorOf(missing).code, 'FORBIDDEN');
  });
});
