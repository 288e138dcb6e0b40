/** Four-eyes approvals in the workspace: a decision held by a rule waits for another person, who approves it. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimCase, openCase } from '../support/cases.ts';
import { RESTRICTION_DETAILS } from '../support/fixtures.ts';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

const S = '/v1/services/default';

describe('four-eyes approvals page', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('a held account termination is approved by a senior in the console; the proposer cannot approve it', async () => {
    const mod = await env.h.user('moderator', { email: 'proposer@example.org' });
    const { caseId } = await openCase(env.h, 'https://forum.example/t/four-eyes-console');
    await claimCase(env.h, caseId, mod);
    const held = await env.h.request('POST', `${S}/cases/${caseId}/decisions`, {
      auth: mod,
      body: { ...RESTRICTION_DETAILS, decision_visibility: undefined, decision_account: 'DECISION_ACCOUNT_TERMINATED', affected_user: { email: 'author@example.org', locale: 'en', platform_user_ref: 'acct-42' } },
    });
    assert.equal(held.statusCode, 202, held.body);

    // The proposer sees the proposal but may not approve it.
    const own = await env.newPage();
    await signIn(own.page, 'proposer@example.org');
    await own.page.goto('/console/approvals');
    await own.page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    const ownApprove = own.page.getByRole('button', { name: 'Approve and take the decision' });
    if ((await ownApprove.count()) > 0) {
      await ownApprove.click();
      await own.page.getByRole('alert').waitFor();
    }

    await env.h.user('senior_moderator', { email: 'approver@example.org' });
    const { page, problems } = await env.newPage();
    await signIn(page, 'approver@example.org');
    await page.getByRole('link', { name: 'Approvals' }).click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor();
    await page.getByText(/account-termination/).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'approvals-en');
    await page.getByRole('button', { name: 'Approve and take the decision' }).click();
    await page.getByRole('status').filter({ hasText: 'Approved: the decision is taken.' }).waitFor();
    await page.getByText('No decision waiting for approval.').waitFor();
    const decisions = (await env.h.request('GET', `${S}/cases/${caseId}/decisions`, { auth: mod })).json() as { items: Array<{ approved_by: string | null; details: { decision_account?: string } }> };
    assert.equal(decisions.items.length, 1);
    assert.equal(decisions.items[0]?.details.decision_account, 'DECISION_ACCOUNT_TERMINATED');
    assert.ok(decisions.items[0]?.approved_by);
    assert.deepEqual(problems, []);
  });
});
