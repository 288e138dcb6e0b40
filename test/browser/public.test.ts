/**
 * The public pages in Chromium: the notice form in French (labels and roles only) → receipt → the notice
 * exists; tracking it in English; field errors and the error summary; the anonymous option for child sexual
 * abuse only; the help page (with or without its endpoint); the statement of reasons opened with the token
 * from the URL fragment, and an appeal. Every page: axe clean and no page error.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { claimAndDecide, openCase } from '../support/cases.ts';
import { RESTRICTION_DETAILS } from '../support/fixtures.ts';
import { axeSerious, screenshot, startConsole, type ConsoleEnv } from './support.ts';

interface NoticeListItem {
  id: string;
  reference: string;
  category: string;
  subcategory: string | null;
  explanation: string;
  language: string;
}

describe('public pages: report, receipt, tracking, help, statement of reasons', () => {
  let env: ConsoleEnv;
  let reference = '';
  let token = '';
  const url = `https://forum.example/t/${crypto.randomUUID()}`;

  before(async () => {
    env = await startConsole();
  });
  after(async () => env?.close());

  async function findNotice(ref: string): Promise<NoticeListItem & { notifier: unknown; evidence: unknown[]; locations: Array<{ url: string | null }> }> {
    const admin = await env.h.user('admin');
    const list = await env.h.request('GET', '/v1/services/default/notices?limit=100', { auth: admin });
    assert.equal(list.statusCode, 200, list.body);
    const item = (list.json() as { items: NoticeListItem[] }).items.find((n) => n.reference === ref);
    assert.ok(item, `notice ${ref} listed`);
    const one = await env.h.request('GET', `/v1/services/default/notices/${item.id}`, { auth: admin });
    assert.equal(one.statusCode, 200, one.body);
    return one.json();
  }

  it('in French: fills and sends the notice form with evidence, gets the receipt; the notice exists', async () => {
    const { page, problems } = await env.newPage({ locale: 'fr-FR' });
    await page.goto('/report');
    await page.getByRole('heading', { level: 1, name: 'Signaler un contenu illicite' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'report-fr');

    await page.getByLabel(/^Catégorie/).selectOption({ label: 'Discours illicites ou préjudiciables' });
    await page.getByText('Discours de haine, discrimination, diffamation.').waitFor();
    await page.getByLabel('Sous-catégorie (facultatif)').selectOption({ label: 'Incitation illégale à la violence et à la haine fondée sur des caractéristiques protégées (discours de haine)' });
    await page.getByLabel('Adresse (URL) du contenu').fill(url);
    await page.getByLabel('Identifiant du contenu (facultatif)').fill('post-4');
    await page.getByLabel('Explication').fill('Ce message appelle à la violence contre un groupe religieux.');
    await page.getByLabel('Disposition légale (facultatif)').fill('Loi du 29 juillet 1881, art. 24');
    await page.getByLabel('Pays concerné (facultatif)').selectOption('FR');
    await page.getByLabel('Langue du contenu (facultatif)').selectOption('fr');
    await page.getByLabel('Fichiers').setInputFiles({ name: 'transcription.txt', mimeType: 'text/plain', buffer: Buffer.from('Transcription du message signalé.') });
    await page.getByLabel('Votre nom').fill('Camille Martin');
    await page.getByLabel('Votre adresse e-mail').fill('camille@example.org');
    await page.getByLabel(/Je confirme de bonne foi/).check();
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();

    await page.getByRole('heading', { level: 1, name: 'Signalement reçu' }).waitFor();
    reference = (await page.getByTestId('receipt-reference').textContent())?.trim() ?? '';
    token = (await page.getByTestId('receipt-token').textContent())?.trim() ?? '';
    assert.match(reference, /^N-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.ok(token.length >= 10);
    await page.getByText(/le jeton n'est affiché qu'une seule fois/).waitFor();
    await page.getByText('1 fichier reçu').waitFor();
    const link = page.getByRole('link', { name: 'Suivre ce signalement' });
    const href = (await link.getAttribute('href')) ?? '';
    assert.equal(href, `/track?ref=${reference}`);
    assert.ok(!href.includes(token), 'the token is never put in the URL');
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'receipt-fr');

    const n = await findNotice(reference);
    assert.equal(n.category, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH');
    assert.equal(n.subcategory, 'KEYWORD_HATE_SPEECH');
    assert.equal(n.language, 'fr');
    assert.equal(n.locations[0]?.url, url);
    assert.equal(n.evidence.length, 1);
    assert.deepEqual(n.notifier, { name: 'Camille Martin', email: 'camille@example.org' });
    assert.deepEqual(problems, []);
  });

  it('in English: tracks the notice with its reference and token (the token only in a header)', async () => {
    assert.ok(reference, 'needs the notice of the first test');
    const { page, problems } = await env.newPage({ locale: 'en-GB' });
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`/track?ref=${reference}`);
    await page.getByRole('heading', { level: 1, name: 'Follow a report' }).waitFor();
    assert.equal(await page.getByLabel('Reference').inputValue(), reference);
    await page.getByLabel('Tracking token').fill(token);
    await page.getByRole('button', { name: 'Show the status' }).click();
    await page.getByRole('heading', { level: 2, name: `Report ${reference}` }).waitFor();
    const status = (await page.locator('.result .badge').first().textContent()) ?? '';
    assert.ok(['Received', 'Being reviewed'].includes(status), status);
    await page.getByText('Illegal or harmful speech').waitFor();
    await page.getByText('No decision has been taken yet. We will tell you when it is.').waitFor();
    assert.ok(!urls.some((u) => u.includes(token)), 'the token never goes in a URL');
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'track-en');

    // A wrong token: said next to the field, in the summary.
    await page.getByLabel('Tracking token').fill('x'.repeat(32));
    await page.getByRole('button', { name: 'Show the status' }).click();
    await page.getByRole('alert').filter({ hasText: 'No report matches this reference and token.' }).waitFor();
    assert.deepEqual(problems, []);
  });

  it('an invalid notice: errors next to the fields and a summary (role="alert") that takes the focus', async () => {
    const { page, problems } = await env.newPage({ locale: 'fr-FR' });
    await page.goto('/report');
    await page.getByLabel(/^Catégorie/).selectOption({ label: 'Arnaques et/ou fraudes' });
    await page.getByLabel('Adresse (URL) du contenu').fill('pas une adresse');
    await page.getByLabel('Votre nom').fill('Camille Martin');
    await page.getByLabel('Votre adresse e-mail').fill('camille@example.org');
    await page.getByLabel(/Je confirme de bonne foi/).check();
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    await alert.getByText('Expliquez pourquoi le contenu est illicite (10 caractères au moins).').waitFor();
    await alert.getByText(/Saisissez l'adresse complète du contenu/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'alert');
    // Next to each field, linked by aria-describedby.
    const explanation = page.getByLabel('Explication');
    assert.equal(await explanation.getAttribute('aria-invalid'), 'true');
    assert.match((await explanation.getAttribute('aria-describedby')) ?? '', /report-explanation-error/);
    assert.equal(await page.locator('#report-explanation-error').textContent(), 'Expliquez pourquoi le contenu est illicite (10 caractères au moins).');
    const urlField = page.getByLabel('Adresse (URL) du contenu');
    assert.match((await urlField.getAttribute('aria-describedby')) ?? '', /report-loc-0-url-error/);
    await page.locator('#report-loc-0-url-error').waitFor();
    assert.deepEqual(await axeSerious(page), []);

    // A summary link moves the focus to its field.
    await alert.getByRole('link', { name: /Expliquez pourquoi/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'report-explanation');

    // Too many evidence files: refused before sending, with a clear message.
    await page.getByLabel('Explication').fill('Une arnaque qui vole les coordonnées bancaires.');
    await page.getByLabel('Adresse (URL) du contenu').fill('https://shop.example/arnaque');
    await page
      .getByLabel('Fichiers')
      .setInputFiles(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`preuve ${i}`) })));
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await page.getByRole('alert').getByText('Choisissez 5 fichiers au plus.').waitFor();
    assert.deepEqual(problems, []);
  });

  it('child sexual abuse only: the anonymous option hides name and email; the notice has no notifier', async () => {
    const { page, problems } = await env.newPage({ locale: 'fr-FR' });
    await page.goto('/report');
    await page.getByLabel(/^Catégorie/).selectOption({ label: 'Protection des mineurs' });
    assert.equal(await page.getByLabel(/Signaler anonymement/).count(), 0, 'not offered without the sub-category');
    await page.getByLabel('Sous-catégorie (facultatif)').selectOption({ label: 'Contenu pédocriminel (abus sexuels sur mineurs)' });
    await page.getByLabel(/Signaler anonymement/).check();
    assert.equal(await page.getByLabel('Votre nom').count(), 0);
    assert.equal(await page.getByLabel('Votre adresse e-mail').count(), 0);
    const csamUrl = `https://images.example/${crypto.randomUUID()}`;
    await page.getByLabel('Adresse (URL) du contenu').fill(csamUrl);
    await page.getByLabel('Explication').fill('Image d’abus sexuel sur un enfant.');
    await page.getByLabel(/Je confirme de bonne foi/).check();
    assert.deepEqual(await axeSerious(page), []);
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await page.getByRole('heading', { level: 1, name: 'Signalement reçu' }).waitFor();
    const ref = (await page.getByTestId('receipt-reference').textContent())?.trim() ?? '';
    const n = await findNotice(ref);
    assert.equal(n.subcategory, 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL');
    assert.equal(n.notifier, null);

    // Another sub-category: the option disappears and name and email are back.
    await page.goto('/report');
    await page.getByLabel(/^Catégorie/).selectOption({ label: 'Protection des mineurs' });
    await page.getByLabel('Sous-catégorie (facultatif)').selectOption({ label: 'Défis dangereux' });
    assert.equal(await page.getByLabel(/Signaler anonymement/).count(), 0);
    await page.getByLabel('Votre nom').waitFor();
    assert.deepEqual(problems, []);
  });

  it('help and remedies: renders in French whether or not the resources endpoint answers', async () => {
    const { page, problems } = await env.newPage({ locale: 'fr-FR' });
    await page.goto('/help');
    await page.getByRole('heading', { level: 1, name: 'Aide et recours' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    assert.equal(await page.getByLabel('Pays').inputValue(), 'FR');
    await page.getByLabel("Type d'atteinte").selectOption({ label: 'Harcèlement' });
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    const unavailable = await page.getByText(/n'est pas encore disponible/).count();
    const listed = await page.locator('ul.resources > li').count();
    const none = await page.getByText("Aucune ressource n'est encore répertoriée pour ce choix.").count();
    assert.ok(unavailable + listed + none >= 1, 'resources, none, or the endpoint is not there yet');
    assert.equal(await page.locator('p.error').count(), 0, 'no generic error');
    for (const a of await page.locator('ul.resources a[href^="http"]').all()) assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'help-fr');
    assert.deepEqual(problems, []);
  });

  it('the statement of reasons opens with the token from the fragment (English); an appeal is lodged', async () => {
    const mod = await env.h.user('moderator');
    const opened = await openCase(env.h, `https://forum.example/t/statement-${crypto.randomUUID()}`);
    const decision = await claimAndDecide<{ id: string; appeal_token: string }>(env.h, opened.caseId, mod, {
      ...RESTRICTION_DETAILS,
      affected_user: { email: 'author@example.org', locale: 'fr' },
    });
    assert.ok(decision.appeal_token);

    const { page, problems } = await env.newPage({ locale: 'en-GB' });
    const requests: Array<{ url: string; header: string | undefined }> = [];
    page.on('request', (r) => requests.push({ url: r.url(), header: r.headers()['x-appeal-token'] }));
    await page.goto(`/statements/default/${decision.id}#token=${decision.appeal_token}`);
    await page.getByRole('heading', { level: 1, name: 'Statement of reasons' }).waitFor();
    await page.getByText('Content removed', { exact: true }).first().waitFor();
    await page.getByText('Loi du 29 juillet 1881, art. 24').first().waitFor();
    await page.getByRole('heading', { name: 'Contesting the decision' }).waitFor();
    const api = requests.filter((r) => r.url.includes('/v1/public/') && r.url.includes('/statement'));
    assert.ok(api.length > 0);
    assert.ok(api.every((r) => !r.url.includes(decision.appeal_token) && r.header === decision.appeal_token), 'the token goes in the header only');
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'statement-en');

    await page.getByLabel('Why do you contest this decision?').fill('The post quoted the slogan to criticise it; the thread shows it.');
    await page.getByRole('button', { name: 'Send my appeal' }).click();
    await page.getByRole('heading', { name: 'Appeal received' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);
    await page.getByRole('button', { name: 'Show where it stands' }).click();
    await page.getByText('Your appeal is being reviewed. We will tell you the outcome.').waitFor();

    const senior = await env.h.user('senior_moderator');
    const appeals = await env.h.request('GET', '/v1/services/default/appeals', { auth: senior });
    assert.equal(appeals.statusCode, 200, appeals.body);
    assert.ok(JSON.stringify(appeals.json()).includes(decision.id), 'the appeal is open on the decision');

    // Without the fragment: a form to paste the token.
    const other = await env.newPage({ locale: 'en-GB' });
    await other.page.goto(`/statements/default/${decision.id}`);
    await other.page.getByLabel('Appeal token').fill(decision.appeal_token);
    await other.page.getByRole('button', { name: 'Show the statement' }).click();
    await other.page.getByText('Content removed', { exact: true }).first().waitFor();
    assert.deepEqual(other.problems, []);
    assert.deepEqual(problems, []);
  });
});
