import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addMember, createApiKey } from '../src/accounts/index.ts';
import { createVigie, type Vigie } from '../src/server.ts';
import { findServiceBySlug } from '../src/services/index.ts';
import { freshDatabase, notice, testConfig, type TestDatabase } from './helpers.ts';

describe('structured logs', () => {
  const lines: string[] = [];
  let vigie: Vigie;
  let tdb: TestDatabase;
  before(async () => {
    tdb = await freshDatabase();
    vigie = await createVigie(testConfig({ logLevel: 'info' }), tdb.database, { workers: false, logStream: { write: (l) => void lines.push(l) } });
  });
  after(async () => {
    await vigie.stop();
    await tdb.drop();
  });

  it('carry request ids and never secrets or personal data', async () => {
    const svc = await findServiceBySlug(tdb.database.db, 'default');
    assert.ok(svc);
    const key = await createApiKey(tdb.database.db, svc.id, { name: 'log test', role: 'platform' }, { type: 'system', id: null }, null);
    await addMember(tdb.database.db, svc.id, { email: 'logs@example.org', role: 'moderator', password: 'correct horse battery staple' }, { type: 'system', id: null }, null);
    const body = notice({ notifier: { name: 'Secret Person', email: 'secret.person@example.org' } });
    const res = await vigie.fastify.inject({
      method: 'POST',
      url: '/v1/services/default/notices',
      headers: { authorization: `Bearer ${key.key}`, 'x-request-id': 'req-log-test-1' },
      payload: body,
    });
    assert.equal(res.statusCode, 201);
    const receipt = res.json() as { reference: string; tracking_token: string };
    await vigie.fastify.inject({ method: 'GET', url: `/v1/public/services/default/notices/${receipt.reference}?token=${receipt.tracking_token}` });
    const login = await vigie.fastify.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: 'logs@example.org', password: 'correct horse battery staple' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    await vigie.fastify.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    const all = lines.join('');
    assert.ok(lines.length >= 4, 'requests are logged');
    assert.match(all, /"reqId":"req-log-test-1"/);
    for (const secret of [key.key, receipt.tracking_token, 'secret.person@example.org', 'Secret Person', 'correct horse battery staple', cookie.split('=')[1] as string]) {
      assert.ok(!all.includes(secret), `log contains a secret: ${secret.slice(0, 12)}…`);
    }
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), 'one JSON object per line');
  });
});
