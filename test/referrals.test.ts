/**
 * Referrals: a moderator refers a case to the competent authority (DSA Art. 18) or to a CSAM hotline, the export
 * document in vigie.referral/1, the recipient's acknowledgement; bad input writes nothing.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from '../src/db/index.ts';
import type { Harness, Session } from './helpers.ts';
import { openCase, startModeratorHarness } from './support/cases.ts';

const S = '/v1/services/default';

interface Referral {
  id: string;
  case_id: string;
  kind: string;
  recipient: { id: string | null; name: string; url: string | null };
  member_state: string | null;
  sent_at: string;
  acknowledgement: { their_reference: string | null; received_at: string } | null;
  export?: Record<string, unknown>;
}

async function counts(h: Harness) {
  const r = await sql<{ referrals: number; events: number }>`
    select (select count(*)::int from referrals) as referrals, (select count(*)::int from audit_events where subject_type = 'referral') as events`.execute(h.db);
  return r.rows[0];
}

describe('referrals', () => {
  let h: Harness;
  let mod: Session;
  let legal: Session;

  before(async () => {
    ({ h, mod } = await startModeratorHarness());
    legal = await h.user('legal');
  });

  after(async () => {
    await h?.close();
  });

  test('a threat to life referred to the French police: export, list, acknowledgement; the notifier is never in it', async () => {
    const url = `https://forum.example/t/${crypto.randomUUID()}`;
    const { caseId } = await openCase(h, url);
    const dir = await h.request('GET', `${S}/referral-recipients`, { auth: mod });
    assert.equal(dir.statusCode, 200);
    const ids = (dir.json() as { items: Array<{ id: string; kind: string }> }).items.map((r) => r.id);
    assert.ok(ids.includes('fr-point-de-contact') && ids.includes('eu-europol'));

    const res = await h.request('POST', `${S}/referrals`, {
      auth: mod,
      body: {
        case_id: caseId,
        kind: 'threat_to_life_or_safety',
        recipient_id: 'fr-pharos',
        member_state: 'FR',
        facts: 'The author announces an attack on a named school in Lyon tomorrow morning.',
        occurred_at: '2026-11-20T21:14:00Z',
        timezone: 'Europe/Paris',
        suspect_accounts: ['user:88121'],
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const referral = res.json() as Referral;
    assert.equal(referral.recipient.id, 'fr-pharos');
    assert.equal(referral.acknowledgement, null);
    const doc = referral.export as Record<string, unknown>;
    assert.equal(doc.format, 'vigie.referral/1');
    assert.deepEqual(doc.content_locations, [{ url }]);
    assert.deepEqual(doc.occurred, { at: '2026-11-20T21:14:00.000Z', timezone: 'Europe/Paris', local_time: '2026-11-20 22:14:00' });
    assert.deepEqual(doc.suspect_accounts, ['user:88121']);
    assert.match(String(doc.legal_basis), /Art\. 18/);
    assert.ok(!JSON.stringify(doc).includes('camille'), "the notifier's identity is not transmitted");

    // Reading needs referrals:read (legal); the moderator got the export with the creation.
    assert.equal((await h.request('GET', `${S}/referrals/${referral.id}`, { auth: mod })).statusCode, 403);
    const exported = await h.request('GET', `${S}/referrals/${referral.id}/export`, { auth: legal });
    assert.equal(exported.statusCode, 200, exported.body);
    assert.deepEqual(exported.json(), doc);
    assert.match(String(exported.headers['content-disposition']), /referral-/);

    const list = await h.request('GET', `${S}/referrals?case_id=${caseId}`, { auth: legal });
    assert.deepEqual((list.json() as { items: Referral[] }).items.map((r) => r.id), [referral.id]);

    const early = await h.request('POST', `${S}/referrals/${referral.id}/acknowledgement`, { auth: mod, body: { received_at: '2020-01-01T00:00:00Z' } });
    assert.equal(early.statusCode, 400, 'received before it was sent');
    const receivedAt = new Date().toISOString();
    const ack = await h.request('POST', `${S}/referrals/${referral.id}/acknowledgement`, { auth: mod, body: { their_reference: 'PHAROS-000481', received_at: receivedAt } });
    assert.equal(ack.statusCode, 200, ack.body);
    assert.deepEqual((ack.json() as Referral).acknowledgement?.their_reference, 'PHAROS-000481');
    const twice = await h.request('POST', `${S}/referrals/${referral.id}/acknowledgement`, { auth: mod, body: { received_at: receivedAt } });
    assert.equal(twice.statusCode, 409);

    const events = (await sql<{ action: string }>`select action from audit_events where subject_type = 'referral' and subject_id = ${referral.id} order by id`.execute(h.db)).rows;
    assert.deepEqual(events.map((e) => e.action), ['referral.sent', 'referral.acknowledged']);
  });

  test('CSAM to the national hotline; a recipient named by hand; bad input writes nothing', async () => {
    const { caseId } = await openCase(h, `https://img.example/${crypto.randomUUID()}`);
    const csam = await h.request('POST', `${S}/referrals`, {
      auth: mod,
      body: { case_id: caseId, kind: 'csam_hotline', recipient_id: 'fr-point-de-contact', member_state: 'FR', facts: 'An image of suspected child sexual abuse.' },
    });
    assert.equal(csam.statusCode, 201, csam.body);
    assert.equal((csam.json() as Referral).recipient.name, 'Point de Contact');

    const byHand = await h.request('POST', `${S}/referrals`, {
      auth: mod,
      body: { case_id: caseId, kind: 'threat_to_life_or_safety', recipient: { name: 'Policía Nacional', member_state: 'ES' }, member_state: 'ES', facts: 'Threats.' },
    });
    assert.equal(byHand.statusCode, 201, byHand.body);
    assert.equal((byHand.json() as Referral).recipient.id, null);

    const before = await counts(h);
    const bad = async (body: Record<string, unknown>, path: string) => {
      const res = await h.request('POST', `${S}/referrals`, { auth: mod, body });
      assert.equal(res.statusCode, 400, `${path}: ${res.body}`);
      const paths = (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
      assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
    };
    const base = { case_id: caseId, kind: 'csam_hotline', recipient_id: 'fr-point-de-contact', member_state: 'FR', facts: 'x' };
    await bad({ ...base, member_state: 'GR' }, 'body.member_state');
    await bad({ ...base, recipient_id: 'fr-pharos' }, 'body.recipient_id');
    await bad({ ...base, recipient_id: undefined }, 'body.recipient_id');
    await bad({ ...base, case_id: crypto.randomUUID() }, 'body.case_id');
    await bad({ ...base, timezone: 'Mars/Olympus' }, 'body.timezone');
    await bad({ ...base, kind: 'threat_to_life_or_safety', recipient_id: 'fr-pharos', member_state: null }, 'body.recipient_id');
    await bad({ ...base, facts: '' }, 'body.facts');
    assert.deepEqual(await counts(h), before);

    const unclear = await h.request('POST', `${S}/referrals`, {
      auth: mod,
      body: { ...base, kind: 'threat_to_life_or_safety', recipient_id: 'eu-europol', member_state: null },
    });
    assert.equal(unclear.statusCode, 201, 'Europol when the member state is unclear (Art. 18(2))');
  });
});
