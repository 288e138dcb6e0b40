/**
 * Partner exchange between Vigie instances (docs/banks.md, "Partner exchange"), through the real HTTP app
 * listening on a port: the owner's service ("default") grants a partner access to a bank; the partner's
 * service ("forum", same instance, pulling over HTTP as another instance would) mirrors it with a partner
 * source and syncs: signed pages, cursor, statuses (retractions, disputes) propagated to its matcher,
 * tampered pages refused, revocation.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { bankMatcherOf, decodeExchangeCursor, signatureProblem, syncPartnerBank, type SyncReport } from '../src/banks/index.ts';
import { sql } from '../src/db/index.ts';
import { createService } from '../src/services/index.ts';
import { startHarness, type Auth, type Harness, type Session } from './helpers.ts';
import { randomHex } from './support/hashes.ts';

const S = '/v1/services/default';
const F = '/v1/services/forum';

interface Bank {
  id: string;
  slug: string;
  source: { kind: string; description: string | null };
}
interface Lookup {
  matches: Array<{ entry_id: number; status: string; automated_action_allowed: boolean; bank: { id: string; slug: string }; provenance: Record<string, unknown> }>;
}
interface PageBody {
  bank: { id: string };
  items: Array<{ signal_type: string; hash: string; status: string; provenance: Record<string, unknown>; updated_at: string }>;
  next_cursor: string | null;
  has_more: boolean;
}

describe('partner exchange of banks', () => {
  let h: Harness;
  let admin: Session;
  let forumAdmin: Session;
  let base: string;
  let seq = 0;

  before(async () => {
    h = await startHarness();
    await createService(h.db, { slug: 'forum', name: 'Forum' }, { type: 'system', id: null }, null);
    [admin, forumAdmin] = await Promise.all([h.user('admin'), h.user('admin', { service: 'forum' })]);
    base = await h.vigie.fastify.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => h.close());

  async function newBank(auth: Auth, svc: string): Promise<Bank> {
    const res = await h.request('POST', `${svc}/banks`, {
      auth,
      body: { slug: `x-${++seq}`, name: `Bank ${seq}`, category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', source: { kind: 'own' } },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as Bank;
  }
  async function add(bank: Bank, signal_type: string, hash: string, extra: Record<string, unknown> = {}): Promise<{ id: number }> {
    const res = await h.request('POST', `${S}/banks/${bank.id}/entries`, { auth: admin, body: { signal_type, hash, ...extra } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: number };
  }
  async function grant(bank: Bank): Promise<{ id: string; token: string }> {
    const res = await h.request('POST', `${S}/banks/${bank.id}/exchange-grants`, { auth: admin, body: { partner: 'Forum T&S' } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; token: string };
  }
  async function mirror(owner: Bank, token: string, query = ''): Promise<Bank> {
    const bank = await newBank(forumAdmin, F);
    const res = await h.request('PUT', `${F}/banks/${bank.id}/partner-source`, {
      auth: forumAdmin,
      body: { url: `${base}/v1/exchange/banks/${owner.id}/entries${query}`, token },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(!res.body.includes(token.slice(4)), 'the token is never returned');
    return bank;
  }
  async function sync(bank: Bank): Promise<SyncReport> {
    const res = await h.request('POST', `${F}/banks/${bank.id}/sync`, { auth: forumAdmin });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as SyncReport;
  }
  async function lookup(signal_type: string, hash: string): Promise<Lookup['matches']> {
    const res = await h.request('POST', `${F}/banks/lookup`, { auth: forumAdmin, body: { signal_type, hash } });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as Lookup).matches;
  }
  const pull = (bankId: string, token: string | undefined, query = '') =>
    fetch(`${base}/v1/exchange/banks/${bankId}/entries${query}`, { headers: token ? { 'vigie-exchange-token': token } : {} });

  it('a grant token pulls a signed page of entries; provenance has no internal data; bad tokens are 404', async () => {
    const owner = await newBank(admin, S);
    const pdq = randomHex(32);
    await add(owner, 'pdq', pdq, { reference: 'TCAP-9', tags: ['tcap'], note: 'internal note: case 123' });
    await add(owner, 'md5', randomHex(16));
    const g = await grant(owner);
    assert.match(g.token, /^vxg_[0-9a-f-]{36}_[A-Za-z0-9_-]{43}$/);

    const res = await pull(owner.id, g.token);
    assert.equal(res.status, 200);
    const text = await res.text();
    const secret = g.token.slice(4 + 36 + 1);
    assert.equal(signatureProblem(secret, res.headers.get('vigie-timestamp'), res.headers.get('vigie-signature'), text), null);
    assert.match(signatureProblem(secret, res.headers.get('vigie-timestamp'), res.headers.get('vigie-signature'), text.replace('active', 'retracted')) ?? '', /does not match/);
    const page = JSON.parse(text) as PageBody;
    assert.equal(page.items.length, 2);
    assert.equal(page.has_more, false);
    const first = page.items.find((i) => i.hash === pdq);
    assert.deepEqual(first?.provenance, { source: 'own', reference: 'TCAP-9', tags: ['tcap'] });
    assert.ok(!text.includes('internal note') && !text.includes('added_by'));
    assert.ok(page.next_cursor && decodeExchangeCursor(page.next_cursor));

    // Missing, malformed, wrong-secret and other-bank tokens: all 404.
    assert.equal((await pull(owner.id, undefined)).status, 404);
    assert.equal((await pull(owner.id, 'vxg_nope')).status, 404);
    assert.equal((await pull(owner.id, g.token.slice(0, -1) + (g.token.endsWith('A') ? 'B' : 'A'))).status, 404);
    const other = await newBank(admin, S);
    assert.equal((await pull(other.id, g.token)).status, 404);
    assert.equal((await pull(owner.id, g.token, '?cursor=bad')).status, 400);

    // Grants are listed without secrets; the hash only is stored.
    const list = await h.request('GET', `${S}/banks/${owner.id}/exchange-grants`, { auth: admin });
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(secret));
    const stored = await sql<{ secret_hash: string }>`select secret_hash from bank_exchange_grants where id = ${g.id}`.execute(h.db);
    assert.equal(stored.rows[0]?.secret_hash, crypto.createHash('sha256').update(secret).digest('hex'));
    // The forum cannot grant on a bank it does not own.
    assert.equal((await h.request('POST', `${F}/banks/${owner.id}/exchange-grants`, { auth: forumAdmin, body: { partner: 'x' } })).statusCode, 404);
  });

  it('sync mirrors the bank over HTTP in pages, then propagates retractions and disputes to the matcher', async () => {
    const owner = await newBank(admin, S);
    const hashes = Array.from({ length: 25 }, () => randomHex(32));
    const bulk = await h.request('POST', `${S}/banks/${owner.id}/entries/bulk`, { auth: admin, body: { entries: hashes.map((hash) => ({ signal_type: 'pdq', hash })) } });
    assert.equal(bulk.statusCode, 200, bulk.body);
    const g = await grant(owner);
    const local = await mirror(owner, g.token, '?limit=10');

    const got = await h.request('GET', `${F}/banks/${local.id}`, { auth: forumAdmin });
    assert.equal((got.json() as Bank).source.kind, 'partner');
    const stored = await sql<{ token_encrypted: string }>`select token_encrypted from bank_partner_sources where bank_id = ${local.id}`.execute(h.db);
    assert.ok(!stored.rows[0]?.token_encrypted.includes(g.token.slice(4, 40)), 'the token is stored encrypted');

    const r1 = await sync(local);
    assert.equal(r1.ok, true, r1.error ?? '');
    assert.equal(r1.pages, 3);
    assert.equal(r1.added, 25);
    const m = await lookup('pdq', hashes[0] as string);
    assert.equal(m.length, 1);
    assert.equal(m[0]?.bank.id, local.id);
    assert.equal(m[0]?.provenance.imported_from, `partner:${new URL(base).host}`);

    // The owner retracts one entry and disputes another: the next sync carries both.
    const owned = (await h.request('GET', `${S}/banks/${owner.id}/entries?limit=200`, { auth: admin })).json() as { items: Array<{ id: number; hash: string }> };
    const idOf = (hash: string) => owned.items.find((e) => e.hash === hash)?.id as number;
    for (const [hash, status] of [[hashes[0], 'retracted'], [hashes[1], 'disputed']] as const) {
      const res = await h.request('POST', `${S}/banks/${owner.id}/entries/${idOf(hash as string)}/status`, { auth: admin, body: { status, reason: `set ${status}` } });
      assert.equal(res.statusCode, 200, res.body);
    }
    const r2 = await sync(local);
    assert.equal(r2.ok, true, r2.error ?? '');
    assert.equal(r2.added, 0);
    assert.equal(r2.updated, 2);
    assert.deepEqual(await lookup('pdq', hashes[0] as string), []);
    const disputed = await lookup('pdq', hashes[1] as string);
    assert.equal(disputed[0]?.status, 'disputed');
    assert.equal(disputed[0]?.automated_action_allowed, false);

    // Nothing new: a sync applies nothing (recent rows are read again — the look-back — and change nothing).
    const r3 = await sync(local);
    assert.equal(r3.ok, true);
    assert.equal(r3.added + r3.updated, 0);
    // A new hash arrives incrementally.
    const fresh = randomHex(32);
    await add(owner, 'pdq', fresh);
    const r4 = await sync(local);
    assert.equal(r4.added, 1);
    assert.equal((await lookup('pdq', fresh)).length, 1);

    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_events where subject_id = ${local.id} and action = 'bank.entries_synced'`.execute(h.db);
    assert.ok((audit.rows[0]?.n ?? 0) >= 4);
    const src = await h.request('GET', `${F}/banks/${local.id}/partner-source`, { auth: forumAdmin });
    assert.equal(src.statusCode, 200);
    assert.equal((src.json() as { last_error: string | null }).last_error, null);
    assert.ok(!src.body.includes(g.token.slice(4)));
  });

  it('a tampered page is refused and nothing of it is applied; a revoked grant stops the pulls', async () => {
    const owner = await newBank(admin, S);
    const hash = randomHex(32);
    await add(owner, 'pdq', hash);
    const g = await grant(owner);
    const local = await mirror(owner, g.token);
    const matcher = bankMatcherOf(h.db);
    assert.ok(matcher);

    // A man in the middle that rewrites the body (keeps the signature): refused.
    const tamper: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const body = (await res.text()).replace(hash, randomHex(32));
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const bad = await syncPartnerBank(h.db, matcher, h.config.dataDir, (await sql<{ id: string }>`select id from services where slug = 'forum'`.execute(h.db)).rows[0]?.id as string, local.id, { type: 'system', id: null }, null, { fetch: tamper });
    assert.equal(bad.ok, false);
    assert.match(bad.error ?? '', /signature refused/);
    const count = await sql<{ n: number }>`select count(*)::int as n from bank_entries where bank_id = ${local.id}`.execute(h.db);
    assert.equal(count.rows[0]?.n, 0);
    const src = (await h.request('GET', `${F}/banks/${local.id}/partner-source`, { auth: forumAdmin })).json() as { last_error: string };
    assert.match(src.last_error, /signature/);

    assert.equal((await sync(local)).added, 1);
    const del = await h.request('DELETE', `${S}/banks/${owner.id}/exchange-grants/${g.id}`, { auth: admin });
    assert.equal(del.statusCode, 200, del.body);
    assert.ok((del.json() as { revoked_at: string | null }).revoked_at);
    assert.equal((await pull(owner.id, g.token)).status, 404);
    const after = await sync(local);
    assert.equal(after.ok, false);
    assert.match(after.error ?? '', /404/);
    // A negative bank cannot take a partner source; a moderator cannot sync.
    const neg = await h.request('POST', `${F}/banks`, { auth: forumAdmin, body: { slug: 'neg-x', name: 'n', kind: 'negative' } });
    const negId = (neg.json() as Bank).id;
    const put = await h.request('PUT', `${F}/banks/${negId}/partner-source`, { auth: forumAdmin, body: { url: `${base}/v1/exchange/banks/${owner.id}/entries`, token: g.token } });
    assert.equal(put.statusCode, 400);
    const mod = await h.user('moderator', { service: 'forum' });
    assert.equal((await h.request('POST', `${F}/banks/${local.id}/sync`, { auth: mod })).statusCode, 403);
  });
});
