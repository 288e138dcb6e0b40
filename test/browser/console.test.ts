/**
 * The web console in Chromium: served on the API's port under a strict CSP, in French and English (switch
 * remembered, per user once signed in), sign-in to the workspace, and an axe scan of each page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { axeSerious, screenshot, startConsole, type ConsoleEnv } from './support.ts';

describe('web console: shell, languages, sign-in', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('serves the console with a strict CSP; API paths stay JSON', async () => {
    const page = await fetch(`${env.baseUrl}/`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const deep = await fetch(`${env.baseUrl}/console/cases/abc`, { headers: { accept: 'text/html' } });
    assert.equal(deep.status, 200);
    assert.match(await deep.text(), /<div id="root">/);
    const api = await fetch(`${env.baseUrl}/v1/nope`, { headers: { accept: 'text/html' } });
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /json/);
  });

  it('speaks French and English; the choice is remembered; no serious axe violation', async () => {
    const { page, problems } = await env.newPage({ locale: 'fr-FR' });
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Signaler un contenu illicite, suivre la suite donnée' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'home-fr');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Report illegal content, follow what happens' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Report illegal content, follow what happens' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await screenshot(page, 'home-en');
    assert.deepEqual(problems, []);
  });

  it('a moderator signs in with the keyboard and reaches the workspace; a wrong password says so', async () => {
    const email = 'console-mod@example.org';
    // The harness's members all have this password.
    const session = await env.h.user('moderator', { email });
    const { page, problems } = await env.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong password!!');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/console');
    assert.deepEqual(await axeSerious(page), []);
    // The locale follows the person: switching in the console stores it in their profile.
    const saved = page.waitForResponse((r) => r.url().endsWith('/v1/me') && r.request().method() === 'PATCH');
    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: 'Console de modération' }).waitFor();
    assert.equal((await saved).status(), 200);
    const me = await env.h.request('GET', '/v1/me', { auth: session });
    assert.equal((me.json() as { user: { locale: string } }).user.locale, 'fr');
    assert.deepEqual(problems, []);
  });
});
