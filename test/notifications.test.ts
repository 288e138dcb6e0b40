/**
 * Email delivery of the outbox against a real SMTP server (smtp-server on 127.0.0.1, random port):
 * acknowledgement, outcome and statement of reasons in the recipient's language; SMTP outage → backoff,
 * then delivered once; no SMTP_URL → messages stay pending; the admin outbox routes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { appealTokenFor } from '../src/decisions/appeal-token.ts';
import { loadLinkKey } from '../src/keys.ts';
import { deliverPendingEmails, type DeliveryLog } from '../src/notifications/index.ts';
import { notice, startHarness, type Harness, type Session } from './helpers.ts';
import { RESTRICTION } from './support/fixtures.ts';
import { TestSmtp, type Mail } from './support/smtp-server.ts';

const PUBLIC = '/v1/public/services/default/notices';
const S = '/v1/services/default';

describe('email delivery of the outbox', () => {
  const smtp = new TestSmtp();
  let h: Harness;
  let mod: Session;
  let admin: Session;
  const logged: string[] = [];
  const log: DeliveryLog = {
    info: (o, m) => void logged.push(JSON.stringify({ ...o, m })),
    warn: (o, m) => void logged.push(JSON.stringify({ ...o, m })),
  };
  const tokens: string[] = [];
  const deliver = (opts: { maxAttempts?: number } = {}) => deliverPendingEmails(h.db, h.config, { log, linkKey: loadLinkKey(h.config), ...opts });

  before(async () => {
    await smtp.start();
    h = await startHarness({ smtpUrl: `smtp://vigie:secret@127.0.0.1:${smtp.port}`, mailFrom: 'Vigie Test <noreply@vigie.test>' });
    [mod, admin] = await Promise.all([h.user('moderator'), h.user('admin')]);
  });
  after(async () => {
    await h?.close();
    await smtp.stop();
  });

  async function submit(url: string, overrides: Record<string, unknown> = {}): Promise<{ reference: string; noticeId: string }> {
    const res = await h.request('POST', PUBLIC, { body: notice({ locations: [{ url }], ...overrides }) });
    assert.equal(res.statusCode, 201, res.body);
    const { reference } = res.json() as { reference: string };
    const r = await sql<{ id: string }>`select id from notices where reference = ${reference}`.execute(h.db);
    return { reference, noticeId: r.rows[0]?.id as string };
  }

  async function status(noticeId: string, template = 'notice_acknowledgement') {
    const r = await sql<{ id: string; status: string; attempts: number; due: boolean; last_error: string | null; message_id: string | null }>`
      select id, status, attempts, next_attempt_at <= now() as due, last_error, message_id from outbox where notice_id = ${noticeId} and template = ${template}`.execute(h.db);
    return r.rows[0];
  }

  it('sends the French acknowledgement to the notifier, with the reference, and marks it sent', async () => {
    const { reference, noticeId } = await submit('https://forum.example/t/mail-ack');
    const report = await deliver();
    assert.deepEqual(report, { sent: 1, retry: 0, dead: 0, skipped: 0 });
    assert.equal(smtp.received.length, 1);
    const m = smtp.received[0] as Mail;
    assert.deepEqual(m.to, ['camille@example.org']);
    assert.equal(m.from, 'noreply@vigie.test');
    assert.equal(m.subject, `Signalement ${reference} reçu`);
    assert.match(m.text, /Bonjour Camille Martin,/);
    assert.ok(m.text.includes(reference));
    assert.match(m.text, /jeton de suivi/);
    const row = await status(noticeId);
    assert.equal(row?.status, 'sent');
    assert.equal(m.outboxId, row?.id);
    assert.ok(row?.message_id);
    assert.deepEqual(await deliver(), { sent: 0, retry: 0, dead: 0, skipped: 0 }, 'nothing is sent twice');
    assert.equal(smtp.received.length, 1);
  });

  it('after a decision: the outcome to each notifier (own notice only) and the statement of reasons to the author', async () => {
    const url = 'https://forum.example/t/mail-decision';
    const fr = await submit(url);
    const en = await submit(url, {
      language: 'en',
      explanation: 'Second report with its own private explanation XYZZY.',
      notifier: { name: 'Other Reporter', email: 'other@example.org' },
    });
    await deliver();
    smtp.received.length = 0;
    const c = await sql<{ case_id: string }>`select case_id from notice_locations where notice_id = ${fr.noticeId}`.execute(h.db);
    const caseId = c.rows[0]?.case_id as string;
    assert.equal((await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod })).statusCode, 200);
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions`, {
      auth: mod,
      body: RESTRICTION,
    });
    assert.equal(res.statusCode, 201, res.body);
    const d = res.json() as { id: string; decided_at: string; statement: { puid: string } };
    const until = new Date(d.decided_at);
    until.setUTCMonth(until.getUTCMonth() + 6);
    const appealUntil = until.toISOString().slice(0, 10);

    assert.deepEqual(await deliver(), { sent: 3, retry: 0, dead: 0, skipped: 0 });
    const byRcpt = new Map(smtp.received.map((m) => [m.to.join(','), m]));
    assert.equal(smtp.received.length, 3);

    const outcomeFr = byRcpt.get('camille@example.org');
    assert.ok(outcomeFr);
    assert.equal(outcomeFr.subject, `Décision sur votre signalement ${fr.reference}`);
    assert.match(outcomeFr.text, /Nous avons décidé d'agir sur le contenu que vous avez signalé/);
    assert.ok(outcomeFr.text.includes(appealUntil));
    for (const leak of ['XYZZY', 'Other Reporter', 'other@example.org', en.reference, 'author@example.org']) {
      assert.ok(!outcomeFr.text.includes(leak), `outcome leaks ${leak}`);
    }
    const outcomeEn = byRcpt.get('other@example.org');
    assert.ok(outcomeEn);
    assert.equal(outcomeEn.subject, `Decision on your notice ${en.reference}`);
    assert.match(outcomeEn.text, /We decided to act on the content you reported/);
    assert.ok(!outcomeEn.text.includes('Camille') && !outcomeEn.text.includes(fr.reference));

    const statement = byRcpt.get('author@example.org');
    assert.ok(statement);
    assert.equal(statement.subject, 'Exposé des motifs : décision concernant votre contenu');
    assert.match(statement.text, /Notre décision\nle contenu a été retiré/);
    assert.match(statement.text, /Loi du 29 juillet 1881, art\. 24/);
    assert.match(statement.text, /article 20/);
    assert.ok(statement.text.includes(`Date limite pour contester cette décision auprès de nous : ${appealUntil}.`));
    assert.ok(statement.text.includes(d.statement.puid));
    assert.ok(!statement.text.includes('camille') && !statement.text.includes('Camille'), 'the author never learns who notified');
    // How to appeal: the token derived from the link key (no PUBLIC_URL here, so no link).
    const token = appealTokenFor(loadLinkKey(h.config), d.id);
    tokens.push(token);
    assert.ok(statement.text.includes(`- votre jeton de contestation : ${token}`));
    assert.ok(statement.text.includes(`- la référence de la décision : ${d.id}`));
    assert.ok(!statement.text.includes('#token='), 'no link without PUBLIC_URL');
    for (const m of [outcomeFr, outcomeEn]) assert.ok(!m.text.includes(token), 'notifiers never get the appeal token');
  });

  it('SMTP server down: retried with backoff, then delivered once when it comes back', async () => {
    smtp.received.length = 0;
    const port = smtp.port;
    await smtp.stop();
    const { reference, noticeId } = await submit('https://forum.example/t/mail-outage');
    assert.deepEqual(await deliver(), { sent: 0, retry: 1, dead: 0, skipped: 0 });
    let row = await status(noticeId);
    assert.equal(row?.status, 'pending');
    assert.equal(row?.attempts, 1);
    assert.equal(row?.due, false, 'backs off');
    assert.ok(row?.last_error);
    assert.deepEqual(await deliver(), { sent: 0, retry: 0, dead: 0, skipped: 0 }, 'not retried before its time');
    const next = await sql<{ secs: number }>`select extract(epoch from next_attempt_at - updated_at)::float8 as secs from outbox where id = ${row?.id}`.execute(h.db);
    assert.ok(Math.abs(Number(next.rows[0]?.secs) - 2) < 0.5, 'first backoff is 2 s');

    // Time passes; still down: the second attempt backs off longer.
    await sql`update outbox set next_attempt_at = now() where id = ${row?.id}`.execute(h.db);
    assert.deepEqual(await deliver(), { sent: 0, retry: 1, dead: 0, skipped: 0 });
    const next2 = await sql<{ secs: number }>`select extract(epoch from next_attempt_at - updated_at)::float8 as secs from outbox where id = ${row?.id}`.execute(h.db);
    assert.ok(Math.abs(Number(next2.rows[0]?.secs) - 4) < 0.5, 'second backoff is 4 s');

    // The server comes back on the same address.
    await smtp.start(port);
    await sql`update outbox set next_attempt_at = now() where id = ${row?.id}`.execute(h.db);
    assert.deepEqual(await deliver(), { sent: 1, retry: 0, dead: 0, skipped: 0 });
    assert.deepEqual(await deliver(), { sent: 0, retry: 0, dead: 0, skipped: 0 });
    assert.equal(smtp.received.length, 1, 'delivered exactly once');
    assert.equal(smtp.received[0]?.subject, `Signalement ${reference} reçu`);
    row = await status(noticeId);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.attempts, 2);
  });

  it('dead after max attempts; an admin puts it back; the outbox is listed by status, keyset paged', async () => {
    const port = smtp.port;
    await smtp.stop();
    const { noticeId } = await submit('https://forum.example/t/mail-dead');
    assert.deepEqual(await deliver({ maxAttempts: 1 }), { sent: 0, retry: 0, dead: 1, skipped: 0 });
    const row = await status(noticeId);
    assert.equal(row?.status, 'dead');
    await smtp.start(port);

    const dead = await h.request('GET', `${S}/outbox?status=dead`, { auth: admin });
    assert.equal(dead.statusCode, 200, dead.body);
    const items = (dead.json() as { items: Array<{ id: string; status: string; last_error: string }> }).items;
    assert.deepEqual(items.map((i) => i.id), [row?.id]);
    assert.ok(!JSON.stringify(dead.json()).includes('@example.org'), 'no addresses in the listing');

    assert.equal((await h.request('POST', `${S}/outbox/${row?.id}/retry`, { auth: mod })).statusCode, 403);
    const retried = await h.request('POST', `${S}/outbox/${row?.id}/retry`, { auth: admin });
    assert.equal(retried.statusCode, 200, retried.body);
    assert.equal((retried.json() as { status: string; attempts: number }).status, 'pending');
    assert.equal((await h.request('POST', `${S}/outbox/${row?.id}/retry`, { auth: admin })).statusCode, 409, 'only dead messages');
    assert.equal((await h.request('POST', `${S}/outbox/${crypto.randomUUID()}/retry`, { auth: admin })).statusCode, 404);
    assert.deepEqual(await deliver(), { sent: 1, retry: 0, dead: 0, skipped: 0 });

    // Keyset paging over every sent message, one per page.
    const total = await sql<{ n: number }>`select count(*)::int as n from outbox where status = 'sent'`.execute(h.db);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `status=sent&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await h.request('GET', `${S}/outbox?${qs}`, { auth: admin });
      assert.equal(res.statusCode, 200, res.body);
      const p = res.json() as { items: Array<{ id: string; status: string }>; next_cursor: string | null };
      for (const i of p.items) {
        assert.equal(i.status, 'sent');
        seen.push(i.id);
      }
      cursor = p.next_cursor;
    } while (cursor);
    assert.equal(seen.length, total.rows[0]?.n);
    assert.equal(new Set(seen).size, seen.length);
  });

  it('a message whose recipient email is gone (e.g. erased) is skipped', async () => {
    const { noticeId } = await submit('https://forum.example/t/mail-no-email');
    await sql`update notice_notifiers set email = null where notice_id = ${noticeId}`.execute(h.db);
    assert.deepEqual(await deliver(), { sent: 0, retry: 0, dead: 0, skipped: 1 });
    const row = await status(noticeId);
    assert.equal(row?.status, 'skipped');
    assert.equal(row?.last_error, 'no recipient email');
  });

  it('without SMTP_URL delivery is off and messages stay pending', async () => {
    const { noticeId } = await submit('https://forum.example/t/mail-off');
    assert.equal(await deliverPendingEmails(h.db, { ...h.config, smtpUrl: undefined }), null);
    assert.equal((await status(noticeId))?.status, 'pending');
    await deliver();
  });

  it('logs carry ids and codes, never addresses, names or bodies', () => {
    assert.ok(logged.length > 0);
    const all = logged.join('\n');
    for (const secret of ['@example.org', 'Camille', 'Other Reporter', 'Signalement', 'Exposé', 'jeton', ...tokens]) assert.ok(!all.includes(secret), `log contains ${secret}`);
    assert.ok(tokens.length > 0);
  });
});
