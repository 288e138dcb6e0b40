/** Instance administration in Chromium (in French): services, and the help-and-remedies editor. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

interface Resource {
  id: string;
  country: string;
  harms: string[];
  name: { fr: string; en: string };
}

describe('instance administration pages', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('an instance administrator creates a service and edits the help resources, in French; both tabs pass axe', async () => {
    const admin = await env.h.user('admin', { email: 'instance-admin@example.org' });
    assert.equal((await env.h.request('PATCH', '/v1/me', { auth: admin, body: { locale: 'fr' } })).statusCode, 200);
    const { page, problems } = await env.newPage({ locale: 'fr-FR' });
    await signIn(page, 'instance-admin@example.org');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();

    // Services: the slug's rule is shown; a new service appears in the table.
    await page.getByRole('button', { name: 'Services', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Services' }).waitFor();
    await page.getByRole('cell', { name: 'default', exact: true }).waitFor();
    await page.getByText('lettres minuscules, chiffres et tirets').waitFor();
    // A bad slug: the API's reason next to the field.
    await page.getByLabel('Identifiant (slug)').fill('Forum B');
    await page.getByLabel('Nom', { exact: true }).fill('Forum B');
    await page.getByRole('button', { name: 'Créer le service' }).click();
    await page.locator('#service-slug-error').waitFor();
    assert.equal(await page.getByLabel('Identifiant (slug)').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Identifiant (slug)').fill('forum-b');
    await page.getByRole('button', { name: 'Créer le service' }).click();
    await page.getByRole('status').filter({ hasText: 'Service Forum B (forum-b) créé.' }).waitFor();
    await page.getByRole('cell', { name: 'forum-b', exact: true }).waitFor();
    assert.equal(await page.locator('#service-slug-error').count(), 0);
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-services-fr');

    // Help and remedies: the seeded French entries are listed.
    await page.getByRole('button', { name: 'Aide et recours', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Aide et recours' }).waitFor();
    await page.getByRole('rowheader', { name: /PHAROS/ }).waitFor();
    await page.getByLabel('Pays', { exact: true }).first().selectOption('FR');
    assert.ok((await page.locator('tbody tr').count()) > 0);
    for (const c of await page.locator('tbody tr td.mono').allTextContents()) assert.equal(c, 'FR');
    await page.getByLabel('Pays', { exact: true }).first().selectOption('');

    // A new resource for Belgium, two harms, both languages.
    await page.locator('#help-country').fill('be');
    await page.getByLabel('Type').selectOption('helpline');
    await page.getByLabel('Harcèlement').check();
    await page.getByLabel('Arnaques').check();
    await page.locator('#help-name-fr').fill('Ligne test Belgique');
    await page.locator('#help-name-en').fill('Belgian test line');
    await page.locator('#help-description-fr').fill('Une ligne d’écoute de test.');
    await page.locator('#help-description-en').fill('A test helpline.');
    await page.getByLabel('Site web').fill('https://example.be');
    await page.getByLabel('Téléphone').fill('+32 2 000 00 00');
    await page.locator('#help-hours-fr').fill('Du lundi au vendredi');
    await page.locator('#help-hours-en').fill('Monday to Friday');
    await page.getByLabel('Source', { exact: true }).fill('https://example.be/source');
    await page.getByLabel('Vérifiée le').fill('2026-11-20');
    await page.getByLabel('Position').fill('5');
    await page.getByRole('button', { name: 'Ajouter la ressource' }).click();
    await page.getByRole('status').filter({ hasText: 'Ligne test Belgique ajoutée.' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Ligne test Belgique' }) });
    await row.getByRole('cell', { name: 'Harcèlement, Arnaques' }).waitFor();
    await row.getByRole('cell', { name: 'Ligne d’écoute' }).waitFor();
    assert.equal(await row.locator('td.mono').textContent(), 'BE');

    // The public endpoint returns it.
    const pub = await env.h.request('GET', '/v1/public/help-resources?country=BE');
    assert.equal(pub.statusCode, 200);
    const created = (pub.json() as { items: Resource[] }).items.find((r) => r.name.fr === 'Ligne test Belgique');
    assert.ok(created);
    assert.deepEqual(created.harms, ['harassment', 'scams']);
    assert.equal(created.name.en, 'Belgian test line');

    // Edit: change the English name.
    await row.getByRole('button', { name: /^Modifier/ }).click();
    await page.getByRole('heading', { level: 3, name: 'Modifier : Ligne test Belgique' }).waitFor();
    assert.equal(await page.locator('#help-name-en').inputValue(), 'Belgian test line');
    await page.locator('#help-name-en').fill('Belgian test helpline');
    // The status line may still show the creation's message: wait for the update itself.
    const updated = page.waitForResponse((r) => r.url().includes(`/v1/help-resources/${created.id}`) && r.request().method() === 'PUT');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    assert.equal((await updated).status(), 200);
    await page.getByRole('status').filter({ hasText: 'Ligne test Belgique enregistrée.' }).waitFor();
    const all = async () => ((await env.h.request('GET', '/v1/help-resources', { auth: admin })).json() as { items: Resource[] }).items;
    assert.equal((await all()).find((r) => r.id === created.id)?.name.en, 'Belgian test helpline');
    await row.getByRole('button', { name: /^Modifier/ }).click();
    assert.equal(await page.locator('#help-name-en').inputValue(), 'Belgian test helpline');

    // An invalid save: an http:// source is refused, the reason next to the field.
    await page.getByLabel('Source', { exact: true }).fill('http://example.be/source');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('#help-source-error').filter({ hasText: 'https' }).waitFor();
    assert.equal(await page.getByLabel('Source', { exact: true }).getAttribute('aria-invalid'), 'true');
    await page.getByRole('alert').filter({ hasText: 'Certains champs ne sont pas valides.' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-help-fr');

    // Delete, with the inline confirmation.
    await row.getByRole('button', { name: /^Supprimer/ }).click();
    await row.getByRole('button', { name: /^Confirmer la suppression/ }).click();
    await page.getByRole('status').filter({ hasText: 'Ligne test Belgique supprimée.' }).waitFor();
    await page.getByRole('rowheader', { name: 'Ligne test Belgique' }).waitFor({ state: 'detached' });
    assert.equal((await all()).find((r) => r.id === created.id), undefined);
    assert.deepEqual(await axeSerious(page), []);
    assert.deepEqual(problems, []);
  });

  it('a service administrator who is not an instance administrator has no instance tabs', async () => {
    await env.h.user('admin', { email: 'service-admin@example.org', teams: [] });
    const { page, problems } = await env.newPage();
    await signIn(page, 'service-admin@example.org');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    await page.getByRole('button', { name: 'Members' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Services', exact: true }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Help and remedies', exact: true }).count(), 0);
    assert.deepEqual(problems, []);
  });
});
