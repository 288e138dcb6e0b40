/**
 * Notifiers: trusted flaggers with their expertise (DSA Art. 22) and accountability of notifiers that send
 * manifestly unfounded notices (Art. 23(2)): statistics recomputed from the raw rows, assessments, warnings,
 * suspensions refused at intake, lifts, and bad input that writes nothing.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { deliverPendingEmails, type DeliveryLog } from '../src/notifications/index.ts';
import { notice, startHarness, type Harness, type Session } from './helpers.ts';
import { claimAndDecide } from './support/cases.ts';
import { RESTRICTION } from './support/fixtures.ts';
import { TestSmtp, type Mail } from './support/smtp-server.ts';

const S = '/v1/services/default';
const PUBLIC = '/v1/public/services/default/notices';
const NO_ACTION = { outcome: 'no_action', decision_facts: 'The post is a cooking recipe; nothing in it is illegal.' };
const HATE = 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH';
const SCAMS = 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD';

interface NotifierJson {
  id: string;
  kind: string;
  trusted_flagger: boolean;
  expertise: string[];
  status: string;
  suspended_until: string | null;
  api_key_ids: string[];
  identity?: { hidden: true } | { name: string | null; email: string | null };
  statistics: {
    notices: number;
    decided: number;
    with_action: number;
    precision: number | null;
    manifestly_unfounded: number;
    median_hours_to_decision: number | null;
  };
}
interface ErrorJson {
  error: { code: string; message: string; fields: Array<{ path: string; reason: string }> };
}

describe('notifiers', () => {
  let h: Harness;
  let admin: Session;
  let mod: Session;
  let senior: Session;
  let legal: Session;

  before(async () => {
    h = await startHarness();
    [admin, mod, senior, legal] = await Promise.all([h.user('admin'), h.user('moderator'), h.user('senior_moderator'), h.user('legal')]);
  });
  after(async () => {
    await h?.close();
  });

  const url = (tag: string) => `https://forum.example/${tag}/${crypto.randomUUID()}`;

  async function newKey(role: 'trusted_flagger' | 'platform'): Promise<{ id: string; key: string }> {
    const res = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: `${role} ${crypto.randomUUID().slice(0, 6)}`, role } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; key: string };
  }

  /** Submits a notice (public form without `key`), asserting 201; returns the notice row's id, case and notifier. */
  async function submit(body: Record<string, unknown>, key?: { key: string }) {
    const res = key ? await h.request('POST', `${S}/notices`, { auth: key, body }) : await h.request('POST', PUBLIC, { body });
    assert.equal(res.statusCode, 201, res.body);
    const { reference } = res.json() as { reference: string };
    const r = await sql<{ id: string; notifier_id: string | null; trusted: boolean; case_id: string }>`
      select n.id, n.notifier_id, n.trusted, l.case_id from notices n join notice_locations l on l.notice_id = n.id where n.reference = ${reference}`.execute(h.db);
    return r.rows[0] as { id: string; notifier_id: string | null; trusted: boolean; case_id: string };
  }

  const person = (email: string, overrides: Record<string, unknown> = {}) =>
    notice({ notifier: { name: 'Dominique', email }, locations: [{ url: url('p') }], ...overrides });

  /** A notice by `email` (or key), decided no action and assessed manifestly unfounded. */
  async function unfoundedNotice(from: { email: string } | { key: string }) {
    const n = 'email' in from ? await submit(person(from.email)) : await submit(notice({ locations: [{ url: url('k') }] }), from);
    await claimAndDecide(h, n.case_id, mod, NO_ACTION);
    const res = await h.request('POST', `${S}/notices/${n.id}/assessment`, { auth: mod, body: { reason: 'The item is plainly lawful.' } });
    assert.equal(res.statusCode, 200, res.body);
    return n;
  }

  const count = async (table: 'notices' | 'notifier_actions' | 'notice_assessments' | 'notifiers') =>
    Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(h.db)).rows[0]?.n);

  it('a trusted flagger within its expertise goes first in the queue; outside it, it does not', async () => {
    const flaggerKey = await newKey('trusted_flagger');
    // Not configured yet: the key's trusted_flagger role keeps today's behaviour (trusted in any category).
    const legacy = await submit(notice({ category: SCAMS, subcategory: undefined, locations: [{ url: url('legacy') }] }), flaggerKey);
    assert.equal(legacy.trusted, true);
    const auto = (await h.request('GET', `${S}/notifiers/${legacy.notifier_id}`, { auth: admin })).json() as NotifierJson & { trusted_by_key_role: boolean };
    assert.deepEqual([auto.kind, auto.trusted_flagger, auto.trusted_by_key_role, auto.api_key_ids], ['api_key', false, true, [flaggerKey.id]]);
    await sql`update cases set status = 'closed' where id = ${legacy.case_id}`.execute(h.db);

    const reg = await h.request('POST', `${S}/notifiers`, { auth: admin, body: { display_name: 'Association Vigilance', api_key_ids: [flaggerKey.id] } });
    assert.equal(reg.statusCode, 201, reg.body);
    const org = reg.json() as NotifierJson;
    assert.deepEqual(org.api_key_ids, [flaggerKey.id]);

    const grant = await h.request('PATCH', `${S}/notifiers/${org.id}`, {
      auth: admin,
      body: {
        trusted_flagger: true,
        expertise: [HATE],
        designation: { coordinator: 'Arcom', member_state: 'FR', designated_at: '2025-01-15', reference: 'TF-2025-004' },
        reason: 'Designated by Arcom',
      },
    });
    assert.equal(grant.statusCode, 200, grant.body);
    assert.deepEqual((grant.json() as NotifierJson).expertise, [HATE]);
    const actions = await sql<{ kind: string; details: { expertise: string[] } }>`select kind, details from notifier_actions where notifier_id = ${org.id}`.execute(h.db);
    assert.deepEqual(actions.rows.map((a) => [a.kind, a.details.expertise]), [['trusted_granted', [HATE]]]);

    const plain = await submit(notice({ locations: [{ url: 'https://q.example/1-public' }] }));
    const inside = await submit(notice({ locations: [{ url: 'https://q.example/2-in-expertise' }] }), flaggerKey);
    const outside = await submit(notice({ category: SCAMS, subcategory: undefined, locations: [{ url: 'https://q.example/3-out-of-expertise' }] }), flaggerKey);
    assert.deepEqual([plain.trusted, inside.trusted, outside.trusted], [false, true, false]);
    assert.equal(inside.notifier_id, org.id);
    assert.equal(outside.notifier_id, org.id);
    const ranks = await sql<{ id: string; trust_rank: number }>`select id, trust_rank from cases where id in (${plain.case_id}, ${inside.case_id}, ${outside.case_id})`.execute(h.db);
    const rank = new Map(ranks.rows.map((r) => [r.id, Number(r.trust_rank)]));
    assert.deepEqual([rank.get(plain.case_id), rank.get(inside.case_id), rank.get(outside.case_id)], [1, 0, 1]);

    // The queue: the in-expertise notice first although it came later, then the others by deadline.
    const picker = await h.user('moderator');
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.request('POST', `${S}/cases/claim-next`, { auth: picker, body: {} });
      assert.equal(res.statusCode, 200, res.body);
      const c = (res.json() as { case: { id: string; content: { url: string | null } } | null }).case;
      if (!c) break;
      order.push(c.content.url ?? '');
      await sql`update cases set claimed_by = null, claim_expires_at = null, status = 'closed' where id = ${c.id}`.execute(h.db);
    }
    assert.deepEqual(order, ['https://q.example/2-in-expertise', 'https://q.example/1-public', 'https://q.example/3-out-of-expertise']);

    // Revoking the status: the next notice is no longer trusted.
    const revoke = await h.request('PATCH', `${S}/notifiers/${org.id}`, { auth: admin, body: { trusted_flagger: false, reason: 'Designation withdrawn' } });
    assert.equal(revoke.statusCode, 200, revoke.body);
    assert.equal((await submit(notice({ locations: [{ url: url('after-revoke') }] }), flaggerKey)).trusted, false);
    const kinds = await sql<{ kind: string }>`select kind from notifier_actions where notifier_id = ${org.id} order by created_at`.execute(h.db);
    assert.deepEqual(kinds.rows.map((k) => k.kind), ['trusted_granted', 'trusted_revoked']);

    const listed = await h.request('GET', `${S}/notifiers?trusted=false&kind=api_key`, { auth: senior });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.ok((listed.json() as { items: NotifierJson[] }).items.some((n) => n.id === org.id));
  });

  it('statistics match a recount from the raw rows', async () => {
    const email = `stats-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const a = await submit(person(email));
    const b = await submit(person(email));
    const c = await submit(person(email));
    const d = await submit(person(email.toUpperCase())); // the same person: emails are normalised
    assert.ok(a.notifier_id);
    assert.deepEqual(new Set([a, b, c, d].map((n) => n.notifier_id)).size, 1);
    await claimAndDecide(h, a.case_id, mod, RESTRICTION);
    await claimAndDecide(h, b.case_id, mod, RESTRICTION);
    await claimAndDecide(h, c.case_id, mod, NO_ACTION);
    const assessed = await h.request('POST', `${S}/notices/${c.id}/assessment`, { auth: mod, body: { manifestly_unfounded: true, reason: 'Plainly lawful.' } });
    assert.equal(assessed.statusCode, 200, assessed.body);
    // A restricted item was not unfounded.
    const founded = await h.request('POST', `${S}/notices/${a.id}/assessment`, { auth: mod, body: { reason: 'x' } });
    assert.equal(founded.statusCode, 409, founded.body);

    const res = await h.request('GET', `${S}/notifiers/${a.notifier_id}`, { auth: senior });
    assert.equal(res.statusCode, 200, res.body);
    const got = res.json() as NotifierJson;
    assert.equal(got.kind, 'email');
    assert.deepEqual(got.identity, { hidden: true }, 'no notices:read_identity: no email');

    // Recount from notices, notice_locations, decisions and notice_assessments.
    const raw = await sql<{ id: string; created_at: Date; outcome: string | null; decided_at: Date | null; unfounded: boolean }>`
      select n.id, n.created_at, d.outcome, d.created_at as decided_at, coalesce(a.manifestly_unfounded, false) as unfounded
      from notices n join notice_locations l on l.notice_id = n.id left join decisions d on d.case_id = l.case_id
      left join notice_assessments a on a.notice_id = n.id
      where n.notifier_id = ${a.notifier_id}`.execute(h.db);
    const decided = raw.rows.filter((r) => r.decided_at !== null);
    const hours = decided.map((r) => ((r.decided_at as Date).getTime() - r.created_at.getTime()) / 3_600_000).sort((x, y) => x - y);
    const mid = Math.floor(hours.length / 2);
    const median = hours.length % 2 ? (hours[mid] as number) : ((hours[mid - 1] as number) + (hours[mid] as number)) / 2;
    const withAction = raw.rows.filter((r) => r.outcome === 'restriction').length;
    assert.deepEqual(
      { notices: raw.rows.length, decided: decided.length, with_action: withAction, unfounded: raw.rows.filter((r) => r.unfounded).length },
      { notices: 4, decided: 3, with_action: 2, unfounded: 1 },
    );
    assert.equal(got.statistics.notices, raw.rows.length);
    assert.equal(got.statistics.decided, decided.length);
    assert.equal(got.statistics.with_action, withAction);
    assert.equal(got.statistics.precision, withAction / decided.length);
    assert.equal(got.statistics.manifestly_unfounded, 1);
    assert.ok(Math.abs((got.statistics.median_hours_to_decision as number) - median) < 1e-6, `${got.statistics.median_hours_to_decision} vs ${median}`);

    // The legal role may read notifier identities.
    const withIdentity = await h.request('GET', `${S}/notifiers/${a.notifier_id}`, { auth: legal });
    assert.deepEqual((withIdentity.json() as NotifierJson).identity, { name: 'Dominique', email: email.toUpperCase() });
    // The email is never stored in the notifiers table.
    const stored = await sql<{ identity: string }>`select identity from notifiers where id = ${a.notifier_id}`.execute(h.db);
    assert.match(stored.rows[0]?.identity ?? '', /^email:[0-9a-f]{64}$/);
  });

  it('bad input is refused with its field and writes nothing', async () => {
    const email = `bad-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const n = await submit(person(email));
    const key = await newKey('trusted_flagger');
    const reg = await h.request('POST', `${S}/notifiers`, { auth: admin, body: { display_name: 'Org', api_key_ids: [key.id] } });
    const org = reg.json() as NotifierJson;
    const before = await Promise.all([count('notifier_actions'), count('notice_assessments'), count('notifiers')]);

    const undecided = await h.request('POST', `${S}/notices/${n.id}/assessment`, { auth: mod, body: { reason: 'Plainly lawful.' } });
    assert.equal(undecided.statusCode, 409, undecided.body);
    assert.equal((undecided.json() as ErrorJson).error.fields[0]?.path, 'params.id');

    const unknownCategory = await h.request('PATCH', `${S}/notifiers/${org.id}`, {
      auth: admin,
      body: { trusted_flagger: true, expertise: [HATE, 'STATEMENT_CATEGORY_MADE_UP'], reason: 'x' },
    });
    assert.equal(unknownCategory.statusCode, 400, unknownCategory.body);
    assert.deepEqual((unknownCategory.json() as ErrorJson).error.fields.map((f) => f.path), ['body.expertise.1']);

    const emailTrusted = await h.request('PATCH', `${S}/notifiers/${n.notifier_id}`, { auth: admin, body: { trusted_flagger: true, expertise: [HATE], reason: 'x' } });
    assert.equal(emailTrusted.statusCode, 400, emailTrusted.body);
    assert.equal((emailTrusted.json() as ErrorJson).error.fields[0]?.path, 'body.trusted_flagger');

    await h.request('POST', `${S}/notifiers/${org.id}/warnings`, { auth: senior, body: { reason: 'first' } }).then((r) => assert.equal(r.statusCode, 201, r.body));
    const warned = await count('notifier_actions');
    for (const days of [0, 366, 1.5]) {
      const res = await h.request('POST', `${S}/notifiers/${org.id}/suspensions`, { auth: senior, body: { reason: 'too many', days } });
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual((res.json() as ErrorJson).error.fields.map((f) => f.path), ['body.days']);
    }
    // Warned, but not enough manifestly unfounded notices for the default threshold.
    const tooFew = await h.request('POST', `${S}/notifiers/${org.id}/suspensions`, { auth: senior, body: { reason: 'too many', days: 10 } });
    assert.equal(tooFew.statusCode, 409, tooFew.body);

    const badKey = await h.request('POST', `${S}/notifiers`, { auth: admin, body: { display_name: 'X', api_key_ids: [crypto.randomUUID()] } });
    assert.equal(badKey.statusCode, 400, badKey.body);
    assert.deepEqual((badKey.json() as ErrorJson).error.fields.map((f) => f.path), ['body.api_key_ids.0']);

    const after = await Promise.all([count('notifier_actions'), count('notice_assessments'), count('notifiers')]);
    assert.deepEqual(after, [(before[0] as number) + 1, before[1], before[2]]);
    assert.equal(after[0], warned);
    const unchanged = await h.request('GET', `${S}/notifiers/${org.id}`, { auth: admin });
    assert.equal((unchanged.json() as NotifierJson).trusted_flagger, false);
    assert.equal((unchanged.json() as NotifierJson).status, 'warned');
  });

  it('suspension needs a warning; a suspended notifier is refused at intake until lifted, others are not', async () => {
    const policy = await h.request('PUT', `${S}/notifier-policy`, { auth: admin, body: { unfounded_threshold: 2, window_days: 90 } });
    assert.equal(policy.statusCode, 200, policy.body);
    const abuser = `abuser-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const first = await unfoundedNotice({ email: abuser });
    await unfoundedNotice({ email: abuser });
    const id = first.notifier_id as string;
    const N = `${S}/notifiers/${id}`;

    const before = await count('notifier_actions');
    const noWarning = await h.request('POST', `${N}/suspensions`, { auth: senior, body: { reason: 'Repeated unfounded notices', days: 14 } });
    assert.equal(noWarning.statusCode, 409, noWarning.body);
    assert.match((noWarning.json() as ErrorJson).error.message, /warning/);
    assert.equal(await count('notifier_actions'), before);

    const warning = await h.request('POST', `${N}/warnings`, { auth: senior, body: { reason: 'Two notices about plainly lawful posts.' } });
    assert.equal(warning.statusCode, 201, warning.body);
    assert.equal((warning.json() as { unfounded_count: number }).unfounded_count, 2);
    const suspension = await h.request('POST', `${N}/suspensions`, { auth: senior, body: { reason: 'Unfounded notices continued after the warning.', days: 14 } });
    assert.equal(suspension.statusCode, 201, suspension.body);
    const susp = suspension.json() as { id: string; kind: string; ends_at: string; unfounded_count: number; window_days: number };
    assert.equal(susp.kind, 'suspension');
    assert.equal(susp.unfounded_count, 2);
    assert.equal(susp.window_days, 90);
    assert.ok(Math.abs(Date.parse(susp.ends_at) - Date.now() - 14 * 86_400_000) < 60_000);
    const shown = (await h.request('GET', N, { auth: senior })).json() as NotifierJson;
    assert.equal(shown.status, 'suspended');
    assert.equal(shown.suspended_until, susp.ends_at);

    // Intake refuses this notifier (whatever the case of the address), and writes nothing.
    const notices = await count('notices');
    const refused = await h.request('POST', PUBLIC, { body: person(abuser.toUpperCase()) });
    assert.equal(refused.statusCode, 403, refused.body);
    const err = (refused.json() as ErrorJson).error;
    assert.equal(err.code, 'FORBIDDEN');
    assert.ok(!err.message.includes(abuser) && !err.message.includes(susp.ends_at.slice(0, 10)), 'the public form says nothing more than "suspended"');
    assert.equal(await count('notices'), notices);
    // Another notifier is still accepted.
    await submit(person(`someone-else-${crypto.randomUUID().slice(0, 8)}@example.org`));

    const audit = await sql<{ action: string }>`select action from audit_events where subject_id = ${id} and action like 'notifier.%' order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['notifier.warned', 'notifier.suspended']);

    // Lift: accepted again; lifting twice is refused.
    const lift = await h.request('POST', `${N}/suspensions/${susp.id}/lift`, { auth: senior, body: { reason: 'The notifier explained its mistake.' } });
    assert.equal(lift.statusCode, 201, lift.body);
    const again = await h.request('POST', `${N}/suspensions/${susp.id}/lift`, { auth: senior, body: { reason: 'twice' } });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal((await submit(person(abuser))).notifier_id, id);
    const kinds = await sql<{ kind: string; lifts_action_id: string | null }>`select kind, lifts_action_id from notifier_actions where notifier_id = ${id} order by created_at`.execute(h.db);
    assert.deepEqual(kinds.rows, [{ kind: 'warning', lifts_action_id: null }, { kind: 'suspension', lifts_action_id: null }, { kind: 'lifted', lifts_action_id: susp.id }]);
    // A new suspension needs a new warning.
    const noNewWarning = await h.request('POST', `${N}/suspensions`, { auth: senior, body: { reason: 'again', days: 7 } });
    assert.equal(noNewWarning.statusCode, 409, noNewWarning.body);
    // The actions are append-only.
    await assert.rejects(sql`update notifier_actions set reason = 'edited' where id = ${susp.id}`.execute(h.db));
  });

  it('an API key notifier is suspended by key, told until when', async () => {
    const key = await newKey('platform');
    const other = await newKey('platform');
    const first = await unfoundedNotice(key);
    await unfoundedNotice(key);
    const N = `${S}/notifiers/${first.notifier_id}`;
    assert.equal((await h.request('POST', `${N}/warnings`, { auth: legal, body: { reason: 'Unfounded notices.' } })).statusCode, 201);
    const suspension = await h.request('POST', `${N}/suspensions`, { auth: legal, body: { reason: 'Continued.', days: 3 } });
    assert.equal(suspension.statusCode, 201, suspension.body);
    const refused = await h.request('POST', `${S}/notices`, { auth: key, body: notice({ locations: [{ url: url('refused') }] }) });
    assert.equal(refused.statusCode, 403, refused.body);
    assert.match((refused.json() as ErrorJson).error.message, /suspended until \d{4}-\d{2}-\d{2}T/);
    await submit(notice({ locations: [{ url: url('other-key') }] }), other);
    // A suspension that has run its course no longer refuses.
    await sql`update notifiers set suspended_until = now() - interval '1 second' where id = ${first.notifier_id}`.execute(h.db);
    await submit(notice({ locations: [{ url: url('after-end') }] }), key);
    assert.equal(((await h.request('GET', N, { auth: legal })).json() as NotifierJson).status, 'active');
  });
});

describe('notifiers are told of a warning or a suspension by email (public-form notifiers only)', () => {
  const smtp = new TestSmtp();
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let admin: Session;
  const logged: string[] = [];
  const log: DeliveryLog = {
    info: (o, m) => void logged.push(JSON.stringify({ ...o, m })),
    warn: (o, m) => void logged.push(JSON.stringify({ ...o, m })),
  };
  const deliver = () => deliverPendingEmails(h.db, h.config, { log });

  before(async () => {
    await smtp.start();
    h = await startHarness({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, mailFrom: 'Vigie Test <noreply@vigie.test>' });
    [mod, senior, admin] = await Promise.all([h.user('moderator'), h.user('senior_moderator'), h.user('admin')]);
    const policy = await h.request('PUT', `${S}/notifier-policy`, { auth: admin, body: { unfounded_threshold: 2, window_days: 90 } });
    assert.equal(policy.statusCode, 200, policy.body);
  });
  after(async () => {
    await h?.close();
    await smtp.stop();
  });

  /** A notice (public form, or `key`) decided no action and assessed manifestly unfounded; returns its notifier. */
  async function unfounded(body: Record<string, unknown>, key?: { key: string }): Promise<string> {
    const res = key ? await h.request('POST', `${S}/notices`, { auth: key, body }) : await h.request('POST', PUBLIC, { body });
    assert.equal(res.statusCode, 201, res.body);
    const { reference } = res.json() as { reference: string };
    const r = await sql<{ id: string; notifier_id: string; case_id: string }>`
      select n.id, n.notifier_id, l.case_id from notices n join notice_locations l on l.notice_id = n.id where n.reference = ${reference}`.execute(h.db);
    const n = r.rows[0] as { id: string; notifier_id: string; case_id: string };
    await claimAndDecide(h, n.case_id, mod, NO_ACTION);
    const a = await h.request('POST', `${S}/notices/${n.id}/assessment`, { auth: mod, body: { reason: 'The item is plainly lawful.' } });
    assert.equal(a.statusCode, 200, a.body);
    return n.notifier_id;
  }
  const messages = async (notifierId: string) =>
    (
      await sql<{ template: string; locale: string; status: string; notifier_action_id: string }>`
        select o.template, o.locale, o.status, o.notifier_action_id from outbox o join notifier_actions a on a.id = o.notifier_action_id
        where a.notifier_id = ${notifierId} order by o.created_at`.execute(h.db)
    ).rows;

  it('a French notifier gets the warning then the suspension, in French, with the reason, the counts, the period and how to contest', async () => {
    const email = `fr-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const body = () => notice({ notifier: { name: 'Dominique Petit', email }, locations: [{ url: `https://forum.example/fr/${crypto.randomUUID()}` }] });
    const id = await unfounded(body());
    await unfounded(body());
    await deliver();
    smtp.received.length = 0;

    const warning = await h.request('POST', `${S}/notifiers/${id}/warnings`, { auth: senior, body: { reason: 'Deux signalements visaient des recettes de cuisine.' } });
    assert.equal(warning.statusCode, 201, warning.body);
    const w = warning.json() as { id: string; notified_by_email: boolean };
    assert.equal(w.notified_by_email, true);
    // Queued in the decision's transaction, before any delivery run.
    assert.deepEqual(await messages(id), [{ template: 'notifier_warning', locale: 'fr', status: 'pending', notifier_action_id: w.id }]);

    assert.deepEqual(await deliver(), { sent: 1, retry: 0, dead: 0, skipped: 0 });
    const warned = smtp.received[0] as Mail;
    assert.deepEqual(warned.to, [email]);
    assert.equal(warned.subject, 'Avertissement concernant vos signalements');
    assert.match(warned.text, /Bonjour Dominique Petit,/);
    assert.ok(warned.text.includes('Deux signalements visaient des recettes de cuisine.'));
    assert.match(warned.text, /Sur les 2 signalements que vous nous avez envoyés au cours des 90 derniers jours, 2 ont été jugés manifestement infondés\./);
    assert.match(warned.text, /article 23, paragraphe 2/);
    assert.ok(warned.text.includes(`avec sa référence : ${w.id}`), 'how to contest, with the reference');

    const suspension = await h.request('POST', `${S}/notifiers/${id}/suspensions`, { auth: senior, body: { reason: 'Les signalements infondés ont continué.', days: 30 } });
    assert.equal(suspension.statusCode, 201, suspension.body);
    const sp = suspension.json() as { id: string; ends_at: string; notified_by_email: boolean };
    assert.equal(sp.notified_by_email, true);
    assert.deepEqual(await deliver(), { sent: 1, retry: 0, dead: 0, skipped: 0 });
    const suspended = smtp.received[1] as Mail;
    assert.deepEqual(suspended.to, [email]);
    assert.equal(suspended.subject, `Traitement de vos signalements suspendu jusqu'au ${sp.ends_at.slice(0, 10)}`);
    assert.ok(suspended.text.includes(`pour 30 jours`));
    assert.ok(suspended.text.includes(`au ${sp.ends_at.slice(0, 16).replace('T', ' ')} UTC`), 'until when');
    assert.ok(suspended.text.includes('Les signalements infondés ont continué.'));
    assert.ok(suspended.text.includes(sp.id));
    assert.deepEqual((await messages(id)).map((m) => [m.template, m.status]), [['notifier_warning', 'sent'], ['notifier_suspension', 'sent']]);
    assert.equal(suspended.outboxId.length, 36);

    // Logs carry ids and templates, never the address or the name.
    const all = logged.join('\n');
    assert.ok(all.includes('notifier_suspension'));
    assert.ok(!all.includes(email) && !all.includes('Dominique'), 'no address nor name in logs');
  });

  it('in English for a notifier whose latest notice is in English; a suspension lifted before delivery is not sent', async () => {
    const email = `en-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const body = (language: string) =>
      notice({ language, notifier: { name: 'Alex', email }, locations: [{ url: `https://forum.example/en/${crypto.randomUUID()}` }] });
    const id = await unfounded(body('fr'));
    await unfounded(body('en'));
    await deliver();
    smtp.received.length = 0;
    const warning = await h.request('POST', `${S}/notifiers/${id}/warnings`, { auth: senior, body: { reason: 'Two notices about plainly lawful posts.' } });
    assert.equal(warning.statusCode, 201, warning.body);
    assert.deepEqual(await deliver(), { sent: 1, retry: 0, dead: 0, skipped: 0 });
    const m = smtp.received[0] as Mail;
    assert.equal(m.subject, 'A warning about your notices');
    assert.match(m.text, /^Hello Alex,/);
    assert.match(m.text, /Of the 2 notices you sent us in the last 90 days, 2 were found manifestly unfounded\./);
    assert.match(m.text, /Article 23\(4\)/);

    const suspension = await h.request('POST', `${S}/notifiers/${id}/suspensions`, { auth: senior, body: { reason: 'Continued.', days: 7 } });
    const sp = suspension.json() as { id: string };
    const lift = await h.request('POST', `${S}/notifiers/${id}/suspensions/${sp.id}/lift`, { auth: senior, body: { reason: 'Decided in error.' } });
    assert.equal(lift.statusCode, 201, lift.body);
    assert.deepEqual(await deliver(), { sent: 0, retry: 0, dead: 0, skipped: 1 });
    assert.equal(smtp.received.length, 1);
  });

  it('an organisation (API key) has no contact address: its warning and suspension are recorded only', async () => {
    const created = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: 'org key', role: 'platform' } });
    const key = created.json() as { key: string };
    // Even a notice that names a contact person does not make the organisation reachable by email.
    const id = await unfounded(notice({ locations: [{ url: `https://forum.example/org/${crypto.randomUUID()}` }] }), key);
    await unfounded(notice({ locations: [{ url: `https://forum.example/org/${crypto.randomUUID()}` }] }), key);
    const before = Number((await sql<{ n: number }>`select count(*)::int as n from outbox`.execute(h.db)).rows[0]?.n);
    const warning = await h.request('POST', `${S}/notifiers/${id}/warnings`, { auth: senior, body: { reason: 'Unfounded notices.' } });
    assert.equal((warning.json() as { notified_by_email: boolean }).notified_by_email, false);
    const suspension = await h.request('POST', `${S}/notifiers/${id}/suspensions`, { auth: senior, body: { reason: 'Continued.', days: 3 } });
    assert.equal(suspension.statusCode, 201, suspension.body);
    assert.equal((suspension.json() as { notified_by_email: boolean }).notified_by_email, false);
    assert.equal(Number((await sql<{ n: number }>`select count(*)::int as n from outbox`.execute(h.db)).rows[0]?.n), before);
    assert.deepEqual(await messages(id), []);
  });

  it('a refused suspension queues nothing', async () => {
    const email = `refused-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const id = await unfounded(notice({ notifier: { name: 'Sam', email }, locations: [{ url: `https://forum.example/r/${crypto.randomUUID()}` }] }));
    const res = await h.request('POST', `${S}/notifiers/${id}/suspensions`, { auth: senior, body: { reason: 'No warning yet.', days: 3 } });
    assert.equal(res.statusCode, 409, res.body);
    assert.deepEqual(await messages(id), []);
  });
});
