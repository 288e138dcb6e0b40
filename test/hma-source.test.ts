/**
 * A service's own HMA as a remote matcher (src/banks/remote.ts), end to end through the HTTP API against a
 * local server that speaks HMA's REST API: configuration (token never shown, audited, outbound rule),
 * screening and lookups that find HMA's matches beside the banks', rules on `hma:<bank>`, suppression by a
 * negative bank, and HMA down or slow never failing a screening call.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { sql } from '../src/db/index.ts';
import { pdqFromImage, pdqToHex } from '../src/screening/index.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';
import { flip } from './support/hashes.ts';
import { startHmaServer, type HmaServer } from './support/hma-server.ts';

const S = '/v1/services/default';
const IMAGE = path.join(import.meta.dirname, 'fixtures/pdq/images/bridge-mods/aaa-orig.jpg');
const TOKEN = 'proxy-token-0123456789';

interface Match {
  bank: { slug: string; name: string; owner_service: string; category: string | null };
  entry_id: number;
  distance: number;
  provenance: Record<string, unknown>;
  suppressed_by?: { bank: { slug: string } };
}
interface ScreenJson {
  matches: Match[];
  suppressed: Match[];
  remote_errors: Array<{ source: string; kind: string; message: string }>;
  rules: Array<{ rule: string; matched: boolean }>;
  actions: { hold: boolean; case_id: string | null };
}

const fieldPaths = (res: LightMyRequestResponse) => (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);

describe("a service's HMA as a remote matcher", () => {
  let h: Harness;
  let admin: Session;
  let platform: { key: string };
  let hma: HmaServer;
  let image: Buffer;
  let pdq = '';
  const md5 = 'b1946ac92492d2347c6235b4d2611184';

  before(async () => {
    h = await startHarness();
    [admin, platform] = await Promise.all([h.user('admin'), h.apiKey('platform')]);
    image = fs.readFileSync(IMAGE);
    pdq = pdqToHex((await pdqFromImage(image)).hash);
    hma = await startHmaServer({
      token: TOKEN,
      banks: [
        { name: 'TCAP_TERROR', matching_enabled_ratio: 1 },
        { name: 'OFF', matching_enabled_ratio: 0 },
      ],
      contents: [
        { id: 7, bank: 'TCAP_TERROR', signal_type: 'pdq', signal: flip(pdq, 4) },
        { id: 8, bank: 'OFF', signal_type: 'pdq', signal: pdq },
        { id: 9, bank: 'TCAP_TERROR', signal_type: 'video_md5', signal: md5 },
      ],
    });
  });
  after(async () => {
    await h.close();
    await hma.close();
  });

  const screen = (bytes: Buffer, contentId: string) =>
    h.request('POST', `${S}/screen`, { auth: platform, body: { content_id: contentId, image: bytes.toString('base64') } });

  it('is configured by an admin: the token is stored encrypted and never shown; the change is audited; check lists HMA banks', async () => {
    assert.equal((await h.request('GET', `${S}/hma`, { auth: admin })).statusCode, 404);
    const put = await h.request('PUT', `${S}/hma`, {
      auth: admin,
      body: { base_url: hma.url, token: TOKEN, category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', default_action: 'hold', timeout_ms: 1000 },
    });
    assert.equal(put.statusCode, 200, put.body);
    const got = (await h.request('GET', `${S}/hma`, { auth: admin })).json() as Record<string, unknown>;
    assert.equal(got.base_url, hma.url);
    assert.equal(got.token, 'set (never shown)');
    assert.equal(got.md5_signal_type, 'video_md5');
    assert.ok(!JSON.stringify(got).includes(TOKEN));
    const stored = await sql<{ token_encrypted: string }>`select token_encrypted from hma_sources`.execute(h.db);
    assert.ok(stored.rows[0]?.token_encrypted.startsWith('v1.'));
    assert.ok(!stored.rows[0]?.token_encrypted.includes(TOKEN));
    const audit = await sql<{ action: string; data: Record<string, unknown> }>`select action, data from audit_events where action like 'bank.hma_source%'`.execute(h.db);
    assert.equal(audit.rows[0]?.action, 'bank.hma_source_set');
    assert.equal(audit.rows[0]?.data.token, 'set');
    assert.ok(!JSON.stringify(audit.rows).includes(TOKEN));

    const check = await h.request('POST', `${S}/hma/check`, { auth: admin });
    assert.equal(check.statusCode, 200, check.body);
    assert.deepEqual(check.json(), {
      ok: true,
      banks: [
        { name: 'TCAP_TERROR', matching_enabled_ratio: 1 },
        { name: 'OFF', matching_enabled_ratio: 0 },
      ],
    });
    // Updating without a token keeps it.
    const again = await h.request('PUT', `${S}/hma`, { auth: admin, body: { base_url: hma.url, category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', timeout_ms: 1000 } });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal((again.json() as { token: string | null }).token, 'set (never shown)');
  });

  it('refuses bad configurations field by field, and non-admins', async () => {
    const bad = await h.request('PUT', `${S}/hma`, {
      auth: admin,
      body: { base_url: 'ftp://hma.example', md5_signal_type: 'Video MD5', category: 'NOT_A_CATEGORY', default_action: 'delete', timeout_ms: 50, extra: 1 },
    });
    assert.equal(bad.statusCode, 400, bad.body);
    const paths = fieldPaths(bad);
    for (const p of ['body.base_url', 'body.md5_signal_type', 'body.category', 'body.default_action', 'body.timeout_ms']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    const creds = await h.request('PUT', `${S}/hma`, { auth: admin, body: { base_url: 'https://user:pw@hma.example' } });
    assert.equal(creds.statusCode, 400);
    const mod = await h.user('moderator');
    assert.equal((await h.request('PUT', `${S}/hma`, { auth: mod, body: { base_url: hma.url } })).statusCode, 403);
    assert.equal((await h.request('DELETE', `${S}/hma`, { auth: mod })).statusCode, 403);
    assert.equal((await h.request('POST', `${S}/hma/check`, { auth: mod })).statusCode, 403);
  });

  it("screening finds HMA's match for a mirrored, recompressed copy; a rule on hma:<bank> acts; the evidence names HMA's bank and content", async () => {
    const rule = await h.request('PUT', `${S}/screening-rules/hma-terror`, {
      auth: admin,
      body: { name: 'HMA terrorist bank', mode: 'live', definition: { all: [{ signal: 'hash_match', banks: ['hma:TCAP_TERROR'] }], actions: [{ type: 'hold' }, { type: 'open_case' }] } },
    });
    assert.equal(rule.statusCode, 200, rule.body);
    const edited = await sharp(image).resize({ width: 480 }).flop().jpeg({ quality: 60 }).toBuffer();
    const res = await screen(edited, 'hma-post-1');
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as ScreenJson;
    assert.deepEqual(out.remote_errors, []);
    const m = out.matches.find((x) => x.bank.slug === 'hma:TCAP_TERROR');
    assert.ok(m, JSON.stringify(out.matches));
    assert.equal(m.entry_id, 7);
    assert.equal(m.bank.owner_service, 'hma');
    assert.equal(m.bank.category, 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY');
    assert.ok(m.distance >= 0 && m.distance <= 31);
    assert.equal(m.provenance.hma_content_id, 7);
    assert.ok(!out.matches.some((x) => x.bank.slug === 'hma:OFF'), 'a disabled HMA bank does not match');
    assert.equal(out.rules.find((r) => r.rule === 'hma-terror')?.matched, true);
    assert.equal(out.actions.hold, true);
    assert.ok(out.actions.case_id);
    const item = await sql<{ signals: { all_matches: Match[] } }>`select signals from screened_items where case_id = ${out.actions.case_id}`.execute(h.db);
    assert.equal(item.rows[0]?.signals.all_matches[0]?.provenance.hma_bank, 'TCAP_TERROR');
    // The token went to HMA (behind its proxy) and every lookup was of a PDQ or MD5 hash.
    const lookups = hma.requests.filter((r) => r.path === '/m/lookup');
    assert.ok(lookups.length >= 2 && lookups.every((r) => r.status === 200));
    assert.ok(lookups.every((r) => r.query.signal_type === 'pdq' || r.query.signal_type === 'video_md5'));
    const src = (await h.request('GET', `${S}/hma`, { auth: admin })).json() as { last_ok_at: string | null };
    assert.ok(src.last_ok_at);
  });

  it('the lookup endpoint asks HMA too (MD5 as video_md5)', async () => {
    const res = await h.request('POST', `${S}/banks/lookup`, { auth: admin, body: { signal_type: 'md5', hash: md5 } });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as ScreenJson;
    assert.deepEqual(
      out.matches.map((m) => [m.bank.slug, m.entry_id, m.distance]),
      [['hma:TCAP_TERROR', 9, 0]],
    );
    assert.deepEqual(out.remote_errors, []);
  });

  it("a negative bank of the service suppresses HMA's match of a known false positive", async () => {
    const neg = await h.request('POST', `${S}/banks`, { auth: admin, body: { slug: 'known-fp', name: 'Known false positives', kind: 'negative', source: { kind: 'own' }, sharing: 'private' } });
    assert.equal(neg.statusCode, 201, neg.body);
    const negId = (neg.json() as { id: string }).id;
    const e = await h.request('POST', `${S}/banks/${negId}/entries`, { auth: admin, body: { signal_type: 'pdq', hash: pdq } });
    assert.equal(e.statusCode, 201, e.body);
    const res = await screen(image, 'hma-post-2');
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as ScreenJson;
    assert.ok(!out.matches.some((x) => x.bank.slug.startsWith('hma:')), JSON.stringify(out.matches));
    const s = out.suppressed.find((x) => x.bank.slug === 'hma:TCAP_TERROR');
    assert.equal(s?.suppressed_by?.bank.slug, 'known-fp');
    assert.equal(out.actions.case_id, null);
    assert.equal(out.actions.hold, false);
    await h.request('POST', `${S}/banks/${negId}/entries/${(e.json() as { id: number }).id}/status`, { auth: admin, body: { status: 'retracted', reason: 'test over' } });
  });

  it('HMA failing or slow never fails screening: the answer names the error, the source keeps it', async () => {
    hma.failNext(100, 503);
    const res = await screen(image, 'hma-post-3');
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as ScreenJson;
    assert.equal(out.remote_errors.length, 1);
    assert.equal(out.remote_errors[0]?.kind, 'http');
    assert.match(out.remote_errors[0]?.message ?? '', /503/);
    hma.failNext(0);
    const src = (await h.request('GET', `${S}/hma`, { auth: admin })).json() as { last_error: string | null };
    assert.match(src.last_error ?? '', /^http: .*503/);

    const put = await h.request('PUT', `${S}/hma`, { auth: admin, body: { base_url: hma.url, timeout_ms: 150 } });
    assert.equal(put.statusCode, 200);
    hma.setDelay(1000);
    const t0 = Date.now();
    const slow = await screen(image, 'hma-post-4');
    hma.setDelay(0);
    assert.equal(slow.statusCode, 200, slow.body);
    assert.equal((slow.json() as ScreenJson).remote_errors[0]?.kind, 'timeout');
    assert.ok(Date.now() - t0 < 950, 'the timeout bounds the call');
    const check = await h.request('POST', `${S}/hma/check`, { auth: admin });
    assert.equal((check.json() as { ok: boolean }).ok, true);
  });

  it('a disabled or removed source is not asked; removal is audited', async () => {
    const before = hma.requests.length;
    assert.equal((await h.request('PUT', `${S}/hma`, { auth: admin, body: { base_url: hma.url, token: TOKEN, enabled: false } })).statusCode, 200);
    const off = await screen(image, 'hma-post-5');
    assert.equal(off.statusCode, 200);
    assert.equal(hma.requests.length, before);
    const del = await h.request('DELETE', `${S}/hma`, { auth: admin });
    assert.equal(del.statusCode, 204, del.body);
    assert.equal((await h.request('DELETE', `${S}/hma`, { auth: admin })).statusCode, 404);
    assert.equal((await h.request('GET', `${S}/hma`, { auth: admin })).statusCode, 404);
    const audit = await sql<{ action: string }>`select action from audit_events where action = 'bank.hma_source_removed'`.execute(h.db);
    assert.equal(audit.rows.length, 1);
  });
});

describe('HMA source and the outbound rule', () => {
  let h: Harness;
  after(async () => h.close());

  it('a private address is refused unless allowed (as for webhooks)', async () => {
    h = await startHarness({ webhookAllowPrivateNetworks: false, webhookAllowedHosts: [] });
    const admin = await h.user('admin');
    const res = await h.request('PUT', `${S}/hma`, { auth: admin, body: { base_url: 'http://127.0.0.1:5000' } });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(fieldPaths(res), ['body.base_url']);
    const meta = await h.request('PUT', `${S}/hma`, { auth: admin, body: { base_url: 'http://169.254.169.254/' } });
    assert.equal(meta.statusCode, 400);
  });
});
