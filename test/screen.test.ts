import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { sql } from '../src/db/index.ts';
import { pdqFromImage, pdqToHex } from '../src/screening/index.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';
import { RESTRICTION_DETAILS } from './support/fixtures.ts';

const S = '/v1/services/default';
const IMAGE = path.join(import.meta.dirname, 'fixtures/pdq/images/bridge-mods/aaa-orig.jpg');

interface ScreenJson {
  id: string;
  kind: string;
  hashes: { pdq: string; md5: string; sha256: string; pdq_quality: number } | null;
  matches: Array<{ bank: { slug: string }; entry_id: number; distance: number; provenance: Record<string, unknown> }>;
  lang: string | null;
  scores: Record<string, number | null> | null;
  route: string | null;
  rules: Array<{ rule: string; mode: string; matched: boolean; reasons: string[] }>;
  actions: { hold: boolean; labels: string[]; case_id: string | null; case_created: boolean };
}

const code = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;
const fields = (res: LightMyRequestResponse) => (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);

describe('screening API: an image re-uploaded after edits matches its bank entry and opens a case with the evidence', () => {
  let h: Harness;
  let admin: Session;
  let mod: Session;
  let platform: { key: string };
  let original: Buffer;
  let entryId = 0;
  let bankId = '';
  before(async () => {
    h = await startHarness();
    [admin, mod, platform] = await Promise.all([h.user('admin'), h.user('moderator'), h.apiKey('platform')]);
    original = fs.readFileSync(IMAGE);
    const bank = await h.request('POST', `${S}/banks`, {
      auth: admin,
      body: { slug: 'tcap', name: 'Terrorist content', kind: 'positive', category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', default_action: 'open_case', source: { kind: 'industry' }, sharing: 'private' },
    });
    assert.equal(bank.statusCode, 201, bank.body);
    bankId = (bank.json() as { id: string }).id;
    const pdq = pdqToHex((await pdqFromImage(original)).hash);
    const entry = await h.request('POST', `${S}/banks/${bankId}/entries`, { auth: admin, body: { signal_type: 'pdq', hash: pdq, reference: 'TCAP-1' } });
    assert.equal(entry.statusCode, 201, entry.body);
    entryId = (entry.json() as { id: number }).id;
    const rule = await h.request('PUT', `${S}/screening-rules/known-terror`, {
      auth: admin,
      body: {
        name: 'Known terrorist media',
        mode: 'live',
        definition: {
          all: [{ signal: 'hash_match', banks: ['tcap'] }],
          actions: [{ type: 'hold' }, { type: 'open_case', category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', subcategory: 'KEYWORD_TERRORIST_CONTENT' }],
        },
      },
    });
    assert.equal(rule.statusCode, 200, rule.body);
    const shadow = await h.request('PUT', `${S}/screening-rules/new-accounts`, {
      auth: admin,
      body: { name: 'New accounts', mode: 'shadow', definition: { all: [{ signal: 'account', field: 'age_days', op: 'lt', value: 7 }], actions: [{ type: 'hold' }] } },
    });
    assert.equal(shadow.statusCode, 200, shadow.body);
  });
  after(async () => h.close());

  const screenImage = (bytes: Buffer, contentId: string, account: Record<string, number> = {}) =>
    h.request('POST', `${S}/screen`, { auth: platform, body: { content_id: contentId, image: bytes.toString('base64'), context: { account } } });

  it('a resized, recompressed and mirrored copy matches; a live rule holds it and opens a top-priority case; the shadow rule only logs', async () => {
    const edited = await sharp(original).resize({ width: 500 }).flop().jpeg({ quality: 55 }).toBuffer();
    // Mirrored: the image's own PDQ is far from the entry; one of its eight dihedral hashes is near it.
    const res = await screenImage(edited, 'post-1', { age_days: 2 });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as ScreenJson;
    assert.equal(out.kind, 'image');
    assert.equal(out.matches.length, 1);
    assert.equal(out.matches[0]?.entry_id, entryId);
    assert.ok((out.matches[0]?.distance ?? 99) <= 31);
    assert.equal(out.matches[0]?.provenance.reference, 'TCAP-1');
    assert.equal(out.actions.hold, true);
    assert.ok(out.actions.case_id);
    const live = out.rules.find((r) => r.rule === 'known-terror');
    const shadow = out.rules.find((r) => r.rule === 'new-accounts');
    assert.equal(live?.matched, true);
    assert.equal(shadow?.matched, true);
    assert.equal(shadow?.mode, 'shadow');

    const c = await sql<{ tier: number; category: string; notice_count: number; status: string }>`
      select tier, category, notice_count, status from cases where id = ${out.actions.case_id}`.execute(h.db);
    assert.deepEqual(c.rows[0], { tier: 0, category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', notice_count: 0, status: 'open' });
    // The evidence: the screened item on the case, with the bank entry and its provenance.
    const item = await sql<{ signals: { all_matches: Array<{ entry_id: number; provenance: { reference: string } }> } }>`
      select signals from screened_items where case_id = ${out.actions.case_id}`.execute(h.db);
    assert.equal(item.rows[0]?.signals.all_matches[0]?.provenance.reference, 'TCAP-1');
    // In the terrorist-content queue: the counter-terrorism team sees it, others do not.
    const ct = await h.user('moderator', { teams: ['counter-terrorism'] });
    assert.equal((await h.request('GET', `${S}/cases/${out.actions.case_id}`, { auth: ct })).statusCode, 200);
    assert.equal((await h.request('GET', `${S}/cases/${out.actions.case_id}`, { auth: mod })).statusCode, 404);
    const caseView = (await h.request('GET', `${S}/cases/${out.actions.case_id}`, { auth: ct })).json() as { automated_detection: boolean };
    assert.equal(caseView.automated_detection, true);
    const evidence = await h.request('GET', `${S}/screened-items?case_id=${out.actions.case_id}`, { auth: ct });
    assert.equal(evidence.statusCode, 200, evidence.body);
    const ev = evidence.json() as { items: Array<{ signals: { all_matches: Array<{ provenance: { reference: string } }> } }> };
    assert.equal(ev.items[0]?.signals.all_matches[0]?.provenance.reference, 'TCAP-1');
    assert.equal((await h.request('GET', `${S}/screened-items?case_id=${out.actions.case_id}`, { auth: mod })).statusCode, 404, 'not outside the team');
    // A person decides; the statement of reasons says the detection was automated.
    assert.equal((await h.request('POST', `${S}/cases/${out.actions.case_id}/claim`, { auth: ct })).statusCode, 200);
    const decided = await h.request('POST', `${S}/cases/${out.actions.case_id}/decisions`, {
      auth: ct,
      body: { ...RESTRICTION_DETAILS, category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', content_type: ['CONTENT_TYPE_IMAGE'] },
    });
    assert.equal(decided.statusCode, 201, decided.body);
    const tdb = (decided.json() as { statement: { tdb: Record<string, unknown> } }).statement.tdb;
    assert.equal(tdb.automated_detection, 'Yes');
    assert.equal(tdb.source_type, 'SOURCE_VOLUNTARY');
    assert.equal(tdb.automated_decision, 'AUTOMATED_DECISION_NOT_AUTOMATED');
  });

  it('a retracted entry stops matching at once', async () => {
    const st = await h.request('POST', `${S}/banks/${bankId}/entries/${entryId}/status`, { auth: admin, body: { status: 'retracted', reason: 'False positive.' } });
    assert.equal(st.statusCode, 200, st.body);
    const res = await screenImage(original, 'post-2');
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as ScreenJson;
    assert.deepEqual(out.matches, []);
    assert.equal(out.actions.case_id, null);
    assert.equal(out.actions.hold, false);
  });

  it('text is scored in its language; an uncovered language goes to people with no score', async () => {
    const fr = await h.request('POST', '/v1/screen', { auth: platform, body: { content_id: 'post-3', text: 'Bonjour à tous, la réunion du club de lecture est reportée à jeudi prochain.' } });
    assert.equal(fr.statusCode, 200, fr.body);
    const a = fr.json() as ScreenJson;
    assert.equal(a.lang, 'fr');
    assert.equal(a.route, 'model');
    assert.ok(a.scores && typeof a.scores.hate === 'number' && a.scores.hate < 0.5, JSON.stringify(a.scores));
    const hi = await h.request('POST', `${S}/screen`, { auth: platform, body: { content_id: 'post-4', text: 'आज मौसम बहुत अच्छा है और हम सब पार्क में घूमने जा रहे हैं।' } });
    const b = hi.json() as ScreenJson;
    assert.equal(b.scores, null);
    assert.equal(b.route, 'human_review');
  });

  it('screenings that act are audited; the others are recorded only as append-only screened items', async () => {
    const audited = await sql<{ subject_id: string }>`select subject_id from audit_events where action = 'screening.item_screened'`.execute(h.db);
    const items = await sql<{ id: string; held: boolean; case_id: string | null; labels: string[] }>`select id, held, case_id, labels from screened_items`.execute(h.db);
    const acted = items.rows.filter((i) => i.held || i.case_id !== null || i.labels.length > 0).map((i) => i.id).sort();
    assert.ok(acted.length >= 1 && acted.length < items.rows.length, 'both kinds were screened above');
    assert.deepEqual(audited.rows.map((r) => r.subject_id).sort(), acted);
    await assert.rejects(sql`update screened_items set held = true where id = ${items.rows[0]?.id}`.execute(h.db), /append-only/);
    await assert.rejects(sql`delete from screened_items where id = ${items.rows[0]?.id}`.execute(h.db), /append-only/);
  });

  it('bad input: nothing or two contents, corrupt or empty images, not an image, no permission', async () => {
    const none = await h.request('POST', `${S}/screen`, { auth: platform, body: { content_id: 'x' } });
    assert.equal(none.statusCode, 400);
    assert.deepEqual(fields(none), ['body.text']);
    const both = await h.request('POST', `${S}/screen`, { auth: platform, body: { content_id: 'x', text: 'a', image: original.toString('base64') } });
    assert.equal(both.statusCode, 400);
    const truncated = await screenImage(original.subarray(0, 2000), 'x');
    assert.equal(truncated.statusCode, 400, truncated.body);
    assert.deepEqual(fields(truncated), ['media']);
    const empty = await h.request('POST', `${S}/screen`, { auth: platform, body: { content_id: 'x', image: '' } });
    assert.equal(empty.statusCode, 400);
    // Not base64: a foreign character, line breaks, too much padding.
    const b64 = original.toString('base64');
    for (const bad of [`${b64.slice(0, 100)}*${b64.slice(100)}`, b64.replace(/(.{76})/g, '$1\n'), `${b64.slice(0, 400)}===`]) {
      const r = await h.request('POST', `${S}/screen`, { auth: platform, body: { content_id: 'x', image: bad } });
      assert.equal(r.statusCode, 400, r.body);
      assert.deepEqual(fields(r), ['body.image']);
    }
    const pdf = await screenImage(Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'x');
    assert.equal(pdf.statusCode, 415, pdf.body);
    assert.equal(code(pdf), 'UNSUPPORTED_MEDIA_TYPE');
    const byMod = await h.request('POST', `${S}/screen`, { auth: mod, body: { content_id: 'x', text: 'hello' } });
    assert.equal(byMod.statusCode, 403);
    const userOnShortPath = await h.request('POST', '/v1/screen', { auth: mod, body: { content_id: 'x', text: 'hello' } });
    assert.equal(userOnShortPath.statusCode, 403, 'the short path is for API keys (their own service)');
    const count = await sql<{ n: number }>`select count(*)::int as n from screened_items where content_id = 'x'`.execute(h.db);
    assert.equal(count.rows[0]?.n, 0, 'nothing recorded for refused input');
  });
});
