/** Administration in Chromium: members and roles, API keys shown once, webhooks, TDB submissions, audit log. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../../src/db/index.ts';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

describe('administration pages', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('an administrator manages members, keys and webhooks, and verifies the audit chain; each tab passes axe', async () => {
    await env.h.user('admin', { email: 'boss@example.org' });
    const { page, problems } = await env.newPage();
    await signIn(page, 'boss@example.org');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();

    // Members: add one; the one-time password is shown once.
    await page.getByLabel('Email', { exact: true }).fill('new-mod@example.org');
    await page.getByLabel('Display name').fill('Camille');
    await page.getByLabel('Role', { exact: true }).selectOption('senior_moderator');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'new-mod@example.org is a member' }).waitFor();
    await page.getByRole('cell', { name: 'Camille' }).waitFor();
    const role = await sql<{ role: string }>`select m.role from memberships m join users u on u.id = m.user_id where u.email = 'new-mod@example.org'`.execute(env.h.db);
    assert.equal(role.rows[0]?.role, 'senior_moderator');
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-members-en');

    // API keys: created and shown once.
    await page.getByRole('button', { name: 'API keys' }).click();
    await page.getByLabel('Name', { exact: true }).fill('forum integration');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const shown = await page.getByRole('status').filter({ hasText: 'shown only now' }).locator('.mono').textContent();
    assert.match(shown ?? '', /^vk_/);
    await page.getByRole('cell', { name: 'forum integration' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);

    // Webhooks: an endpoint with its signing secret shown once; no delivery yet.
    await page.getByRole('button', { name: 'Webhooks' }).click();
    await page.getByLabel('Endpoint URL').fill('https://forum.example/hooks/vigie');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Signing secret' }).waitFor();
    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByText('No delivery yet.').waitFor();
    assert.deepEqual(await axeSerious(page), []);

    // Transparency Database: nothing submitted yet.
    await page.getByRole('button', { name: 'Transparency Database' }).click();
    await page.getByText('No submission with this status.').waitFor();
    assert.deepEqual(await axeSerious(page), []);

    // Audit: the key's creation is found; the chain verifies.
    await page.getByRole('button', { name: 'Audit log' }).click();
    await page.getByLabel('Action', { exact: true }).fill('apikey.created');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('cell', { name: 'apikey.created' }).first().waitFor();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByRole('status').filter({ hasText: 'The chain is intact' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-audit-en');
    assert.deepEqual(problems, []);
  });

  it('policies: the triage table and the decision policy are edited and saved whole; errors come back per field', async () => {
    const session = await env.h.user('admin', { email: 'policy-admin@example.org' });
    const { page, problems } = await env.newPage();
    await signIn(page, 'policy-admin@example.org');
    await page.goto('/admin');
    await page.getByRole('button', { name: 'Policies' }).click();
    await page.getByRole('heading', { name: 'Triage: tier, deadline and queue per category' }).waitFor();
    // A new row: scams go to tier 0 with a two-hour deadline.
    await page.getByRole('button', { name: 'Add a row' }).click();
    const rows = await page.locator('select[id^="tri-cat-"]').count();
    const last = rows - 1;
    await page.locator(`#tri-cat-${last}`).selectOption('STATEMENT_CATEGORY_SCAMS_AND_FRAUD');
    await page.locator(`#tri-tier-${last}`).fill('0');
    await page.locator(`#tri-deadline-${last}`).fill('120');
    await page.getByText('2 hours').waitFor();
    await page.getByRole('button', { name: 'Save the triage policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
    const triage = (await env.h.request('GET', '/v1/services/default/sla-policies', { auth: session })).json() as { policies: Array<{ category: string; tier: number; deadline_minutes: number }> };
    assert.ok(triage.policies.some((p) => p.category === 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD' && p.tier === 0 && p.deadline_minutes === 120));

    // Decision policy: sample 10 % of decisions; a suspension before any warning is refused by the server.
    await page.getByLabel('Share of decisions sampled for a blind second review (%)').fill('10');
    await page.locator('#thr-a-0').selectOption('suspension');
    await page.getByRole('button', { name: 'Save the decision policy' }).click();
    await page.getByRole('alert').filter({ hasText: 'a suspension must follow a warning' }).waitFor();
    await page.locator('#thr-a-0').selectOption('warning');
    await page.getByRole('button', { name: 'Save the decision policy' }).click();
    await page.locator('form[aria-labelledby="dpol-title"]').getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const policy = (await env.h.request('GET', '/v1/services/default/decision-policy', { auth: session })).json() as { policy: { quality_review: { sample_rate: number } }; is_default: boolean };
    assert.equal(policy.is_default, false);
    assert.equal(policy.policy.quality_review.sample_rate, 0.1);
    // Four-eyes rules that are not JSON are caught before sending.
    await page.getByLabel('Rules (JSON)').fill('[{"name": ');
    await page.getByRole('button', { name: 'Save the decision policy' }).click();
    await page.getByText('The rules are not valid JSON.').waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-policies-en');
    assert.deepEqual(problems, []);
  });

  it('a moderator has no administration link and is told so at /admin', async () => {
    await env.h.user('moderator', { email: 'plain-mod@example.org' });
    const { page } = await env.newPage();
    await signIn(page, 'plain-mod@example.org');
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
    await page.goto('/admin');
    await page.getByText('You are not an administrator of this service.').waitFor();
  });
});
