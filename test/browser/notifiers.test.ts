/**
 * Notifiers in Chromium: a moderator marks a notice manifestly unfounded on its decided case; an administrator
 * registers an organisation with its API key and marks it a trusted flagger for one category, then warns,
 * suspends (refused before the warning, with the server's reason) and lifts a person who sent manifestly
 * unfounded notices. axe on every view; no page error.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from '../../src/db/index.ts';
import { notice } from '../helpers.ts';
import { claimAndDecide } from '../support/cases.ts';
import { axeSerious, screenshot, signIn, startConsole, type ConsoleEnv } from './support.ts';

const S = '/v1/services/default';
const PUBLIC = '/v1/public/services/default/notices';
const HATE = 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH';
const NO_ACTION = { outcome: 'no_action', decision_facts: 'The post is a cooking recipe; nothing in it is illegal.' };

describe('notifiers in the console', () => {
  let env: ConsoleEnv;
  before(async () => {
    env = await startConsole();
  });
  after(async () => env.close());

  it('a moderator marks a notice unfounded; an administrator trusts an organisation, warns, suspends and lifts a notifier', async () => {
    const { h } = env;
    const admin = await h.user('admin', { email: 'nf-admin@example.org' });
    const mod = await h.user('moderator', { email: 'nf-mod@example.org' });
    assert.equal((await h.request('PUT', `${S}/notifier-policy`, { auth: admin, body: { unfounded_threshold: 2, window_days: 90 } })).statusCode, 200);

    // Two notices from one person, both decided "no action"; the first assessed through the API.
    const email = `flood-${crypto.randomUUID().slice(0, 8)}@example.org`;
    const seeded: Array<{ id: string; reference: string; case_id: string; notifier_id: string }> = [];
    for (let i = 0; i < 2; i++) {
      const res = await h.request('POST', PUBLIC, { body: notice({ language: 'en', notifier: { name: 'Flo', email }, locations: [{ url: `https://forum.example/r/${crypto.randomUUID()}` }] }) });
      assert.equal(res.statusCode, 201, res.body);
      const { reference } = res.json() as { reference: string };
      const r = await sql<{ id: string; case_id: string; notifier_id: string }>`
        select n.id, l.case_id, n.notifier_id from notices n join notice_locations l on l.notice_id = n.id where n.reference = ${reference}`.execute(h.db);
      const row = r.rows[0] as { id: string; case_id: string; notifier_id: string };
      await claimAndDecide(h, row.case_id, mod, NO_ACTION);
      seeded.push({ ...row, reference });
    }
    const [first, second] = seeded as [(typeof seeded)[0], (typeof seeded)[0]];
    const assessed = await h.request('POST', `${S}/notices/${first.id}/assessment`, { auth: mod, body: { reason: 'A recipe.' } });
    assert.equal(assessed.statusCode, 200, assessed.body);

    // The second one on its case page, as the moderator.
    {
      const { page, problems } = await env.newPage();
      await signIn(page, 'nf-mod@example.org');
      await page.goto(`/console/cases/${second.case_id}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.getByRole('button', { name: `Mark manifestly unfounded — ${second.reference}` }).click();
      const reason = page.getByRole('group', { name: `Notice ${second.reference}: manifestly unfounded` }).getByLabel('Reason', { exact: true });
      await reason.fill('A recipe again; nothing illegal.');
      assert.deepEqual(await axeSerious(page), []);
      await page.getByRole('button', { name: 'Mark manifestly unfounded', exact: true }).click();
      await page.getByRole('status').filter({ hasText: `Notice ${second.reference} is marked manifestly unfounded.` }).waitFor();
      const row = await sql<{ manifestly_unfounded: boolean; reason: string }>`select manifestly_unfounded, reason from notice_assessments where notice_id = ${second.id}`.execute(h.db);
      assert.deepEqual(row.rows[0], { manifestly_unfounded: true, reason: 'A recipe again; nothing illegal.' });
      assert.deepEqual(await axeSerious(page), []);
      assert.deepEqual(problems, []);
    }

    // An organisation's API key (through the API), registered and trusted in the console.
    const created = await h.request('POST', `${S}/api-keys`, { auth: admin, body: { name: 'vigilance key', role: 'trusted_flagger' } });
    assert.equal(created.statusCode, 201, created.body);
    const key = created.json() as { id: string; key: string };

    const { page, problems } = await env.newPage();
    await signIn(page, 'nf-admin@example.org');
    await page.goto('/admin');
    await page.getByRole('button', { name: 'Notifiers' }).click();
    await page.getByRole('heading', { level: 2, name: 'Notifiers' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);

    await page.getByLabel('Name', { exact: true }).fill('Association Vigilance');
    await page.getByRole('checkbox', { name: /vigilance key/ }).check();
    await page.getByRole('button', { name: 'Register the organisation' }).click();
    await page.getByRole('status').filter({ hasText: '“Association Vigilance” is registered.' }).waitFor();
    // Its details open: mark it a trusted flagger for hate speech, with its designation.
    await page.getByRole('heading', { level: 3, name: 'Association Vigilance' }).waitFor();
    await page.getByLabel('Trusted flagger', { exact: true }).check();
    await page.getByRole('group', { name: 'Areas of expertise' }).getByLabel('Illegal or harmful speech').check();
    await page.getByLabel('Digital Services Coordinator').fill('Arcom');
    await page.getByLabel('Member state').selectOption('FR');
    await page.getByLabel('Designated on').fill('2025-01-15');
    await page.getByLabel('Reason for this change').fill('Designated by Arcom on 2025-01-15.');
    await page.getByRole('button', { name: 'Save the trusted-flagger status' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).first().waitFor();
    await page.getByRole('cell', { name: 'Trusted-flagger status granted' }).waitFor();
    const org = await sql<{ id: string; trusted_flagger: boolean; expertise: string[]; designation_coordinator: string }>`
      select n.id, n.trusted_flagger, n.expertise, n.designation_coordinator from notifiers n join notifier_keys k on k.notifier_id = n.id where k.api_key_id = ${key.id}`.execute(h.db);
    assert.deepEqual(org.rows.map((r) => [r.trusted_flagger, r.expertise, r.designation_coordinator]), [[true, [HATE], 'Arcom']]);
    assert.deepEqual(await axeSerious(page), []);
    // Its notices in that category are trusted now.
    const sent = await h.request('POST', `${S}/notices`, { auth: { key: key.key }, body: notice({ locations: [{ url: `https://forum.example/tf/${crypto.randomUUID()}` }] }) });
    assert.equal(sent.statusCode, 201, sent.body);
    const trusted = await sql<{ trusted: boolean }>`select trusted from notices where reference = ${(sent.json() as { reference: string }).reference}`.execute(h.db);
    assert.equal(trusted.rows[0]?.trusted, true);

    // Filter to trusted flaggers: the organisation, with its badge.
    await page.getByLabel('Trusted flaggers').selectOption('true');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('row', { name: /Association Vigilance/ }).getByText('Trusted flagger', { exact: true }).waitFor();
    assert.equal(await page.getByRole('row', { name: /Person \(email protected\)/ }).count(), 0);

    // The person who sent the unfounded notices: statistics, then suspension (refused before a warning), warning, suspension, lift.
    await page.getByLabel('Trusted flaggers').selectOption('');
    await page.getByLabel('Kind', { exact: true }).selectOption('email');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const shortId = first.notifier_id.slice(0, 8);
    await page.getByRole('button', { name: `Details — Person (email protected) ${shortId}` }).click();
    const detail = page.locator('section[aria-labelledby="nf-detail-title"]');
    await detail.getByText('2 manifestly unfounded notices among its 2 notices of the last 90 days; the suspension threshold is 2.').waitFor();
    await detail.locator('div', { hasText: /^Manifestly unfounded/ }).getByText('2').waitFor();
    await detail.locator('div', { hasText: /^Precision/ }).getByText('0%').waitFor();

    await page.getByLabel('Reason for the suspension').fill('Unfounded notices continued.');
    await page.getByLabel('Length (days, 1 to 365)').fill('14');
    await page.getByRole('button', { name: 'Suspend the notifier' }).click();
    await page.getByRole('alert').filter({ hasText: 'warn the notifier first' }).waitFor();
    await page.getByRole('alert').filter({ hasText: 'not warned since its last suspension' }).waitFor();
    assert.deepEqual(await axeSerious(page), []);

    await page.getByLabel('Reason for the warning').fill('Two notices about plainly lawful recipes.');
    await page.getByRole('button', { name: 'Warn the notifier' }).click();
    await page.getByRole('status').filter({ hasText: 'Warning recorded.' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'The notifier is told by email' }).waitFor();
    await detail.getByText('Warned', { exact: true }).first().waitFor();

    // A bad length comes back next to its field; then a good one.
    await page.getByLabel('Length (days, 1 to 365)').fill('400');
    await page.getByRole('button', { name: 'Suspend the notifier' }).click();
    await page.locator('#nf-suspend-days-error').filter({ hasText: 'at most 365 days' }).waitFor();
    assert.equal(await page.getByLabel('Length (days, 1 to 365)').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Length (days, 1 to 365)').fill('14');
    await page.getByRole('button', { name: 'Suspend the notifier' }).click();
    await page.getByRole('status').filter({ hasText: 'Suspended until' }).waitFor();
    await page.getByRole('cell', { name: 'Suspension', exact: true }).waitFor();
    const outbox = await sql<{ template: string }>`
      select o.template from outbox o join notifier_actions a on a.id = o.notifier_action_id where a.notifier_id = ${first.notifier_id} order by o.created_at`.execute(h.db);
    assert.deepEqual(outbox.rows.map((r) => r.template), ['notifier_warning', 'notifier_suspension']);
    assert.deepEqual(await axeSerious(page), []);
    await screenshot(page, 'admin-notifiers-en');

    await page.getByLabel('Reason for lifting').fill('The notifier explained its mistake.');
    await page.getByRole('button', { name: 'Lift the suspension' }).click();
    await page.getByRole('status').filter({ hasText: 'The suspension is lifted.' }).waitFor();
    await page.getByRole('cell', { name: 'Suspension lifted' }).waitFor();
    const status = await sql<{ status: string }>`select status from notifiers where id = ${first.notifier_id}`.execute(h.db);
    assert.equal(status.rows[0]?.status, 'active');
    assert.deepEqual(await axeSerious(page), []);

    // The threshold form.
    await page.getByLabel('Manifestly unfounded notices', { exact: true }).fill('4');
    await page.getByLabel('Within (days)').fill('120');
    await page.getByRole('button', { name: 'Save the threshold' }).click();
    await page.locator('form[aria-labelledby="nf-policy-title"]').getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const policy = (await h.request('GET', `${S}/notifier-policy`, { auth: admin })).json() as { unfounded_threshold: number; window_days: number };
    assert.deepEqual(policy, { unfounded_threshold: 4, window_days: 120 });
    assert.deepEqual(problems, []);
  });
});
