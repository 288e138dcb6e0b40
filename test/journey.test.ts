/**
 * The whole issue-4 journey end to end, with every external party real and on loopback:
 * a public notice → its case in the right queue → claimed and decided (restriction, author in French) →
 * TDB-valid statement submitted to a mock Transparency Database → emails through a real SMTP server →
 * a signed `decision.taken` webhook → the author appeals with the one-time token → another (senior)
 * moderator reverses → a signed `decision.corrected` → both decisions on the case → appeal outcome emails →
 * the notifier's tracking shows the notice decided → the sealed audit chain verifies.
 * The periodic tasks are driven by calling their functions directly; nothing waits on a timer.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadAuditKey, sealPending } from '../src/audit/index.ts';
import { sql } from '../src/db/index.ts';
import { validateTdbStatement } from '../src/decisions/tdb.ts';
import { submitDueStatements } from '../src/decisions/tdb-submit.ts';
import { deliverPendingEmails } from '../src/notifications/index.ts';
import { loadLinkKey } from '../src/keys.ts';
import { deliverDue } from '../src/webhooks/index.ts';
import { startTdbServer, type TdbServer } from './support/tdb-server.ts';
import { RESTRICTION as BASE_RESTRICTION } from './support/fixtures.ts';
import { startTestSmtp, type Mail, type TestSmtp } from './support/smtp-server.ts';
import { notice, startHarness, type Harness, type Session } from './helpers.ts';

const PUBLIC = '/v1/public/services/default';
const S = '/v1/services/default';
const CONTENT_URL = `https://forum.example/t/journey-${crypto.randomUUID()}`;
const NOTIFIER = { name: 'Camille Martin', email: 'camille@example.org' };
const AUTHOR = 'author@example.org';

const RESTRICTION = { ...BASE_RESTRICTION, affected_user: { email: AUTHOR, locale: 'fr' } };

interface Hook {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; data: Record<string, unknown> };
}

/** The platform's webhook receiver on 127.0.0.1; answers 200 to everything. */
async function webhookReceiver() {
  const received: Hook[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, json: JSON.parse(body) as Hook['json'] });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/vigie`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The receiver's check, following docs/webhooks.md independently of the sender. */
function verifySignature(secret: string, headers: http.IncomingHttpHeaders, rawBody: string): boolean {
  const timestamp = String(headers['vigie-timestamp'] ?? '');
  const signature = String(headers['vigie-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex'), 'hex');
  const given = Buffer.from(signature.startsWith('v1=') ? signature.slice(3) : '', 'hex');
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

interface DecisionJson {
  id: string;
  case_id: string;
  outcome: string;
  supersedes: string | null;
  superseded_by: string | null;
  decided_by: string;
  decided_at: string;
  appeal_token?: string;
  statement: { puid: string; tdb: Record<string, unknown> } | null;
}

describe('issue 4 journey: notice → decision → TDB, emails, webhooks → appeal → reversal → audit', () => {
  let smtp: TestSmtp;
  let rx: Awaited<ReturnType<typeof webhookReceiver>>;
  let tdb: TdbServer;
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let admin: Session;
  let auditor: Session;
  let hook: { id: string; secret: string };

  // State carried from step to step.
  let reference = '';
  let trackingToken = '';
  let caseId = '';
  let first: DecisionJson;
  let second: DecisionJson;
  let appealId = '';
  /** The appeal token as the author got it: from the link in the statement email. */
  let emailedToken = '';

  const deliverEmails = async () => {
    const report = await deliverPendingEmails(h.db, h.config, { linkKey: loadLinkKey(h.config) });
    assert.ok(report, 'SMTP is configured');
    return report;
  };
  /** Delivers the outbox and returns the mails received by the SMTP server during this call. */
  const mailsFrom = async (expectedSent: number): Promise<Mail[]> => {
    const start = smtp.received.length;
    assert.deepEqual(await deliverEmails(), { sent: expectedSent, retry: 0, dead: 0, skipped: 0 });
    return smtp.received.slice(start);
  };
  const outboxStatus = async (id: string) =>
    (await sql<{ status: string }>`select status from outbox where id = ${id}`.execute(h.db)).rows[0]?.status;

  before(async () => {
    [smtp, rx, tdb] = await Promise.all([startTestSmtp(), webhookReceiver(), startTdbServer()]);
    h = await startHarness({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      mailFrom: 'Vigie Test <noreply@vigie.test>',
      tdbApiUrl: tdb.url,
      tdbApiToken: tdb.token,
      tdbTimeoutMs: 2000,
      publicUrl: 'https://vigie.example',
    });
    [mod, senior, admin, auditor] = await Promise.all([h.user('moderator'), h.user('senior_moderator'), h.user('admin'), h.user('auditor')]);
    const res = await h.request('POST', `${S}/webhooks`, { auth: admin, body: { url: rx.url, events: ['decision.taken', 'decision.corrected'] } });
    assert.equal(res.statusCode, 201, res.body);
    hook = res.json() as { id: string; secret: string };
  });
  after(async () => {
    await h?.close();
    await Promise.all([smtp?.stop(), rx?.close(), tdb?.close()]);
  });

  it('1. a public notice is received, acknowledged by email, and routed to the general queue', async () => {
    const res = await h.request('POST', `${PUBLIC}/notices`, { body: notice({ locations: [{ url: CONTENT_URL }], notifier: NOTIFIER }) });
    assert.equal(res.statusCode, 201, res.body);
    ({ reference, tracking_token: trackingToken } = res.json() as { reference: string; tracking_token: string });
    assert.ok(reference && trackingToken);

    const tracked = await h.request('GET', `${PUBLIC}/notices/${reference}`, { headers: { 'x-tracking-token': trackingToken } });
    assert.equal(tracked.statusCode, 200, tracked.body);
    assert.equal((tracked.json() as { status: string }).status, 'received');

    const [ack, ...rest] = await mailsFrom(1);
    assert.deepEqual(rest, []);
    assert.ok(ack);
    assert.deepEqual(ack.to, [NOTIFIER.email]);
    assert.equal(ack.subject, `Signalement ${reference} reçu`);
    assert.match(ack.text, /Bonjour Camille Martin,/);
    assert.equal(await outboxStatus(ack.outboxId), 'sent');

    const r = await sql<{ case_id: string }>`select case_id from notice_locations where url = ${CONTENT_URL}`.execute(h.db);
    assert.equal(r.rows.length, 1);
    caseId = r.rows[0]?.case_id as string;
    const c = await h.request('GET', `${S}/cases/${caseId}`, { auth: mod });
    assert.equal(c.statusCode, 200, c.body);
    const cj = c.json() as { queue: string; tier: number; notice_count: number; claimed_by: string | null; content: { url: string | null } };
    assert.equal(cj.queue, 'general', 'hate speech goes to the general queue');
    assert.equal(cj.tier, 1);
    assert.equal(cj.notice_count, 1);
    assert.equal(cj.claimed_by, null);
    assert.equal(cj.content.url, CONTENT_URL);
    const list = await h.request('GET', `${S}/cases?queue=general&unclaimed=true&limit=100`, { auth: mod });
    assert.equal(list.statusCode, 200, list.body);
    assert.ok((list.json() as { items: Array<{ id: string }> }).items.some((x) => x.id === caseId), 'listed in its queue');
  });

  it('2. a moderator claims the case and decides a restriction; the statement of reasons is valid TDB JSON', async () => {
    const claim = await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod });
    assert.equal(claim.statusCode, 200, claim.body);
    assert.equal((claim.json() as { case: { claimed_by: string } }).case.claimed_by, mod.userId);

    const res = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: RESTRICTION });
    assert.equal(res.statusCode, 201, res.body);
    first = res.json() as DecisionJson;
    assert.equal(first.outcome, 'restriction');
    assert.equal(first.case_id, caseId);
    assert.equal(first.decided_by, mod.userId);
    assert.equal(first.supersedes, null);
    assert.ok(first.appeal_token, 'the appeal token is returned once');
    assert.ok(first.statement);
    const check = validateTdbStatement(first.statement.tdb);
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.equal(first.statement.tdb.puid, first.statement.puid);
    assert.doesNotMatch(JSON.stringify(first.statement.tdb), /author@example\.org|camille/i, 'no personal data in the TDB statement');

    const again = await h.request('GET', `${S}/decisions/${first.id}`, { auth: mod });
    assert.equal((again.json() as DecisionJson).appeal_token, undefined, 'the token is never shown again');
    const c = await sql<{ status: string }>`select status from cases where id = ${caseId}`.execute(h.db);
    assert.equal(c.rows[0]?.status, 'closed');
  });

  it('3. the statement is submitted to the Transparency Database, once, under its unique puid', async () => {
    const puid = first.statement?.puid as string;
    assert.equal(tdb.statements.length, 0, 'nothing is sent from inside the decision');
    assert.deepEqual(await submitDueStatements(h.db, h.config), { enabled: true, batches: 1, submitted: 1, dead: 0, retried: 0 });
    const stored = tdb.statements.filter((s) => s.puid === puid);
    assert.equal(stored.length, 1, 'stored by the TDB');
    assert.equal(stored[0]?.decision_ground, 'DECISION_GROUND_ILLEGAL_CONTENT');
    assert.deepEqual([...((stored[0]?.territorial_scope as string[] | undefined) ?? [])].sort(), ['BE', 'FR']);
    const sub = await sql<{ status: string; tdb_uuid: string | null }>`select status, tdb_uuid from tdb_submissions where puid = ${puid}`.execute(h.db);
    assert.deepEqual(sub.rows[0], { status: 'submitted', tdb_uuid: stored[0]?.uuid });
    assert.deepEqual(await submitDueStatements(h.db, h.config), { enabled: true, batches: 0, submitted: 0, dead: 0, retried: 0 }, 'not sent twice');
    const all = tdb.statements.map((s) => s.puid);
    assert.equal(new Set(all).size, all.length, 'puids are unique on the TDB');
  });

  it('4. emails: the outcome to the notifier and the statement of reasons to the author, in French', async () => {
    const mails = await mailsFrom(2);
    const byRcpt = new Map(mails.map((m) => [m.to.join(','), m]));
    assert.equal(byRcpt.size, 2);

    const outcome = byRcpt.get(NOTIFIER.email);
    assert.ok(outcome, 'outcome to the notifier');
    assert.equal(outcome.subject, `Décision sur votre signalement ${reference}`);
    assert.match(outcome.text, /Nous avons décidé d'agir sur le contenu que vous avez signalé/);
    assert.ok(!outcome.text.includes(AUTHOR), 'the notifier never learns who the author is');

    const sor = byRcpt.get(AUTHOR);
    assert.ok(sor, 'statement of reasons to the author');
    assert.equal(sor.subject, 'Exposé des motifs : décision concernant votre contenu');
    assert.match(sor.text, /le contenu a été retiré/);
    assert.match(sor.text, /Loi du 29 juillet 1881, art\. 24/);
    assert.ok(sor.text.includes(first.statement?.puid as string), 'carries the puid');
    assert.ok(!/camille/i.test(sor.text), 'the author never learns who notified');
    const link = new RegExp(`https://vigie\\.example/statements/default/${first.id}#token=([A-Za-z0-9_-]+)`).exec(sor.text);
    assert.ok(link, 'the email carries the personal link to contest the decision');
    emailedToken = link[1] as string;
    assert.equal(emailedToken, first.appeal_token);
    for (const m of mails) assert.equal(await outboxStatus(m.outboxId), 'sent');
    assert.deepEqual(await deliverEmails(), { sent: 0, retry: 0, dead: 0, skipped: 0 }, 'nothing sent twice');
  });

  it('5. the platform receives a signed decision.taken and verifies it', async () => {
    assert.equal(rx.received.length, 0, 'nothing is sent from inside the decision');
    assert.equal(await deliverDue(h.db, { timeoutMs: 2000 }), 1);
    assert.equal(rx.received.length, 1);
    const got = rx.received[0] as Hook;
    assert.equal(verifySignature(hook.secret, got.headers, got.body), true, 'Vigie-Signature verifies');
    assert.equal(verifySignature(hook.secret, got.headers, got.body.replace('"FR"', '"DE"')), false, 'a tampered body does not');
    assert.equal(got.headers['vigie-event-type'], 'decision.taken');
    assert.equal(got.json.type, 'decision.taken');
    assert.equal(got.headers['vigie-event-id'], got.json.id);
    assert.equal(got.json.data.decision_id, first.id);
    assert.equal(got.json.data.case_id, caseId);
    assert.equal(got.json.data.outcome, 'restriction');
    assert.equal(got.json.data.supersedes, null);
    assert.deepEqual(got.json.data.content, { url: CONTENT_URL, id: null });
    assert.doesNotMatch(got.body, /author@example\.org|camille/i, 'no personal data');
    assert.equal(await deliverDue(h.db, { timeoutMs: 2000 }), 0, 'delivered once');
  });

  it('6. the author opens the statement with the emailed token, appeals, and is acknowledged by email', async () => {
    const page = await h.request('GET', `${PUBLIC}/decisions/${first.id}/statement`, { headers: { 'x-appeal-token': emailedToken } });
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.json().appeal.can_appeal, true);
    const url = `${PUBLIC}/decisions/${first.id}/appeals`;
    const wrong = await h.request('POST', url, { body: { token: 'x'.repeat(32), explanation: 'I disagree.' } });
    assert.equal(wrong.statusCode, 404);
    const res = await h.request('POST', url, { body: { token: emailedToken, explanation: 'The post quoted the slogan to criticise it.' } });
    assert.equal(res.statusCode, 201, res.body);
    const appeal = res.json() as { id: string; status: string };
    assert.equal(appeal.status, 'open');
    appealId = appeal.id;

    const [ack, ...rest] = await mailsFrom(1);
    assert.deepEqual(rest, []);
    assert.ok(ack);
    assert.deepEqual(ack.to, [AUTHOR]);
    assert.equal(ack.subject, 'Contestation de la décision reçue');
    assert.match(ack.text, /votre réclamation contre notre décision/);
  });

  it('7. a different, senior moderator reverses: a no-action decision supersedes the restriction', async () => {
    const byMod = await h.request('POST', `${S}/appeals/${appealId}/decide`, { auth: mod, body: { outcome: 'reversed', reason: 'Context.' } });
    assert.equal(byMod.statusCode, 403, 'a moderator may not decide appeals');
    const res = await h.request('POST', `${S}/appeals/${appealId}/decide`, {
      auth: senior,
      body: { outcome: 'reversed', reason: 'The full thread shows the post criticises the slogan.' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const out = res.json() as { appeal: { status: string; outcome: string; new_decision_id: string }; decision: DecisionJson };
    assert.equal(out.appeal.status, 'decided');
    assert.equal(out.appeal.outcome, 'reversed');
    second = out.decision;
    assert.equal(second.outcome, 'no_action');
    assert.equal(second.supersedes, first.id);
    assert.equal(second.case_id, caseId);
    assert.equal(second.decided_by, senior.userId);
    assert.notEqual(second.decided_by, first.decided_by);
    assert.equal(out.appeal.new_decision_id, second.id);
  });

  it('8. the platform receives a signed decision.corrected (reinstatement) superseding the first', async () => {
    assert.equal(await deliverDue(h.db, { timeoutMs: 2000 }), 1);
    assert.equal(rx.received.length, 2);
    const got = rx.received[1] as Hook;
    assert.equal(verifySignature(hook.secret, got.headers, got.body), true);
    assert.equal(got.headers['vigie-event-type'], 'decision.corrected');
    assert.equal(got.json.type, 'decision.corrected');
    assert.notEqual(got.json.id, rx.received[0]?.json.id);
    assert.equal(got.json.data.decision_id, second.id);
    assert.equal(got.json.data.supersedes, first.id);
    assert.equal(got.json.data.outcome, 'no_action');
    assert.equal(got.json.data.case_id, caseId);
    // What to lift: everything the first decision imposed; it is a reinstatement, the outcome of the appeal.
    assert.equal(got.json.data.reinstatement, true);
    assert.deepEqual(got.json.data.lifted, { visibility: first.statement?.tdb.decision_visibility, monetary: null, provision: null, account: null });
    assert.equal(typeof got.json.data.appeal_id, 'string');
    assert.doesNotMatch(got.body, /author@example\.org|camille/i, 'no personal data');
    const deliveries = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from webhook_deliveries where endpoint_id = ${hook.id} group by status`.execute(h.db);
    assert.deepEqual(deliveries.rows, [{ status: 'delivered', n: 2 }]);
  });

  it('9. the case shows both decisions, the new one superseding the old', async () => {
    const res = await h.request('GET', `${S}/cases/${caseId}/decisions`, { auth: mod });
    assert.equal(res.statusCode, 200, res.body);
    const items = (res.json() as { items: DecisionJson[] }).items;
    assert.deepEqual(
      items.map((d) => [d.id, d.outcome, d.supersedes, d.superseded_by]),
      [
        [first.id, 'restriction', null, second.id],
        [second.id, 'no_action', first.id, null],
      ],
    );
    const appealed = await h.request('POST', `${PUBLIC}/decisions/${first.id}/appeals`, { body: { token: first.appeal_token, explanation: 'Once more.' } });
    assert.equal(appealed.statusCode, 409, 'a superseded decision cannot be appealed again');
  });

  it('10. the appeal outcome is emailed to the author and the notifier; the notifier also gets the new outcome', async () => {
    const mails = await mailsFrom(3);
    const subjects = mails.map((m) => [m.to.join(','), m.subject]).sort();
    assert.deepEqual(subjects, [
      [AUTHOR, 'Résultat de la contestation de notre décision'],
      [NOTIFIER.email, `Décision sur votre signalement ${reference}`],
      [NOTIFIER.email, `Résultat de la contestation (signalement ${reference})`],
    ]);
    const appealOutcomes = mails.filter((m) => m.subject.startsWith('Résultat de la contestation'));
    const toAuthor = appealOutcomes.find((m) => m.to.includes(AUTHOR));
    const toNotifier = appealOutcomes.find((m) => m.to.includes(NOTIFIER.email));
    assert.ok(toAuthor && toNotifier);
    for (const m of appealOutcomes) {
      assert.match(m.text, /nous annulons la décision : les restrictions imposées sont levées et le contenu est rétabli/);
      assert.match(m.text, /article 21/);
    }
    assert.ok(!/camille/i.test(toAuthor.text) && !toNotifier.text.includes(AUTHOR), 'neither party learns the other');
    const newOutcome = mails.find((m) => m.subject.startsWith('Décision sur votre signalement'));
    assert.match(newOutcome?.text ?? '', /nous n'avons pas pris de mesure/);

    const tpl = await sql<{ template: string; status: string }>`
      select template, status from outbox where appeal_id = ${appealId} order by template, id`.execute(h.db);
    assert.deepEqual(tpl.rows, [
      { template: 'appeal_acknowledgement', status: 'sent' },
      { template: 'appeal_outcome', status: 'sent' },
      { template: 'appeal_outcome', status: 'sent' },
    ]);
    const byDecision = await sql<{ template: string; status: string }>`
      select template, status from outbox where decision_id = ${second.id} order by template`.execute(h.db);
    assert.deepEqual(byDecision.rows, [{ template: 'notice_outcome', status: 'sent' }], 'no statement of reasons for a reinstatement');
    assert.equal(second.statement, null);
    assert.deepEqual(await submitDueStatements(h.db, h.config), { enabled: true, batches: 0, submitted: 0, dead: 0, retried: 0 }, 'nothing new for the TDB');
    assert.deepEqual(await deliverEmails(), { sent: 0, retry: 0, dead: 0, skipped: 0 }, 'the outbox is empty');
  });

  it("11. the notifier's tracking endpoint shows the notice decided", async () => {
    const res = await h.request('GET', `${PUBLIC}/notices/${reference}`, { headers: { 'x-tracking-token': trackingToken } });
    assert.equal(res.statusCode, 200, res.body);
    const t = res.json() as { reference: string; status: string; category: string };
    assert.equal(t.reference, reference);
    assert.equal(t.status, 'decided');
    assert.equal(t.category, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH');
    // The outcome now in force on the reported item: the reversal, not the first decision.
    const outcome = (res.json() as { outcome: Array<{ decision: string | null }> | null }).outcome;
    assert.deepEqual(outcome?.map((o) => o.decision), ['no_action']);
    // The author's page shows the decision superseded and the appeal decided.
    const page = await h.request('GET', `${PUBLIC}/decisions/${first.id}/statement`, { headers: { 'x-appeal-token': emailedToken } });
    assert.equal(page.json().superseded_by?.id, second.id);
    const bad = await h.request('GET', `${PUBLIC}/notices/${reference}`, { headers: { 'x-tracking-token': 'z'.repeat(43) } });
    assert.equal(bad.statusCode, 404);
  });

  it('12. the audit chain, once sealed, verifies for the auditor and records the journey', async () => {
    const sealed = await sealPending(h.db, loadAuditKey(h.config));
    assert.ok(sealed > 0, 'there were events to seal');
    const res = await h.request('GET', `${S}/audit/verify`, { auth: auditor });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json() as { ok: boolean; witnessed: boolean; services: Array<{ slug: string; sealed: number; pending: number; problems: unknown[] }> };
    assert.equal(report.ok, true, res.body);
    assert.equal(report.services.length, 1);
    assert.equal(report.services[0]?.slug, 'default');
    assert.equal(report.services[0]?.pending, 0);
    assert.deepEqual(report.services[0]?.problems, []);
    assert.ok((report.services[0]?.sealed ?? 0) >= sealed);
    assert.equal((await h.request('GET', `${S}/audit/verify`, { auth: mod })).statusCode, 403, 'moderators cannot read the audit log');

    const actions = await sql<{ action: string }>`
      select action from audit_events where subject_id in (${caseId}, ${first.id}, ${second.id}, ${appealId}, ${first.statement?.puid as string}) order by id`.execute(h.db);
    const seen = actions.rows.map((a) => a.action);
    for (const a of ['decision.taken', 'tdb_submission.queued', 'tdb_submission.submitted', 'appeal.lodged', 'appeal.decided']) {
      assert.ok(seen.includes(a), `audited: ${a} (got ${seen.join(', ')})`);
    }
  });
});
