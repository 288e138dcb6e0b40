import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from '../src/db/index.ts';
import { type Harness, type Session } from './helpers.ts';
import { claimAndDecide, openCase, startModeratorHarness } from './support/cases.ts';
import { RESTRICTION as BASE_RESTRICTION } from './support/fixtures.ts';

const PUBLIC = '/v1/public/services/default';
const S = '/v1/services/default';

const RESTRICTION = { ...BASE_RESTRICTION, territorial_scope: ['FR'] };
const NO_ACTION = { outcome: 'no_action', decision_facts: 'The post quotes the slogan to criticise it.' };

interface DecisionJson {
  id: string;
  outcome: string;
  supersedes: string | null;
  superseded_by: string | null;
  appeal_token?: string;
}
interface AppealJson {
  id: string;
  decision_id: string;
  appellant: string;
  status: string;
  outcome: string | null;
  new_decision_id: string | null;
}

const code = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;

describe('appeals (internal complaint-handling, DSA Art. 20)', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  before(async () => void ({ h, mod, senior } = await startModeratorHarness()));
  after(async () => h.close());

  /** A public notice on a fresh URL, its case claimed and decided by `by`. */
  async function decided(slug: string, body: object, by: Session) {
    const opened = await openCase(h, `https://forum.example/t/${slug}`);
    return { ...opened, decision: await claimAndDecide<DecisionJson>(h, opened.caseId, by, body) };
  }

  it('affected user appeals with the token; another senior reverses: correction to no action, event, messages', async () => {
    const { decision } = await decided('appeal-reverse', RESTRICTION, mod);
    assert.ok(decision.appeal_token, 'the appeal token is returned once with the decision');
    const hash = await sql<{ appeal_token_hash: string }>`select appeal_token_hash from decision_recipients where decision_id = ${decision.id}`.execute(h.db);
    assert.notEqual(hash.rows[0]?.appeal_token_hash, decision.appeal_token, 'only the hash is stored');
    assert.equal((await h.request('GET', `${S}/decisions/${decision.id}`, { auth: mod })).json().appeal_token, undefined, 'never shown again');

    const url = `${PUBLIC}/decisions/${decision.id}/appeals`;
    const wrong = await h.request('POST', url, { body: { token: 'x'.repeat(32), explanation: 'I disagree.' } });
    assert.equal(wrong.statusCode, 404);
    const res = await h.request('POST', url, { body: { token: decision.appeal_token, explanation: 'The post quoted the slogan to criticise it.' } });
    assert.equal(res.statusCode, 201, res.body);
    const lodged = res.json() as { id: string; status: string };
    assert.equal(lodged.status, 'open');
    const twice = await h.request('POST', url, { body: { token: decision.appeal_token, explanation: 'Again.' } });
    assert.equal(twice.statusCode, 409);
    assert.equal(code(twice), 'APPEAL_ALREADY_OPEN');

    const list = await h.request('GET', `${S}/appeals?status=open`, { auth: mod });
    assert.equal(list.statusCode, 200, list.body);
    assert.ok((list.json() as { items: AppealJson[] }).items.some((a) => a.id === lodged.id && a.appellant === 'affected_user'));
    const ack = await sql<{ template: string }>`select template from outbox where appeal_id = ${lodged.id}`.execute(h.db);
    assert.deepEqual(ack.rows.map((x) => x.template), ['appeal_acknowledgement']);

    const byMod = await h.request('POST', `${S}/appeals/${lodged.id}/decide`, { auth: mod, body: { outcome: 'reversed', reason: 'Context.' } });
    assert.equal(byMod.statusCode, 403, 'a moderator may not decide appeals');
    const dec = await h.request('POST', `${S}/appeals/${lodged.id}/decide`, { auth: senior, body: { outcome: 'reversed', reason: 'The full thread shows the post criticises the slogan.' } });
    assert.equal(dec.statusCode, 200, dec.body);
    const out = dec.json() as { appeal: AppealJson; decision: DecisionJson };
    assert.equal(out.appeal.status, 'decided');
    assert.equal(out.appeal.outcome, 'reversed');
    assert.equal(out.decision.outcome, 'no_action');
    assert.equal(out.decision.supersedes, decision.id);
    assert.equal(out.appeal.new_decision_id, out.decision.id);

    const original = (await h.request('GET', `${S}/decisions/${decision.id}`, { auth: mod })).json() as DecisionJson;
    assert.equal(original.superseded_by, out.decision.id);
    const events = await sql<{ type: string }>`select type from platform_events where decision_id = ${out.decision.id}`.execute(h.db);
    assert.deepEqual(events.rows.map((e) => e.type), ['decision.corrected']);
    const outcomes = await sql<{ notice_id: string | null }>`select notice_id from outbox where appeal_id = ${lodged.id} and template = 'appeal_outcome'`.execute(h.db);
    assert.equal(outcomes.rows.length, 2, 'the affected user and the notifier are told');
    assert.equal(outcomes.rows.filter((o) => o.notice_id === null).length, 1);
    const audit = await sql<{ action: string }>`select action from audit_events where subject_id = ${lodged.id} order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((a) => a.action), ['appeal.lodged', 'appeal.decided']);

    const again = await h.request('POST', `${S}/appeals/${lodged.id}/decide`, { auth: senior, body: { outcome: 'upheld', reason: 'x' } });
    assert.equal(code(again), 'APPEAL_ALREADY_DECIDED');
    const superseded = await h.request('POST', url, { body: { token: decision.appeal_token, explanation: 'Once more.' } });
    assert.equal(superseded.statusCode, 409);
    assert.equal(code(superseded), 'DECISION_SUPERSEDED');
  });

  it('the person who took the decision cannot decide the appeal, nor can an API key', async () => {
    const { decision } = await decided('appeal-same', RESTRICTION, senior);
    const res = await h.request('POST', `${PUBLIC}/decisions/${decision.id}/appeals`, { body: { token: decision.appeal_token, explanation: 'Not fair.' } });
    assert.equal(res.statusCode, 201, res.body);
    const { id } = res.json() as { id: string };
    const same = await h.request('POST', `${S}/appeals/${id}/decide`, { auth: senior, body: { outcome: 'reversed', reason: 'I changed my mind.' } });
    assert.equal(same.statusCode, 409, same.body);
    assert.equal(code(same), 'APPEAL_SAME_DECIDER');
    const key = await h.apiKey('admin');
    const auto = await h.request('POST', `${S}/appeals/${id}/decide`, { auth: key, body: { outcome: 'upheld', reason: 'Automated.' } });
    assert.equal(auto.statusCode, 403, auto.body);
    const other = await h.user('senior_moderator');
    const upheld = await h.request('POST', `${S}/appeals/${id}/decide`, { auth: other, body: { outcome: 'upheld', reason: 'The post is a call to violence.' } });
    assert.equal(upheld.statusCode, 200, upheld.body);
    assert.equal((upheld.json() as { decision: unknown }).decision, null, 'upheld: no new decision');
    const n = await sql<{ n: number }>`select count(*)::int as n from decisions where supersedes_id = ${decision.id}`.execute(h.db);
    assert.equal(n.rows[0]?.n, 0);
  });

  it('refuses an appeal more than six months after the decision', async () => {
    const { decision } = await decided('appeal-late', RESTRICTION, mod);
    await sql`alter table decisions disable trigger decisions_append_only`.execute(h.db);
    try {
      await sql`update decisions set created_at = now() - interval '7 months' where id = ${decision.id}`.execute(h.db);
    } finally {
      await sql`alter table decisions enable trigger decisions_append_only`.execute(h.db);
    }
    const res = await h.request('POST', `${PUBLIC}/decisions/${decision.id}/appeals`, { body: { token: decision.appeal_token, explanation: 'Late.' } });
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(code(res), 'APPEAL_PERIOD_EXPIRED');
  });

  it('a notifier contests no action with their tracking token; a senior modifies it into a restriction', async () => {
    const { reference, trackingToken, decision } = await decided('appeal-notifier', NO_ACTION, mod);
    assert.equal(decision.appeal_token, undefined, 'no affected user, no appeal token');
    const url = `${PUBLIC}/notices/${reference}/appeals`;
    assert.equal((await h.request('POST', url, { body: { token: 'y'.repeat(32), explanation: 'Please look again.' } })).statusCode, 404);
    const res = await h.request('POST', url, { body: { token: trackingToken, explanation: 'It is a call to violence.' } });
    assert.equal(res.statusCode, 201, res.body);
    const { id } = res.json() as { id: string; decision_id: string };
    assert.equal((res.json() as { decision_id: string }).decision_id, decision.id);
    const ack = await sql<{ template: string; notice_id: string | null }>`select template, notice_id from outbox where appeal_id = ${id}`.execute(h.db);
    assert.equal(ack.rows.length, 1);
    assert.ok(ack.rows[0]?.notice_id);

    const reversed = await h.request('POST', `${S}/appeals/${id}/decide`, { auth: senior, body: { outcome: 'reversed', reason: 'x' } });
    assert.equal(reversed.statusCode, 400, 'no action is not reversed into no action');
    const missing = await h.request('POST', `${S}/appeals/${id}/decide`, { auth: senior, body: { outcome: 'modified', reason: 'x' } });
    assert.equal(missing.statusCode, 400);
    const modified = await h.request('POST', `${S}/appeals/${id}/decide`, { auth: senior, body: { outcome: 'modified', reason: 'It is a call to violence.', decision: RESTRICTION } });
    assert.equal(modified.statusCode, 200, modified.body);
    const out = modified.json() as { appeal: AppealJson; decision: DecisionJson };
    assert.equal(out.appeal.outcome, 'modified');
    assert.equal(out.decision.outcome, 'restriction');
    assert.equal(out.decision.supersedes, decision.id);
    assert.ok(out.decision.appeal_token, 'the new decision gives its affected user an appeal token');
    const decidedList = await h.request('GET', `${S}/appeals?status=decided&limit=1`, { auth: mod });
    assert.equal((decidedList.json() as { items: unknown[] }).items.length, 1);
  });
});
