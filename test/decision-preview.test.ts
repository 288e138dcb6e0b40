import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';
import { claimCase, openCase } from './support/cases.ts';
import { RESTRICTION, RESTRICTION_DETAILS } from './support/fixtures.ts';

const S = '/v1/services/default';

interface Rendered {
  locale: string;
  title: string;
  sections: Array<{ heading: string; text: string }>;
}
interface Preview {
  valid: boolean;
  fields: Array<{ path: string; reason: string }>;
  statement: { fr: Rendered; en: Rendered } | null;
  tdb: Record<string, unknown> | null;
  affected_user_locale: 'fr' | 'en' | null;
  claimed_by_you: boolean;
}

async function counts(h: Harness) {
  const r = await sql<{ decisions: number; statements: number; audit: number; outbox: number }>`
    select (select count(*)::int from decisions) as decisions, (select count(*)::int from statements_of_reasons) as statements,
           (select count(*)::int from audit_events) as audit, (select count(*)::int from outbox) as outbox`.execute(h.db);
  return r.rows[0];
}

describe('decision preview', () => {
  let h: Harness;
  let mod: Session;
  let viewer: Session;
  let caseId: string;
  before(async () => {
    h = await startHarness();
    [mod, viewer] = await Promise.all([h.user('moderator'), h.user('analyst')]);
    ({ caseId } = await openCase(h, 'https://forum.example/t/preview-1'));
    await claimCase(h, caseId, mod);
  });
  after(async () => h.close());

  it('previews a valid decision in both languages and writes nothing', async () => {
    const before = await counts(h);
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions/preview`, { auth: mod, body: RESTRICTION });
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json() as Preview;
    assert.equal(p.valid, true, JSON.stringify(p.fields));
    assert.deepEqual(p.fields, []);
    assert.equal(p.affected_user_locale, 'fr');
    assert.equal(p.claimed_by_you, true);
    assert.ok(p.statement && p.tdb);
    assert.equal(p.statement.fr.title, 'Exposé des motifs');
    assert.equal(p.statement.en.title, 'Statement of reasons');
    assert.match(p.statement.fr.sections.map((x) => x.text).join(' '), /le contenu a été retiré/);
    assert.match(p.statement.en.sections.map((x) => x.text).join(' '), /the content was removed/);
    assert.equal(p.tdb.decision_ground, 'DECISION_GROUND_ILLEGAL_CONTENT');
    assert.equal(p.tdb.source_type, 'SOURCE_ARTICLE_16');
    assert.deepEqual(await counts(h), before, 'nothing written');
    const c = await sql<{ status: string }>`select status from cases where id = ${caseId}`.execute(h.db);
    assert.equal(c.rows[0]?.status, 'open');
  });

  it('an incomplete body: 200 with valid:false and the decide route’s field paths, and a partial statement', async () => {
    const { decision_ground: _g, illegal_content_legal_ground: _l, ...rest } = RESTRICTION_DETAILS;
    void _g;
    void _l;
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions/preview`, { auth: mod, body: rest });
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json() as Preview;
    assert.equal(p.valid, false);
    const paths = p.fields.map((f) => f.path);
    assert.ok(paths.includes('body.decision_ground'), paths.join());
    assert.equal(p.affected_user_locale, null);
    // The decide route gives the same paths in its 400.
    const decide = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: rest });
    assert.equal(decide.statusCode, 400);
    const decidePaths = (decide.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
    assert.deepEqual([...paths].sort(), [...decidePaths].sort());
    assert.ok(p.statement, 'a best-effort statement while the form is incomplete');
  });

  it('wrong types: valid:false, no crash; a body that is not an object: 400', async () => {
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions/preview`, { auth: mod, body: { ...RESTRICTION_DETAILS, territorial_scope: 'FR', decision_visibility: 3 } });
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json() as Preview;
    assert.equal(p.valid, false);
    assert.ok(p.fields.some((f) => f.path === 'body.territorial_scope'));
    const bad = await h.request('POST', `${S}/cases/${caseId}/decisions/preview`, { auth: mod, body: ['no'] });
    assert.equal(bad.statusCode, 400);
  });

  it('a member without decisions:create gets 403; an unknown case 404', async () => {
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions/preview`, { auth: viewer, body: RESTRICTION });
    assert.equal(res.statusCode, 403, res.body);
    const unknown = await h.request('POST', `${S}/cases/00000000-0000-4000-8000-000000000000/decisions/preview`, { auth: mod, body: RESTRICTION });
    assert.equal(unknown.statusCode, 404);
  });
});
