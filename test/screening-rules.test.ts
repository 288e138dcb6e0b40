import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from '../src/db/index.ts';
import { evaluateRule, RuleDefinition, type Signals } from '../src/screening/rules.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';

const S = '/v1/services/default';

const base: Signals = { kind: 'image', lang: null, hash_matches: [], scores: null, trusted_flagger: false, account: {} };
const fields = (res: LightMyRequestResponse) => (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);

describe('screening rules: evaluation', () => {
  const def = (d: unknown) => RuleDefinition.parse(d);

  it('every condition must hold; each says why', () => {
    const rule = def({
      all: [
        { signal: 'hash_match', banks: ['tvec'], max_distance: 20 },
        { signal: 'account', field: 'age_days', op: 'lt', value: 7 },
      ],
      actions: [{ type: 'hold' }],
    });
    const match = { bank: 'tvec', entry_id: 4, signal_type: 'pdq', distance: 12, category: null };
    const hit = evaluateRule(rule, { ...base, hash_matches: [match], account: { age_days: 2 } });
    assert.equal(hit.matched, true);
    assert.deepEqual(hit.reasons, ['✓ matches tvec entry 4 at distance 12', '✓ account.age_days = 2']);
    assert.equal(evaluateRule(rule, { ...base, hash_matches: [{ ...match, distance: 21 }], account: { age_days: 2 } }).matched, false);
    assert.equal(evaluateRule(rule, { ...base, hash_matches: [{ ...match, bank: 'other' }], account: { age_days: 2 } }).matched, false);
    const old = evaluateRule(rule, { ...base, hash_matches: [match], account: { age_days: 30 } });
    assert.equal(old.matched, false);
    assert.equal(evaluateRule(rule, { ...base, hash_matches: [match] }).reasons[1], '✗ account.age_days = absent');
  });

  it('classifier thresholds; an uncovered language never matches a score condition', () => {
    const rule = def({ all: [{ signal: 'classifier', label: 'hate', min: 0.8 }, { signal: 'language', in: ['fr', 'en'] }], actions: [{ type: 'open_case' }] });
    assert.equal(evaluateRule(rule, { ...base, kind: 'text', lang: 'fr', scores: { hate: 0.91 } }).matched, true);
    assert.equal(evaluateRule(rule, { ...base, kind: 'text', lang: 'fr', scores: { hate: 0.79 } }).matched, false);
    const uncovered = evaluateRule(rule, { ...base, kind: 'text', lang: 'hi', scores: null });
    assert.equal(uncovered.matched, false);
    assert.equal(uncovered.reasons[0], '✗ language not covered by the classifier');
  });

  it('content kind, trusted flagger, equality on strings and booleans', () => {
    const rule = def({
      all: [
        { signal: 'content_kind', in: ['video'] },
        { signal: 'trusted_flagger', is: true },
        { signal: 'account', field: 'verified', op: 'eq', value: false },
      ],
      actions: [{ type: 'escalate' }, { type: 'label', label: 'review-fast' }],
    });
    assert.equal(evaluateRule(rule, { ...base, kind: 'video', trusted_flagger: true, account: { verified: false } }).matched, true);
    assert.equal(evaluateRule(rule, { ...base, kind: 'image', trusted_flagger: true, account: { verified: false } }).matched, false);
    assert.equal(evaluateRule(rule, { ...base, kind: 'video', trusted_flagger: true, account: { verified: 'false' } }).matched, false);
  });
});

describe('screening rules: API, versions, backtest', () => {
  let h: Harness;
  let admin: Session;
  let mod: Session;
  before(async () => {
    h = await startHarness();
    [admin, mod] = await Promise.all([h.user('admin'), h.user('moderator')]);
  });
  after(async () => h.close());

  const rule = {
    name: 'Hate speech, high confidence',
    definition: { all: [{ signal: 'classifier', label: 'hate', min: 0.9 }], actions: [{ type: 'open_case', category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH' }] },
  };

  it('creates a rule in shadow mode by default, versions every change, audits it', async () => {
    const created = await h.request('PUT', `${S}/screening-rules/hate-high`, { auth: admin, body: rule });
    assert.equal(created.statusCode, 200, created.body);
    assert.equal(created.json().mode, 'shadow');
    assert.equal(created.json().version, 1);
    const live = await h.request('PUT', `${S}/screening-rules/hate-high`, { auth: admin, body: { ...rule, mode: 'live' } });
    assert.equal(live.json().version, 2);
    const got = await h.request('GET', `${S}/screening-rules/hate-high`, { auth: mod });
    assert.equal(got.statusCode, 200);
    assert.deepEqual(
      (got.json().versions as Array<{ version: number; mode: string }>).map((v) => [v.version, v.mode]),
      [
        [2, 'live'],
        [1, 'shadow'],
      ],
    );
    const audit = await sql<{ action: string }>`select action from audit_events where action like 'screening_rule.%' order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((a) => a.action), ['screening_rule.created', 'screening_rule.changed']);
    const byMod = await h.request('PUT', `${S}/screening-rules/x`, { auth: mod, body: rule });
    assert.equal(byMod.statusCode, 403);
  });

  it('refuses invalid definitions with field errors', async () => {
    const res = await h.request('PUT', `${S}/screening-rules/Bad_Slug`, {
      auth: admin,
      body: { name: '', definition: { all: [{ signal: 'classifier', label: 'hate', min: 2 }, { signal: 'nope' }], actions: [] } },
    });
    assert.equal(res.statusCode, 400);
    const keyword = await h.request('PUT', `${S}/screening-rules/kw`, {
      auth: admin,
      body: { name: 'x', definition: { all: [{ signal: 'content_kind', in: ['image'] }], actions: [{ type: 'open_case', category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', subcategory: 'KEYWORD_TERRORIST_CONTENT' }] } },
    });
    assert.equal(keyword.statusCode, 400);
    assert.deepEqual(fields(keyword), ['body.definition.actions.0.subcategory']);
    const paths = fields(res);
    for (const p of ['params.slug', 'body.name', 'body.definition.all.0.min', 'body.definition.all.1.signal', 'body.definition.actions']) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
  });

  it('backtests a definition over the stored signals of past screened items', async () => {
    const items: Array<[string, Signals]> = [
      ['t1', { ...base, kind: 'text', lang: 'en', scores: { hate: 0.95, abuse: 0.2 } }],
      ['t2', { ...base, kind: 'text', lang: 'en', scores: { hate: 0.5, abuse: 0.9 } }],
      ['t3', { ...base, kind: 'text', lang: 'hi', scores: null }],
      ['t4', { ...base, kind: 'text', lang: 'fr', scores: { hate: 0.97, abuse: 0.97 } }],
    ];
    for (const [id, signals] of items) {
      await sql`insert into screened_items (service_id, kind, content_id, content_sha256, signals, rule_results)
                values (${h.serviceId}, 'text', ${id}, ${'0'.repeat(64)}, ${JSON.stringify(signals)}::jsonb, '[]'::jsonb)`.execute(h.db);
    }
    const res = await h.request('POST', `${S}/screening-rules/backtest`, {
      auth: mod,
      body: { definition: rule.definition, from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const b = res.json() as { evaluated: number; matched: number; would: { open_cases: number; hold: number }; sample: Array<{ content_id: string }> };
    assert.equal(b.evaluated, 4);
    assert.equal(b.matched, 2);
    assert.deepEqual(b.would, { open_cases: 2, hold: 0, label: 0 });
    assert.deepEqual(b.sample.map((s) => s.content_id).sort(), ['t1', 't4']);
    const reversed = await h.request('POST', `${S}/screening-rules/backtest`, {
      auth: mod,
      body: { definition: rule.definition, from: '2100-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' },
    });
    assert.equal(reversed.statusCode, 400);
    assert.deepEqual(fields(reversed), ['body.to']);
  });
});
