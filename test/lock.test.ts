/**
 * The DATA_DIR lock (src/db/lock.ts): embedded PGlite has no lock of its own, so two processes on one
 * data directory would corrupt it. A second `vigie serve` / CLI command must refuse with a clear
 * message and exit 2; a lock left by a dead process must be taken over.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { BACKEND, freshDatabase, notice, tempDir } from './helpers.ts';
import { cleanUp, exited, freePort, onCleanup, request, runCli, startServer, stopServer, vigieEnv } from './process.ts';

const PGLITE_ONLY =
  'the DATA_DIR lock guards embedded PGlite only; with DATABASE_URL the PostgreSQL server arbitrates access and several Vigie processes may share one database';

// ── child processes ──────────────────────────────────────────────────────────────────────────────

after(cleanUp);

/** A pid that belonged to a process which has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await exited(child);
  assert.ok(pid !== undefined);
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  return pid;
}

/** A data dir started from the runner's migrated PGlite dump when there is one (saves initdb). */
async function dataDirForTest(): Promise<string> {
  const dir = tempDir('vigie-lock-');
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dump = process.env.VIGIE_TEST_PGLITE_DUMP;
  if (dump) {
    const lite = await PGlite.create(path.join(dir, 'pg'), { loadDataDir: new Blob([fs.readFileSync(dump)]) });
    await lite.close();
  }
  return dir;
}

const lockOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'vigie.lock'), 'utf8')) as { pid: number; startedAt: string };

// ── tests ────────────────────────────────────────────────────────────────────────────────────────

test('a second vigie serve, migrate or audit verify on a DATA_DIR in use exits 2 and says so', async (t) => {
  if (BACKEND === 'postgres') return t.skip(PGLITE_ONLY);
  const dir = await dataDirForTest();
  const env = vigieEnv({ DATA_DIR: dir });
  const server = await startServer(env);
  const holder = server.child.pid;
  assert.equal(lockOf(dir).pid, holder);

  const [serve, migrate, verify] = await Promise.all([
    runCli(['serve'], { ...env, PORT: String(await freePort()) }),
    runCli(['migrate'], env),
    runCli(['audit', 'verify'], env),
  ]);
  for (const [name, r] of [['serve', serve], ['migrate', migrate], ['audit verify', verify]] as const) {
    assert.equal(r.code, 2, `${name} exit code:\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /is in use by another Vigie process/, `${name} explains why`);
    assert.ok(r.stderr.includes(dir), `${name} names the directory`);
    assert.ok(r.stderr.includes(`pid ${holder}`), `${name} names the holder`);
    assert.match(r.stderr, /DATABASE_URL/, `${name} suggests a way out`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${name} prints no stack trace`);
    assert.doesNotMatch(r.stdout, /Vigie is running/, `${name} never started`);
  }

  // The refused processes left the lock and the running server alone.
  assert.equal(lockOf(dir).pid, holder);
  assert.equal((await request('GET', `${server.base}/readyz`)).status, 200);
  const res = await request('POST', `${server.base}/v1/public/services/default/notices`, { body: notice() });
  assert.equal(res.status, 201, res.body);

  await stopServer(server);
  assert.equal(fs.existsSync(path.join(dir, 'vigie.lock')), false, 'a clean stop removes the lock');
  t.diagnostic(`serve, migrate and audit verify refused while pid ${holder} held ${dir}`);
});

test('a stale lock file (dead pid, or unreadable) is taken over, by the CLI and by serve', async (t) => {
  if (BACKEND === 'postgres') return t.skip(PGLITE_ONLY);
  const dir = await dataDirForTest();
  const env = vigieEnv({ DATA_DIR: dir });
  const lockPath = path.join(dir, 'vigie.lock');
  const dead = await deadPid();

  fs.writeFileSync(lockPath, JSON.stringify({ pid: dead, startedAt: '2020-01-01T00:00:00.000Z' }));
  const migrate = await runCli(['migrate'], env);
  assert.equal(migrate.code, 0, `${migrate.stdout}${migrate.stderr}`);
  assert.match(migrate.stdout, /up to date/);
  assert.equal(fs.existsSync(lockPath), false, 'the CLI released the lock it took over');

  fs.writeFileSync(lockPath, '{"pid":'); // a lock torn by a crash while it was written
  const verify = await runCli(['audit', 'verify'], env);
  assert.equal(verify.code, 0, `${verify.stdout}${verify.stderr}`);
  assert.equal(fs.existsSync(lockPath), false);

  fs.writeFileSync(lockPath, JSON.stringify({ pid: dead, startedAt: '2020-01-01T00:00:00.000Z' }));
  const server = await startServer(env);
  assert.equal(lockOf(dir).pid, server.child.pid, 'serve took the stale lock over');

  // SIGKILL leaves a stale lock naming the dead server; the next command takes it over.
  server.child.kill('SIGKILL');
  await exited(server.child);
  assert.equal(lockOf(dir).pid, server.child.pid);
  const again = await runCli(['migrate'], env);
  assert.equal(again.code, 0, `${again.stdout}${again.stderr}`);
  assert.equal(fs.existsSync(lockPath), false);
  t.diagnostic(`stale locks of dead pid ${dead}, torn JSON, and a SIGKILLed server (pid ${server.child.pid}) were taken over`);
});

test('with DATABASE_URL no DATA_DIR lock is taken: two servers share one PostgreSQL database', async (t) => {
  if (BACKEND === 'pglite') return t.skip('PostgreSQL back end only: DATABASE_URL mode');
  const tdb = await freshDatabase();
  onCleanup(async () => {
    await tdb.database.close();
    await tdb.drop();
  });
  const dir = tempDir('vigie-lock-');
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = vigieEnv({ DATA_DIR: dir, DATABASE_URL: tdb.url ?? '' });
  // One first, so the two do not race to create the default service and audit key.
  const a = await startServer(env);
  const b = await startServer(env);
  assert.equal(fs.existsSync(path.join(dir, 'vigie.lock')), false, 'no lock file in DATABASE_URL mode');
  const ra = await request('POST', `${a.base}/v1/public/services/default/notices`, { body: notice() });
  const rb = await request('POST', `${b.base}/v1/public/services/default/notices`, { body: notice() });
  assert.equal(ra.status, 201, ra.body);
  assert.equal(rb.status, 201, rb.body);
  await Promise.all([stopServer(a), stopServer(b)]);
  // Both sealed into the same chain; it must still verify.
  const verify = await runCli(['audit', 'verify'], env);
  assert.equal(verify.code, 0, `${verify.stdout}${verify.stderr}`);
  assert.match(verify.stdout, /Audit log verified\./);
  t.diagnostic('two servers on one DATABASE_URL: both accepted notices; the shared audit chain verifies');
});
