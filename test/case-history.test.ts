/** A case's history from the audit log, for the moderators who can see the case (GET …/cases/{id}/history). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Harness, Session } from './helpers.ts';
import { claimAndDecide, openCase, startModeratorHarness } from './support/cases.ts';
import { RESTRICTION_DETAILS } from './support/fixtures.ts';

const S = '/v1/services/default';

describe('case history', () => {
  let h: Harness;
  let mod: Session;
  before(async () => {
    ({ h, mod } = await startModeratorHarness());
  });
  after(async () => h.close());

  it('lists who did what on the case and its decision, oldest first, with names; not the events’ data', async () => {
    const { caseId } = await openCase(h, 'https://forum.example/t/history-1');
    assert.equal((await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: mod })).statusCode, 200);
    assert.equal((await h.request('POST', `${S}/cases/${caseId}/notes`, { auth: mod, body: { body: 'Seen before.' } })).statusCode, 201);
    const d = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: mod, body: RESTRICTION_DETAILS });
    assert.equal(d.statusCode, 201, d.body);
    const res = await h.request('GET', `${S}/cases/${caseId}/history`, { auth: mod });
    assert.equal(res.statusCode, 200, res.body);
    const items = (res.json() as { items: Array<{ id: number; action: string; actor_type: string; actor_name: string | null; subject_type: string }> }).items;
    const actions = items.map((i) => i.action);
    for (const a of ['case.claimed', 'case.note_added', 'decision.taken']) assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);
    assert.deepEqual([...items].sort((a, b) => a.id - b.id), items, 'oldest first');
    const taken = items.find((i) => i.action === 'decision.taken');
    assert.equal(taken?.subject_type, 'decision');
    assert.equal(taken?.actor_type, 'user');
    assert.ok(taken?.actor_name);
    assert.ok(!('data' in (taken ?? {})), 'no event data (personal data stays in the audit log)');
  });

  it('is refused to callers who cannot see the case', async () => {
    const { caseId } = await openCase(h, 'https://forum.example/t/history-2');
    await claimAndDecide(h, caseId, mod, RESTRICTION_DETAILS);
    const flagger = await h.apiKey('trusted_flagger');
    assert.equal((await h.request('GET', `${S}/cases/${caseId}/history`, { auth: flagger })).statusCode, 403);
    assert.equal((await h.request('GET', `${S}/cases/00000000-0000-4000-8000-000000000000/history`, { auth: mod })).statusCode, 404);
  });
});
