/**
 * The whole journey in the console, in both languages: a citizen reports content in French through the
 * public form; a moderator claims the case and decides it with the statement-of-reasons preview (English
 * console, French statement); the affected user opens the statement page from the link's token and appeals
 * in English; a senior moderator reverses the decision in French. Every page on the way passes axe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../../src/db/index.ts';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

describe('end-to-end journey in the console (FR and EN)', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('notice in French → decision with preview → appeal in English → reversal in French', async () => {
    const url = `https://forum.example/t/journey-${Date.now()}`;
    const problems: string[] = [];

    // 1. A citizen reports the post, in French.
    const citizen = await env.newPage({ locale: 'fr-FR' });
    await citizen.page.goto('/report');
    await citizen.page.getByLabel(/^Catégorie/).selectOption({ label: 'Discours illicites ou préjudiciables' });
    await citizen.page.getByLabel('Adresse (URL) du contenu').fill(url);
    await citizen.page.getByLabel('Explication').fill('Ce message appelle à la violence contre un groupe religieux.');
    await citizen.page.getByLabel('Votre nom').fill('Camille Martin');
    await citizen.page.getByLabel('Votre adresse e-mail').fill('camille@example.org');
    await citizen.page.getByLabel(/Je confirme de bonne foi/).check();
    assert.deepEqual(await axeSerious(citizen.page), []);
    await citizen.page.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await citizen.page.getByRole('heading', { level: 1, name: 'Signalement reçu' }).waitFor();
    const reference = (await citizen.page.getByTestId('receipt-reference').textContent())?.trim() ?? '';
    assert.match(reference, /^N-/);
    await screenshot(citizen.page, 'journey-1-receipt-fr');
    problems.push(...citizen.problems);

    // 2. A moderator claims it and decides, previewing the statement the affected user will read (French).
    await env.h.user('moderator', { email: 'journey-mod@example.org' });
    const mod = await env.newPage();
    await signIn(mod.page, 'journey-mod@example.org');
    await mod.page.getByRole('button', { name: 'Claim next' }).click();
    await mod.page.waitForURL('**/console/cases/*');
    await mod.page.getByText('Ce message appelle à la violence contre un groupe religieux.').waitFor();
    await mod.page.getByLabel('Content removed').check();
    await mod.page.getByLabel('Illegal content').check();
    await mod.page.getByLabel('Legal provision').fill('Loi du 29 juillet 1881, art. 24');
    await mod.page.getByLabel('Why the content falls under it').fill('The post calls for violence against people because of their religion.');
    await mod.page.getByLabel('Facts and circumstances').fill('Reported by a user; the post names a religious group and calls for attacks.');
    await mod.page.getByRole('group', { name: 'Type of content' }).getByLabel('Text').check();
    await mod.page.getByLabel('Email address').fill('author@example.org');
    await mod.page.getByLabel('Language of the statement').selectOption('en');
    await mod.page.getByTestId('preview-valid').waitFor();
    await mod.page.getByTestId('statement').getByText(/the content was removed/).waitFor();
    assert.deepEqual(await axeSerious(mod.page), []);
    await screenshot(mod.page, 'journey-2-decision-preview-en');
    const decided = mod.page.waitForResponse((r) => /\/cases\/[^/]+\/decisions$/.test(r.url()) && r.request().method() === 'POST');
    await mod.page.getByRole('button', { name: 'Take the decision' }).click();
    const decision = (await (await decided).json()) as { id: string; appeal_token: string | null };
    assert.ok(decision.appeal_token, 'the affected user gets an appeal token');
    await mod.page.getByRole('status').filter({ hasText: 'Decision taken.' }).waitFor();
    problems.push(...mod.problems);

    // 3. The affected user opens the statement from the link sent to them, and appeals, in English.
    const author = await env.newPage({ locale: 'en-GB' });
    await author.page.goto(`/statements/default/${decision.id}#token=${decision.appeal_token}`);
    await author.page.getByRole('heading', { level: 1, name: 'Statement of reasons' }).waitFor();
    await author.page.getByText('Loi du 29 juillet 1881, art. 24').first().waitFor();
    assert.deepEqual(await axeSerious(author.page), []);
    await author.page.getByLabel('Why do you contest this decision?').fill('I quoted the slogan to criticise it; the thread shows it.');
    await author.page.getByRole('button', { name: 'Send my appeal' }).click();
    await author.page.getByRole('heading', { name: 'Appeal received' }).waitFor();
    await screenshot(author.page, 'journey-3-appeal-en');
    problems.push(...author.problems);

    // 4. A senior moderator (another person) reverses it, in French.
    const seniorSession = await env.h.user('senior_moderator', { email: 'journey-senior@example.org' });
    assert.equal((await env.h.request('PATCH', '/v1/me', { auth: seniorSession, body: { locale: 'fr' } })).statusCode, 200);
    const senior = await env.newPage();
    await signIn(senior.page, 'journey-senior@example.org');
    await senior.page.getByRole('link', { name: 'Recours', exact: true }).click();
    await senior.page.getByRole('heading', { level: 1, name: 'Recours' }).waitFor();
    assert.deepEqual(await axeSerious(senior.page), []);
    await senior.page.getByRole('table').getByRole('link').first().click();
    await senior.page.getByText('I quoted the slogan to criticise it; the thread shows it.').waitFor();
    await senior.page.getByText(/Loi du 29 juillet 1881/).first().waitFor();
    await senior.page.getByLabel(/L’infirmer/).check();
    await senior.page.getByLabel('Motifs communiqués aux deux parties').fill('Le fil complet montre que le message critique le slogan.');
    assert.deepEqual(await axeSerious(senior.page), []);
    await senior.page.getByRole('button', { name: 'Statuer' }).click();
    await senior.page.getByRole('status').filter({ hasText: 'La décision est infirmée' }).waitFor();
    await screenshot(senior.page, 'journey-4-reversed-fr');
    problems.push(...senior.problems);

    // The record: the appeal is decided, a correction with no action supersedes the decision.
    const appeal = await sql<{ status: string; outcome: string; new_decision_id: string }>`select status, outcome, new_decision_id from appeals where decision_id = ${decision.id}`.execute(env.h.db);
    assert.equal(appeal.rows[0]?.outcome, 'reversed');
    const correction = await sql<{ outcome: string; supersedes_id: string }>`select outcome, supersedes_id from decisions where id = ${appeal.rows[0]?.new_decision_id}`.execute(env.h.db);
    assert.deepEqual(correction.rows[0], { outcome: 'no_action', supersedes_id: decision.id });
    assert.deepEqual(problems, []);
  });
});
