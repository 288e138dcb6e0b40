import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { deliverDue } from '../src/webhooks/index.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';
import { claimCase, openCase } from './support/cases.ts';
import { RESTRICTION as BASE_RESTRICTION } from './support/fixtures.ts';
import { receiver as listen, type Received as Rx } from './support/receiver.ts';
import { verifySignature } from './support/signature.ts';

const S = '/v1/services/default';

const RESTRICTION = {
  ...BASE_RESTRICTION,
  end_date_visibility_restriction: '2027-06-30',
  affected_user: { email: 'author@example.org', locale: 'fr', platform_user_ref: 'user-4242' },
};


type Received = Rx<{ id: string; type: string; data: Record<string, unknown> }>;
/** A platform's receiver (test/support/receiver.ts). */
const receiver = (plan: Array<number | 'hang'>, fallback: number | 'hang' = 200) => listen<Received['json']>('/hooks/vigie', plan, fallback);

describe('enforcement webhooks and the pull API', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let admin: Session;
  before(async () => {
    h = await startHarness();
    [mod, senior, admin] = await Promise.all([h.user('moderator'), h.user('senior_moderator'), h.user('admin')]);
  });
  after(async () => h.close());

  async function decidedCase(url: string): Promise<{ caseId: string; decisionId: string; ms: number }> {
    const { caseId } = await openCase(h, url);
    await claimCase(h, caseId, mod);
    const started = Date.now();
    const d = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: RESTRICTION });
    const ms = Date.now() - started;
    assert.equal(d.statusCode, 201, d.body);
    return { caseId, decisionId: (d.json() as { id: string }).id, ms };
  }

  async function endpoint(url: string): Promise<{ id: string; secret: string }> {
    const res = await h.request('POST', `${S}/webhooks`, { auth: admin, body: { url, events: ['decision.taken', 'decision.corrected'] } });
    assert.equal(res.statusCode, 201, res.body);
    const e = res.json() as { id: string; secret: string; active: boolean };
    assert.equal(e.active, true);
    assert.match(e.secret, /^whsec_[A-Za-z0-9_-]{43}$/, '32 random bytes');
    return e;
  }

  async function disable(id: string) {
    const res = await h.request('POST', `${S}/webhooks/${id}/disable`, { auth: admin });
    assert.equal(res.statusCode, 200, res.body);
  }

  async function deliveryOf(endpointId: string, decisionId: string) {
    const r = await sql<{ id: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null }>`
      select d.id, d.status, d.attempts, d.last_status_code, d.last_error from webhook_deliveries d
      join platform_events e on e.id = d.event_id where d.endpoint_id = ${endpointId} and e.decision_id = ${decisionId}`.execute(h.db);
    assert.equal(r.rows.length, 1);
    return r.rows[0] as NonNullable<(typeof r.rows)[0]>;
  }

  const makeDue = (id: string) => sql`update webhook_deliveries set next_attempt_at = now() where id = ${id}`.execute(h.db);

  it('sends a correctly signed decision.taken that lets the platform act, without personal data', async () => {
    const rx = await receiver([]);
    try {
      const e = await endpoint(rx.url);
      const listed = await h.request('GET', `${S}/webhooks`, { auth: admin });
      assert.equal(listed.statusCode, 200);
      assert.doesNotMatch(listed.body, /whsec_/, 'secrets are shown once');
      const { caseId, decisionId } = await decidedCase('https://forum.example/t/webhook-1');
      assert.equal(rx.received.length, 0, 'nothing is sent from inside the decision');
      assert.ok((await deliverDue(h.db, { timeoutMs: 2000 })) >= 1);
      assert.equal(rx.received.length, 1);
      const got = rx.received[0] as Received;
      assert.equal(verifySignature(e.secret, got.headers, got.body), true, 'signature verifies with the documented recipe');
      assert.equal(verifySignature(e.secret, got.headers, got.body.replace('FR', 'DE')), false, 'a changed body does not verify');
      assert.equal(verifySignature(e.secret, got.headers, got.body, Math.floor(Date.now() / 1000) + 600), false, 'outside the replay window');
      assert.equal(verifySignature(`${e.secret}x`, got.headers, got.body), false);
      assert.equal(got.headers['vigie-event-type'], 'decision.taken');
      assert.equal(got.headers['vigie-event-id'], got.json.id);
      assert.match(String(got.headers['content-type']), /^application\/json/);
      assert.equal(got.json.type, 'decision.taken');
      const data = got.json.data as Record<string, unknown>;
      assert.equal(data.decision_id, decisionId);
      assert.equal(data.case_id, caseId);
      assert.equal(data.supersedes, null);
      assert.deepEqual(data.content, { url: 'https://forum.example/t/webhook-1', id: null });
      assert.deepEqual(data.restrictions, { visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'], monetary: null, provision: null, account: null });
      assert.deepEqual(data.territorial_scope, ['FR', 'BE']);
      assert.deepEqual(data.end_dates, { visibility: '2027-06-30', monetary: null, service: null, account: null });
      assert.doesNotMatch(got.body, /author@example\.org|user-4242|camille/i, 'no personal data');
      const d = await deliveryOf(e.id, decisionId);
      assert.deepEqual([d.status, d.attempts, d.last_status_code], ['delivered', 1, 200]);
      assert.equal(await deliverDue(h.db), 0, 'delivered once');
      await disable(e.id);
      const after = (await h.request('GET', `${S}/webhooks`, { auth: admin })).json() as { items: Array<{ id: string; active: boolean }> };
      assert.equal(after.items.find((x) => x.id === e.id)?.active, false);
    } finally {
      await rx.close();
    }
  });

  it('retries a failing receiver with backoff and delivers once; the log shows every attempt', async () => {
    const rx = await receiver([500, 200]);
    try {
      const e = await endpoint(rx.url);
      const { decisionId } = await decidedCase('https://forum.example/t/webhook-retry');
      await deliverDue(h.db, { timeoutMs: 2000 });
      let d = await deliveryOf(e.id, decisionId);
      assert.deepEqual([d.status, d.attempts, d.last_status_code, d.last_error], ['pending', 1, 500, 'HTTP 500']);
      const due = await sql<{ s: number }>`select extract(epoch from next_attempt_at - now())::float8 as s from webhook_deliveries where id = ${d.id}`.execute(h.db);
      assert.ok((due.rows[0]?.s ?? 0) > 20, 'retried later, not at once');
      assert.equal(await deliverDue(h.db), 0, 'not due yet');
      await makeDue(d.id);
      await deliverDue(h.db, { timeoutMs: 2000 });
      d = await deliveryOf(e.id, decisionId);
      assert.deepEqual([d.status, d.attempts, d.last_status_code], ['delivered', 2, 200]);
      assert.equal(rx.received.length, 2);
      assert.equal(rx.received[0]?.json.id, rx.received[1]?.json.id, 'same event id on a retry');
      assert.equal(rx.received.filter((r) => r.answered === 200).length, 1);

      const page = await h.request('GET', `${S}/webhooks/${e.id}/deliveries?status=delivered`, { auth: admin });
      assert.equal(page.statusCode, 200, page.body);
      const items = (page.json() as { items: Array<{ id: string; log: Array<{ attempt: number; status_code: number | null }> }> }).items;
      assert.equal(items.length, 1);
      assert.deepEqual(items[0]?.log.map((a) => [a.attempt, a.status_code]), [[1, 500], [2, 200]]);
      const none = await h.request('GET', `${S}/webhooks/${e.id}/deliveries?status=dead`, { auth: admin });
      assert.deepEqual((none.json() as { items: unknown[] }).items, []);
      assert.equal((await h.request('GET', `${S}/webhooks/${e.id}/deliveries`, { auth: mod })).statusCode, 403);
      await disable(e.id);
    } finally {
      await rx.close();
    }
  });

  it('a hanging receiver times out without slowing decisions; dead after max attempts; replay sends it again', async () => {
    const rx = await receiver([], 'hang');
    try {
      const e = await endpoint(rx.url);
      const first = await decidedCase('https://forum.example/t/webhook-hang-1');
      // While the sender waits on the hanging receiver, a moderator decides another case.
      const started = Date.now();
      const sending = deliverDue(h.db, { timeoutMs: 1500 });
      const second = await decidedCase('https://forum.example/t/webhook-hang-2');
      assert.ok(second.ms < 1000, `the decision took ${second.ms} ms`);
      await sending;
      assert.ok(Date.now() - started >= 1400, 'the sender waited for the timeout');
      let d = await deliveryOf(e.id, first.decisionId);
      assert.equal(d.status, 'pending');
      assert.match(d.last_error ?? '', /timeout/);
      assert.equal(d.last_status_code, null);

      await sql`update webhook_deliveries set max_attempts = 2 where id = ${d.id}`.execute(h.db);
      await makeDue(d.id);
      await deliverDue(h.db, { timeoutMs: 200 });
      d = await deliveryOf(e.id, first.decisionId);
      assert.deepEqual([d.status, d.attempts], ['dead', 2]);

      const deadPage = await h.request('GET', `${S}/webhooks/${e.id}/deliveries?status=dead&limit=1`, { auth: admin });
      assert.deepEqual((deadPage.json() as { items: Array<{ id: string }> }).items.map((x) => x.id), [d.id]);

      // The receiver recovers; the operator replays the dead delivery.
      rx.plan.push(200);
      const replay = await h.request('POST', `${S}/webhook-deliveries/${d.id}/replay`, { auth: admin });
      assert.equal(replay.statusCode, 200, replay.body);
      assert.equal((replay.json() as { status: string }).status, 'pending');
      const again = await h.request('POST', `${S}/webhook-deliveries/${d.id}/replay`, { auth: admin });
      assert.equal(again.statusCode, 409, 'a pending delivery is not replayed');
      const otherDelivery = await deliveryOf(e.id, second.decisionId);
      await sql`update webhook_deliveries set status = 'dead' where id = ${otherDelivery.id}`.execute(h.db);
      await deliverDue(h.db, { timeoutMs: 2000 });
      d = await deliveryOf(e.id, first.decisionId);
      assert.deepEqual([d.status, d.last_status_code], ['delivered', 200]);
      const last = rx.received[rx.received.length - 1] as Received;
      assert.equal(last.json.data.decision_id, first.decisionId);
      assert.equal(verifySignature(e.secret, last.headers, last.body), true);
      assert.equal((await h.request('POST', `${S}/webhook-deliveries/${crypto.randomUUID()}/replay`, { auth: admin })).statusCode, 404);
      await disable(e.id);
    } finally {
      await rx.close();
    }
  });

  it('a correction sends decision.corrected with supersedes', async () => {
    const rx = await receiver([]);
    try {
      const e = await endpoint(rx.url);
      const { decisionId } = await decidedCase('https://forum.example/t/webhook-correct');
      const fix = await h.request('POST', `${S}/decisions/${decisionId}/corrections`, {
        auth: senior,
        body: { outcome: 'no_action', decision_facts: 'On review, satire of a public figure; not illegal.' },
      });
      assert.equal(fix.statusCode, 201, fix.body);
      await deliverDue(h.db, { timeoutMs: 2000 });
      assert.deepEqual(rx.received.map((r) => r.json.type), ['decision.taken', 'decision.corrected']);
      const corrected = rx.received[1] as Received;
      assert.equal(corrected.headers['vigie-event-type'], 'decision.corrected');
      assert.equal(corrected.json.data.supersedes, decisionId);
      assert.equal(corrected.json.data.decision_id, (fix.json() as { id: string }).id);
      assert.equal(corrected.json.data.outcome, 'no_action');
      assert.equal(verifySignature(e.secret, corrected.headers, corrected.body), true);
      await disable(e.id);
      // A disabled endpoint gets no new deliveries.
      const { decisionId: later } = await decidedCase('https://forum.example/t/webhook-after-disable');
      const n = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries d join platform_events p on p.id = d.event_id
                                         where d.endpoint_id = ${e.id} and p.decision_id = ${later}`.execute(h.db);
      assert.equal(n.rows[0]?.n, 0);
    } finally {
      await rx.close();
    }
  });

  it('platforms pull decision events and confirm they gave effect (audited)', async () => {
    const platform = await h.apiKey('platform');
    type Page = { items: Array<{ event_id: string; type: string; payload: { data: { decision_id: string } }; confirmation: unknown }>; next_cursor: string | null; has_more: boolean };
    // Every committed event is in the feed at the next pull (no waiting, no gaps for a cursor).
    async function pullAll(from: string | null): Promise<{ items: Page['items']; cursor: string | null }> {
      const items: Page['items'] = [];
      let cursor = from;
      for (let i = 0; i < 1000; i++) {
        const res = await h.request('GET', `${S}/actions?limit=2${cursor ? `&after=${cursor}` : ''}`, { auth: platform });
        assert.equal(res.statusCode, 200, res.body);
        const p = res.json() as Page;
        items.push(...p.items);
        cursor = p.next_cursor;
        if (!p.has_more) break;
      }
      return { items, cursor };
    }
    const total = await sql<{ n: number }>`select count(*)::int as n from platform_events`.execute(h.db);
    const { items: seen, cursor } = await pullAll(null);
    assert.equal(seen.length, total.rows[0]?.n);
    assert.equal(new Set(seen.map((x) => x.event_id)).size, seen.length);
    assert.ok(cursor);

    const { decisionId } = await decidedCase('https://forum.example/t/pull-1');
    const next = await pullAll(cursor);
    assert.deepEqual(next.items.map((x) => [x.type, x.payload.data.decision_id]), [['decision.taken', decisionId]], 'only what is new');
    const eventId = next.items[0]?.event_id as string;

    const confirm = await h.request('POST', `${S}/actions/${eventId}/confirm`, { auth: platform, body: { effective_at: '2026-11-21T10:15:00Z' } });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.deepEqual((confirm.json() as { effective_at: string; already_confirmed: boolean; decision_id: string }).already_confirmed, false);
    const twice = await h.request('POST', `${S}/actions/${eventId}/confirm`, { auth: platform, body: { effective_at: '2026-11-22T00:00:00Z' } });
    assert.equal(twice.statusCode, 200);
    assert.deepEqual((twice.json() as { effective_at: string; already_confirmed: boolean }), { ...(twice.json() as object), effective_at: '2026-11-21T10:15:00.000Z', already_confirmed: true });
    const audit = await sql<{ action: string; actor_type: string; data: { event_id: string } }>`
      select action, actor_type, data from audit_events where subject_id = ${decisionId} and action = 'decision.enforcement_confirmed'`.execute(h.db);
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0]?.actor_type, 'apikey');
    assert.equal(audit.rows[0]?.data.event_id, eventId);

    const again = await pullAll(cursor);
    assert.ok(again.items[0]?.confirmation, 'the feed shows the confirmation');
    assert.equal((await h.request('POST', `${S}/actions/${crypto.randomUUID()}/confirm`, { auth: platform, body: { effective_at: '2026-11-21T10:15:00Z' } })).statusCode, 404);
    assert.equal((await h.request('GET', `${S}/actions`, { auth: mod })).statusCode, 403);
    assert.equal((await h.request('GET', `${S}/actions?after=nonsense`, { auth: platform })).statusCode, 400);
  });
});
