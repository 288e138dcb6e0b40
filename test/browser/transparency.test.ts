/**
 * Transparency reports in Chromium: an administrator creates a report for a period of real activity, freezes
 * and publishes it; the public page (no sign-in) lists it, and the report page shows its totals and charts,
 * with the files' checksums; no serious axe violation, in English and in French.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../../src/db/index.ts';
import { claimAndDecide, openCase } from '../support/cases.ts';
import { RESTRICTION_DETAILS } from '../support/fixtures.ts';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('transparency pages', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('a report is published from the console and listed on the public page with its charts and checksums', async () => {
    const mod = await env.h.user('moderator');
    for (let i = 0; i < 3; i++) {
      const c = await openCase(env.h, `https://forum.example/t/transparency-${i}`);
      if (i < 2) await claimAndDecide(env.h, c.caseId, mod, RESTRICTION_DETAILS);
    }
    await env.h.user('admin', { email: 'reports-admin@example.org' });
    const { page, problems } = await env.newPage();

    // Nothing published yet.
    await page.goto('/transparency');
    await page.getByRole('heading', { level: 1, name: 'Transparency reports' }).waitFor();
    await page.getByText('No report has been published yet.').waitFor();
    assert.deepEqual(await axeSerious(page), []);

    await signIn(page, 'reports-admin@example.org');
    await page.goto('/admin');
    await page.getByRole('button', { name: 'Transparency reports' }).click();
    await page.getByText('No report yet.').waitFor();
    // A reversed period is refused with the field's reason; nothing is created.
    await page.getByLabel('First day').fill(isoDay(Date.now()));
    await page.getByLabel('Last day').fill(isoDay(Date.now() - 7 * 86_400_000));
    await page.getByLabel('Provider (legal name)').fill('Forum Example SAS');
    await page.getByLabel('Service name').fill('Forum Example');
    await page.getByRole('button', { name: 'Create the draft' }).click();
    await page.getByRole('alert').filter({ hasText: 'reversed' }).waitFor();
    assert.equal(Number((await sql<{ n: number }>`select count(*)::int as n from transparency_reports`.execute(env.h.db)).rows[0]?.n), 0);

    await page.getByLabel('First day').fill(isoDay(Date.now() - 7 * 86_400_000));
    await page.getByLabel('Last day').fill(isoDay(Date.now()));
    await page.getByRole('button', { name: 'Create the draft' }).click();
    const editor = page.locator('section[aria-labelledby="report-editor-title"]');
    await editor.getByText('Figures computed now from the history (draft).').waitFor();
    const total = (name: string) => editor.locator('.totals div', { has: page.getByText(name, { exact: true }) }).locator('dd');
    assert.equal(await total('Notices received').textContent(), '3');
    assert.equal(await total('Restrictions decided').textContent(), '2');
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-reports-en');

    await editor.getByRole('button', { name: 'Freeze' }).click();
    await editor.getByRole('status').filter({ hasText: 'Frozen' }).waitFor();
    await editor.getByRole('button', { name: 'Publish' }).click();
    await editor.getByRole('status').filter({ hasText: 'Published.' }).waitFor();
    const row = await sql<{ status: string; xlsx: string }>`select status, file_hashes->>'xlsx' as xlsx from transparency_reports`.execute(env.h.db);
    assert.equal(row.rows[0]?.status, 'published');
    // The admin screen shows the recorded checksums of the published files, as the public page does.
    await editor.getByText('SHA-256 checksums').click();
    assert.equal(await editor.locator('.hashes div', { has: page.getByText('xlsx', { exact: true }) }).locator('dd').textContent(), row.rows[0]?.xlsx);

    // The public page, signed out, in French.
    const pub = await env.newPage({ locale: 'fr-FR' });
    await pub.page.goto('/transparency/default');
    await pub.page.getByRole('heading', { level: 1, name: 'Rapports de transparence' }).waitFor();
    await pub.page.getByText('3 notifications, 2 restrictions, 0 injonctions des autorités').waitFor();
    await pub.page.getByText('Empreintes SHA-256').click();
    assert.match((await pub.page.locator('.hashes dd').first().textContent()) ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(await axeSerious(pub.page), []);
    await pub.page.locator('.report-list h2 a').first().click();
    await pub.page.getByRole('heading', { level: 1, name: /Forum Example : rapport de transparence/ }).waitFor();
    const pubTotal = (name: string) => pub.page.locator('.totals div', { has: pub.page.getByText(name, { exact: true }) }).locator('dd');
    assert.equal(await pubTotal('Notifications reçues').textContent(), '3');
    assert.ok((await pub.page.locator('canvas[role="img"]').count()) >= 2);
    assert.deepEqual(await axeSerious(pub.page), []);
    await screenshot(pub.page, 'transparency-report-fr');
    assert.deepEqual(pub.problems, []);
    assert.deepEqual(problems, []);
  });
});
