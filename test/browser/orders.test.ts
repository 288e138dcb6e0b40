/**
 * Orders from authorities in Chromium: an authority's key submits a TCO removal order; a legal member sees it in
 * /orders with its live deadline, opens it and, once a moderator decided its case, gives it effect naming that
 * decision; the authority then reads the order with effect given. And a referral made from the case page.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { claimCase, openCase } from '../support/cases.ts';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';
import { REMOVAL_DECISION } from '../support/fixtures.ts';

const S = '/v1/services/default';


interface Order {
  id: string;
  status: string;
  case_id?: string;
  effect: { given_at: string; description: string; decision_ids: string[] } | null;
  messages: Array<{ kind: string; body: Record<string, unknown> }>;
}

describe('orders from authorities in the console', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('a removal order from an authority key is given effect by legal staff in the console; the authority reads it back', async () => {
    const { h } = env;
    const admin = await h.user('admin');
    const mod = await h.user('moderator');
    await h.user('legal', { email: 'legal@example.org' });

    // An authority and its API key, through the API.
    const a = await h.request('POST', `${S}/authorities`, {
      auth: admin,
      body: { name: 'OCLCTIC – Police nationale', member_state: 'FR', kind: 'law_enforcement', order_types: ['removal_order', 'order_to_act'], contact_email: 'orders@authority.example' },
    });
    assert.equal(a.statusCode, 201, a.body);
    const authorityId = (a.json() as { id: string }).id;
    const k = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: 'OCLCTIC key', role: 'authority', authority_id: authorityId } });
    assert.equal(k.statusCode, 201, k.body);
    const key = { key: (k.json() as { key: string }).key };

    // The authority submits a TCO removal order: due one hour after receipt.
    const reference = `TCO-${crypto.randomUUID().slice(0, 8)}`;
    const sent = await h.request('POST', `${S}/orders`, {
      auth: key,
      body: {
        type: 'removal_order',
        legal_basis: 'Regulation (EU) 2021/784, Art. 3; Code pénal, art. 421-2-5',
        issuing_member_state: 'FR',
        reference,
        category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
        keyword: 'KEYWORD_TERRORIST_CONTENT',
        statement_of_reasons: 'The video glorifies a terrorist attack and calls for new ones.',
        items: [{ url: 'https://forum.example/v/8812' }],
      },
    });
    assert.equal(sent.statusCode, 201, sent.body);
    const orderId = (sent.json() as Order).id;

    // Legal staff find it in /orders (the nav link), with its live deadline.
    const { page, problems } = await env.newPage();
    await signIn(page, 'legal@example.org');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Orders from authorities' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(reference) });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Removal order \(TCO Art\. 3\).*FR.*Due in (59|60) minutes.*Acknowledged/);
    assert.deepEqual(await axeSerious(page), []);
    // The filters: none overdue.
    await page.getByLabel('Deadline').selectOption('true');
    await page.getByText('No order matches.').waitFor();
    await page.getByLabel('Deadline').selectOption('');
    await row.getByRole('link', { name: reference }).click();
    await page.getByRole('heading', { level: 1, name: `Order ${reference}` }).waitFor();
    await page.getByText('No decision on its case yet: a moderator decides it in the workspace.').waitFor();

    // A moderator decides the order's case (through the API).
    const full = (await h.request('GET', `${S}/orders/${orderId}`, { auth: admin })).json() as Order;
    assert.ok(full.case_id);
    await claimCase(h, full.case_id, mod);
    const decided = await h.request('POST', `${S}/cases/${full.case_id}/decisions`, { auth: mod, body: REMOVAL_DECISION });
    assert.equal(decided.statusCode, 201, decided.body);
    const decisionId = (decided.json() as { id: string }).id;

    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Order ${reference}` }).waitFor();
    const decision = page.getByRole('checkbox', { name: /Restrict the content/ });
    await decision.waitFor();
    assert.equal(await decision.isChecked(), true, 'the restriction in force is named by default');
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /Due in (59|60|58) minutes/);
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'orders-en');

    // Without a description: the field's reason from the API, nothing given.
    await page.getByRole('button', { name: 'Give effect and tell the authority' }).click();
    await page.getByRole('alert').filter({ hasText: 'description' }).waitFor();
    await page.locator('#effect-description-error').waitFor();
    assert.equal(await page.locator('#effect-description').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('What was done and when').fill('The video was removed in all member states.');
    await page.getByRole('button', { name: 'Give effect and tell the authority' }).click();
    await page.getByRole('status').filter({ hasText: 'Effect given; the authority is told.' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Effect given' }).waitFor();
    const messages = page.locator('ol.history');
    await messages.getByText('Acknowledgement of receipt').waitFor();
    await messages.getByText(/Effect given — The video was removed/).waitFor();
    assert.deepEqual(await axeSerious(page), []);

    // The authority reads its order: effect given, with the decision and the message.
    const read = await h.request('GET', `${S}/orders/${orderId}`, { auth: key });
    assert.equal(read.statusCode, 200, read.body);
    const seen = read.json() as Order;
    assert.equal(seen.status, 'effect_given');
    assert.deepEqual(seen.effect?.decision_ids, [decisionId]);
    assert.equal(seen.effect?.description, 'The video was removed in all member states.');
    assert.deepEqual(seen.messages.map((m) => m.kind), ['acknowledgement', 'effect']);
    assert.equal(seen.case_id, undefined, 'the authority does not see our case');

    // In French too; the order's case opens in the workspace.
    await page.getByRole('button', { name: 'Français', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Injonction ${reference}` }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Exécution' }).waitFor();
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /Injonction de retrait \(TCO, art\. 3\).*France \(FR\).*Exécutée/);
    assert.deepEqual(await axeSerious(page), []);
    await page.getByRole('link', { name: "Ouvrir son dossier dans l'espace de modération" }).click();
    await page.getByRole('heading', { level: 1, name: 'Dossier' }).waitFor();
    assert.match(page.url(), new RegExp(`/console/cases/${full.case_id}$`));
    assert.deepEqual(problems, []);
  });

  it('a moderator refers a case to PHAROS from the case page and gets its export', async () => {
    const { h } = env;
    const legal = await h.user('legal');
    await h.user('moderator', { email: 'referrer@example.org' });
    const { caseId } = await openCase(h, 'https://forum.example/t/threat-to-a-school');

    const { page, problems } = await env.newPage();
    await signIn(page, 'referrer@example.org');
    await page.goto(`/console/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: 'Case' }).waitFor();
    await page.getByText('Refer to an authority / hotline').click();
    await page.getByLabel('Threat to life or safety (DSA Art. 18)').check();
    const recipient = page.getByLabel('Recipient');
    await recipient.locator('option', { hasText: 'PHAROS' }).waitFor({ state: 'attached' });
    await recipient.selectOption({ label: 'PHAROS (internet-signalement.gouv.fr), police and gendarmerie (FR)' });
    assert.equal(await page.getByLabel('Member state concerned').inputValue(), 'FR', "the recipient's member state");
    await page.getByLabel('Facts', { exact: true }).fill('A user announces, with a date and a place, an attack on a named school in Lyon.');
    await page.getByLabel('Time zone of the place').fill('Europe/Paris');
    await page.getByLabel('Suspect accounts (optional)').fill('user:88121');
    assert.deepEqual(await axeSerious(page), []);
    await page.getByRole('button', { name: 'Send the referral' }).click();
    const done = page.getByRole('status').filter({ hasText: /Referred to PHAROS/ });
    await done.waitFor();
    const link = done.getByRole('link', { name: 'Download its export (JSON)' });
    assert.match((await link.getAttribute('download')) ?? '', /^referral-[0-9a-f-]+\.json$/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as Record<string, unknown>;
    assert.equal(exported.format, 'vigie.referral/1');
    assert.equal(exported.member_state_concerned, 'FR');
    assert.deepEqual(exported.suspect_accounts, ['user:88121']);
    assert.deepEqual(await axeSerious(page), []);

    const list = await h.request('GET', `${S}/referrals?case_id=${caseId}`, { auth: legal });
    assert.equal(list.statusCode, 200, list.body);
    const items = (list.json() as { items: Array<{ kind: string; recipient: { id: string } }> }).items;
    assert.equal(items.length, 1);
    assert.equal(items[0]?.kind, 'threat_to_life_or_safety');
    assert.equal(items[0]?.recipient.id, 'fr-pharos');
    assert.deepEqual(problems, []);
  });
});
