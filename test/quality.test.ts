import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from '../src/db/index.ts';
import { DEFAULT_DECISION_POLICY } from '../src/decisions/policy.ts';
import { type Harness, type Session } from './helpers.ts';
import { claimAndDecide, openCase, startModeratorHarness } from './support/cases.ts';
import { RESTRICTION_DETAILS } from './support/fixtures.ts';

const S = '/v1/services/default';
const Q = `${S}/quality-reviews`;
const CASE_CATEGORY = 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH';
const REMOVED = { ...RESTRICTION_DETAILS, territorial_scope: ['FR'] };
const NO_ACTION = { outcome: 'no_action', decision_facts: 'The post quotes the slogan to criticise it.' };

interface DecisionJson {
  id: string;
  case_id: string;
}
interface Stats {
  reviewed: number;
  agreed: number;
  rate: number | null;
  wilson_95: { low: number; high: number } | null;
  exact_match: number;
}
interface ResultJson {
  id: string;
  status: string;
  reviewer_id: string;
  original: { decision_id: string; decided_by: string; outcome: string; category: string; decision_ground: string | null; restrictions: Record<string, unknown> };
  comparison: { agreed: boolean; exact_match: boolean; disagreements: string[]; value_differences: string[] };
}

const code = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;

/** Wilson score interval at 95 %, restated independently of the server's. */
function wilson(k: number, n: number): { low: number; high: number } {
  const z = 1.959964;
  const p = k / n;
  const a = p + (z * z) / (2 * n);
  const b = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const d = 1 + (z * z) / n;
  return { low: (a - b) / d, high: (a + b) / d };
}

describe('quality review (blind second review, agreement rate)', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let reviewer: Session;
  let analyst: Session;
  const startedAt = new Date(Date.now() - 60_000).toISOString();
  /** Every review submitted in this file, for the report test. */
  const submitted: ResultJson[] = [];

  async function setSampleRate(rate: number, by: Session) {
    const policy = { ...DEFAULT_DECISION_POLICY, quality_review: { sample_rate: rate } };
    const res = await h.request('PUT', `${S}/decision-policy`, { auth: by, body: policy });
    assert.equal(res.statusCode, 200, res.body);
  }

  async function reviewOf(decisionId: string): Promise<string | undefined> {
    const r = await sql<{ id: string }>`select id from quality_reviews where decision_id = ${decisionId}`.execute(h.db);
    return r.rows[0]?.id;
  }

  /** A fresh case decided by `by` over HTTP with the sample rate at 1; the id of its pending review. */
  async function sampledDecision(slug: string, body: object, by: Session): Promise<{ decision: DecisionJson; reviewId: string }> {
    const { caseId } = await openCase(h, `https://forum.example/q/${slug}`);
    const decision = await claimAndDecide<DecisionJson>(h, caseId, by, body);
    const reviewId = await reviewOf(decision.id);
    assert.ok(reviewId, 'sampled with sample_rate 1');
    return { decision, reviewId };
  }

  async function submit(reviewId: string, by: Session, body: object): Promise<ResultJson> {
    const res = await h.request('POST', `${Q}/${reviewId}`, { auth: by, body });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as ResultJson;
    submitted.push(out);
    return out;
  }

  before(async () => {
    ({ h, mod, senior } = await startModeratorHarness());
    [reviewer, analyst] = await Promise.all([h.user('moderator'), h.user('analyst')]);
    const admin = await h.user('admin');
    await setSampleRate(1, admin);
  });
  after(async () => h.close());

  it('decisions taken over HTTP are sampled at sample_rate 1 (pending review, audited), never at 0', async () => {
    const admin = await h.user('admin');
    await setSampleRate(0, admin);
    const none = await openCase(h, 'https://forum.example/q/rate-zero');
    const d0 = await claimAndDecide<DecisionJson>(h, none.caseId, mod, REMOVED);
    assert.equal(await reviewOf(d0.id), undefined, 'sample_rate 0: nothing sampled');
    await setSampleRate(1, admin);
    const one = await openCase(h, 'https://forum.example/q/rate-one');
    const d1 = await claimAndDecide<DecisionJson>(h, one.caseId, mod, REMOVED);
    const id = await reviewOf(d1.id);
    assert.ok(id, 'sample_rate 1: the decision is sampled in its own transaction');
    const row = await sql<{ status: string; decided_by: string; category: string; original_outcome: string; original_ground: string; original_restrictions: unknown }>`
      select status, decided_by, category, original_outcome, original_ground, original_restrictions from quality_reviews where id = ${id}`.execute(h.db);
    assert.deepEqual(row.rows[0], {
      status: 'pending',
      decided_by: mod.userId,
      category: CASE_CATEGORY,
      original_outcome: 'restriction',
      original_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      original_restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
    });
    const audit = await sql<{ action: string }>`select action from audit_events where subject_type = 'quality_review' and subject_id = ${id}`.execute(h.db);
    assert.deepEqual(audit.rows.map((a) => a.action), ['quality_review.sampled']);
  });

  it('the queue and the review are blind; the decider neither sees nor reviews their own decision', async () => {
    const { decision, reviewId } = await sampledDecision('blind', { ...REMOVED, decision_facts: 'SECRET-FACTS-OF-THE-DECISION' }, mod);

    const list = await h.request('GET', `${Q}?status=pending&limit=200`, { auth: reviewer });
    assert.equal(list.statusCode, 200, list.body);
    const items = (list.json() as { items: Array<{ id: string; case: { category: string; notice_count: number; content: { url: string } } }> }).items;
    const item = items.find((i) => i.id === reviewId);
    assert.ok(item, 'in the queue of another moderator');
    assert.equal(item.case.category, CASE_CATEGORY);
    assert.equal(item.case.notice_count, 1);
    assert.equal(item.case.content.url, 'https://forum.example/q/blind');

    const view = await h.request('GET', `${Q}/${reviewId}`, { auth: reviewer });
    assert.equal(view.statusCode, 200, view.body);
    const v = view.json() as Record<string, unknown> & { notices: Array<{ reference: string; explanation: string }> };
    assert.equal(v.notices.length, 1);
    assert.ok(v.notices[0]?.explanation);
    for (const body of [view.body, list.body]) {
      for (const secret of [decision.id, mod.userId, 'SECRET-FACTS', 'DECISION_VISIBILITY', 'DECISION_GROUND', 'restriction', 'camille@example.org', 'Camille']) {
        assert.ok(!body.includes(secret), `the blind view does not reveal ${secret}`);
      }
    }
    assert.equal(v.original, undefined);
    assert.equal(v.comparison, undefined);

    const own = await h.request('GET', `${Q}?limit=200`, { auth: mod });
    assert.equal(own.statusCode, 200);
    assert.ok(!(own.json() as { items: Array<{ id: string }> }).items.some((i) => i.id === reviewId), 'hidden from the decider');
    assert.equal((await h.request('GET', `${Q}/${reviewId}`, { auth: mod })).statusCode, 404);
    const self = await h.request('POST', `${Q}/${reviewId}`, { auth: mod, body: { outcome: 'no_action' } });
    assert.equal(self.statusCode, 403, self.body);
    assert.equal(code(self), 'QUALITY_REVIEW_OWN_DECISION');

    // Submitting reveals the decision and the comparison, once.
    const out = await submit(reviewId, reviewer, {
      outcome: 'restriction',
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
      notes: 'Clear call to violence.',
    });
    assert.equal(out.status, 'done');
    assert.equal(out.reviewer_id, reviewer.userId);
    assert.equal(out.original.decision_id, decision.id);
    assert.equal(out.original.decided_by, mod.userId);
    assert.deepEqual(out.comparison, { agreed: true, exact_match: true, disagreements: [], value_differences: [] });
    const again = await h.request('POST', `${Q}/${reviewId}`, { auth: senior, body: { outcome: 'no_action' } });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(code(again), 'CONFLICT');
    const audit = await sql<{ action: string; data: Record<string, unknown> }>`
      select action, data from audit_events where subject_type = 'quality_review' and subject_id = ${reviewId} order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((a) => a.action), ['quality_review.sampled', 'quality_review.reviewed']);
    assert.equal(JSON.stringify(audit.rows[1]?.data).includes('Clear call'), false, 'the notes stay out of the audit log');

    // Once done: the result for the reviewer, the moderator reviewed and quality:read; still hidden from other reviewers.
    const done = await h.request('GET', `${Q}/${reviewId}`, { auth: mod });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal((done.json() as ResultJson).comparison.agreed, true);
    const other = await h.user('moderator');
    assert.equal((await h.request('GET', `${Q}/${reviewId}`, { auth: other })).statusCode, 404);
    const mine = await h.request('GET', `${Q}?status=done`, { auth: reviewer });
    assert.ok((mine.json() as { items: ResultJson[] }).items.some((i) => i.id === reviewId));
  });

  it('agreement: same outcome, ground, category and scales; other values on a scale are a value difference', async () => {
    const valueDiff = await sampledDecision('value-diff', REMOVED, mod);
    const r1 = await submit(valueDiff.reviewId, reviewer, {
      outcome: 'restriction',
      category: CASE_CATEGORY,
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'] },
    });
    assert.deepEqual(r1.comparison, { agreed: true, exact_match: false, disagreements: [], value_differences: ['visibility'] });

    const outcome = await sampledDecision('outcome', NO_ACTION, mod);
    const r2 = await submit(outcome.reviewId, senior, {
      outcome: 'restriction',
      decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_LABELLED'] },
    });
    assert.deepEqual(r2.comparison, { agreed: false, exact_match: false, disagreements: ['outcome'], value_differences: [] });
    assert.equal(r2.original.outcome, 'no_action');

    const ground = await sampledDecision('ground', REMOVED, senior);
    const r3 = await submit(ground.reviewId, reviewer, {
      outcome: 'restriction',
      decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'], monetary: 'DECISION_MONETARY_SUSPENSION' },
    });
    assert.deepEqual(r3.comparison, { agreed: false, exact_match: false, disagreements: ['ground', 'monetary'], value_differences: [] });

    const category = await sampledDecision('category', REMOVED, senior);
    const r4 = await submit(category.reviewId, reviewer, {
      outcome: 'restriction',
      category: 'STATEMENT_CATEGORY_VIOLENCE',
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
    });
    assert.deepEqual(r4.comparison.disagreements, ['category']);

    // A statement category other than the case's: the reviewer agrees by naming it.
    const violence = await sampledDecision('violence', { ...REMOVED, category: 'STATEMENT_CATEGORY_VIOLENCE' }, mod);
    const r6 = await submit(violence.reviewId, senior, {
      outcome: 'restriction',
      category: 'STATEMENT_CATEGORY_VIOLENCE',
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
    });
    assert.equal(r6.original.category, 'STATEMENT_CATEGORY_VIOLENCE');
    assert.equal(r6.comparison.agreed, true);

    const both = await sampledDecision('no-action-both', NO_ACTION, senior);
    const r5 = await submit(both.reviewId, reviewer, { outcome: 'no_action', category: 'STATEMENT_CATEGORY_VIOLENCE' });
    assert.deepEqual(r5.comparison, { agreed: true, exact_match: true, disagreements: [], value_differences: [] }, 'no action: only the outcome is compared');
  });

  it('refuses bad bodies and queries with field errors', async () => {
    const { reviewId } = await sampledDecision('bad-input', REMOVED, mod);
    const bad = async (body: unknown, path: string) => {
      const res = await h.request('POST', `${Q}/${reviewId}`, { auth: reviewer, body });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(code(res), 'VALIDATION_FAILED');
      const fields = (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
      assert.ok(fields.includes(path), `${JSON.stringify(body)} → ${fields.join(', ')}`);
    };
    await bad({ outcome: 'restriction', restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] } }, 'body.decision_ground');
    await bad({ outcome: 'restriction', decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT', restrictions: {} }, 'body.restrictions');
    await bad({ outcome: 'no_action', restrictions: { account: 'DECISION_ACCOUNT_SUSPENDED' } }, 'body.restrictions');
    await bad({ outcome: 'no_action', decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT' }, 'body.decision_ground');
    await bad({ outcome: 'maybe' }, 'body.outcome');
    await bad({ outcome: 'no_action', colour: 'red' }, 'body.colour');
    await bad({ outcome: 'restriction', decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT', restrictions: { visibility: ['HIDDEN'] } }, 'body.restrictions.visibility.0');
    await bad({ outcome: 'no_action', category: 'STATEMENT_CATEGORY_NOPE' }, 'body.category');
    assert.equal((await h.request('GET', `${Q}/not-a-uuid`, { auth: reviewer })).statusCode, 400);
    assert.equal((await h.request('GET', `${Q}/00000000-0000-4000-8000-000000000000`, { auth: reviewer })).statusCode, 404);
    const order = await h.request('GET', `${Q}/agreement?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, { auth: analyst });
    assert.equal(order.statusCode, 400, order.body);
    const missing = await h.request('GET', `${Q}/agreement?from=2026-01-01T00:00:00Z`, { auth: analyst });
    assert.equal(missing.statusCode, 400);
    assert.equal((await h.request('GET', `${Q}?status=everything`, { auth: reviewer })).statusCode, 400);
    // Still pending after the refusals.
    const row = await sql<{ status: string }>`select status from quality_reviews where id = ${reviewId}`.execute(h.db);
    assert.equal(row.rows[0]?.status, 'pending');
  });

  it('claim-next gives two reviewers different reviews; a claimed review is not submitted by another', async () => {
    const a = await sampledDecision('claim-a', REMOVED, senior);
    const b = await sampledDecision('claim-b', REMOVED, senior);
    const [r1, r2] = await Promise.all([h.user('moderator'), h.user('moderator')]);
    const [c1, c2] = await Promise.all([h.request('POST', `${Q}/claim-next`, { auth: r1 }), h.request('POST', `${Q}/claim-next`, { auth: r2 })]);
    assert.equal(c1.statusCode, 200, c1.body);
    assert.equal(c2.statusCode, 200, c2.body);
    const id1 = (c1.json() as { id: string }).id;
    const id2 = (c2.json() as { id: string }).id;
    assert.ok(id1 && id2 && id1 !== id2, 'different reviews');
    assert.equal((c1.json() as { claimed_by_you: boolean }).claimed_by_you, true);
    const taken = await h.request('POST', `${Q}/${id1}`, { auth: r2, body: { outcome: 'no_action' } });
    assert.equal(taken.statusCode, 409, taken.body);
    const queue = (await h.request('GET', `${Q}?limit=200`, { auth: r2 })).json() as { items: Array<{ id: string }> };
    assert.ok(!queue.items.some((i) => i.id === id1), 'claimed by someone else: not in the queue');
    // The claims are released by submitting (cleanup for the report test).
    await submit(id1, r1, { outcome: 'restriction', decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT', restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] } });
    await submit(id2, r2, { outcome: 'no_action' });
    assert.ok(a.reviewId && b.reviewId);
  });

  it('a pending review of a corrected decision is skipped', async () => {
    const { decision, reviewId } = await sampledDecision('superseded', REMOVED, mod);
    const corr = await h.request('POST', `${S}/decisions/${decision.id}/corrections`, { auth: senior, body: NO_ACTION });
    assert.equal(corr.statusCode, 201, corr.body);
    const status = (await sql<{ status: string }>`select status from quality_reviews where id = ${reviewId}`.execute(h.db)).rows[0]?.status;
    assert.equal(status, 'skipped');
    const view = await h.request('GET', `${Q}/${reviewId}`, { auth: reviewer });
    assert.equal(view.statusCode, 200);
    assert.equal((view.json() as { skip_reason: string }).skip_reason, 'superseded');
    const late = await h.request('POST', `${Q}/${reviewId}`, { auth: reviewer, body: { outcome: 'no_action' } });
    assert.equal(late.statusCode, 409, late.body);
    const audit = await sql<{ action: string }>`select action from audit_events where subject_type = 'quality_review' and subject_id = ${reviewId} order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((a) => a.action), ['quality_review.sampled', 'quality_review.skipped']);
  });

  it('the approver of a four-eyes decision is not blind either: hidden while pending, refused on submission', async () => {
    const { caseId } = await openCase(h, 'https://forum.example/q/four-eyes');
    assert.equal((await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod })).statusCode, 200);
    const proposed = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: { ...REMOVED, decision_account: 'DECISION_ACCOUNT_TERMINATED' } });
    assert.equal(proposed.statusCode, 202, proposed.body);
    const proposalId = (proposed.json() as { proposal: { id: string } }).proposal.id;
    const approved = await h.request('POST', `${S}/decision-proposals/${proposalId}/approve`, { auth: senior, body: { note: 'Proportionate.' } });
    assert.equal(approved.statusCode, 200, approved.body);
    const r = await sql<{ id: string; decided_by: string }>`select id, decided_by from quality_reviews where case_id = ${caseId}`.execute(h.db);
    const reviewId = r.rows[0]?.id as string;
    assert.ok(reviewId, 'the approved decision is sampled');
    assert.equal(r.rows[0]?.decided_by, mod.userId);
    const queue = (await h.request('GET', `${Q}?limit=200`, { auth: senior })).json() as { items: Array<{ id: string }> };
    assert.ok(!queue.items.some((i) => i.id === reviewId));
    assert.equal((await h.request('GET', `${Q}/${reviewId}`, { auth: senior })).statusCode, 404);
    const res = await h.request('POST', `${Q}/${reviewId}`, { auth: senior, body: { outcome: 'no_action' } });
    assert.equal(res.statusCode, 403, res.body);
    assert.equal(code(res), 'QUALITY_REVIEW_OWN_DECISION');
    const out = await submit(reviewId, reviewer, {
      outcome: 'restriction',
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      restrictions: { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
    });
    assert.deepEqual(out.comparison, { agreed: false, exact_match: false, disagreements: ['account'], value_differences: [] });
  });

  it('permissions: analysts read the report but do not review; moderators review but do not read the report', async () => {
    assert.equal((await h.request('GET', Q, { auth: analyst })).statusCode, 403);
    assert.equal((await h.request('POST', `${Q}/claim-next`, { auth: analyst })).statusCode, 403);
    const id = (await sql<{ id: string }>`select id from quality_reviews where status = 'pending' limit 1`.execute(h.db)).rows[0]?.id;
    assert.ok(id);
    assert.equal((await h.request('GET', `${Q}/${id}`, { auth: analyst })).statusCode, 403);
    assert.equal((await h.request('POST', `${Q}/${id}`, { auth: analyst, body: { outcome: 'no_action' } })).statusCode, 403);
    const range = `from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    assert.equal((await h.request('GET', `${Q}/agreement?${range}`, { auth: mod })).statusCode, 403);
    assert.equal((await h.request('GET', `${Q}/agreement?${range}`, { auth: analyst })).statusCode, 200);
    const key = await h.apiKey('moderator');
    assert.equal((await h.request('GET', Q, { auth: key })).statusCode, 403, 'reviews are done by people signed in');
  });

  it('the agreement report matches the reviews submitted: overall, per category, per moderator, per reviewer', async () => {
    const range = `from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;
    const res = await h.request('GET', `${Q}/agreement?${range}`, { auth: analyst });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json() as {
      pending: number;
      skipped: number;
      overall: Stats;
      by_category: Array<Stats & { category: string }>;
      by_moderator: Array<Stats & { user_id: string; display_name: string }>;
      by_reviewer: Array<Stats & { user_id: string; display_name: string }>;
    };
    assert.ok(submitted.length >= 8);
    const expect = (rows: ResultJson[]): Stats => {
      const n = rows.length;
      const k = rows.filter((r) => r.comparison.agreed).length;
      return { reviewed: n, agreed: k, rate: Math.round((k / n) * 1000) / 1000, wilson_95: null, exact_match: rows.filter((r) => r.comparison.exact_match).length };
    };
    const check = (got: Stats | undefined, rows: ResultJson[], what: string) => {
      assert.ok(got, what);
      const e = expect(rows);
      const { reviewed, agreed, rate, exact_match } = got;
      assert.deepEqual({ reviewed, agreed, rate, wilson_95: null, exact_match }, e, what);
      const w = wilson(e.agreed, e.reviewed);
      assert.ok(got.wilson_95 && got.wilson_95.low <= w.low + 1e-9 && got.wilson_95.low > w.low - 0.001, `${what}: low ${got.wilson_95?.low} vs ${w.low}`);
      assert.ok(got.wilson_95.high >= w.high - 1e-9 && got.wilson_95.high < w.high + 0.001, `${what}: high ${got.wilson_95.high} vs ${w.high}`);
    };
    check(report.overall, submitted, 'overall');
    const groupBy = (key: (r: ResultJson) => string) => {
      const m = new Map<string, ResultJson[]>();
      for (const r of submitted) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
      return m;
    };
    const byCategory = groupBy((r) => r.original.category);
    assert.equal(report.by_category.length, byCategory.size);
    assert.ok(byCategory.size >= 2);
    for (const [cat, rows] of byCategory) check(report.by_category.find((g) => g.category === cat), rows, `category ${cat}`);
    const byModerator = groupBy((r) => r.original.decided_by);
    assert.equal(report.by_moderator.length, byModerator.size);
    for (const [id, rows] of byModerator) check(report.by_moderator.find((g) => g.user_id === id), rows, `moderator ${id}`);
    const byReviewer = groupBy((r) => r.reviewer_id);
    assert.equal(report.by_reviewer.length, byReviewer.size);
    for (const [id, rows] of byReviewer) check(report.by_reviewer.find((g) => g.user_id === id), rows, `reviewer ${id}`);
    const modRow = report.by_moderator.find((g) => g.user_id === mod.userId);
    const name = await sql<{ display_name: string }>`select display_name from users where id = ${mod.userId}`.execute(h.db);
    assert.equal(modRow?.display_name, name.rows[0]?.display_name);

    const pending = await sql<{ n: number }>`select count(*)::int as n from quality_reviews where status = 'pending'`.execute(h.db);
    assert.equal(report.pending, pending.rows[0]?.n);
    assert.equal(report.skipped, 1);

    const empty = await h.request('GET', `${Q}/agreement?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z`, { auth: analyst });
    assert.deepEqual((empty.json() as { overall: Stats }).overall, { reviewed: 0, agreed: 0, rate: null, wilson_95: null, exact_match: 0 });
  });
});
