/**
 * Orders from authorities: a TCO removal order from an authority's key to effect given within its hour, orders
 * registered by staff, impossibility and contestation, and bad input (nothing written).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from '../src/db/index.ts';
import { notice, startHarness, type Harness, type Session } from './helpers.ts';
import { REMOVAL_DECISION } from './support/fixtures.ts';

const S = '/v1/services/default';

interface Order {
  id: string;
  status: string;
  type: string;
  received_at: string;
  deadline_at: string;
  acknowledged_at: string | null;
  cross_border: boolean;
  contested: boolean;
  effect: { given_at: string; description: string; decision_ids: string[] } | null;
  impossibility: { reason: string } | null;
  case_id?: string;
  items: Array<Record<string, unknown>>;
  messages: Array<{ kind: string; body: Record<string, unknown> }>;
}

function removalOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'removal_order',
    legal_basis: 'Regulation (EU) 2021/784, Art. 3; Code pénal, art. 421-2-5',
    issuing_member_state: 'FR',
    reference: `TCO-${crypto.randomUUID()}`,
    category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
    keyword: 'KEYWORD_TERRORIST_CONTENT',
    statement_of_reasons: 'The video glorifies a terrorist attack and calls for new ones.',
    items: [{ url: `https://forum.example/v/${crypto.randomUUID()}` }],
    ...overrides,
  };
}


async function counts(h: Harness) {
  const r = await sql<{ orders: number; items: number; cases: number; messages: number; events: number }>`
    select (select count(*)::int from orders) as orders, (select count(*)::int from order_items) as items,
           (select count(*)::int from cases) as cases, (select count(*)::int from order_messages) as messages,
           (select count(*)::int from audit_events) as events`.execute(h.db);
  return r.rows[0];
}

describe('orders from authorities', () => {
  let h: Harness;
  let admin: Session;
  let legal: Session;
  let mod: Session;
  let senior: Session;
  const authorities: Record<string, string> = {};
  const keys: Record<string, { key: string }> = {};

  async function authority(name: string, body: Record<string, unknown>) {
    const res = await h.request('POST', `${S}/authorities`, { auth: admin, body: { name, kind: 'law_enforcement', contact_email: `${name}@authority.example`, ...body } });
    assert.equal(res.statusCode, 201, res.body);
    const id = (res.json() as { id: string }).id;
    const k = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: `${name} key`, role: 'authority', authority_id: id } });
    assert.equal(k.statusCode, 201, k.body);
    assert.equal((k.json() as { authority_id: string }).authority_id, id);
    authorities[name] = id;
    keys[name] = { key: (k.json() as { key: string }).key };
  }

  before(async () => {
    h = await startHarness();
    [admin, legal, mod, senior] = [await h.user('admin'), await h.user('legal'), await h.user('moderator'), await h.user('senior_moderator')];
    await authority('fr-police', { member_state: 'FR', order_types: ['removal_order', 'order_to_act', 'order_to_provide_information'] });
    await authority('de-court', { member_state: 'DE', kind: 'judicial', order_types: ['removal_order'], categories: ['STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY'] });
    await authority('el-disabled', { member_state: 'EL', order_types: ['removal_order'] });
    const off = await h.request('PATCH', `${S}/authorities/${authorities['el-disabled']}`, { auth: admin, body: { disabled: true } });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal((off.json() as { disabled: boolean }).disabled, true);
  });

  after(async () => {
    await h?.close();
  });

  test('a TCO removal order: submitted, acknowledged, at the head of the queue, given effect within the hour, read back by the authority', async () => {
    // A terrorist-content notice already waits (tier 0, 1 h): the order still comes first.
    const pub = await h.request('POST', '/v1/public/services/default/notices', {
      body: notice({ category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', subcategory: 'KEYWORD_TERRORIST_CONTENT' }),
    });
    assert.equal(pub.statusCode, 201, pub.body);

    const body = removalOrder();
    const res = await h.request('POST', `${S}/orders`, { auth: keys['fr-police'], body });
    assert.equal(res.statusCode, 201, res.body);
    const order = res.json() as Order;
    assert.equal(order.status, 'acknowledged');
    assert.equal(order.acknowledged_at, order.received_at, 'acknowledged on receipt');
    assert.equal(Date.parse(order.deadline_at) - Date.parse(order.received_at), 3_600_000, 'one hour from receipt (TCO Art. 3(3))');
    assert.equal(order.case_id, undefined, 'the authority does not see our case');
    assert.deepEqual(order.items, [{ position: 0, url: (body.items as Array<{ url: string }>)[0]?.url }]);
    assert.deepEqual(order.messages.map((m) => m.kind), ['acknowledgement']);

    const c = (
      await sql<{ id: string; tier: number; trust_rank: number; queue: string; deadline_at: Date; status: string }>`
        select c.id, c.tier, c.trust_rank, q.slug as queue, c.deadline_at, c.status from cases c join queues q on q.id = c.queue_id
        where c.order_id = ${order.id}`.execute(h.db)
    ).rows[0];
    assert.ok(c, 'a case for the order');
    assert.equal(c.queue, 'orders');
    assert.equal(c.tier, 0);
    assert.equal(c.deadline_at.getTime(), Date.parse(order.deadline_at), "the case's deadline is the order's");

    const listed = await h.request('GET', `${S}/cases?queue=orders`, { auth: mod });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.equal((listed.json() as { items: Array<{ id: string }> }).items[0]?.id, c.id, 'head of the orders queue');

    // A moderator claims the most urgent case of all their queues: the order's.
    const claimed = await h.request('POST', `${S}/cases/claim-next`, { auth: mod, body: {} });
    assert.equal(claimed.statusCode, 200, claimed.body);
    assert.equal((claimed.json() as { case: { id: string } }).case.id, c.id);
    const decided = await h.request('POST', `${S}/cases/${c.id}/decisions`, { auth: mod, body: REMOVAL_DECISION });
    assert.equal(decided.statusCode, 201, decided.body);
    const decision = decided.json() as { id: string; statement: { tdb: Record<string, unknown> } };
    assert.equal(decision.statement.tdb.source_type, 'SOURCE_TYPE_OTHER_NOTIFICATION', 'an order is a notification other than an Art. 16 notice');

    // Legal staff tell the authority what was done.
    const effect = await h.request('POST', `${S}/orders/${order.id}/effect`, {
      auth: legal,
      body: { description: 'The video was removed in all member states.', decision_ids: [decision.id] },
    });
    assert.equal(effect.statusCode, 200, effect.body);
    assert.equal((effect.json() as Order).status, 'effect_given');

    const read = await h.request('GET', `${S}/orders/${order.id}`, { auth: keys['fr-police'] });
    assert.equal(read.statusCode, 200, read.body);
    const seen = read.json() as Order;
    assert.equal(seen.status, 'effect_given');
    assert.ok(seen.acknowledged_at);
    assert.ok(seen.effect && Date.parse(seen.effect.given_at) <= Date.parse(seen.deadline_at), 'effect given within the deadline');
    assert.deepEqual(seen.effect?.decision_ids, [decision.id]);
    assert.deepEqual(seen.messages.map((m) => m.kind), ['acknowledgement', 'effect']);
    assert.equal(seen.messages[1]?.body.description, 'The video was removed in all member states.');

    const mine = await h.request('GET', `${S}/orders`, { auth: keys['fr-police'] });
    assert.ok((mine.json() as { items: Order[] }).items.some((o) => o.id === order.id));

    const events = (
      await sql<{ action: string }>`
        select action from audit_events where (subject_type = 'order' and subject_id = ${order.id}) or (subject_type = 'case' and subject_id = ${c.id})
          or (subject_type = 'decision' and subject_id = ${decision.id}) order by id`.execute(h.db)
    ).rows.map((e) => e.action);
    for (const action of ['order.received', 'case.opened', 'order.acknowledged', 'case.claimed', 'decision.taken', 'case.closed', 'order.effect_given']) {
      assert.ok(events.includes(action), `audit has ${action}: ${events.join(', ')}`);
    }

    // Wrong transitions: 409, nothing written.
    const before = await counts(h);
    for (const [path, payload] of [
      ['effect', { description: 'again', decision_ids: [decision.id] }],
      ['impossibility', { reason: 'force_majeure', explanation: 'x' }],
      ['acknowledge', {}],
    ] as const) {
      const again = await h.request('POST', `${S}/orders/${order.id}/${path}`, { auth: legal, body: payload });
      assert.equal(again.statusCode, 409, `${path}: ${again.body}`);
    }
    assert.deepEqual(await counts(h), before);
  });

  test('an order to act given effect in one call by a senior moderator holding its case (the decision taken on the way)', async () => {
    const deadline = new Date(Date.now() + 6 * 3_600_000).toISOString();
    const res = await h.request('POST', `${S}/orders`, {
      auth: keys['fr-police'],
      body: removalOrder({ type: 'order_to_act', legal_basis: 'DSA Art. 9; LCEN art. 6-I-8', deadline_at: deadline, cross_border: true }),
    });
    assert.equal(res.statusCode, 201, res.body);
    const order = res.json() as Order;
    assert.equal(Date.parse(order.deadline_at), Date.parse(deadline));
    assert.equal(order.cross_border, true);
    const full = (await h.request('GET', `${S}/orders/${order.id}`, { auth: senior })).json() as Order;
    assert.ok(full.case_id);

    // Without holding the case the decision cannot be taken: 409 and nothing written.
    const before = await counts(h);
    const unclaimed = await h.request('POST', `${S}/orders/${order.id}/effect`, { auth: senior, body: { description: 'Removed.', decision: REMOVAL_DECISION } });
    assert.equal(unclaimed.statusCode, 409, unclaimed.body);
    assert.deepEqual(await counts(h), before);
    // An order to act needs a decision.
    const bare = await h.request('POST', `${S}/orders/${order.id}/effect`, { auth: senior, body: { description: 'Removed.' } });
    assert.equal(bare.statusCode, 400, bare.body);
    assert.equal((bare.json() as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path, 'body.decision');

    assert.equal((await h.request('POST', `${S}/cases/${full.case_id}/claim`, { auth: senior })).statusCode, 200);
    const effect = await h.request('POST', `${S}/orders/${order.id}/effect`, { auth: senior, body: { description: 'Removed.', decision: REMOVAL_DECISION } });
    assert.equal(effect.statusCode, 200, effect.body);
    const done = effect.json() as Order;
    assert.equal(done.status, 'effect_given');
    assert.equal(done.effect?.decision_ids.length, 1);
    const d = (await sql<{ case_id: string }>`select case_id from decisions where id = ${done.effect?.decision_ids[0] ?? ''}`.execute(h.db)).rows[0];
    assert.equal(d?.case_id, full.case_id);
  });

  test('an order received by post: registered by legal, acknowledged, declared impossible, contested', async () => {
    const receivedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const res = await h.request('POST', `${S}/orders/register`, {
      auth: legal,
      body: {
        type: 'order_to_provide_information',
        legal_basis: 'DSA Art. 10; Code de procédure pénale, art. 60-1',
        issuing_member_state: 'FR',
        reference: `INFO-${crypto.randomUUID()}`,
        category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
        items: [{ account_ref: 'user:4412', information_requested: 'Registration email and IP addresses of the last 30 days' }, { account_ref: 'user:4413' }],
        authority_id: authorities['fr-police'],
        received_at: receivedAt,
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const order = res.json() as Order;
    assert.equal(order.status, 'received');
    assert.equal(order.acknowledged_at, null);
    assert.equal(Date.parse(order.received_at), Date.parse(receivedAt));
    assert.equal(Date.parse(order.deadline_at) - Date.parse(receivedAt), 72 * 3_600_000, 'default deadline of an information order');
    assert.equal(order.items.length, 2);

    const early = await h.request('POST', `${S}/orders/${order.id}/effect`, { auth: legal, body: { description: 'Sent.' } });
    assert.equal(early.statusCode, 409, 'acknowledge first');

    const ack = await h.request('POST', `${S}/orders/${order.id}/acknowledge`, { auth: legal, body: {} });
    assert.equal(ack.statusCode, 200, ack.body);
    assert.equal((ack.json() as Order).status, 'acknowledged');
    assert.deepEqual((ack.json() as Order).messages.map((m) => m.kind), ['acknowledgement']);

    const impossible = await h.request('POST', `${S}/orders/${order.id}/impossibility`, {
      auth: legal,
      body: { reason: 'insufficient_information', explanation: 'The account user:4413 does not exist; please confirm the identifier.' },
    });
    assert.equal(impossible.statusCode, 200, impossible.body);
    assert.equal((impossible.json() as Order).status, 'impossible');
    const caseStatus = (await sql<{ status: string }>`select status from cases where order_id = ${order.id}`.execute(h.db)).rows[0]?.status;
    assert.equal(caseStatus, 'closed', 'the case leaves the queue');

    const contest = await h.request('POST', `${S}/orders/${order.id}/contest`, { auth: legal, body: { grounds: 'The order is not reasoned as Art. 10(2) requires.' } });
    assert.equal(contest.statusCode, 200, contest.body);
    assert.equal((contest.json() as Order).contested, true);
    const twice = await h.request('POST', `${S}/orders/${order.id}/contest`, { auth: legal, body: { grounds: 'again' } });
    assert.equal(twice.statusCode, 409);

    const seen = (await h.request('GET', `${S}/orders/${order.id}`, { auth: keys['fr-police'] })).json() as Order;
    assert.deepEqual(seen.messages.map((m) => m.kind), ['acknowledgement', 'impossibility', 'contest']);

    const list = await h.request('GET', `${S}/orders?status=impossible&type=order_to_provide_information`, { auth: legal });
    assert.deepEqual((list.json() as { items: Order[] }).items.map((o) => o.id), [order.id]);
  });

  test('bad input and authorities outside their scope: a clear 4xx and nothing written', async () => {
    const existing = await h.request('POST', `${S}/orders`, { auth: keys['fr-police'], body: removalOrder() });
    assert.equal(existing.statusCode, 201);
    const existingOrder = existing.json() as Order & { reference?: string };
    const before = await counts(h);

    const field = async (body: Record<string, unknown>, path: string) => {
      const res = await h.request('POST', `${S}/orders`, { auth: keys['fr-police'], body });
      assert.equal(res.statusCode, 400, `${path}: ${res.body}`);
      const fields = (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
      assert.ok(fields.includes(path), `${path} in ${fields.join(', ')}`);
    };
    const { legal_basis: _drop, ...noLegalBasis } = removalOrder();
    await field(noLegalBasis, 'body.legal_basis');
    await field(removalOrder({ legal_basis: '   ' }), 'body.legal_basis');
    await field(removalOrder({ issuing_member_state: 'XX' }), 'body.issuing_member_state');
    await field(removalOrder({ issuing_member_state: 'GR' }), 'body.issuing_member_state');
    await field(removalOrder({ deadline_at: new Date(Date.now() + 86_400_000).toISOString() }), 'body.deadline_at');
    await field(removalOrder({ items: [] }), 'body.items');
    await field(removalOrder({ items: [{ account_ref: 'user:1' }] }), 'body.items.0');
    await field(removalOrder({ keyword: 'KEYWORD_HATE_SPEECH' }), 'body.keyword');

    const forbidden = async (key: { key: string }, body: Record<string, unknown>, reason: RegExp) => {
      const res = await h.request('POST', `${S}/orders`, { auth: key, body });
      assert.equal(res.statusCode, 403, res.body);
      assert.match((res.json() as { error: { message: string } }).error.message, reason);
    };
    await forbidden(keys['de-court'] as { key: string }, removalOrder({ type: 'order_to_act', issuing_member_state: 'DE' }), /may not issue order_to_act/);
    await forbidden(keys['fr-police'] as { key: string }, removalOrder({ issuing_member_state: 'DE' }), /authority of FR/);
    await forbidden(keys['de-court'] as { key: string }, removalOrder({ issuing_member_state: 'DE', category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', keyword: undefined }), /may not issue orders in/);
    await forbidden(keys['el-disabled'] as { key: string }, removalOrder({ issuing_member_state: 'EL' }), /disabled/);

    const dup = await h.request('POST', `${S}/orders`, {
      auth: keys['fr-police'],
      body: removalOrder({ reference: (await sql<{ reference: string }>`select reference from orders where id = ${existingOrder.id}`.execute(h.db)).rows[0]?.reference }),
    });
    assert.equal(dup.statusCode, 409, dup.body);
    assert.match((dup.json() as { error: { message: string } }).error.message, new RegExp(existingOrder.id));

    // Another authority: the order does not exist for it.
    assert.equal((await h.request('GET', `${S}/orders/${existingOrder.id}`, { auth: keys['de-court'] })).statusCode, 404);
    const theirs = await h.request('GET', `${S}/orders`, { auth: keys['de-court'] });
    assert.deepEqual((theirs.json() as { items: Order[] }).items, []);
    const otherAuthority = await h.request('GET', `${S}/authorities/${authorities['fr-police']}`, { auth: keys['de-court'] });
    assert.equal(otherAuthority.statusCode, 404);
    const ownOnly = await h.request('GET', `${S}/authorities`, { auth: keys['de-court'] });
    assert.deepEqual((ownOnly.json() as { items: Array<{ id: string }> }).items.map((a) => a.id), [authorities['de-court']]);

    // Staff registration needs a known authority; people do not submit as an authority.
    const unknown = await h.request('POST', `${S}/orders/register`, { auth: legal, body: { ...removalOrder(), authority_id: crypto.randomUUID() } });
    assert.equal(unknown.statusCode, 400, unknown.body);
    const asPerson = await h.request('POST', `${S}/orders`, { auth: admin, body: removalOrder() });
    assert.equal(asPerson.statusCode, 400, asPerson.body);
    const unknownOrder = await h.request('POST', `${S}/orders/${crypto.randomUUID()}/effect`, { auth: legal, body: { description: 'x', decision_ids: [crypto.randomUUID()] } });
    assert.equal(unknownOrder.statusCode, 404);

    assert.deepEqual(await counts(h), before, 'nothing written');

    // Authorities and their keys: member states by Eurostat code, keys bound to an authority.
    const authCount = (await sql<{ n: number }>`select count(*)::int as n from authorities`.execute(h.db)).rows[0]?.n;
    for (const member_state of ['GR', 'XX', 'fr']) {
      const bad = await h.request('POST', `${S}/authorities`, { auth: admin, body: { name: 'x', member_state, kind: 'judicial', order_types: ['removal_order'], contact_email: 'x@authority.example' } });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal((bad.json() as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path, 'body.member_state');
    }
    const ssrf = await h.request('POST', `${S}/authorities`, {
      auth: admin,
      body: { name: 'x', member_state: 'FR', kind: 'judicial', order_types: ['removal_order'], contact_email: 'x@authority.example', callback_url: 'http://user:pw@orders.example/cb' },
    });
    assert.equal(ssrf.statusCode, 400, ssrf.body);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from authorities`.execute(h.db)).rows[0]?.n, authCount);
    const keyCount = (await sql<{ n: number }>`select count(*)::int as n from api_keys`.execute(h.db)).rows[0]?.n;
    const unbound = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: 'authority without one', role: 'authority' } });
    assert.equal(unbound.statusCode, 400, unbound.body);
    assert.equal((unbound.json() as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path, 'body.authority_id');
    const stray = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: 'platform', role: 'platform', authority_id: authorities['fr-police'] } });
    assert.equal(stray.statusCode, 400, stray.body);
    const ghost = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: 'ghost', role: 'authority', authority_id: crypto.randomUUID() } });
    assert.equal(ghost.statusCode, 400, ghost.body);
    assert.equal((await sql<{ n: number }>`select count(*)::int as n from api_keys`.execute(h.db)).rows[0]?.n, keyCount);
  });

  test('a retry with the same Idempotency-Key returns the first answer; cross-border from the establishment setting', async () => {
    const set = await h.request('PUT', `${S}/order-settings`, { auth: admin, body: { establishment_country: 'IE' } });
    assert.equal(set.statusCode, 200, set.body);
    const body = removalOrder();
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const first = await h.request('POST', `${S}/orders`, { auth: keys['fr-police'], body, headers });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal((first.json() as Order).cross_border, true, 'issued in FR, established in IE');
    const again = await h.request('POST', `${S}/orders`, { auth: keys['fr-police'], body, headers });
    assert.equal(again.statusCode, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal((again.json() as Order).id, (first.json() as Order).id);
    const other = await h.request('POST', `${S}/orders`, { auth: keys['fr-police'], body: removalOrder(), headers });
    assert.equal(other.statusCode, 422);

    const overdue = await h.request('GET', `${S}/orders?overdue=true`, { auth: legal });
    assert.equal(overdue.statusCode, 200);
    const page1 = await h.request('GET', `${S}/orders?limit=2`, { auth: legal });
    const p1 = page1.json() as { items: Order[]; next_cursor: string | null };
    assert.equal(p1.items.length, 2);
    assert.ok(p1.next_cursor);
    const page2 = await h.request('GET', `${S}/orders?limit=2&cursor=${p1.next_cursor}`, { auth: legal });
    const p2 = page2.json() as { items: Order[] };
    assert.ok(p2.items.length > 0);
    assert.ok(p2.items.every((o) => !p1.items.some((x) => x.id === o.id)), 'pages do not overlap');
    assert.ok(Date.parse(p2.items[0]?.received_at ?? '') <= Date.parse(p1.items[1]?.received_at ?? ''), 'newest first');
  });
});
