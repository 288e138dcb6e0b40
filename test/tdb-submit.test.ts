import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { submitDueStatements, tdbPeriodicTasks } from '../src/decisions/tdb-submit.ts';
import { startTdbServer, type TdbServer } from './support/tdb-server.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';
import { claimAndDecide, openCase } from './support/cases.ts';
import { RESTRICTION_DETAILS } from './support/fixtures.ts';

const S = '/v1/services/default';

interface Sub {
  puid: string;
  status: string;
  attempts: number;
  in_doubt: boolean;
  last_error: string | null;
  tdb_uuid: string | null;
  due_in_s: number;
}

async function decideCase(h: Harness, mod: Session): Promise<string> {
  const { caseId } = await openCase(h, `https://forum.example/t/tdb-${crypto.randomUUID()}`);
  return (await claimAndDecide<{ statement: { puid: string } }>(h, caseId, mod, RESTRICTION_DETAILS)).statement.puid;
}

async function subs(h: Harness, puids: string[]): Promise<Map<string, Sub>> {
  const r = await sql<Sub>`
    select puid, status, attempts, in_doubt, last_error, tdb_uuid,
           extract(epoch from next_attempt_at - now())::float8 as due_in_s
    from tdb_submissions where puid = any(${puids}::text[])`.execute(h.db);
  return new Map(r.rows.map((x) => [x.puid, x]));
}

/** Time travel: every pending submission is due now. */
const makeDue = (h: Harness) => sql`update tdb_submissions set next_attempt_at = now() where status = 'pending'`.execute(h.db);

const posts = (tdb: TdbServer) => tdb.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statements');
const checks = (tdb: TdbServer) => tdb.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/statement/existing-puid/'));
const sentPuids = (body: unknown) => ((body as { statements: Array<{ puid: string }> }).statements ?? []).map((s) => s.puid);

describe('Transparency Database submission', () => {
  let tdb: TdbServer;
  let h: Harness;
  let mod: Session;
  let legal: Session;
  const run = (opts: { fetch?: typeof fetch } = {}) => submitDueStatements(h.db, h.config, opts);

  before(async () => {
    tdb = await startTdbServer();
    h = await startHarness({ tdbApiUrl: tdb.url, tdbApiToken: tdb.token, tdbBatchSize: 2, tdbTimeoutMs: 2000 });
    [mod, legal] = await Promise.all([h.user('moderator'), h.user('legal')]);
  });
  after(async () => {
    await h?.close();
    await tdb?.close();
  });

  it('queues each statement with its decision and submits them in batches, with their TDB uuids', async () => {
    const puids: string[] = [];
    for (let i = 0; i < 5; i++) puids.push(await decideCase(h, mod));
    const before = await subs(h, puids);
    assert.deepEqual([...before.values()].map((s) => s.status), ['pending', 'pending', 'pending', 'pending', 'pending']);
    assert.equal(tdbPeriodicTasks(h.db, h.config).length, 1);

    const result = await run();
    assert.deepEqual(result, { enabled: true, batches: 3, submitted: 5, dead: 0, retried: 0 });
    assert.deepEqual(posts(tdb).map((r) => sentPuids(r.body).length), [2, 2, 1]);
    const after = await subs(h, puids);
    for (const p of puids) {
      const stored = tdb.statements.find((s) => s.puid === p);
      assert.ok(stored, `${p} stored in the TDB`);
      assert.equal(after.get(p)?.status, 'submitted');
      assert.equal(after.get(p)?.tdb_uuid, stored.uuid);
    }
    const audit = await sql<{ action: string; n: number }>`
      select action, count(*)::int as n from audit_events where subject_id = any(${puids}::text[]) and action like 'tdb_submission.%'
      group by action order by action`.execute(h.db);
    assert.deepEqual(audit.rows, [
      { action: 'tdb_submission.queued', n: 5 },
      { action: 'tdb_submission.submitted', n: 5 },
    ]);
    assert.deepEqual(await run(), { enabled: true, batches: 0, submitted: 0, dead: 0, retried: 0 }, 'nothing left to send');
  });

  it('retries after a 500 with backoff, checking first that nothing was stored; no puid twice on the server', async () => {
    const puids = [await decideCase(h, mod), await decideCase(h, mod)];
    const postsBefore = posts(tdb).length;
    tdb.failNext(1, 500);
    assert.equal((await run()).retried, 2);
    let s = await subs(h, puids);
    for (const p of puids) {
      const row = s.get(p) as Sub;
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 1);
      assert.equal(row.in_doubt, true);
      assert.match(row.last_error ?? '', /HTTP 500/);
      assert.ok(row.due_in_s > 1, 'backoff');
    }
    assert.equal((await run()).batches, 0, 'not due yet');
    await makeDue(h);
    const checksBefore = checks(tdb).length;
    assert.equal((await run()).submitted, 2);
    assert.equal(checks(tdb).length - checksBefore, 2, 'existence checked before resending');
    assert.equal(posts(tdb).length - postsBefore, 2);
    s = await subs(h, puids);
    assert.ok(puids.every((p) => s.get(p)?.status === 'submitted' && s.get(p)?.tdb_uuid));
    const all = tdb.statements.map((x) => x.puid);
    assert.equal(new Set(all).size, all.length, 'no duplicate puid on the server');
  });

  it('does not resend statements the TDB stored although it answered with an error', async () => {
    const puids = [await decideCase(h, mod), await decideCase(h, mod)];
    tdb.failNext(1, 500, { afterStore: true });
    assert.equal((await run()).retried, 2);
    assert.ok(puids.every((p) => tdb.usedPuids().includes(p)), 'stored despite the 500');
    const postsBefore = posts(tdb).length;
    await makeDue(h);
    assert.equal((await run()).submitted, 2);
    assert.equal(posts(tdb).length, postsBefore, 'not sent again');
    const s = await subs(h, puids);
    assert.ok(puids.every((p) => s.get(p)?.status === 'submitted' && s.get(p)?.in_doubt === false));
    assert.equal(tdb.statements.filter((x) => puids.includes(x.puid)).length, 2);
  });

  it('marks puids the TDB already has (422 existing_puids) as submitted and sends the rest', async () => {
    const [known, fresh] = [await decideCase(h, mod), await decideCase(h, mod)];
    // Stored behind our back (e.g. a state lost on our side): the row is not even in doubt.
    const tdbJson = (await h.request('GET', `${S}/statements/${known}`, { auth: mod })).json() as Record<string, unknown>;
    const direct = await fetch(`${tdb.url}/api/v1/statement`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tdb.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(tdbJson),
    });
    assert.equal(direct.status, 201);
    const postsBefore = posts(tdb).length;
    assert.equal((await run()).submitted, 2);
    const calls = posts(tdb).slice(postsBefore);
    assert.deepEqual(calls.map((c) => c.status), [422, 201]);
    assert.deepEqual(sentPuids(calls[1]?.body), [fresh]);
    const s = await subs(h, [known as string, fresh as string]);
    assert.equal(s.get(known as string)?.status, 'submitted');
    assert.equal(s.get(fresh as string)?.status, 'submitted');
    assert.equal(tdb.statements.filter((x) => x.puid === known).length, 1);
  });

  it('dead-letters a statement the TDB rejects, lists it, and submits it after a replay', async () => {
    const puids = [await decideCase(h, mod), await decideCase(h, mod)];
    const bad = puids[1] as string;
    // The TDB changes its rules under us: it rejects this statement until we "fix" the server side.
    let reject = true;
    const tamper: typeof fetch = (input, init) => {
      if (reject && typeof init?.body === 'string') {
        const body = JSON.parse(init.body) as { statements?: Array<Record<string, unknown>> };
        for (const s of body.statements ?? []) if (s.puid === bad) s.decision_ground = 'DECISION_GROUND_NOT_A_GROUND';
        return fetch(input, { ...init, body: JSON.stringify(body) });
      }
      return fetch(input, init);
    };
    const result = await run({ fetch: tamper });
    assert.equal(result.submitted, 1);
    assert.equal(result.dead, 1);
    let s = await subs(h, puids);
    assert.equal(s.get(puids[0] as string)?.status, 'submitted');
    assert.equal(s.get(bad)?.status, 'dead');
    assert.match(s.get(bad)?.last_error ?? '', /decision_ground/);
    assert.ok(!tdb.usedPuids().includes(bad));

    assert.equal((await h.request('GET', `${S}/tdb-submissions?status=dead`, { auth: mod })).statusCode, 403);
    const list = await h.request('GET', `${S}/tdb-submissions?status=dead`, { auth: legal });
    assert.equal(list.statusCode, 200, list.body);
    const items = (list.json() as { items: Array<{ id: string; puid: string; status: string; last_error: string }> }).items;
    const item = items.find((i) => i.puid === bad);
    assert.ok(item && item.status === 'dead');
    assert.equal(items.every((i) => i.status === 'dead'), true);

    assert.equal((await h.request('POST', `${S}/tdb-submissions/${item.id}/replay`, { auth: mod })).statusCode, 403);
    const replay = await h.request('POST', `${S}/tdb-submissions/${item.id}/replay`, { auth: legal });
    assert.equal(replay.statusCode, 200, replay.body);
    assert.equal((replay.json() as { status: string }).status, 'pending');
    assert.equal((await h.request('POST', `${S}/tdb-submissions/${item.id}/replay`, { auth: legal })).statusCode, 409);
    assert.equal((await h.request('POST', `${S}/tdb-submissions/${crypto.randomUUID()}/replay`, { auth: legal })).statusCode, 404);
    s = await subs(h, [bad]);
    assert.equal(s.get(bad)?.attempts, 0);

    reject = false;
    assert.equal((await run({ fetch: tamper })).submitted, 1);
    assert.equal((await subs(h, [bad])).get(bad)?.status, 'submitted');
    const audit = await sql<{ action: string }>`select action from audit_events where subject_id = ${bad} order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((a) => a.action), ['tdb_submission.queued', 'tdb_submission.dead', 'tdb_submission.replayed', 'tdb_submission.submitted']);

    // Keyset paging over every submitted one.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `${S}/tdb-submissions?status=submitted&limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await h.request('GET', q, { auth: legal })).json() as { items: Array<{ id: string }>; next_cursor: string | null };
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    const total = await sql<{ n: number }>`select count(*)::int as n from tdb_submissions where status = 'submitted'`.execute(h.db);
    assert.equal(seen.length, total.rows[0]?.n);
    assert.equal(new Set(seen).size, seen.length);
    assert.equal((await h.request('GET', `${S}/tdb-submissions?cursor=nope`, { auth: legal })).statusCode, 400);
  });

  it('backs off on 429 (Retry-After) without an existence check, then submits', async () => {
    const puid = await decideCase(h, mod);
    tdb.failNext(1, 429, { retryAfter: 30 });
    assert.equal((await run()).retried, 1);
    const row = (await subs(h, [puid])).get(puid) as Sub;
    assert.equal(row.in_doubt, false, 'a 429 stored nothing');
    assert.match(row.last_error ?? '', /429.*Limit Reached/);
    assert.ok(row.due_in_s > 28, `Retry-After respected (${row.due_in_s})`);
    await makeDue(h);
    const checksBefore = checks(tdb).length;
    assert.equal((await run()).submitted, 1);
    assert.equal(checks(tdb).length, checksBefore);
  });

  it('treats a timeout as in doubt, and dead-letters after the last attempt', async () => {
    const puid = await decideCase(h, mod);
    await sql`update tdb_submissions set attempts = ${h.config.tdbMaxAttempts - 1} where puid = ${puid}`.execute(h.db);
    tdb.setDelay(2500);
    try {
      assert.equal((await run()).dead, 1);
    } finally {
      tdb.setDelay(0);
    }
    const row = (await subs(h, [puid])).get(puid) as Sub;
    assert.equal(row.status, 'dead');
    assert.equal(row.in_doubt, true);
    assert.match(row.last_error ?? '', /timeout/);
    // The late request stored it: the replay finds it there and does not send it again.
    for (let i = 0; i < 50 && !tdb.usedPuids().includes(puid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(tdb.usedPuids().includes(puid));
    const postsBefore = posts(tdb).length;
    const id = await sql<{ id: string }>`select statement_id as id from tdb_submissions where puid = ${puid}`.execute(h.db);
    assert.equal((await h.request('POST', `${S}/tdb-submissions/${id.rows[0]?.id}/replay`, { auth: legal })).statusCode, 200);
    assert.equal((await run()).submitted, 1);
    assert.equal(posts(tdb).length, postsBefore);
  });
});

describe('Transparency Database submission, not configured', () => {
  it('keeps statements pending and sends nothing when TDB_API_URL is unset', async () => {
    const tdb = await startTdbServer();
    const h = await startHarness({ tdbApiToken: tdb.token });
    try {
      const mod = await h.user('moderator');
      const puid = await decideCase(h, mod);
      assert.deepEqual(await submitDueStatements(h.db, h.config), { enabled: false, batches: 0, submitted: 0, dead: 0, retried: 0 });
      assert.deepEqual(tdbPeriodicTasks(h.db, h.config), []);
      assert.equal((await subs(h, [puid])).get(puid)?.status, 'pending');
      assert.equal(tdb.requests.length, 0);
    } finally {
      await h.close();
      await tdb.close();
    }
  });
});
