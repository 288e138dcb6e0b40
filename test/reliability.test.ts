/**
 * Durability proof: a real `vigie serve` child process takes a burst of concurrent public notices,
 * is SIGKILLed while requests are in flight, and is restarted on the same data (PGlite: the same
 * DATA_DIR, whose lock is left stale by the kill; PostgreSQL: the same DATABASE_URL).
 * Every notice that got a 201 before the kill must still be there — and nothing else:
 * requests cut by the kill are retried with their Idempotency-Key and either replay (they had
 * committed) or create the notice once. After a clean stop the audit log verifies, events of the
 * killed run included.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { BACKEND, freshDatabase, notice, tempDir, type TestDatabase } from './helpers.ts';
import { cleanUp, exited, onCleanup, request, runCli, sleep, startServer, stopServer, vigieEnv } from './process.ts';

const CONCURRENCY = 16;
/** The burst lasts at least BURST_MS and until MIN_ACKED notices were acknowledged (a loaded machine is slower), at most MAX_BURST_MS. */
const BURST_MS = 2000;
const MIN_ACKED = 50;
const MAX_BURST_MS = 20_000;
const INTAKE = '/v1/public/services/default/notices';

after(cleanUp);

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

// ── the database, read directly once the server has stopped ─────────────────────────────────────

interface DbFacts {
  references: Set<string>;
  noticesWithoutReceivedEvent: number;
  auditEvents: number;
  auditPending: number;
}

const FACTS_SQL = {
  references: `select reference from notices n join services s on s.id = n.service_id where s.slug = 'default'`,
  orphans: `select count(*)::int as n from notices n where not exists (
      select 1 from audit_events e where e.action = 'notice.received' and e.subject_type = 'notice' and e.subject_id = n.id::text)`,
  events: `select count(*)::int as n from audit_events`,
  pending: `select count(*)::int as n from audit_pending`,
};

async function readFacts(where: { dataDir: string } | { url: string }): Promise<DbFacts> {
  type Q = <R>(text: string) => Promise<R[]>;
  const collect = async (query: Q): Promise<DbFacts> => ({
    references: new Set((await query<{ reference: string }>(FACTS_SQL.references)).map((r) => r.reference)),
    noticesWithoutReceivedEvent: (await query<{ n: number }>(FACTS_SQL.orphans))[0]?.n ?? -1,
    auditEvents: (await query<{ n: number }>(FACTS_SQL.events))[0]?.n ?? -1,
    auditPending: (await query<{ n: number }>(FACTS_SQL.pending))[0]?.n ?? -1,
  });
  if ('url' in where) {
    const client = new pg.Client({ connectionString: where.url });
    await client.connect();
    try {
      return await collect(async <R>(text: string) => (await client.query(text)).rows as R[]);
    } finally {
      await client.end();
    }
  }
  const lite = await PGlite.create(path.join(where.dataDir, 'pg'));
  try {
    return await collect(async <R>(text: string) => (await lite.query<R>(text)).rows);
  } finally {
    await lite.close();
  }
}

/** PGlite: start from the runner's migrated dump when there is one (initdb + migrations cost seconds). */
async function seedDataDir(dataDir: string): Promise<void> {
  const dump = process.env.VIGIE_TEST_PGLITE_DUMP;
  if (BACKEND !== 'pglite' || !dump) return;
  const lite = await PGlite.create(path.join(dataDir, 'pg'), { loadDataDir: new Blob([fs.readFileSync(dump)]) });
  await lite.close();
}

// ── the test ─────────────────────────────────────────────────────────────────────────────────────

interface Sent {
  key: string;
  body: Record<string, unknown>;
}

test(`acknowledged notices survive SIGKILL mid-burst and the audit log verifies after restart (${BACKEND})`, async (t) => {
  const started = Date.now();
  const phases: string[] = [];
  let mark = started;
  const phase = (name: string) => {
    const now = Date.now();
    phases.push(`${name} ${((now - mark) / 1000).toFixed(1)} s`);
    mark = now;
  };
  const dataDir = tempDir('vigie-reliability-');
  onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  let tdb: TestDatabase | undefined;
  let dbEnv: Record<string, string> = { DATA_DIR: dataDir };
  if (BACKEND === 'postgres') {
    tdb = await freshDatabase();
    const drop = tdb;
    onCleanup(async () => {
      await drop.database.close();
      await drop.drop();
    });
    dbEnv = { ...dbEnv, DATABASE_URL: tdb.url ?? '' };
  } else {
    await seedDataDir(dataDir);
  }
  const env = vigieEnv(dbEnv);
  const lockPath = path.join(dataDir, 'vigie.lock');
  phase('setup');

  // 1. First run, burst, SIGKILL while requests are in flight.
  const first = await startServer(env);
  phase('start');
  if (BACKEND === 'pglite') assert.equal(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid, first.child.pid, 'the server holds the data-dir lock');

  const acked = new Map<string, { token: string; sent: Sent }>();
  const cut: Sent[] = []; // no answer: the kill hit them in flight
  const unexpected: string[] = []; // anything else is a failure
  let killed = false;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  onCleanup(() => agent.destroy());

  const loop = async () => {
    while (!killed) {
      const sent: Sent = { key: crypto.randomUUID(), body: notice() };
      try {
        const res = await request('POST', first.base + INTAKE, { body: sent.body, headers: { 'idempotency-key': sent.key }, agent });
        if (res.status === 201) {
          const receipt = JSON.parse(res.body) as { reference: string; tracking_token: string };
          acked.set(receipt.reference, { token: receipt.tracking_token, sent });
        } else unexpected.push(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      } catch (err) {
        if (killed) cut.push(sent);
        else unexpected.push(`before the kill: ${(err as Error).message}`);
      }
    }
  };
  const loops = Array.from({ length: CONCURRENCY }, loop);
  const burstStart = Date.now();
  while (Date.now() - burstStart < BURST_MS || (acked.size < MIN_ACKED && Date.now() - burstStart < MAX_BURST_MS)) await sleep(25);
  const burstMs = Date.now() - burstStart;
  const ackedBeforeKill = acked.size;
  killed = true; // set first: no loop starts a new request after this point
  first.child.kill('SIGKILL');
  const killedExit = await exited(first.child);
  await Promise.all(loops);
  agent.destroy();
  const ackedDuringKill = acked.size - ackedBeforeKill; // answered after the flag, before the process died

  assert.equal(killedExit.signal, 'SIGKILL');
  assert.deepEqual(unexpected, [], 'every request before the kill was answered 201');
  assert.ok(ackedBeforeKill >= MIN_ACKED, `the burst got ${MIN_ACKED} notices in within ${MAX_BURST_MS} ms (${ackedBeforeKill})`);
  assert.ok(cut.length >= 1, 'the kill cut at least one request in flight');
  t.diagnostic(`run 1: ${acked.size} notices acknowledged (201) in ${burstMs} ms by ${CONCURRENCY} concurrent clients, ${cut.length} requests in flight cut by SIGKILL (${ackedDuringKill} more answered while the kill was being delivered)`);

  if (BACKEND === 'pglite') {
    const stale = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number };
    assert.equal(stale.pid, first.child.pid, 'SIGKILL leaves the lock file behind, naming the dead process');
  } else {
    const facts = await readFacts({ url: tdb?.url ?? '' });
    t.diagnostic(`after SIGKILL (postgres): ${facts.references.size} notices committed, ${facts.auditPending} audit events awaiting seal`);
  }

  // 2. Restart on the same data.
  phase('burst+kill');
  const second = await startServer(env);
  phase('restart');
  if (BACKEND === 'pglite') assert.equal(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid, second.child.pid, 'the restarted server took the stale lock over');

  // Requests cut by the kill: same key, same body. Either they had committed (replay) or not (created now).
  let replayed = 0;
  const retried = new Map<string, string>();
  await pool(cut, CONCURRENCY, async (sent) => {
    const res = await request('POST', second.base + INTAKE, { body: sent.body, headers: { 'idempotency-key': sent.key } });
    assert.equal(res.status, 201, `retry of a cut request: ${res.body}`);
    const receipt = JSON.parse(res.body) as { reference: string; tracking_token: string };
    if (res.headers['idempotent-replayed'] === 'true') replayed++;
    assert.ok(!acked.has(receipt.reference), 'a cut request never shares a reference with an acknowledged one');
    retried.set(receipt.reference, receipt.tracking_token);
  });
  t.diagnostic(`cut requests retried with their Idempotency-Key: ${replayed} had committed before the kill (replayed), ${cut.length - replayed} had not (created once now)`);

  phase('retries');
  // Every acknowledged notice is tracked with its token.
  let tracked = 0;
  const missing: string[] = [];
  await pool([...acked.entries()], CONCURRENCY, async ([reference, { token }]) => {
    const res = await request('GET', `${second.base}${INTAKE}/${reference}`, { headers: { 'x-tracking-token': token } });
    if (res.status === 200 && (JSON.parse(res.body) as { reference?: string }).reference === reference) tracked++;
    else missing.push(`${reference}: HTTP ${res.status} ${res.body.slice(0, 120)}`);
  });
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged notices are missing after the restart`);
  assert.equal(tracked, acked.size);
  t.diagnostic(`after restart: ${tracked}/${acked.size} acknowledged notices found through the tracking endpoint`);

  // 3. Clean stop, then the database itself and the audit log.
  phase('tracking');
  await stopServer(second);
  phase('stop');
  if (BACKEND === 'pglite') assert.equal(fs.existsSync(lockPath), false, 'a clean stop releases the lock');

  const facts = await readFacts(BACKEND === 'postgres' ? { url: tdb?.url ?? '' } : { dataDir });
  const lost = [...acked.keys()].filter((r) => !facts.references.has(r));
  assert.deepEqual(lost, [], 'every acknowledged notice is in the database');
  const expected = new Set([...acked.keys(), ...retried.keys()]);
  const ghosts = [...facts.references].filter((r) => !expected.has(r));
  assert.deepEqual(ghosts, [], 'no notice exists that no client holds a receipt for (exactly once)');
  assert.equal(facts.references.size, expected.size);
  assert.equal(facts.noticesWithoutReceivedEvent, 0, 'every notice committed with its audit event');
  assert.equal(facts.auditPending, 0, 'the clean stop sealed every pending audit event');
  t.diagnostic(`database after clean stop: ${facts.references.size} notices (${acked.size} acknowledged + ${retried.size} retried), ${facts.auditEvents} audit events, ${facts.auditPending} awaiting seal`);

  phase('db check');
  const verify = await runCli(['audit', 'verify'], env);
  phase('audit verify');
  assert.equal(verify.code, 0, `audit verify:\n${verify.stdout}${verify.stderr}`);
  assert.match(verify.stdout, /Audit log verified\./);
  const line = /OK\s+default: (\d+) sealed events, (\d+) awaiting seal/.exec(verify.stdout);
  assert.ok(line, verify.stdout);
  assert.equal(Number(line[1]), facts.auditEvents, 'every audit event, the killed run’s included, is sealed into the chain');
  assert.equal(Number(line[2]), 0);
  t.diagnostic(`audit verify: ${line[1]} sealed events, chain intact`);
  t.diagnostic(`durations: ${phases.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
