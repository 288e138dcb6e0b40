/**
 * The moderators' workspace in Chromium: queue counts, claim next with the keyboard, the case page (notice,
 * notes), the decision form with its live statement preview (French, then English), the decision taken;
 * axe scans of the queue and case pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { notice } from '../helpers.ts';
import { axeSerious, screenshot, startConsole, type ConsoleEnv } from './support.ts';

const S = '/v1/services/default';

describe('web console: the moderators’ workspace', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('claims the next case with the keyboard, notes it, previews and takes a decision', async () => {
    const url = `https://forum.example/t/workspace-${Date.now()}`;
    const explanation = 'This post calls for violence against a religious group (workspace test).';
    const created = await env.h.request('POST', '/v1/public/services/default/notices', { body: notice({ locations: [{ url }], explanation }) });
    assert.equal(created.statusCode, 201, created.body);
    const email = 'workspace-mod@example.org';
    const session = await env.h.user('moderator', { email });

    const { page, problems } = await env.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/console');
    await page.getByRole('heading', { level: 1, name: 'Moderation console' }).waitFor();
    // The queue of the notice's category shows it: one open case, unclaimed.
    const general = page.locator('tr[data-queue="general"] td');
    await general.first().filter({ hasText: '1' }).waitFor();
    assert.equal((await general.nth(1).textContent())?.trim(), '1');
    await page.getByRole('link', { name: 'Illegal or harmful speech' }).first().waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'workspace-queues-en');

    // n: claim next (the h1 has the focus, not a field).
    await page.keyboard.press('n');
    await page.waitForURL('**/console/cases/*');
    const caseId = page.url().split('/cases/')[1] as string;
    const h1 = page.getByRole('heading', { level: 1, name: 'Case' });
    await h1.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus on the h1 after navigation');
    await page.getByText(explanation).waitFor();
    // The content reference is text, with a copy button; never an image or a link to it.
    await page.locator('code.content-ref', { hasText: url }).waitFor();
    assert.equal(await page.locator(`img[src="${url}"], a[href="${url}"]`).count(), 0);
    await page.getByText('Held by').waitFor();
    await page.getByRole('button', { name: 'Release' }).waitFor();

    // In French (the switch is remembered for the user), then back to English.
    await page.getByRole('button', { name: 'Français', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Dossier' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'case-fr');
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await h1.waitFor();

    // An internal note.
    await page.getByLabel('New note (seen by moderators only)').fill('Same account posted similar content last week.');
    await page.getByRole('button', { name: 'Add the note' }).click();
    await page.locator('ul.notes').getByText('Same account posted similar content last week.').waitFor();

    // d: to the decision form (not while typing: the note field is empty now and not focused).
    await h1.focus();
    await page.keyboard.press('d');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('decision-form')), true);
    await page.getByLabel('Content removed').check();
    await page.getByLabel('Illegal content').check();
    await page.getByLabel('Legal provision').fill('Loi du 29 juillet 1881, art. 24');
    await page.getByLabel('Why the content falls under it').fill('The post calls for violence against people because of their religion.');
    await page.getByLabel('Facts and circumstances').fill('Reported by a user; the post names a religious group and calls for attacks.');
    await page.getByLabel('Territorial scope').fill('FR, BE');
    await page.getByRole('group', { name: 'Type of content' }).getByLabel('Text').check();
    await page.getByLabel('Language of the statement').selectOption('fr');
    // The live preview: valid, in the affected user's language (French) first, then in English.
    await page.getByTestId('preview-valid').waitFor();
    const statement = page.getByTestId('statement');
    await statement.getByRole('heading', { name: 'Exposé des motifs' }).waitFor();
    await statement.getByText(/le contenu a été retiré/).waitFor();
    await page.getByRole('group', { name: 'Language of the preview' }).getByRole('button', { name: 'EN', exact: true }).click();
    await statement.getByRole('heading', { name: 'Statement of reasons' }).waitFor();
    await statement.getByText(/the content was removed/).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'decision-preview-en');

    await page.getByRole('button', { name: 'Take the decision' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision taken.' }).waitFor();
    const decisions = await env.h.request('GET', `${S}/cases/${caseId}/decisions`, { auth: session });
    assert.equal(decisions.statusCode, 200);
    const items = (decisions.json() as { items: Array<{ outcome: string; statement: { tdb: Record<string, unknown> } | null }> }).items;
    assert.equal(items.length, 1);
    assert.equal(items[0]?.outcome, 'restriction');
    assert.deepEqual(items[0]?.statement?.tdb.territorial_scope, ['FR', 'BE']);

    // Escape: back to the list.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Escape');
    await page.waitForURL(/\/console\/?$/);
    await page.getByRole('heading', { level: 1, name: 'Moderation console' }).waitFor();
    assert.deepEqual(problems, []);
  });
});
