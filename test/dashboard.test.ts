/** The dashboard's aggregates (GET …/dashboard) over real notices, cases, decisions and appeals. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import type { Harness, Session } from './helpers.ts';
import { claimAndDecide, openCase, startModeratorHarness } from './support/cases.ts';
import { RESTRICTION_DETAILS } from './support/fixtures.ts';

const S = '/v1/services/default';
const today = new Date().toISOString().slice(0, 10);

interface Dashboard {
  days: string[];
  intake: number[];
  closed: number[];
  backlog: number[];
  sla_met: Array<number | null>;
  decisions_by_category: Array<{ category: string; restriction: number; no_action: number }>;
  appeals_lodged: number[];
  appeals_decided: { upheld: number; reversed: number; modified: number };
  totals: { notices: number; closed: number; sla_met: number | null; backlog_at_end: number; appeals: number; reversal_rate: number | null };
}

describe('dashboard', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  before(async () => {
    ({ h, mod, senior } = await startModeratorHarness());
    const cases = [];
    for (let i = 0; i < 4; i++) cases.push(await openCase(h, `https://forum.example/t/dash-${i}`));
    await claimAndDecide(h, cases[0]!.caseId, mod, RESTRICTION_DETAILS);
    await claimAndDecide(h, cases[1]!.caseId, mod, { outcome: 'no_action', decision_facts: 'Satire, not a call to violence.' });
    // A case decided after its deadline: moved back in time.
    await sql`update cases set deadline_at = now() - interval '1 hour' where id = ${cases[2]!.caseId}`.execute(h.db);
    await claimAndDecide(h, cases[2]!.caseId, mod, RESTRICTION_DETAILS);
    // The notifier contests the no-action decision; a senior modifies it into a restriction.
    const appeal = await h.request('POST', `/v1/public/services/default/notices/${cases[1]!.reference}/appeals`, { body: { token: cases[1]!.trackingToken, explanation: 'It is a call to violence.' } });
    assert.equal(appeal.statusCode, 201, appeal.body);
    const decided = await h.request('POST', `${S}/appeals/${(appeal.json() as { id: string }).id}/decide`, { auth: senior, body: { outcome: 'modified', reason: 'It is a call to violence.', decision: RESTRICTION_DETAILS } });
    assert.equal(decided.statusCode, 200, decided.body);
  });
  after(async () => h.close());

  it('counts intake, closings, deadlines met, backlog and decisions by category over the period', async () => {
    const res = await h.request('GET', `${S}/dashboard?from=${today}&to=${today}`, { auth: mod });
    assert.equal(res.statusCode, 200, res.body);
    const d = res.json() as Dashboard;
    assert.deepEqual(d.days, [today]);
    assert.deepEqual(d.intake, [4]);
    assert.deepEqual(d.closed, [3]);
    assert.deepEqual(d.backlog, [1]);
    assert.deepEqual(d.sla_met, [0.667]);
    // Four decisions: three first decisions and the correction that decided the appeal.
    const total = d.decisions_by_category.reduce((s, c) => s + c.restriction + c.no_action, 0);
    assert.equal(total, 4);
    assert.equal(d.decisions_by_category.reduce((s, c) => s + c.no_action, 0), 1);
    assert.deepEqual(d.appeals_lodged, [1]);
    assert.deepEqual(d.appeals_decided, { upheld: 0, reversed: 0, modified: 1 });
    assert.deepEqual(d.totals, { notices: 4, closed: 3, sla_met: 0.667, backlog_at_end: 1, appeals: 1, reversal_rate: 1 });
  });

  it('defaults to the last 30 days; refuses bad periods with field errors; needs decisions:read', async () => {
    const d = (await h.request('GET', `${S}/dashboard`, { auth: mod })).json() as Dashboard;
    assert.equal(d.days.length, 30);
    assert.equal(d.days.at(-1), today);
    assert.equal(d.intake.at(-1), 4);
    for (const q of ['from=2026-13-01', `from=${today}&to=2020-01-01`, 'from=2020-01-01&to=2022-01-01', 'to=yesterday']) {
      const r = await h.request('GET', `${S}/dashboard?${q}`, { auth: mod });
      assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
    }
    const flagger = await h.apiKey('trusted_flagger');
    assert.equal((await h.request('GET', `${S}/dashboard`, { auth: flagger })).statusCode, 403);
  });
});
