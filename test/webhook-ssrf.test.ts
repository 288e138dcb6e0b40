import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { deliverDue } from '../src/webhooks/index.ts';
import { classifyAddress, createNetGuard } from '../src/webhooks/net-guard.ts';
import { insertEndpoint } from '../src/webhooks/sql.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';
import { claimAndDecide, openCase } from './support/cases.ts';
import { RESTRICTION } from './support/fixtures.ts';

const S = '/v1/services/default';

describe('address classifier', () => {
  const table: Array<[string, string | null]> = [
    // IPv4
    ['8.8.8.8', null],
    ['93.184.216.34', null],
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['1.0.0.0', null],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['126.255.255.255', null],
    ['128.0.0.0', null],
    ['10.0.0.0', 'private network'],
    ['10.255.255.255', 'private network'],
    ['9.255.255.255', null],
    ['11.0.0.0', null],
    ['172.15.255.255', null],
    ['172.16.0.0', 'private network'],
    ['172.31.255.255', 'private network'],
    ['172.32.0.0', null],
    ['192.167.255.255', null],
    ['192.168.0.1', 'private network'],
    ['192.168.255.255', 'private network'],
    ['192.169.0.0', null],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.0', 'link-local'],
    ['169.253.255.255', null],
    ['169.255.0.0', null],
    ['100.63.255.255', null],
    ['100.64.0.0', 'shared address space (CGNAT)'],
    ['100.127.255.255', 'shared address space (CGNAT)'],
    ['100.128.0.0', null],
    ['223.255.255.255', null],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    // IPv6
    ['2606:4700:4700::1111', null],
    ['2001:4860:4860::8888', null],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::2', 'reserved'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'private network'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fbff:ffff::1', null],
    ['fe00::1', null],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:10.1.2.3', 'private network'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:8.8.8.8', null],
    ['64:ff9b::a00:1', 'private network'],
    ['64:ff9b::808:808', null],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:0808:0808::1', null],
    // not an IP address
    ['localhost', 'reserved'],
    ['', 'reserved'],
  ];
  for (const [address, reason] of table) {
    it(`${address || '(empty)'} → ${reason ?? 'public'}`, () => assert.equal(classifyAddress(address), reason));
  }

  it('WEBHOOK_ALLOWED_HOSTS exempts names, addresses and ranges; WEBHOOK_ALLOW_PRIVATE_NETWORKS everything', () => {
    const g = createNetGuard({ allowPrivateNetworks: false, allowedHosts: ['Hooks.Internal', '10.0.0.5', '192.168.7.0/24', '[fd00::7]'] });
    assert.equal(g.checkEndpointUrl('http://hooks.internal./x'), null);
    assert.equal(g.checkEndpointUrl('http://10.0.0.5:8080/x'), null);
    assert.match(g.checkEndpointUrl('http://10.0.0.6/x') ?? '', /10\.0\.0\.6: private network/);
    assert.equal(g.checkEndpointUrl('http://192.168.7.200/x'), null);
    assert.equal(g.checkEndpointUrl('http://[fd00::7]/x'), null);
    assert.equal(g.checkAddress('other.example', '192.168.7.1'), null, 'an allowed address, whatever the name');
    assert.equal(g.checkAddress('other.example', '192.168.8.1')?.message, 'blocked address 192.168.8.1 (private network)');
    assert.equal(g.checkAddress('hooks.internal', '127.0.0.1'), null, 'an allowed name, whatever its address');
    const open = createNetGuard({ allowPrivateNetworks: true, allowedHosts: [] });
    assert.equal(open.checkEndpointUrl('http://127.0.0.1/x'), null);
    assert.equal(open.checkEndpointUrl('http://localhost/x'), null);
    assert.match(open.checkEndpointUrl('ftp://example.org/x') ?? '', /http\(s\)/, 'the scheme is checked even when open');
  });

  it('the lookup refuses a name when any of its addresses is blocked', async () => {
    const g = createNetGuard({ allowPrivateNetworks: false, allowedHosts: [] });
    const err = await new Promise<Error | null>((resolve) => g.lookup('localhost', { all: true }, (e) => resolve(e)));
    assert.match(err?.message ?? '', /^blocked address (127\.0\.0\.1|::1) \(loopback\)$/);
  });
});

describe('webhook endpoints with the outbound guard on (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)', () => {
  let h: Harness;
  let mod: Session;
  let admin: Session;
  before(async () => {
    h = await startHarness({ webhookAllowPrivateNetworks: false });
    [mod, admin] = await Promise.all([h.user('moderator'), h.user('admin')]);
  });
  after(async () => h.close());

  const create = (url: string) => h.request('POST', `${S}/webhooks`, { auth: admin, body: { url } });

  const refused: Array<[string, RegExp]> = [
    ['http://127.0.0.1/x', /127\.0\.0\.1: loopback/],
    ['http://127.1/x', /127\.0\.0\.1: loopback/],
    ['http://2130706433/x', /127\.0\.0\.1: loopback/],
    ['http://[::1]/', /::1: loopback/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://169.254.169.254/latest', /169\.254\.169\.254: link-local/],
    ['http://10.1.2.3/', /10\.1\.2\.3: private network/],
    ['https://172.16.0.1/', /private network/],
    ['https://192.168.1.1/', /private network/],
    ['http://100.64.0.1/', /CGNAT/],
    ['http://0.0.0.0:8080/', /unspecified/],
    ['http://[fe80::1]/', /link-local/],
    ['http://[fd00::1]/', /unique-local/],
    ['http://224.0.0.1/', /multicast/],
    ['http://255.255.255.255/', /broadcast/],
    ['http://localhost:8080/', /localhost/],
    ['http://LOCALHOST./x', /localhost/],
    ['http://api.localhost/x', /api\.localhost/],
    ['http://user:pw@example.org/', /credentials/],
    ['ftp://example.org/x', /http/],
    ['file:///etc/passwd', /http/],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${url}`, async () => {
      const res = await create(url);
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json() as { error: { code: string; fields: Array<{ path: string; reason: string }> } };
      assert.equal(body.error.code, 'VALIDATION_FAILED');
      assert.equal(body.error.fields.length, 1, res.body);
      assert.equal(body.error.fields[0]?.path, 'body.url');
      assert.match(body.error.fields[0]?.reason ?? '', reason);
    });
  }

  it('the same rule guards the URL of a partner bank (bank exchange)', async () => {
    const bank = await h.request('POST', `${S}/banks`, {
      auth: admin,
      body: { slug: 'mirror', name: 'Mirror', kind: 'positive', category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', default_action: 'open_case', source: { kind: 'own' }, sharing: 'private' },
    });
    assert.equal(bank.statusCode, 201, bank.body);
    const id = (bank.json() as { id: string }).id;
    const res = await h.request('PUT', `${S}/banks/${id}/partner-source`, {
      auth: admin,
      body: { url: 'http://169.254.169.254/v1/exchange/banks/x/entries', token: 'vxg_3b0c7a52-5f0e-4c41-b1f5-2f6e0c1d9a88_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG' },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual((res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path), ['body.url']);
  });

  it('accepts a public https URL and a public IP', async () => {
    for (const url of ['https://example.org/hook', 'https://93.184.216.34/hook', 'https://[2606:4700:4700::1111]/hook']) {
      const res = await create(url);
      assert.equal(res.statusCode, 201, res.body);
      const id = (res.json() as { id: string }).id;
      // Disabled at once: no delivery of the next tests goes to the outside world.
      assert.equal((await h.request('POST', `${S}/webhooks/${id}/disable`, { auth: admin })).statusCode, 200);
    }
  });

  it('a name that resolves to a blocked address is refused at connect time: failed attempt, dead, nothing received', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Created behind the route's back (it refuses `localhost`), as if the name had been re-pointed after creation.
      const byName = await insertEndpoint(h.db, { serviceId: h.serviceId, url: `http://localhost:${port}/hook`, description: null, secret: 'whsec_test', events: ['decision.taken'] });
      const byIp = await insertEndpoint(h.db, { serviceId: h.serviceId, url: `http://127.0.0.1:${port}/hook`, description: null, secret: 'whsec_test', events: ['decision.taken'] });
      const { caseId } = await openCase(h, 'https://forum.example/t/ssrf-1');
      const decision = await claimAndDecide<{ id: string }>(h, caseId, mod, RESTRICTION);
      assert.ok((await deliverDue(h.db, { timeoutMs: 2000 })) >= 2);
      assert.equal(hits, 0, 'no request reached the local receiver');

      const rows = await sql<{ endpoint_id: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null }>`
        select d.endpoint_id, d.status, d.attempts, d.last_status_code, d.last_error from webhook_deliveries d
        join platform_events e on e.id = d.event_id where e.decision_id = ${decision.id}`.execute(h.db);
      const of = (id: string) => rows.rows.find((r) => r.endpoint_id === id);
      const named = of(byName.id);
      assert.ok(named);
      assert.deepEqual([named.status, named.attempts, named.last_status_code], ['dead', 1, null]);
      assert.match(named.last_error ?? '', /^blocked address (127\.0\.0\.1|::1) \(loopback\)$/);
      const literal = of(byIp.id);
      assert.ok(literal);
      assert.deepEqual([literal.status, literal.attempts, literal.last_error], ['dead', 1, 'blocked address 127.0.0.1 (loopback)']);

      // The attempt is in the delivery log the admin reads.
      const page = await h.request('GET', `${S}/webhooks/${byName.id}/deliveries`, { auth: admin });
      assert.equal(page.statusCode, 200, page.body);
      const item = (page.json() as { items: Array<{ status: string; log: Array<{ error: string | null; status_code: number | null }> }> }).items[0];
      assert.equal(item?.status, 'dead');
      assert.match(item?.log[0]?.error ?? '', /^blocked address/);
      assert.equal(await deliverDue(h.db, { timeoutMs: 2000 }), 0, 'not retried');
      assert.equal(hits, 0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
