/**
 * Push delivery of the messages to authorities: a durable job POSTs each message to the authority's callback URL,
 * signed with the authority's secret (the webhooks' scheme), retried with backoff, refused for private addresses
 * unless allowed; an authority without a callback URL reads its messages by polling.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from '../src/db/index.ts';
import { startWorker, type Worker } from '../src/jobs/index.ts';
import { orderMessageDeliveryJob } from '../src/orders/index.ts';
import { silentLogger, startHarness, until, type Harness, type Session } from './helpers.ts';
import { REMOVAL_DECISION } from './support/fixtures.ts';
import { receiver as listen, type Received as Rx } from './support/receiver.ts';
import { verifySignature } from './support/signature.ts';

const S = '/v1/services/default';



interface Pushed {
  format: string;
  id: string;
  order_id: string;
  reference: string;
  kind: string;
  created_at: string;
  body: Record<string, unknown>;
}

type Received = Rx<Pushed>;
/** An authority's receiver (test/support/receiver.ts). */
const receiver = (plan: number[] = [], fallback = 200) => listen<Pushed>('/orders/callback', plan, fallback);

function removalOrder(): Record<string, unknown> {
  return {
    type: 'removal_order',
    legal_basis: 'Regulation (EU) 2021/784, Art. 3',
    issuing_member_state: 'FR',
    reference: `TCO-${crypto.randomUUID()}`,
    category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
    keyword: 'KEYWORD_TERRORIST_CONTENT',
    statement_of_reasons: 'The video glorifies a terrorist attack.',
    items: [{ url: `https://forum.example/v/${crypto.randomUUID()}` }],
  };
}


interface Message {
  id: string;
  kind: string;
  delivered_at: string | null;
  delivery: { status: string; attempts: number; last_error: string | null } | null;
}

interface Authority {
  id: string;
  key: { key: string };
  secret: string;
}

async function registerAuthority(h: Harness, admin: Session, callbackUrl: string | null): Promise<Authority> {
  const name = `fr-police-${crypto.randomBytes(3).toString('hex')}`;
  const res = await h.request('POST', `${S}/authorities`, {
    auth: admin,
    body: { name, kind: 'law_enforcement', member_state: 'FR', order_types: ['removal_order'], contact_email: `${name}@authority.example`, ...(callbackUrl ? { callback_url: callbackUrl } : {}) },
  });
  assert.equal(res.statusCode, 201, res.body);
  const a = res.json() as { id: string; callback_secret: string; callback_secret_set: boolean };
  assert.match(a.callback_secret, /^whsec_[A-Za-z0-9_-]{43}$/, 'the signing secret, shown at creation');
  assert.equal(a.callback_secret_set, true);
  const k = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: `${name} key`, role: 'authority', authority_id: a.id } });
  assert.equal(k.statusCode, 201, k.body);
  return { id: a.id, key: { key: (k.json() as { key: string }).key }, secret: a.callback_secret };
}

async function submit(h: Harness, a: Authority): Promise<{ id: string; reference: string; messages: Message[] }> {
  const body = removalOrder();
  const res = await h.request('POST', `${S}/orders`, { auth: a.key, body });
  assert.equal(res.statusCode, 201, res.body);
  return { ...(res.json() as { id: string; messages: Message[] }), reference: body.reference as string };
}

async function messagesOf(h: Harness, a: Authority, orderId: string): Promise<Message[]> {
  const res = await h.request('GET', `${S}/orders/${orderId}`, { auth: a.key });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { messages: Message[] }).messages;
}

async function jobsOf(h: Harness, messageIds: string[]) {
  const r = await sql<{ status: string; attempts: number; last_error: string | null }>`
    select status, attempts, last_error from jobs where type = 'order.message.deliver' and payload->>'message_id' = any(${messageIds}::text[]) order by id`.execute(h.db);
  return r.rows;
}

describe('push delivery of messages to authorities', () => {
  let h: Harness;
  let admin: Session;
  let mod: Session;
  let worker: Worker;
  const receivers: Array<{ close(): Promise<void> }> = [];

  before(async () => {
    h = await startHarness();
    [admin, mod] = [await h.user('admin'), await h.user('moderator')];
    worker = startWorker({ db: h.db, jobs: [orderMessageDeliveryJob(h.db)], periodic: [], pollMs: 50, log: silentLogger });
  });
  after(async () => {
    await worker?.stop();
    for (const r of receivers) await r.close();
    await h?.close();
  });

  test('a TCO removal order: the acknowledgement and the effect given are pushed, signed with the authority secret', async () => {
    const rx = await receiver();
    receivers.push(rx);
    const a = await registerAuthority(h, admin, rx.url);
    const shown = await h.request('GET', `${S}/authorities/${a.id}`, { auth: admin });
    assert.equal(shown.statusCode, 200, shown.body);
    assert.equal((shown.json() as Record<string, unknown>).callback_secret, undefined, 'the secret is never listed');
    assert.ok(!shown.body.includes(a.secret));

    const order = await submit(h, a);
    assert.deepEqual(order.messages.map((m) => [m.kind, m.delivery?.status]), [['acknowledgement', 'pending']], 'queued with the order');
    await until('the acknowledgement pushed', () => rx.received.length === 1);
    const ack = rx.received[0] as Received;
    assert.ok(verifySignature(a.secret, ack.headers, ack.body), 'valid signature');
    assert.ok(!verifySignature(`${a.secret}x`, ack.headers, ack.body));
    assert.equal(ack.headers['content-type'], 'application/json');
    assert.equal(ack.headers['vigie-message-kind'], 'acknowledgement');
    assert.equal(ack.headers['vigie-message-id'], ack.json.id);
    assert.equal(ack.json.format, 'vigie.order_message/1');
    assert.equal(ack.json.order_id, order.id);
    assert.equal(ack.json.reference, order.reference);
    assert.equal(ack.json.kind, 'acknowledgement');
    assert.equal(ack.json.id, order.messages[0]?.id);
    assert.ok(typeof ack.json.body.acknowledged_at === 'string' && typeof ack.json.body.deadline_at === 'string');

    // A moderator removes the content; legal staff give effect: the authority is told at once.
    const staff = await h.request('GET', `${S}/orders/${order.id}`, { auth: admin });
    const caseId = (staff.json() as { case_id: string }).case_id;
    assert.equal((await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod })).statusCode, 200);
    const decided = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: REMOVAL_DECISION });
    assert.equal(decided.statusCode, 201, decided.body);
    const effect = await h.request('POST', `${S}/orders/${order.id}/effect`, {
      auth: admin,
      body: { description: 'The video was removed.', decision_ids: [(decided.json() as { id: string }).id] },
    });
    assert.equal(effect.statusCode, 200, effect.body);
    await until('the effect pushed', () => rx.received.length === 2);
    const given = rx.received[1] as Received;
    assert.ok(verifySignature(a.secret, given.headers, given.body), 'valid signature');
    assert.equal(given.json.kind, 'effect');
    assert.equal(given.json.order_id, order.id);
    assert.equal(given.json.body.description, 'The video was removed.');
    assert.equal(typeof given.json.body.effect_given_at, 'string');

    // Both are marked delivered (polling shows it), each at the first attempt; the jobs are done.
    await until('both marked delivered', async () => (await messagesOf(h, a, order.id)).every((m) => m.delivered_at !== null));
    const messages = await messagesOf(h, a, order.id);
    assert.deepEqual(messages.map((m) => [m.kind, m.delivery]), [
      ['acknowledgement', { status: 'delivered', attempts: 1, last_error: null }],
      ['effect', { status: 'delivered', attempts: 1, last_error: null }],
    ]);
    assert.deepEqual((await jobsOf(h, messages.map((m) => m.id))).map((j) => j.status), ['done', 'done']);

    // Rotation: the old secret stops at once; the next message is signed with the new one.
    assert.equal((await h.request('POST', `${S}/authorities/${a.id}/secret`, { auth: a.key })).statusCode, 403, 'not for the authority itself');
    const rotated = await h.request('POST', `${S}/authorities/${a.id}/secret`, { auth: admin });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const secret = (rotated.json() as { callback_secret: string }).callback_secret;
    assert.notEqual(secret, a.secret);
    const contest = await h.request('POST', `${S}/orders/${order.id}/contest`, { auth: admin, body: { grounds: 'The content is journalism.' } });
    assert.equal(contest.statusCode, 200, contest.body);
    await until('the contestation pushed', () => rx.received.length === 3);
    const contested = rx.received[2] as Received;
    assert.ok(verifySignature(secret, contested.headers, contested.body), 'signed with the new secret');
    assert.ok(!verifySignature(a.secret, contested.headers, contested.body), 'not with the old one');
    const audit = await sql<{ action: string; data: unknown }>`
      select action, data from audit_events where subject_id = ${a.id} and action = 'authority.callback_secret_rotated'`.execute(h.db);
    assert.equal(audit.rows.length, 1);
    assert.ok(!JSON.stringify(audit.rows).includes(secret), 'the secret never enters the audit log');
  });

  test('a receiver answering 500 gets the message again on retry, with the same id', async () => {
    const rx = await receiver([500]);
    receivers.push(rx);
    const a = await registerAuthority(h, admin, rx.url);
    const order = await submit(h, a);
    const messageId = order.messages[0]?.id as string;
    await until('the first attempt refused', async () => (await jobsOf(h, [messageId]))[0]?.status === 'queued' && rx.received.length === 1);
    const [job] = await jobsOf(h, [messageId]);
    assert.deepEqual(job, { status: 'queued', attempts: 1, last_error: 'HTTP 500' }, 'the jobs table retries it with backoff');
    assert.equal((await messagesOf(h, a, order.id))[0]?.delivered_at, null);

    // Backoff put the retry 2 s ahead: bring it forward rather than wait.
    await sql`update jobs set run_at = now() where type = 'order.message.deliver' and status = 'queued'`.execute(h.db);
    worker.poke();
    await until('delivered on retry', async () => (await messagesOf(h, a, order.id))[0]?.delivered_at !== null);
    assert.equal(rx.received.length, 2);
    for (const r of rx.received) assert.ok(verifySignature(a.secret, r.headers, r.body));
    assert.deepEqual(rx.received.map((r) => r.json.id), [messageId, messageId], 'the receiver deduplicates on the message id');
    assert.deepEqual((await messagesOf(h, a, order.id))[0]?.delivery, { status: 'delivered', attempts: 2, last_error: 'HTTP 500' });
    assert.equal((await jobsOf(h, [messageId]))[0]?.status, 'done');
  });

  test('an authority without a callback URL gets nothing pushed and reads its messages by polling', async () => {
    const a = await registerAuthority(h, admin, null);
    const order = await submit(h, a);
    assert.equal(order.messages.length, 1);
    assert.deepEqual(await jobsOf(h, order.messages.map((m) => m.id)), [], 'no delivery job');
    const [m] = await messagesOf(h, a, order.id);
    assert.equal(m?.kind, 'acknowledgement');
    assert.equal(m?.delivered_at, null);
    assert.equal(m?.delivery, null, 'polling only');
    const listed = await h.request('GET', `${S}/orders`, { auth: a.key });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.deepEqual((listed.json() as { items: Array<{ id: string }> }).items.map((o) => o.id), [order.id]);
  });
});

describe('push delivery with the outbound guard on (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false)', () => {
  let h: Harness;
  let admin: Session;
  let worker: Worker;

  before(async () => {
    h = await startHarness({ webhookAllowPrivateNetworks: false, webhookAllowedHosts: [] });
    admin = await h.user('admin');
    worker = startWorker({ db: h.db, jobs: [orderMessageDeliveryJob(h.db)], periodic: [], pollMs: 50, log: silentLogger });
  });
  after(async () => {
    await worker?.stop();
    await h?.close();
  });

  test('a private-address callback URL is refused at registration, and its push refused at delivery (final, audited)', async () => {
    const rx = await receiver();
    try {
      const refused = await h.request('POST', `${S}/authorities`, {
        auth: admin,
        body: { name: 'private', kind: 'law_enforcement', member_state: 'FR', order_types: ['removal_order'], contact_email: 'p@authority.example', callback_url: rx.url },
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.body, /body\.callback_url/);
      assert.match(refused.body, /loopback/);

      const a = await registerAuthority(h, admin, 'https://callback.authority.example/vigie');
      const patched = await h.request('PATCH', `${S}/authorities/${a.id}`, { auth: admin, body: { callback_url: 'http://10.1.2.3/cb' } });
      assert.equal(patched.statusCode, 400, patched.body);
      assert.match(patched.body, /private network/);

      // The URL pointed to a loopback address after it was checked (as a re-pointed DNS name would): the guard
      // refuses the connection, and the delivery fails at once — retrying will not change it.
      await sql`update authorities set callback_url = ${rx.url} where id = ${a.id}`.execute(h.db);
      const order = await submit(h, a);
      const messageId = order.messages[0]?.id as string;
      await until('the push settled', async () => (await jobsOf(h, [messageId]))[0]?.status === 'done');
      assert.equal(rx.received.length, 0, 'nothing reached the loopback receiver');
      const [m] = await messagesOf(h, a, order.id);
      assert.equal(m?.delivered_at, null);
      assert.equal(m?.delivery?.status, 'failed');
      assert.equal(m?.delivery?.attempts, 1);
      assert.match(m?.delivery?.last_error ?? '', /blocked address 127\.0\.0\.1 \(loopback\)/);
      const audit = await sql<{ actor_type: string; data: { message_id: string; kind: string; attempts: number; error: string } }>`
        select actor_type, data from audit_events where subject_id = ${order.id} and action = 'order.message_delivery_failed'`.execute(h.db);
      assert.equal(audit.rows.length, 1);
      assert.equal(audit.rows[0]?.actor_type, 'system');
      assert.deepEqual({ ...audit.rows[0]?.data, error: undefined }, { message_id: messageId, kind: 'acknowledgement', authority_id: a.id, attempts: 1, error: undefined });
    } finally {
      await rx.close();
    }
  });
});
