/** Case helpers for tests: open a case from a public notice, claim it, decide it. */
import assert from 'node:assert/strict';
import { sql } from '../../src/db/index.ts';
import { notice, startHarness, type Harness, type Session } from '../helpers.ts';

const PUBLIC_NOTICES = '/v1/public/services/default/notices';
const S = '/v1/services/default';

/** A harness with a moderator and a senior moderator (the caller closes the harness). */
export async function startModeratorHarness(): Promise<{ h: Harness; mod: Session; senior: Session }> {
  const h = await startHarness();
  const [mod, senior] = await Promise.all([h.user('moderator'), h.user('senior_moderator')]);
  return { h, mod, senior };
}

/** Submits a public notice on `url` and returns the id of the case it opened, with the notice's receipt. */
export async function openCase(h: Harness, url: string): Promise<{ caseId: string; reference: string; trackingToken: string }> {
  const res = await h.request('POST', PUBLIC_NOTICES, { body: notice({ locations: [{ url }] }) });
  assert.equal(res.statusCode, 201, res.body);
  const receipt = res.json() as { reference: string; tracking_token: string };
  const r = await sql<{ case_id: string }>`select case_id from notice_locations where url = ${url}`.execute(h.db);
  return { caseId: r.rows[0]?.case_id as string, reference: receipt.reference, trackingToken: receipt.tracking_token };
}

/** Claims the case as `by`, asserting 200. */
export async function claimCase(h: Harness, caseId: string, by: Session): Promise<void> {
  assert.equal((await h.request('POST', `${S}/cases/${caseId}/claim`, { auth: by })).statusCode, 200);
}

/** Claims the case as `by` and decides it with `body`, asserting 200 then 201; returns the decision JSON. */
export async function claimAndDecide<T = unknown>(h: Harness, caseId: string, by: Session, body: object): Promise<T> {
  await claimCase(h, caseId, by);
  const d = await h.request('POST', `${S}/cases/${caseId}/decisions`, { auth: by, body });
  assert.equal(d.statusCode, 201, d.body);
  return d.json() as T;
}
