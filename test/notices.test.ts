import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { notice, startHarness, type Harness } from './helpers.ts';

const PUBLIC = '/v1/public/services/default/notices';
const API = '/v1/services/default/notices';

function multipart(parts: Array<{ name: string; value: string | Buffer; filename?: string; type?: string }>) {
  const boundary = '----vigie' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.type) head += `Content-Type: ${p.type}\r\n`;
    chunks.push(Buffer.from(head + '\r\n'), Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

// A real 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4d70000000049454e44ae426082', 'hex');

describe('notice intake', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ evidenceMaxBytes: 64 * 1024 });
  });
  after(async () => h.close());

  it('accepts a public notice and answers with a receipt only after commit', async () => {
    const res = await h.request('POST', PUBLIC, { body: notice() });
    assert.equal(res.statusCode, 201, res.body);
    const r = res.json() as { reference: string; tracking_token: string; status: string };
    assert.match(r.reference, /^N-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.ok(r.tracking_token.length >= 30);
    assert.equal(r.status, 'received');
    const row = await sql<{ n: number }>`select count(*)::int as n from notices where reference = ${r.reference}`.execute(h.db);
    assert.equal(row.rows[0]?.n, 1);
    // The acknowledgement to the notifier is queued in the outbox by the same statement.
    const ack = await sql<{ locale: string; status: string }>`
      select o.locale, o.status from outbox o join notices n on n.id = o.notice_id
      where n.reference = ${r.reference} and o.template = 'notice_acknowledgement'`.execute(h.db);
    assert.deepEqual(ack.rows, [{ locale: 'fr', status: 'pending' }]);
    assert.equal(res.headers['x-request-id'] !== undefined, true);
  });

  it('lists every invalid field at once, with path and reason', async () => {
    const res = await h.request('POST', PUBLIC, {
      body: { category: 'NOPE', locations: [{ url: 'javascript:alert(1)' }, {}], explanation: 'short', language: 'xx', good_faith: false, colour: 'red' },
    });
    assert.equal(res.statusCode, 400);
    const err = (res.json() as { error: { code: string; fields: Array<{ path: string; reason: string }> } }).error;
    assert.equal(err.code, 'VALIDATION_FAILED');
    const paths = err.fields.map((f) => f.path).sort();
    for (const p of ['body.category', 'body.locations.0.url', 'body.locations.1', 'body.explanation', 'body.language', 'body.good_faith', 'body.colour', 'body.notifier']) {
      assert.ok(paths.includes(p), `missing ${p} in ${paths.join(', ')}`);
    }
    for (const f of err.fields) assert.ok(f.reason.length > 0);
  });

  it('checks sub-categories against their category and the anonymity rule', async () => {
    const wrongSub = await h.request('POST', PUBLIC, { body: notice({ subcategory: 'KEYWORD_TERRORIST_CONTENT' }) });
    assert.equal(wrongSub.statusCode, 400);
    assert.match(wrongSub.body, /body\.subcategory/);
    const anonymousHate = await h.request('POST', PUBLIC, { body: notice({ notifier: undefined }) });
    assert.equal(anonymousHate.statusCode, 400);
    assert.match(anonymousHate.body, /body\.notifier/);
    const anonymousCsam = await h.request('POST', PUBLIC, {
      body: notice({ category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', subcategory: 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL', notifier: undefined }),
    });
    assert.equal(anonymousCsam.statusCode, 201, anonymousCsam.body);
    const badCountry = await h.request('POST', PUBLIC, { body: notice({ country: 'XX' }) });
    assert.equal(badCountry.statusCode, 400);
  });

  it('rejects wrong content types and malformed JSON with the error format', async () => {
    const xml = await h.request('POST', PUBLIC, { body: '<notice/>', headers: { 'content-type': 'application/xml' } });
    assert.equal(xml.statusCode, 415);
    assert.equal((xml.json() as { error: { code: string } }).error.code, 'UNSUPPORTED_MEDIA_TYPE');
    const broken = await h.request('POST', PUBLIC, { body: '{"category":', headers: { 'content-type': 'application/json' } });
    assert.equal(broken.statusCode, 400);
    assert.equal((broken.json() as { error: { code: string } }).error.code, 'MALFORMED_JSON');
    const unknownRoute = await h.request('GET', '/v1/nothing-here');
    assert.equal(unknownRoute.statusCode, 404);
    assert.equal((unknownRoute.json() as { error: { code: string } }).error.code, 'NOT_FOUND');
    const noService = await h.request('POST', '/v1/public/services/nope/notices', { body: notice() });
    assert.equal(noService.statusCode, 404);
  });

  it('is idempotent with Idempotency-Key: a retry returns the first receipt, never a duplicate', async () => {
    const body = notice();
    const headers = { 'idempotency-key': 'retry-1234' };
    const first = await h.request('POST', PUBLIC, { body, headers });
    const second = await h.request('POST', PUBLIC, { body, headers });
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 201);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.deepEqual(second.json(), first.json());
    const ref = (first.json() as { reference: string }).reference;
    const locUrl = (body.locations as Array<{ url: string }>)[0]?.url as string;
    const count = await sql<{ n: number }>`select count(*)::int as n from notice_locations where url = ${locUrl}`.execute(h.db);
    assert.equal(count.rows[0]?.n, 1, `one notice for ${ref}`);
    const reused = await h.request('POST', PUBLIC, { body: notice(), headers });
    assert.equal(reused.statusCode, 422);
    assert.equal((reused.json() as { error: { code: string } }).error.code, 'IDEMPOTENCY_KEY_REUSED');
    const concurrent = await Promise.all(
      Array.from({ length: 6 }, () => h.request('POST', PUBLIC, { body, headers: { 'idempotency-key': 'burst-key' } })),
    );
    const refs = new Set(concurrent.map((r) => (r.json() as { reference: string }).reference));
    assert.equal(refs.size, 1, 'concurrent retries share one receipt');
  });

  it('lets the notifier track the notice with the token only', async () => {
    const r = (await h.request('POST', PUBLIC, { body: notice() })).json() as { reference: string; tracking_token: string };
    const ok = await h.request('GET', `${PUBLIC}/${r.reference}`, { headers: { 'x-tracking-token': r.tracking_token } });
    assert.equal(ok.statusCode, 200);
    assert.equal((ok.json() as { status: string }).status, 'received');
    const viaQuery = await h.request('GET', `${PUBLIC}/${r.reference}?token=${r.tracking_token}`);
    assert.equal(viaQuery.statusCode, 200);
    const wrong = await h.request('GET', `${PUBLIC}/${r.reference}`, { headers: { 'x-tracking-token': 'x'.repeat(32) } });
    assert.equal(wrong.statusCode, 404);
    const none = await h.request('GET', `${PUBLIC}/${r.reference}`);
    assert.equal(none.statusCode, 404);
  });

  it('takes evidence files by multipart, checks their real type and size', async () => {
    const good = multipart([
      { name: 'notice', value: JSON.stringify(notice()) },
      { name: 'evidence', value: PNG, filename: 'shot.png', type: 'image/png' },
      { name: 'evidence', value: 'a plain text transcript', filename: 't.txt', type: 'text/plain' },
    ]);
    const res = await h.vigie.fastify.inject({ method: 'POST', url: PUBLIC, payload: good.body, headers: good.headers });
    assert.equal(res.statusCode, 201, res.body);
    const ev = (res.json() as { evidence: Array<{ media_type: string; size_bytes: number }> }).evidence;
    assert.deepEqual(ev.map((e) => e.media_type), ['image/png', 'text/plain']);

    const disguised = multipart([
      { name: 'notice', value: JSON.stringify(notice()) },
      { name: 'evidence', value: Buffer.from('MZ\x90\x00 windows executable pretending', 'latin1'), filename: 'x.png', type: 'image/png' },
    ]);
    const bad = await h.vigie.fastify.inject({ method: 'POST', url: PUBLIC, payload: disguised.body, headers: disguised.headers });
    assert.equal(bad.statusCode, 415, bad.body);
    assert.equal((bad.json() as { error: { code: string } }).error.code, 'EVIDENCE_TYPE_NOT_ALLOWED');

    const huge = multipart([
      { name: 'notice', value: JSON.stringify(notice()) },
      { name: 'evidence', value: Buffer.concat([PNG, Buffer.alloc(100 * 1024)]), filename: 'big.png', type: 'image/png' },
    ]);
    const big = await h.vigie.fastify.inject({ method: 'POST', url: PUBLIC, payload: huge.body, headers: huge.headers });
    assert.equal(big.statusCode, 413, big.body);

    const invalidNotice = multipart([{ name: 'notice', value: JSON.stringify({ category: 'x' }) }, { name: 'evidence', value: PNG, filename: 'a.png', type: 'image/png' }]);
    const inv = await h.vigie.fastify.inject({ method: 'POST', url: PUBLIC, payload: invalidNotice.body, headers: invalidNotice.headers });
    assert.equal(inv.statusCode, 400);
    const before = await sql<{ n: number }>`select count(*)::int as n from notices`.execute(h.db);
    const missing = multipart([{ name: 'evidence', value: PNG, filename: 'a.png', type: 'image/png' }]);
    const miss = await h.vigie.fastify.inject({ method: 'POST', url: PUBLIC, payload: missing.body, headers: missing.headers });
    assert.equal(miss.statusCode, 400);
    const afterCount = await sql<{ n: number }>`select count(*)::int as n from notices`.execute(h.db);
    assert.equal(afterCount.rows[0]?.n, before.rows[0]?.n, 'nothing half-written');
  });

  it('hides the notifier identity from roles that do not need it', async () => {
    const r = (await h.request('POST', PUBLIC, { body: notice() })).json() as { reference: string };
    const row = await sql<{ id: string }>`select id from notices where reference = ${r.reference}`.execute(h.db);
    const id = row.rows[0]?.id as string;
    const moderator = await h.user('moderator');
    const legal = await h.user('legal');
    const asMod = (await h.request('GET', `${API}/${id}`, { auth: moderator })).json() as { notifier: unknown };
    const asLegal = (await h.request('GET', `${API}/${id}`, { auth: legal })).json() as { notifier: unknown };
    assert.deepEqual(asMod.notifier, { hidden: true });
    assert.deepEqual(asLegal.notifier, { name: 'Camille Martin', email: 'camille@example.org' });
    const list = await h.request('GET', `${API}?limit=2`, { auth: moderator });
    assert.equal(list.statusCode, 200);
    assert.doesNotMatch(list.body, /camille@example\.org/);
  });

  it('lists notices newest first with keyset cursors that never repeat or skip a row', async () => {
    const analyst = await h.user('analyst');
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res = await h.request('GET', `${API}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { auth: analyst });
      assert.equal(res.statusCode, 200);
      const body = res.json() as { items: Array<{ id: string; created_at: string }>; next_cursor: string | null };
      seen.push(...body.items.map((n) => n.id));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    const total = await sql<{ n: number }>`select count(*)::int as n from notices`.execute(h.db);
    assert.equal(seen.length, total.rows[0]?.n);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('takes authenticated notices from platform and trusted-flagger keys', async () => {
    const platform = await h.apiKey('platform');
    const flagger = await h.apiKey('trusted_flagger');
    const a = await h.request('POST', API, { auth: platform, body: notice({ notifier: undefined, locations: [{ content_id: 'post:42' }] }) });
    assert.equal(a.statusCode, 400, 'identity still required for non-CSAM via API');
    const b = await h.request('POST', API, { auth: flagger, body: notice() });
    assert.equal(b.statusCode, 201);
    const ref = (b.json() as { reference: string }).reference;
    const row = await sql<{ trusted: boolean; notifier_type: string }>`select trusted, notifier_type from notices where reference = ${ref}`.execute(h.db);
    assert.deepEqual(row.rows[0], { trusted: true, notifier_type: 'trusted_flagger' });
    const bad = await h.request('POST', API, { auth: { key: 'vk_' + '0'.repeat(32) + '_' + 'x'.repeat(40) }, body: notice() });
    assert.equal(bad.statusCode, 401);
  });

  it('rate-limits the public endpoint per IP', async () => {
    const limited = await startHarness({ rateLimitPublicPerMinute: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.request('POST', PUBLIC, { body: notice() })).statusCode);
      assert.deepEqual(codes, [201, 201, 201, 429, 429]);
      const last = await limited.request('POST', PUBLIC, { body: notice() });
      assert.equal((last.json() as { error: { code: string } }).error.code, 'RATE_LIMITED');
      assert.ok(last.headers['retry-after']);
    } finally {
      await limited.close();
    }
  });
});
