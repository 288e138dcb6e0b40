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

  it('a moderator has no administration link and is told so at /admin', async () => {
    await env.h.user('moderator', { email: 'plain-mod@example.org' });
    const { page } = await env.newPage();
    await signIn(page, 'plain-mod@example.org');
    assert.equal(await page.getByRole('link', { name: 'Administration' }).count(), 0);
    await page.goto('/admin');
    await page.getByText('You are not an administrator of this service.').waitFor();
  });
});
