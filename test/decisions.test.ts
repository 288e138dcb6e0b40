import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { validateTdbStatement } from '../src/decisions/tdb.ts';
import { type Harness, type Session } from './helpers.ts';
import { openCase, startModeratorHarness } from './support/cases.ts';
import { RESTRICTION } from './support/fixtures.ts';

const PUBLIC = '/v1/public/services/default/notices';
const S = '/v1/services/default';

interface DecisionJson {
  id: string;
  outcome: string;
  supersedes: string | null;
  superseded_by: string | null;
  statement: { puid: string; tdb: Record<string, unknown>; text: { title: string; sections: Array<{ heading: string; text: string }> } } | null;
}

describe('decisions and statements of reasons', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  before(async () => void ({ h, mod, senior } = await startModeratorHarness()));
  after(async () => h.close());

  it('decides a claimed case: TDB-valid statement, case closed, notifier and author messages queued, audited', async () => {
    const { caseId, reference, trackingToken: token } = await openCase(h, 'https://forum.example/t/decide-1');
    assert.equal((await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod })).statusCode, 200);
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: RESTRICTION });
    assert.equal(res.statusCode, 201, res.body);
    const d = res.json() as DecisionJson;
    assert.ok(d.statement);
    const check = validateTdbStatement(d.statement.tdb);
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.equal(d.statement.tdb.source_type, 'SOURCE_ARTICLE_16');
    assert.equal(d.statement.tdb.automated_detection, 'No');
    assert.equal(d.statement.tdb.content_language, 'FR');
    assert.deepEqual(d.statement.tdb.category_specification, ['KEYWORD_HATE_SPEECH']);
    assert.doesNotMatch(JSON.stringify(d.statement.tdb), /author@example\.org|camille/i, 'no personal data in the TDB statement');
    assert.equal(d.statement.text.title, 'Exposé des motifs');
    assert.match(d.statement.text.sections.map((x) => x.text).join(' '), /article 20/);

    const c = await sql<{ status: string; claimed_by: string | null }>`select status, claimed_by from cases where id = ${caseId}`.execute(h.db);
    assert.deepEqual(c.rows[0], { status: 'closed', claimed_by: null });
    const outbox = await sql<{ template: string; locale: string }>`select template, locale from outbox where decision_id = ${d.id} order by template`.execute(h.db);
    assert.deepEqual(outbox.rows, [
      { template: 'notice_outcome', locale: 'fr' },
      { template: 'statement_of_reasons', locale: 'fr' },
    ]);
    const tracked = await h.request('GET', `${PUBLIC}/${reference}`, { headers: { 'x-tracking-token': token } });
    assert.equal((tracked.json() as { status: string }).status, 'decided');
    const audit = await sql<{ action: string }>`select action from audit_events where subject_id in (${d.id}, ${caseId}) order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((a) => a.action).slice(-2), ['case.closed', 'decision.taken']);

    const byPuid = await h.request('GET', `${S}/statements/${d.statement.puid}`, { auth: mod });
    assert.equal(byPuid.statusCode, 200);
    assert.deepEqual(byPuid.json(), d.statement.tdb);
    const again = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: RESTRICTION });
    assert.equal(again.statusCode, 409, 'a decided case is corrected, not decided twice');
  });

  it('refuses a decision on a case the caller does not hold', async () => {
    const { caseId } = await openCase(h, 'https://forum.example/t/decide-unclaimed');
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: RESTRICTION });
    assert.equal(res.statusCode, 409);
    assert.equal((res.json() as { error: { code: string } }).error.code, 'CASE_NOT_CLAIMED_BY_YOU');
    const platform = await h.apiKey('platform');
    assert.equal((await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: platform, body: RESTRICTION })).statusCode, 403);
    // Fields of the wrong type are field errors too (the cross-field checks must not trip over them).
    const typed = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: { outcome: 'restriction', decision_visibility: 3, content_type: 'CONTENT_TYPE_TEXT', decision_facts: 'Facts.' } });
    assert.equal(typed.statusCode, 400, typed.body);
    const typedPaths = (typed.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
    assert.ok(typedPaths.includes('body.decision_visibility') && typedPaths.includes('body.content_type'), typedPaths.join(', '));
    const count = await sql<{ n: number }>`select count(*)::int as n from decisions where case_id = ${caseId}`.execute(h.db);
    assert.equal(count.rows[0]?.n, 0);
  });

  it('lists every invalid or incompatible field of a decision, and writes nothing', async () => {
    const { caseId } = await openCase(h, 'https://forum.example/t/decide-invalid');
    await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod });
    const bad = await h.request('POST', `${S}/cases/${caseId}/decisions`, {
      auth: mod,
      body: {
        outcome: 'restriction',
        decision_visibility: ['DECISION_VISIBILITY_OTHER'],
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        incompatible_content_ground: 'Clause 4',
        decision_facts: 'x',
        content_type: ['CONTENT_TYPE_TEXT'],
        content_date: '2026-02-30',
        territorial_scope: ['US'],
      },
    });
    assert.equal(bad.statusCode, 400);
    const paths = (bad.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
    for (const p of ['body.illegal_content_legal_ground', 'body.illegal_content_explanation', 'body.incompatible_content_ground', 'body.decision_visibility_other', 'body.content_date', 'body.territorial_scope.0']) {
      assert.ok(paths.includes(p), `${p} missing from ${paths.join(', ')}`);
    }
    const none = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: { outcome: 'restriction', decision_facts: 'Facts.' } });
    const nonePaths = (none.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
    assert.ok(nonePaths.includes('body.decision_visibility') && nonePaths.includes('body.decision_ground'));
    const count = await sql<{ n: number }>`select count(*)::int as n from decisions where case_id = ${caseId}`.execute(h.db);
    assert.equal(count.rows[0]?.n, 0);
  });

  it('closes a case with no action (no statement), and lets a senior correct a decision', async () => {
    const { caseId } = await openCase(h, 'https://forum.example/t/decide-no-action');
    await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod });
    const first = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: { outcome: 'no_action', decision_facts: 'Satire of a public figure; not illegal.' } });
    assert.equal(first.statusCode, 201, first.body);
    const original = first.json() as DecisionJson;
    assert.equal(original.statement, null);
    const byMod = await h.request('POST', `${S}/decisions/${original.id}/corrections`, { auth: mod, body: RESTRICTION });
    assert.equal(byMod.statusCode, 403, 'moderators cannot correct decisions');
    const corrected = await h.request('POST', `${S}/decisions/${original.id}/corrections`, { auth: senior, body: { ...RESTRICTION, affected_user: { email: 'author@example.org', locale: 'en' } } });
    assert.equal(corrected.statusCode, 201, corrected.body);
    const fix = corrected.json() as DecisionJson;
    assert.equal(fix.supersedes, original.id);
    assert.equal(fix.statement?.text.title, 'Statement of reasons');
    const twice = await h.request('POST', `${S}/decisions/${original.id}/corrections`, { auth: senior, body: RESTRICTION });
    assert.equal(twice.statusCode, 409);
    const history = (await h.request('GET', `${S}/cases/${caseId}/decisions`, { auth: mod })).json() as { items: DecisionJson[] };
    assert.deepEqual(history.items.map((d) => [d.id, d.superseded_by]), [
      [original.id, fix.id],
      [fix.id, null],
    ]);
    await assert.rejects(sql`update decisions set outcome = 'x' where id = ${original.id}`.execute(h.db), /append-only/);
  });

  it('exports the statements of a period as NDJSON, each valid for the Transparency Database', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    for (let i = 0; i < 3; i++) {
      const { caseId } = await openCase(h, `https://forum.example/t/export-${i}`);
      await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod });
      assert.equal((await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: RESTRICTION })).statusCode, 201);
    }
    const res = await h.request('GET', `${S}/statements?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { auth: await h.user('auditor') });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /application\/x-ndjson/);
    const lines = res.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const total = await sql<{ n: number }>`select count(*)::int as n from statements_of_reasons`.execute(h.db);
    assert.equal(lines.length, total.rows[0]?.n);
    assert.equal(new Set(lines.map((l) => l.puid)).size, lines.length, 'unique puid');
    for (const l of lines) assert.equal(validateTdbStatement(l).ok, true);
    const reversed = await h.request('GET', `${S}/statements?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`, { auth: mod });
    assert.equal(reversed.statusCode, 400);
  });
});
