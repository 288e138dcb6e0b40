/**
 * The affected user's side of a decision, end to end through the HTTP app and a real SMTP server:
 * the statement-of-reasons email carries the appeal link and token (derived from the link key, never
 * stored), in French and in English → the token from the email opens the public statement page and lodges
 * an appeal → after a reversal the page shows the decision now in force and the appeal's outcome, and the
 * appeal-outcome email links to it; a wrong token or id = 404. The notifier's tracking data shows the
 * outcome of each reported item before and after the reversal. A changed link key: no token in the email.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { appealTokenFor } from '../src/decisions/appeal-token.ts';
import { queueCorrectedStatement } from '../src/decisions/messages.ts';
import { loadLinkKey } from '../src/keys.ts';
import { deliverPendingEmails, type DeliveryLog } from '../src/notifications/index.ts';
import { type Harness, type Session, startHarness } from './helpers.ts';
import { claimAndDecide, openCase } from './support/cases.ts';
import { RESTRICTION_DETAILS } from './support/fixtures.ts';
import { TestSmtp, type Mail } from './support/smtp-server.ts';

const PUBLIC = '/v1/public/services/default';
const S = '/v1/services/default';
const PUBLIC_URL = 'https://trust.example';
const AUTHOR_FR = 'auteur@example.org';
const AUTHOR_EN = 'author-en@example.org';

interface DecisionJson {
  id: string;
  outcome: string;
  decided_by: string;
  appeal_token?: string;
}

interface PublicDecision {
  id: string;
  decided_at: string;
  outcome: string;
  current: boolean;
  summary: string;
  restrictions: string[];
  statement: { puid: string | null; title: string; sections: Array<{ heading: string; text: string }> } | null;
  details: Record<string, unknown> | null;
}
interface StatementJson extends PublicDecision {
  locale: string;
  appeal: { open_until: string; status: string; outcome: string | null; can_appeal: boolean };
  superseded_by: PublicDecision | null;
}
interface TrackingJson {
  status: string;
  outcome: Array<{
    url?: string;
    content_id?: string;
    status: string;
    decision: string | null;
    decided_at: string | null;
    restrictions: string[];
    ground: string | null;
    appeal: { open_until: string; can_appeal: boolean; status: string; outcome: string | null } | null;
  }> | null;
}

const sixMonthsAfter = (iso: string) => {
  const d = new Date(iso);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.toISOString().slice(0, 10);
};

describe('the affected user: appeal link in the statement email, public statement page, outcome for the notifier', () => {
  const smtp = new TestSmtp();
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let linkKey: Buffer;
  const logged: string[] = [];
  const log: DeliveryLog = {
    info: (o, m) => void logged.push(JSON.stringify({ ...o, m })),
    warn: (o, m) => void logged.push(JSON.stringify({ ...o, m, level: 'warn' })),
  };
  /** Delivers the outbox; returns the mails received during this call. */
  const deliver = async (opts: { publicUrl?: string | undefined; linkKey?: Buffer } = {}): Promise<Mail[]> => {
    const start = smtp.received.length;
    const report = await deliverPendingEmails(h.db, { ...h.config, publicUrl: 'publicUrl' in opts ? opts.publicUrl : PUBLIC_URL }, { log, linkKey: opts.linkKey ?? linkKey });
    assert.ok(report);
    assert.equal(report.retry + report.dead, 0, JSON.stringify(report));
    return smtp.received.slice(start);
  };
  const statement = (id: string, headers: Record<string, string>, qs = '') =>
    h.request('GET', `${PUBLIC}/decisions/${id}/statement${qs}`, { headers });
  const track = async (reference: string, token: string) => {
    const res = await h.request('GET', `${PUBLIC}/notices/${reference}`, { headers: { 'x-tracking-token': token } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as TrackingJson;
  };
  const tokenIn = (text: string) => /#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];

  before(async () => {
    await smtp.start();
    h = await startHarness({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, mailFrom: 'Vigie Test <noreply@vigie.test>', publicUrl: PUBLIC_URL });
    [mod, senior] = await Promise.all([h.user('moderator'), h.user('senior_moderator')]);
    // The key the running app derives tokens from (DATA_DIR/link.key, created at start).
    linkKey = loadLinkKey(h.config);
  });
  after(async () => {
    await h?.close();
    await smtp.stop();
  });

  // State carried from step to step (French author).
  const url = `https://forum.example/t/affected-${crypto.randomUUID()}`;
  let reference = '';
  let trackingToken = '';
  let decision: DecisionJson;
  let emailToken = '';
  let newDecisionId = '';

  it('1. the notifier tracks the notice: no outcome before a decision', async () => {
    const opened = await openCase(h, url);
    ({ reference, trackingToken } = opened);
    const t = await track(reference, trackingToken);
    assert.equal(t.outcome, null);
    await deliver(); // the acknowledgement
    decision = await claimAndDecide<DecisionJson>(h, opened.caseId, mod, { ...RESTRICTION_DETAILS, affected_user: { email: AUTHOR_FR, locale: 'fr' } });
  });

  it('2. the French statement email carries the personal link and the token derived from the link key', async () => {
    const mails = await deliver();
    const m = mails.find((x) => x.to.includes(AUTHOR_FR));
    assert.ok(m, 'statement sent to the author');
    assert.equal(m.subject, 'Exposé des motifs : décision concernant votre contenu');
    const token = appealTokenFor(linkKey, decision.id);
    assert.ok(m.text.includes(`${PUBLIC_URL}/statements/default/${decision.id}#token=${token}`), m.text);
    assert.ok(m.text.includes(`- votre jeton de contestation : ${token}`));
    assert.ok(m.text.includes(`- la référence de la décision : ${decision.id}`));
    assert.match(m.text, /Pour contester cette décision \(gratuitement, jusqu'au \d{4}-\d{2}-\d{2}\)/);
    assert.match(m.text, /ne les transmettez pas/);
    emailToken = tokenIn(m.text) ?? '';
    assert.equal(emailToken, token);
    // The token the moderator's response carries is the same derived token; only its hash is stored.
    assert.equal(decision.appeal_token, token);
    const stored = await sql<{ appeal_token_hash: string }>`select appeal_token_hash from decision_recipients where decision_id = ${decision.id}`.execute(h.db);
    assert.equal(stored.rows[0]?.appeal_token_hash, crypto.createHash('sha256').update(token).digest('hex'));
    const anywhere = await sql<{ n: number }>`select count(*)::int as n from outbox where last_error like ${`%${token}%`}`.execute(h.db);
    assert.equal(anywhere.rows[0]?.n, 0);
  });

  it('3. the token from the email opens the public statement page, in the person\'s language by default', async () => {
    const res = await statement(decision.id, { 'x-appeal-token': emailToken });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const st = res.json() as StatementJson;
    assert.equal(st.id, decision.id);
    assert.equal(st.outcome, 'restriction');
    assert.equal(st.current, true);
    assert.equal(st.locale, 'fr');
    assert.equal(st.statement?.title, 'Exposé des motifs');
    assert.ok(st.statement?.sections.some((s) => s.text.includes('le contenu a été retiré')));
    assert.deepEqual(st.restrictions, ['DECISION_VISIBILITY_CONTENT_REMOVED']);
    assert.equal(st.details?.decision_ground, 'DECISION_GROUND_ILLEGAL_CONTENT');
    assert.deepEqual(st.details?.territorial_scope, ['FR', 'BE']);
    assert.equal(st.details?.illegal_content_legal_ground, 'Loi du 29 juillet 1881, art. 24');
    assert.deepEqual(st.appeal, { open_until: sixMonthsAfter(st.decided_at), status: 'none', outcome: null, can_appeal: true });
    assert.equal(st.superseded_by, null);
    for (const leak of [decision.decided_by, mod.userId, 'camille', 'Camille', AUTHOR_FR, 'decided_by', emailToken]) {
      assert.ok(!res.body.includes(leak), `the page shows ${leak}`);
    }

    const en = await statement(decision.id, { 'x-appeal-token': emailToken }, '?locale=en');
    assert.equal(en.statusCode, 200, en.body);
    assert.equal((en.json() as StatementJson).statement?.title, 'Statement of reasons');
    const byQuery = await statement(decision.id, {}, `?token=${emailToken}`);
    assert.equal(byQuery.statusCode, 200, 'the token may also come as a query parameter');
  });

  it('4. a wrong token, a wrong id or no token: the same 404', async () => {
    const wrongToken = await statement(decision.id, { 'x-appeal-token': 'x'.repeat(32) });
    const wrongId = await statement(crypto.randomUUID(), { 'x-appeal-token': emailToken });
    const none = await statement(decision.id, {});
    for (const res of [wrongToken, wrongId, none]) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'NOT_FOUND');
    }
    assert.equal(wrongToken.json().error.message, wrongId.json().error.message, 'does not say which was wrong');
  });

  it("5. the notifier's tracking shows the restriction on the reported item", async () => {
    const t = await track(reference, trackingToken);
    assert.equal(t.status, 'decided');
    assert.equal(t.outcome?.length, 1);
    const o = t.outcome?.[0];
    assert.equal(o?.url, url);
    assert.equal(o?.status, 'decided');
    assert.equal(o?.decision, 'restriction');
    assert.deepEqual(o?.restrictions, ['DECISION_VISIBILITY_CONTENT_REMOVED']);
    assert.equal(o?.ground, 'illegal_content');
    assert.ok(o?.decided_at);
    assert.deepEqual(o?.appeal, { open_until: sixMonthsAfter(o?.decided_at ?? ''), can_appeal: false, status: 'none', outcome: null }, 'a notifier may not contest an action');
    const body = JSON.stringify(t);
    for (const leak of [AUTHOR_FR, mod.userId, decision.id]) assert.ok(!body.includes(leak), `tracking shows ${leak}`);
  });

  it('6. the token from the email lodges the appeal; the page shows it open', async () => {
    const res = await h.request('POST', `${PUBLIC}/decisions/${decision.id}/appeals`, { body: { token: emailToken, explanation: 'The post quoted the slogan to criticise it.' } });
    assert.equal(res.statusCode, 201, res.body);
    const { id: appealId } = res.json() as { id: string };
    const st = (await statement(decision.id, { 'x-appeal-token': emailToken })).json() as StatementJson;
    assert.equal(st.appeal.status, 'open');
    assert.equal(st.appeal.can_appeal, false, 'one appeal open at a time');
    await deliver(); // the acknowledgement

    const dec = await h.request('POST', `${S}/appeals/${appealId}/decide`, { auth: senior, body: { outcome: 'reversed', reason: 'The full thread shows the post criticises the slogan.' } });
    assert.equal(dec.statusCode, 200, dec.body);
    newDecisionId = (dec.json() as { decision: { id: string } }).decision.id;
  });

  it('7. the appeal outcome email links the author to the statement page; the page shows the decision now in force', async () => {
    const mails = await deliver();
    const toAuthor = mails.find((m) => m.to.includes(AUTHOR_FR) && m.subject === 'Résultat de la contestation de notre décision');
    assert.ok(toAuthor, mails.map((m) => m.subject).join(' | '));
    assert.ok(toAuthor.text.includes(`${PUBLIC_URL}/statements/default/${decision.id}#token=${emailToken}`), toAuthor.text);
    assert.match(toAuthor.text, /La décision en vigueur et son exposé des motifs/);
    const toNotifier = mails.find((m) => m.to.includes('camille@example.org') && m.subject.startsWith('Résultat de la contestation'));
    assert.ok(toNotifier);
    assert.ok(!toNotifier.text.includes(emailToken) && !toNotifier.text.includes('/statements/'), 'the notifier never gets the author\'s link');

    const res = await statement(decision.id, { 'x-appeal-token': emailToken });
    assert.equal(res.statusCode, 200, res.body);
    const st = res.json() as StatementJson;
    assert.equal(st.current, false);
    assert.deepEqual(st.appeal, { open_until: sixMonthsAfter(st.decided_at), status: 'decided', outcome: 'reversed', can_appeal: false });
    assert.ok(st.superseded_by);
    assert.equal(st.superseded_by.id, newDecisionId);
    assert.equal(st.superseded_by.current, true);
    assert.equal(st.superseded_by.outcome, 'no_action');
    assert.equal(st.superseded_by.statement, null);
    assert.deepEqual(st.superseded_by.restrictions, []);
    assert.match(st.superseded_by.summary, /Aucune restriction ne s'applique/);
    assert.ok(!res.body.includes(senior.userId));
  });

  it("8. the notifier's tracking follows the reversal: no action, which the notifier may now contest", async () => {
    const o = (await track(reference, trackingToken)).outcome?.[0];
    assert.equal(o?.status, 'decided');
    assert.equal(o?.decision, 'no_action');
    assert.deepEqual(o?.restrictions, []);
    assert.equal(o?.ground, null);
    assert.equal(o?.appeal?.can_appeal, true);
    assert.equal(o?.appeal?.status, 'none', "the author's appeal is not the notifier's");
    const lodged = await h.request('POST', `${PUBLIC}/notices/${reference}/appeals`, { body: { token: trackingToken, explanation: 'The post is a call to violence.' } });
    assert.equal(lodged.statusCode, 201, lodged.body);
    const after = (await track(reference, trackingToken)).outcome?.[0];
    assert.equal(after?.appeal?.status, 'open');
    assert.equal(after?.appeal?.can_appeal, false);
    await deliver();
  });

  it('9. English: the statement email and the page in English, with link and token', async () => {
    const opened = await openCase(h, `https://forum.example/t/affected-en-${crypto.randomUUID()}`);
    const d = await claimAndDecide<DecisionJson>(h, opened.caseId, mod, { ...RESTRICTION_DETAILS, affected_user: { email: AUTHOR_EN, locale: 'en' } });
    const m = (await deliver()).find((x) => x.to.includes(AUTHOR_EN));
    assert.ok(m);
    assert.equal(m.subject, 'Statement of reasons: a decision about your content');
    const token = appealTokenFor(linkKey, d.id);
    assert.ok(m.text.includes(`${PUBLIC_URL}/statements/default/${d.id}#token=${token}`), m.text);
    assert.ok(m.text.includes(`- your appeal token: ${token}`));
    assert.match(m.text, /To contest this decision \(free of charge, until \d{4}-\d{2}-\d{2}\):/);
    assert.doesNotMatch(m.text, /jeton|Bonjour/);
    const st = (await statement(d.id, { 'x-appeal-token': tokenIn(m.text) ?? '' })).json() as StatementJson;
    assert.equal(st.locale, 'en');
    assert.equal(st.statement?.title, 'Statement of reasons');
  });

  it('10. without PUBLIC_URL the email gives the token and the decision reference, no link', async () => {
    const opened = await openCase(h, `https://forum.example/t/affected-nourl-${crypto.randomUUID()}`);
    const d = await claimAndDecide<DecisionJson>(h, opened.caseId, mod, { ...RESTRICTION_DETAILS, affected_user: { email: AUTHOR_EN, locale: 'en' } });
    const m = (await deliver({ publicUrl: undefined })).find((x) => x.to.includes(AUTHOR_EN));
    assert.ok(m);
    assert.ok(m.text.includes(`- your appeal token: ${appealTokenFor(linkKey, d.id)}`));
    assert.ok(m.text.includes(`- the decision reference: ${d.id}`));
    assert.ok(!m.text.includes('/statements/'));
  });

  it('11. the link key changed since the decision: no token nor link, how to contact us instead, a warning with the outbox id', async () => {
    const opened = await openCase(h, `https://forum.example/t/affected-rotated-${crypto.randomUUID()}`);
    const d = await claimAndDecide<DecisionJson>(h, opened.caseId, mod, { ...RESTRICTION_DETAILS, affected_user: { email: AUTHOR_FR, locale: 'fr' } });
    const before = logged.length;
    const m = (await deliver({ linkKey: crypto.randomBytes(32) })).find((x) => x.to.includes(AUTHOR_FR));
    assert.ok(m, 'the statement still goes');
    assert.match(m.text, /Notre décision\nle contenu a été retiré/);
    assert.ok(m.text.includes(`contactez-nous en indiquant la référence de la décision : ${d.id}`));
    assert.ok(!m.text.includes('jeton de contestation') && !m.text.includes('#token=') && !m.text.includes(appealTokenFor(linkKey, d.id)));
    const warnings = logged.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.deepEqual(Object.keys(warnings[0] ?? {}).sort(), ['level', 'm', 'outboxId']);
    assert.equal(warnings[0]?.outboxId, m.outboxId);
  });

  it('12. a correction (not on appeal): the earlier decision\'s affected user gets the corrected statement and their link', async () => {
    const opened = await openCase(h, `https://forum.example/t/affected-corrected-${crypto.randomUUID()}`);
    const d = await claimAndDecide<DecisionJson>(h, opened.caseId, mod, { ...RESTRICTION_DETAILS, affected_user: { email: AUTHOR_EN, locale: 'en' } });
    await deliver();
    const token = appealTokenFor(linkKey, d.id);
    const res = await h.request('POST', `${S}/decisions/${d.id}/corrections`, {
      auth: senior,
      body: { ...RESTRICTION_DETAILS, decision_visibility: ['DECISION_VISIBILITY_CONTENT_DEMOTED'] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const corrected = res.json() as DecisionJson;
    // The correction queued the corrected statement for the earlier decision's affected user (idempotent).
    assert.equal(await queueCorrectedStatement(h.db, h.serviceId, corrected.id), 0, 'already queued by the correction');
    const m = (await deliver()).find((x) => x.to.includes(AUTHOR_EN));
    assert.ok(m, 'the affected user is told');
    assert.equal(m.subject, 'Corrected decision about your content');
    assert.ok(m.text.includes(`We have corrected our decision ${d.id}`));
    assert.match(m.text, /the content was demoted/);
    assert.ok(m.text.includes(`${PUBLIC_URL}/statements/default/${d.id}#token=${token}`), m.text);
    const st = (await statement(d.id, { 'x-appeal-token': token })).json() as StatementJson;
    assert.equal(st.current, false);
    assert.equal(st.superseded_by?.id, corrected.id);
    assert.deepEqual(st.superseded_by?.restrictions, ['DECISION_VISIBILITY_CONTENT_DEMOTED']);
    assert.equal(st.superseded_by?.statement?.title, 'Statement of reasons');
    // The token they hold (for the earlier decision) also contests the decision that corrected it.
    const appeal = await h.request('POST', `/v1/public/services/default/decisions/${corrected.id}/appeals`, { body: { token, explanation: 'Demotion is still wrong.' } });
    assert.equal(appeal.statusCode, 201, appeal.body);
    const stale = await h.request('POST', `/v1/public/services/default/decisions/${d.id}/appeals`, { body: { token, explanation: 'Again.' } });
    assert.equal(stale.statusCode, 409);

    // A correction naming its own affected user: they get its statement (which says it replaces the earlier one).
    const again = await h.request('POST', `${S}/decisions/${corrected.id}/corrections`, {
      auth: senior,
      body: { ...RESTRICTION_DETAILS, affected_user: { email: AUTHOR_FR, locale: 'fr' } },
    });
    assert.equal(again.statusCode, 201, again.body);
    const third = again.json() as DecisionJson;
    assert.equal(await queueCorrectedStatement(h.db, h.serviceId, third.id), 0, 'nothing more: the new decision has its own affected user');
    const mails = await deliver();
    const fr = mails.find((x) => x.to.includes(AUTHOR_FR));
    assert.ok(fr);
    assert.ok(fr.text.includes(`Cette décision remplace une décision antérieure (référence ${corrected.id}).`));
    assert.ok(fr.text.includes(appealTokenFor(linkKey, third.id)));
    assert.ok(!mails.some((x) => x.to.includes(AUTHOR_EN)), 'the earlier affected user is not told twice by this path');
  });

  it('logs carry ids only: never addresses nor tokens', () => {
    const all = logged.join('\n');
    assert.ok(!all.includes('@example.org'));
    assert.ok(!all.includes(emailToken));
    assert.ok(!all.includes('#token='));
  });
});
