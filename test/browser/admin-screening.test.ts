/** Administration, "Banks and rules": a bank and its entries, an entry retracted with a reason, a rule set live, the HMA check. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

const S = '/v1/services/default';

describe('administration: banks and rules', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('creates a bank, adds and retracts an entry, sets a rule live and checks an unreachable HMA; passes axe', async () => {
    const admin = await env.h.user('admin', { email: 'banker@example.org' });
    const rule = {
      name: 'Hate speech, high confidence',
      definition: { all: [{ signal: 'classifier', label: 'hate', min: 0.9 }], actions: [{ type: 'open_case', category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH' }] },
    };
    const created = await env.h.request('PUT', `${S}/screening-rules/test-rule`, { auth: admin, body: rule });
    assert.equal(created.statusCode, 200, created.body);
    assert.equal(created.json().mode, 'shadow');

    const { page, problems } = await env.newPage();
    await signIn(page, 'banker@example.org');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    await page.getByRole('button', { name: 'Banks and rules' }).click();
    await page.getByRole('heading', { level: 2, name: 'Banks and rules' }).waitFor();
    await page.getByText('No bank yet.').waitFor();

    // A positive bank, with its category.
    await page.getByLabel('Identifier').fill('known-media');
    await page.getByLabel('Name', { exact: true }).fill('Known media');
    await page.getByLabel('Kind').selectOption('positive');
    await page.getByLabel('Category', { exact: true }).selectOption('STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY');
    await page.getByRole('button', { name: 'Create the bank' }).click();
    await page.getByRole('status').filter({ hasText: 'The bank “Known media” is created.' }).waitFor();
    await page.getByRole('cell', { name: 'Public security (incl. terrorism)' }).waitFor();

    // Disabled, then enabled again.
    await page.getByRole('button', { name: 'Disable — Known media' }).click();
    await page.getByRole('status').filter({ hasText: 'is disabled' }).waitFor();
    await page.getByRole('button', { name: 'Enable — Known media' }).click();
    await page.getByRole('status').filter({ hasText: 'is enabled' }).waitFor();

    // Entries: a bad hash shows the API's reason at the field; a good one is listed.
    await page.getByRole('button', { name: 'Entries — Known media' }).click();
    await page.getByText('No entry in this bank.').waitFor();
    await page.getByLabel('Signal type').selectOption('pdq');
    await page.getByLabel('Hash', { exact: true }).fill('abc');
    await page.getByRole('button', { name: 'Add the entry' }).click();
    await page.locator('#entry-hash-error').filter({ hasText: 'expected 64' }).waitFor();
    const hash = randomBytes(32).toString('hex');
    await page.getByLabel('Hash', { exact: true }).fill(hash);
    await page.getByLabel('Reference').fill('REF-42');
    await page.getByRole('button', { name: 'Add the entry' }).click();
    await page.getByRole('cell', { name: hash }).waitFor();
    await page.getByRole('cell', { name: 'REF-42' }).waitFor();

    // Retracted with a reason, in a small form of the row.
    await page.getByRole('button', { name: /^Retract — entry/ }).click();
    await page.getByLabel('Reason').fill('Stock photograph, a known false positive');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').filter({ hasText: 'is now Retracted' }).waitFor();
    await page.locator('[data-entry-status="retracted"]').waitFor();
    const banks = await env.h.request('GET', `${S}/banks`, { auth: admin });
    const bank = (banks.json() as { items: Array<{ id: string; slug: string; enabled: boolean }> }).items.find((b) => b.slug === 'known-media');
    assert.ok(bank);
    assert.equal(bank.enabled, true);
    const entries = await env.h.request('GET', `${S}/banks/${bank.id}/entries`, { auth: admin });
    const entry = (entries.json() as { items: Array<{ hash: string; status: string; status_reason: string }> }).items[0];
    assert.equal(entry?.hash, hash);
    assert.equal(entry?.status, 'retracted');
    assert.equal(entry?.status_reason, 'Stock photograph, a known false positive');

    // The rule made through the API, set live here: a new version, same definition.
    await page.getByLabel('Mode of the rule test-rule').selectOption('live');
    await page.getByRole('status').filter({ hasText: 'The rule test-rule is now Live (version 2).' }).waitFor();
    const after = await env.h.request('GET', `${S}/screening-rules/test-rule`, { auth: admin });
    assert.equal(after.json().mode, 'live');
    assert.equal(after.json().version, 2);
    assert.deepEqual(after.json().definition, created.json().definition);

    // HMA at an address where nothing listens: saved, and the check reports the error.
    await page.getByText('No HMA is configured.').waitFor();
    await page.getByLabel('Base URL').fill('http://127.0.0.1:9/');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'The HMA settings are saved.' }).waitFor();
    await page.getByRole('button', { name: 'Check the connection' }).click();
    await page.getByRole('status').filter({ hasText: 'The check failed: network error.' }).waitFor();
    const hma = await env.h.request('GET', `${S}/hma`, { auth: admin });
    assert.equal(hma.json().base_url, 'http://127.0.0.1:9/');
    assert.match(String(hma.json().last_error), /^network/);

    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-screening-en');
    assert.deepEqual(problems, []);
  });
});
