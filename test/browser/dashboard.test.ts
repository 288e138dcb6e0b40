/** The dashboard in Chromium: totals and charts from real data, in French, with tables for screen readers. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimAndDecide, openCase } from '../support/cases.ts';
import { RESTRICTION_DETAILS } from '../support/fixtures.ts';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

describe('dashboard page', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('shows the period’s totals and charts, with the figures as tables; no serious axe violation', async () => {
    const mod = await env.h.user('moderator');
    for (let i = 0; i < 3; i++) {
      const c = await openCase(env.h, `https://forum.example/t/dashboard-${i}`);
      if (i < 2) await claimAndDecide(env.h, c.caseId, mod, RESTRICTION_DETAILS);
    }
    // The console speaks the language saved in the person's profile.
    const analyst = await env.h.user('analyst', { email: 'analyst@example.org' });
    assert.equal((await env.h.request('PATCH', '/v1/me', { auth: analyst, body: { locale: 'fr' } })).statusCode, 200);
    const { page, problems } = await env.newPage({ locale: 'fr-FR' });
    await signIn(page, 'analyst@example.org');
    await page.getByRole('link', { name: 'Tableau de bord' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    const total = (name: string) => page.locator('.totals div', { has: page.getByText(name, { exact: true }) }).locator('dd');
    await total('Signalements reçus').filter({ hasText: '3' }).waitFor();
    assert.equal(await total('Dossiers tranchés').textContent(), '2');
    assert.equal(await total('Dossiers ouverts à la fin').textContent(), '1');
    assert.equal(await page.locator('canvas[role="img"]').count(), 5);
    // The figures behind a chart, as a table.
    await page.getByText('Afficher les chiffres sous forme de tableau').first().click();
    await page.getByRole('table').first().waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'dashboard-fr');
    // A period that ends before today: nothing in it.
    await page.getByLabel('Au').fill('2026-01-31');
    await page.getByLabel('Du').fill('2026-01-01');
    await total('Signalements reçus').filter({ hasText: /^0$/ }).waitFor();
    assert.deepEqual(problems, []);
  });
});
