import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from '../src/db/index.ts';
import { validateTdbStatement } from '../src/decisions/tdb.ts';
import { type Harness, type Session } from './helpers.ts';
import { claimAndDecide, claimCase, openCase } from './support/cases.ts';
import { RESTRICTION_DETAILS } from './support/fixtures.ts';
import { startHarness } from './helpers.ts';
import { loadLinkKey } from '../src/keys.ts';
import { appealTokenFor } from '../src/decisions/appeal-token.ts';
import { deliverPendingEmails } from '../src/notifications/index.ts';
import { TestSmtp } from './support/smtp-server.ts';

const S = '/v1/services/default';

const TERMINATION = {
  ...RESTRICTION_DETAILS,
  decision_visibility: undefined,
  decision_account: 'DECISION_ACCOUNT_TERMINATED',
  affected_user: { email: 'author@example.org', locale: 'en', platform_user_ref: 'acct-terminated' },
};
const REMOVAL = { ...RESTRICTION_DETAILS, affected_user: { email: 'author@example.org', locale: 'en' } };

interface DecisionJson {
  id: string;
  outcome: string;
  decided_by: string;
  approved_by: string | null;
  supersedes: string | null;
  statement: { puid: string; tdb: Record<string, unknown> } | null;
  strike?: { account_ref: string; active_strikes: number; step: { action: string; decision_id: string } | null };
}
interface ProposalJson {
  id: string;
  case_id: string;
  status: string;
  rules: string[];
  proposed_by: string;
  reviewed_by: string | null;
  decision_id: string | null;
  supersedes: string | null;
}

const code = (res: LightMyRequestResponse) => (res.json() as { error: { code: string } }).error.code;
const fields = (res: LightMyRequestResponse) => (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);

async function caseStatus(h: Harness, caseId: string): Promise<{ status: string; claimed_by: string | null }> {
  const r = await sql<{ status: string; claimed_by: string | null }>`select status, claimed_by from cases where id = ${caseId}`.execute(h.db);
  return r.rows[0] as { status: string; claimed_by: string | null };
}

async function count(h: Harness, table: 'decisions' | 'platform_events' | 'statements_of_reasons', caseId: string): Promise<number> {
  const r =
    table === 'decisions'
      ? await sql<{ n: number }>`select count(*)::int as n from decisions where case_id = ${caseId}`.execute(h.db)
      : table === 'statements_of_reasons'
        ? await sql<{ n: number }>`select count(*)::int as n from statements_of_reasons s join decisions d on d.id = s.decision_id where d.case_id = ${caseId}`.execute(h.db)
        : await sql<{ n: number }>`select count(*)::int as n from platform_events e join decisions d on d.id = e.decision_id where d.case_id = ${caseId}`.execute(h.db);
  return r.rows[0]?.n ?? 0;
}

describe('four-eyes rule (decisions held for a second, senior approval)', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let senior2: Session;
  let admin: Session;
  before(async () => {
    h = await startHarness();
    [mod, senior, senior2, admin] = await Promise.all([h.user('moderator'), h.user('senior_moderator'), h.user('senior_moderator'), h.user('admin')]);
  });
  after(async () => h.close());

  async function propose(slug: string, body: object, by: Session) {
    const { caseId } = await openCase(h, `https://forum.example/four-eyes/${slug}`);
    await claimCase(h, caseId, by);
    const res = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: by, body });
    assert.equal(res.statusCode, 202, res.body);
    const out = res.json() as { status: string; proposal: ProposalJson };
    assert.equal(out.status, 'pending_approval');
    return { caseId, proposal: out.proposal };
  }

  it('the default policy holds an account termination: nothing takes effect until another senior approves', async () => {
    const policy = await h.request('GET', `${S}/decision-policy`, { auth: mod });
    assert.equal(policy.statusCode, 200);
    assert.equal(policy.json().is_default, true);

    const { caseId, proposal } = await propose('terminate', TERMINATION, mod);
    assert.deepEqual(proposal.rules, ['account-termination']);
    assert.equal(proposal.status, 'pending');
    // Held: no decision, no statement, no platform event, no message; the case is out of the queues.
    assert.equal(await count(h, 'decisions', caseId), 0);
    assert.equal(await count(h, 'platform_events', caseId), 0);
    assert.deepEqual(await caseStatus(h, caseId), { status: 'pending_approval', claimed_by: null });
    const claim = await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: senior2 });
    assert.equal(claim.statusCode, 409);
    const again = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: REMOVAL });
    assert.equal(again.statusCode, 409);

    const pending = await h.request('GET', `${S}/decision-proposals`, { auth: senior });
    assert.equal(pending.statusCode, 200);
    assert.ok((pending.json().items as ProposalJson[]).some((p) => p.id === proposal.id));

    // A moderator may not approve; the author may not approve their own (tested below with a senior author).
    const byMod = await h.request('POST', `${S}/decision-proposals/${proposal.id}/approve`, { auth: mod, body: {} });
    assert.equal(byMod.statusCode, 403);

    const ok = await h.request('POST', `${S}/decision-proposals/${proposal.id}/approve`, { auth: senior, body: { note: 'Proportionate.' } });
    assert.equal(ok.statusCode, 200, ok.body);
    const approved = ok.json() as { proposal: ProposalJson; decision: DecisionJson };
    assert.equal(approved.proposal.status, 'approved');
    assert.equal(approved.proposal.decision_id, approved.decision.id);
    assert.equal(approved.decision.decided_by, proposal.proposed_by);
    assert.equal(approved.decision.approved_by, approved.proposal.reviewed_by);
    assert.notEqual(approved.decision.decided_by, approved.decision.approved_by);
    assert.equal(approved.decision.statement?.tdb.decision_account, 'DECISION_ACCOUNT_TERMINATED');
    assert.equal(validateTdbStatement(approved.decision.statement?.tdb).ok, true);
    assert.equal(await count(h, 'statements_of_reasons', caseId), 1);
    assert.equal(await count(h, 'platform_events', caseId), 1);
    assert.equal((await caseStatus(h, caseId)).status, 'closed');

    const twice = await h.request('POST', `${S}/decision-proposals/${proposal.id}/approve`, { auth: senior2, body: {} });
    assert.equal(twice.statusCode, 409);
    assert.equal(code(twice), 'PROPOSAL_ALREADY_REVIEWED');

    const events = await sql<{ action: string }>`
      select action from audit_events where subject_id in (${proposal.id}, ${approved.decision.id}) order by id`.execute(h.db);
    assert.deepEqual(events.rows.map((e) => e.action), ['decision.proposed', 'decision.taken', 'decision.approved']);
  });

  it('the author cannot approve; a rejection sends the case back to its queue and nothing is decided', async () => {
    const { caseId, proposal } = await propose('reject', TERMINATION, senior);
    const own = await h.request('POST', `${S}/decision-proposals/${proposal.id}/approve`, { auth: senior, body: {} });
    assert.equal(own.statusCode, 409);
    assert.equal(code(own), 'FOUR_EYES_SAME_PERSON');
    const noReason = await h.request('POST', `${S}/decision-proposals/${proposal.id}/reject`, { auth: senior2, body: {} });
    assert.equal(noReason.statusCode, 400);
    assert.deepEqual(fields(noReason), ['body.reason']);

    const rej = await h.request('POST', `${S}/decision-proposals/${proposal.id}/reject`, { auth: senior2, body: { reason: 'First breach: suspend instead.' } });
    assert.equal(rej.statusCode, 200, rej.body);
    assert.equal((rej.json() as ProposalJson).status, 'rejected');
    assert.equal(await count(h, 'decisions', caseId), 0);
    assert.deepEqual(await caseStatus(h, caseId), { status: 'open', claimed_by: null });
    // Back in the queue: anyone may claim and decide it otherwise.
    const d = await claimAndDecide<DecisionJson>(h, caseId, mod, REMOVAL);
    assert.equal(d.approved_by, null);
    const listed = await h.request('GET', `${S}/decision-proposals?status=rejected`, { auth: mod });
    assert.ok((listed.json().items as ProposalJson[]).some((p) => p.id === proposal.id));
  });

  it('a rule on a category holds any restriction in it; corrections are held too', async () => {
    const put = await h.request('PUT', `${S}/decision-policy`, {
      auth: admin,
      body: {
        four_eyes: { rules: [{ name: 'scams', categories: ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD'] }] },
        quality_review: { sample_rate: 0 },
        strikes: { enabled: false, expiry_days: 365, thresholds: [] },
      },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().is_default, false);

    const scam = { ...REMOVAL, category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' };
    const { proposal } = await propose('scam', scam, mod);
    assert.deepEqual(proposal.rules, ['scams']);
    // The same decision in another category takes effect at once (termination is no longer a rule here).
    const { caseId } = await openCase(h, 'https://forum.example/four-eyes/other');
    const taken = await claimAndDecide<DecisionJson>(h, caseId, mod, TERMINATION);
    // A correction into the held category waits for approval, then supersedes.
    const corr = await h.request('POST', `${S}/decisions/${taken.id}/corrections`, { auth: senior, body: scam });
    assert.equal(corr.statusCode, 202, corr.body);
    const held = (corr.json() as { proposal: ProposalJson }).proposal;
    assert.equal(held.supersedes, taken.id);
    assert.equal((await caseStatus(h, caseId)).status, 'closed');
    const dup = await h.request('POST', `${S}/decisions/${taken.id}/corrections`, { auth: senior2, body: scam });
    assert.equal(dup.statusCode, 409);
    assert.equal(code(dup), 'DECISION_PENDING_APPROVAL');
    const ok = await h.request('POST', `${S}/decision-proposals/${held.id}/approve`, { auth: senior2, body: {} });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((ok.json() as { decision: DecisionJson }).decision.supersedes, taken.id);
  });

  it('rejects an invalid policy with every field error, and keeps the old one', async () => {
    const bad = await h.request('PUT', `${S}/decision-policy`, {
      auth: admin,
      body: {
        four_eyes: { rules: [{ name: 'x' }, { name: 'Bad Name', decision_account: ['DECISION_ACCOUNT_TERMINATED'] }, { name: 'x', categories: ['STATEMENT_CATEGORY_NOPE'] }] },
        quality_review: { sample_rate: 1.5 },
        strikes: { enabled: true, expiry_days: 0, thresholds: [{ strikes: 3, action: 'suspension' }, { strikes: 2, action: 'warning', suspension_days: 3 }] },
      },
    });
    assert.equal(bad.statusCode, 400);
    const paths = fields(bad);
    for (const p of [
      'body.four_eyes.rules.0',
      'body.four_eyes.rules.1.name',
      'body.four_eyes.rules.2.categories.0',
      'body.quality_review.sample_rate',
      'body.strikes.expiry_days',
      'body.strikes.thresholds.0.suspension_days',
      'body.strikes.thresholds.1.suspension_days',
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
    }
    const byMod = await h.request('PUT', `${S}/decision-policy`, { auth: mod, body: {} });
    assert.equal(byMod.statusCode, 403);
    const still = await h.request('GET', `${S}/decision-policy`, { auth: mod });
    assert.deepEqual(still.json().policy.four_eyes.rules, [{ name: 'scams', categories: ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD'] }]);
    const order = await h.request('PUT', `${S}/decision-policy`, {
      auth: admin,
      body: { four_eyes: { rules: [] }, quality_review: { sample_rate: 0 }, strikes: { enabled: true, expiry_days: 30, thresholds: [{ strikes: 2, action: 'suspension', suspension_days: 3 }] } },
    });
    assert.equal(order.statusCode, 400);
    assert.deepEqual(fields(order), ['body.strikes.thresholds.0.action']);
  });
});

describe('strikes (DSA Art. 23(1)): warn, then suspend, each step a decision', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let admin: Session;
  const smtp = new TestSmtp();
  before(async () => {
    await smtp.start();
    h = await startHarness({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, publicUrl: 'https://vigie.example' });
    [mod, senior, admin] = await Promise.all([h.user('moderator'), h.user('senior_moderator'), h.user('admin')]);
    const put = await h.request('PUT', `${S}/decision-policy`, {
      auth: admin,
      body: {
        four_eyes: { rules: [] },
        quality_review: { sample_rate: 0 },
        strikes: { enabled: true, expiry_days: 90, thresholds: [{ strikes: 2, action: 'warning' }, { strikes: 3, action: 'suspension', suspension_days: 7 }] },
      },
    });
    assert.equal(put.statusCode, 200, put.body);
  });
  after(async () => {
    await h.close();
    await smtp.stop();
  });

  const manifest = (account: string) => ({ ...REMOVAL, manifestly_illegal: true, affected_user: { email: 'poster@example.org', locale: 'fr', platform_user_ref: account } });

  async function decideOn(slug: string, body: object) {
    const { caseId } = await openCase(h, `https://forum.example/strikes/${slug}`);
    return claimAndDecide<DecisionJson>(h, caseId, mod, body);
  }

  it('refuses manifestly_illegal without the account or on another ground', async () => {
    const { caseId } = await openCase(h, 'https://forum.example/strikes/bad');
    await claimCase(h, caseId, mod);
    const noAccount = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: { ...REMOVAL, manifestly_illegal: true } });
    assert.equal(noAccount.statusCode, 400);
    assert.deepEqual(fields(noAccount), ['body.affected_user.platform_user_ref']);
    const noAction = await h.request('POST', `${S}/cases/${caseId}/decisions`, {
      auth: mod,
      body: { outcome: 'no_action', decision_facts: 'Satire.', manifestly_illegal: true },
    });
    assert.equal(noAction.statusCode, 400);
    assert.deepEqual(fields(noAction), ['body.manifestly_illegal']);
    assert.equal(await count(h, 'decisions', caseId), 0);
  });

  it('strike 1 records; strike 2 warns; strike 3 suspends for the set period with a valid statement; a reversal revokes', async () => {
    const account = 'acct-strikes-1';
    const d1 = await decideOn('s1', manifest(account));
    assert.equal(d1.strike?.active_strikes, 1);
    assert.equal(d1.strike?.step, null);

    const d2 = await decideOn('s2', manifest(account));
    assert.equal(d2.strike?.active_strikes, 2);
    assert.equal(d2.strike?.step?.action, 'warning');
    const warning = (await h.request('GET', `${S}/decisions/${d2.strike?.step?.decision_id}`, { auth: mod })).json() as DecisionJson & { details: Record<string, unknown> };
    assert.equal(warning.outcome, 'warning');
    assert.equal(warning.statement, null, 'a warning restricts nothing: no Transparency Database statement');
    assert.match(String(warning.details.decision_facts), /Art\. 23\(1\)/);
    const warnMsg = await sql<{ template: string; locale: string }>`select template, locale from outbox where decision_id = ${warning.id}`.execute(h.db);
    assert.deepEqual(warnMsg.rows, [{ template: 'account_warning', locale: 'fr' }]);
    const linkKey = loadLinkKey(h.config);
    const report = await deliverPendingEmails(h.db, h.config, { linkKey });
    assert.equal(report?.dead, 0);
    const mail = smtp.received.find((m) => m.subject === 'Avertissement concernant votre compte');
    assert.ok(mail, smtp.received.map((m) => m.subject).join(' | '));
    assert.match(mail.text, /article 23, paragraphe 1/);
    assert.match(mail.text, /suspendu pendant 7 jours/);
    assert.ok(mail.text.includes(`https://vigie.example/statements/default/${warning.id}#token=${appealTokenFor(linkKey, warning.id)}`));
    const page = await h.request('GET', `/v1/public/services/default/decisions/${warning.id}/statement`, { headers: { 'x-appeal-token': appealTokenFor(linkKey, warning.id) } });
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.json().outcome, 'warning');

    const d3 = await decideOn('s3', manifest(account));
    assert.equal(d3.strike?.active_strikes, 3);
    assert.equal(d3.strike?.step?.action, 'suspension');
    const suspension = (await h.request('GET', `${S}/decisions/${d3.strike?.step?.decision_id}`, { auth: mod })).json() as DecisionJson;
    assert.equal(suspension.outcome, 'restriction');
    const tdb = suspension.statement?.tdb as Record<string, unknown>;
    assert.equal(tdb.decision_account, 'DECISION_ACCOUNT_SUSPENDED');
    assert.equal(tdb.end_date_account_restriction, new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
    assert.equal(tdb.source_type, 'SOURCE_VOLUNTARY');
    assert.equal(tdb.automated_decision, 'AUTOMATED_DECISION_PARTIALLY');
    assert.equal(validateTdbStatement(tdb).ok, true);
    const event = await sql<{ payload: { data: { account: { ref: string } | null; restrictions: { account: string } } } }>`
      select payload from platform_events where decision_id = ${suspension.id}`.execute(h.db);
    assert.deepEqual(event.rows[0]?.payload.data.account, { ref: account });
    assert.equal(event.rows[0]?.payload.data.restrictions.account, 'DECISION_ACCOUNT_SUSPENDED');

    const record = await h.request('GET', `${S}/accounts/${account}/strikes`, { auth: mod });
    assert.equal(record.statusCode, 200);
    const r = record.json() as { active_strikes: number; strikes: Array<{ decision_id: string; state: string }>; steps: Array<{ action: string; decision_id: string }> };
    assert.equal(r.active_strikes, 3);
    assert.deepEqual(r.steps.map((s) => s.action).sort(), ['suspension', 'warning']);

    // Correcting the third decision to no action revokes its strike; the suspension remains its own decision.
    const corr = await h.request('POST', `${S}/decisions/${d3.id}/corrections`, { auth: senior, body: { outcome: 'no_action', decision_facts: 'Not illegal after all.' } });
    assert.equal(corr.statusCode, 201, corr.body);
    const after3 = (await h.request('GET', `${S}/accounts/${account}/strikes`, { auth: mod })).json() as typeof r;
    assert.equal(after3.active_strikes, 2);
    assert.equal(after3.strikes.find((s) => s.decision_id === d3.id)?.state, 'revoked');

    // Strikes expire: once the older ones are past their expiry, a new one starts the count again.
    await sql`update account_strikes set expires_at = now() - interval '1 second' where account_ref = ${account}`.execute(h.db);
    const d4 = await decideOn('s4', manifest(account));
    assert.equal(d4.strike?.active_strikes, 1);
    assert.equal(d4.strike?.step, null);
    const analyst = await h.user('analyst');
    assert.equal((await h.request('GET', `${S}/accounts/${account}/strikes`, { auth: analyst })).statusCode, 403);
  });

  it('a correction that swaps one strike for another does not warn twice', async () => {
    const account = 'acct-strikes-2';
    await decideOn('t1', manifest(account));
    const d2 = await decideOn('t2', manifest(account));
    assert.equal(d2.strike?.step?.action, 'warning');
    const corr = await h.request('POST', `${S}/decisions/${d2.id}/corrections`, { auth: senior, body: manifest(account) });
    assert.equal(corr.statusCode, 201, corr.body);
    const c = corr.json() as DecisionJson;
    assert.equal(c.strike?.active_strikes, 2);
    assert.equal(c.strike?.step, null);
  });
});
