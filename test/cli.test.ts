/**
 * The `vigie` command line, run as a child process the way an operator runs it:
 * help, `user create` (then signing in over HTTP), `apikey create` (then using the key), and
 * `audit verify` against an attacker who edits, deletes or swaps audit rows with direct database access.
 *
 * The tests run in order and share one instance (a DATA_DIR, plus a database with DATABASE_URL):
 * the audit tests tamper with copies of what the account tests left behind.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { BACKEND, freshDatabase, notice, tempDir } from './helpers.ts';
import { cleanUp, onCleanup, request, runCli, startServer, stopServer, vigieEnv, type CliResult } from './process.ts';

const PASSWORD = 'correct horse battery staple';

after(cleanUp);

const show = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

// ── one Vigie instance for the file ─────────────────────────────────────────────────────────────

interface Instance {
  dataDir: string;
  /** postgres back end: the per-file database */
  url: string | undefined;
  env: NodeJS.ProcessEnv;
}

let inst: Instance;

before(async () => {
  const dataDir = tempDir('vigie-cli-');
  onCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  let url: string | undefined;
  if (BACKEND === 'postgres') {
    const tdb = await freshDatabase();
    // Only the child processes use the database; no connection of ours may stay open (CREATE DATABASE … TEMPLATE).
    await tdb.database.close();
    onCleanup(() => tdb.drop());
    url = tdb.url;
  } else {
    const dump = process.env.VIGIE_TEST_PGLITE_DUMP; // the runner's migrated template: saves initdb
    if (dump) {
      const lite = await PGlite.create(path.join(dataDir, 'pg'), { loadDataDir: new Blob([fs.readFileSync(dump)]) });
      await lite.close();
    }
  }
  inst = { dataDir, url, env: vigieEnv({ DATA_DIR: dataDir, ...(url ? { DATABASE_URL: url } : {}) }) };
});

/** A copy of the instance's database (server stopped), to tamper with; same DATA_DIR key. */
async function copyInstance(label: string): Promise<{ env: NodeJS.ProcessEnv; sql: Sql; close(): Promise<void> }> {
  if (inst.url) {
    const source = new URL(inst.url);
    const name = `${source.pathname.slice(1)}_${label}_${crypto.randomBytes(3).toString('hex')}`;
    const admin = new URL(inst.url);
    admin.pathname = '/postgres';
    const adminClient = new pg.Client({ connectionString: admin.toString() });
    await adminClient.connect();
    // A CLI child that just exited may still have its backend shutting down: PostgreSQL refuses a template
    // "being accessed by other users" for a few milliseconds. Bounded wait, then fail for real.
    for (let attempt = 1; ; attempt++) {
      try {
        await adminClient.query(`create database ${name} template ${source.pathname.slice(1)}`);
        break;
      } catch (err) {
        if (attempt >= 50 || !/being accessed by other users/.test(String((err as Error).message))) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await adminClient.end();
    onCleanup(async () => {
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    });
    const copyUrl = new URL(inst.url);
    copyUrl.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: copyUrl.toString() });
    await client.connect();
    const close = once(() => client.end());
    onCleanup(close);
    return { env: { ...inst.env, DATABASE_URL: copyUrl.toString() }, sql: async <R>(text: string) => (await client.query(text)).rows as R[], close };
  }
  const dir = tempDir(`vigie-cli-${label}-`);
  onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(inst.dataDir, dir, { recursive: true });
  assert.equal(fs.existsSync(path.join(dir, 'vigie.lock')), false, 'copied a stopped instance');
  // What an attacker with file access does: open the database directly, around Vigie.
  const lite = await PGlite.create(path.join(dir, 'pg'));
  const close = once(() => lite.close());
  onCleanup(close);
  return { env: { ...inst.env, DATA_DIR: dir }, sql: async <R>(text: string) => (await lite.query<R>(text)).rows, close };
}

/** An idempotent close, so the after hook may call it again when a test failed half-way. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

type Sql = <R = Record<string, unknown>>(text: string) => Promise<R[]>;

// ── tests ────────────────────────────────────────────────────────────────────────────────────────

test('vigie --help lists the commands', async () => {
  const [r, bad] = await Promise.all([runCli(['--help'], vigieEnv({})), runCli(['no-such-command'], vigieEnv({}))]);
  assert.equal(r.code, 0, show(r));
  for (const cmd of ['serve', 'migrate', 'user', 'apikey', 'audit']) {
    assert.match(r.stdout, new RegExp(`^\\s+${cmd}\\b.*\\S`, 'm'), `--help lists \`${cmd}\` with a description`);
  }
  assert.notEqual(bad.code, 0, 'an unknown command fails');
  assert.match(bad.stderr, /unknown command/i);
});

test('user create, then sign in over HTTP; apikey create, then the key submits notices', async (t) => {
  const email = `mod-${crypto.randomBytes(3).toString('hex')}@example.org`;
  // The refusal never reaches the database, so it may run beside the command that does.
  const [created, short] = await Promise.all([
    runCli(['user', 'create', '--email', email, '--role', 'moderator', '--service', 'default', '--password-stdin'], inst.env, `${PASSWORD}\n`),
    runCli(['user', 'create', '--email', 'short@example.org', '--password-stdin'], inst.env, 'tooshort\n'),
  ]);
  assert.equal(created.code, 0, show(created));
  assert.match(created.stdout, new RegExp(`User ${email.replace('.', '\\.')} is moderator of default`));
  assert.doesNotMatch(created.stdout + created.stderr, new RegExp(PASSWORD), 'the password is never echoed');

  assert.equal(short.code, 2, show(short));
  assert.match(short.stderr, /at least 12 characters/);

  const keyRun = await runCli(['apikey', 'create', '--service', 'default', '--role', 'platform', '--name', 'cli test'], inst.env);
  assert.equal(keyRun.code, 0, show(keyRun));
  const key = keyRun.stdout.trim();
  assert.match(key, /^vk_\S+$/, 'stdout is exactly the key, for scripts');
  assert.match(keyRun.stderr, /not shown again/);

  const server = await startServer(inst.env);
  try {
    const login = await request('POST', `${server.base}/v1/auth/login`, { body: { email, password: PASSWORD } });
    assert.equal(login.status, 200, login.body);
    const setCookie = login.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, /HttpOnly/i);
    const cookie = setCookie.split(';')[0] ?? '';
    const me = await request('GET', `${server.base}/v1/me`, { headers: { cookie } });
    assert.equal(me.status, 200, me.body);
    assert.equal(me.json<{ user: { email: string } }>().user.email, email);
    const list = await request('GET', `${server.base}/v1/services/default/notices`, { headers: { cookie } });
    assert.equal(list.status, 200, `a moderator reads notices: ${list.body}`);

    const wrong = await request('POST', `${server.base}/v1/auth/login`, { body: { email, password: 'not the password at all' } });
    assert.equal(wrong.status, 401, wrong.body);

    const auth = { authorization: `Bearer ${key}` };
    const submitted = await request('POST', `${server.base}/v1/services/default/notices`, { body: notice(), headers: auth });
    assert.equal(submitted.status, 201, submitted.body);
    const reference = submitted.json<{ reference: string }>().reference;
    const keyMe = await request('GET', `${server.base}/v1/me`, { headers: auth });
    assert.equal(keyMe.status, 200, keyMe.body);
    assert.deepEqual([keyMe.json().kind, keyMe.json().role], ['apikey', 'platform']);
    const forbidden = await request('GET', `${server.base}/v1/services/default/notices`, { headers: auth });
    assert.equal(forbidden.status, 403, `a platform key only submits: ${forbidden.body}`);
    const forged = await request('POST', `${server.base}/v1/services/default/notices`, { body: notice(), headers: { authorization: `Bearer ${key.slice(0, -2)}xx` } });
    assert.equal(forged.status, 401, forged.body);
    const anonymous = await request('POST', `${server.base}/v1/services/default/notices`, { body: notice() });
    assert.equal(anonymous.status, 401, anonymous.body);

    // The moderator sees the notice the key submitted.
    const after = await request('GET', `${server.base}/v1/services/default/notices`, { headers: { cookie } });
    assert.ok(after.json<{ items: Array<{ reference: string; source: string }> }>().items.some((n) => n.reference === reference && n.source === 'api'));
    t.diagnostic(`moderator ${email} signed in; key ${key.slice(0, 8)}… submitted ${reference}`);
  } finally {
    await stopServer(server);
  }
});

interface Tampering {
  name: string;
  /** Does what an attacker with database access would; returns what verify must report. */
  tamper(sql: Sql, links: Array<{ seq: number; event_id: number }>): Promise<RegExp[]>;
}

const UNLOCK_EVENTS = 'alter table audit_events disable trigger audit_events_append_only';
const UNLOCK_CHAIN = 'alter table audit_chain disable trigger audit_chain_append_only';
const CONTENT_COLUMNS = ['service_id', 'occurred_at', 'actor_type', 'actor_id', 'action', 'subject_type', 'subject_id', 'data', 'request_id'];

const TAMPERINGS: Tampering[] = [
  {
    name: 'edit the data of the first sealed event',
    async tamper(sql, links) {
      await sql(UNLOCK_EVENTS);
      await sql(`update audit_events set data = '{"x":1}' where id = (select min(id) from audit_events)`);
      const first = links[0];
      assert.ok(first);
      return [new RegExp(`seq ${first.seq} event ${first.event_id}: the event was edited`)];
    },
  },
  {
    name: 'delete an event in the middle of the chain, with its link',
    async tamper(sql, links) {
      const victim = links[1];
      assert.ok(victim);
      await sql(UNLOCK_EVENTS);
      await sql(UNLOCK_CHAIN);
      await sql(`delete from audit_chain where event_id = ${victim.event_id}`);
      await sql(`delete from audit_events where id = ${victim.event_id}`);
      return [new RegExp(`links ${victim.seq}–${victim.seq} are missing \\(deleted\\)`)];
    },
  },
  {
    name: 'delete the last event, with its link',
    async tamper(sql, links) {
      const victim = links[links.length - 1];
      assert.ok(victim);
      await sql(UNLOCK_EVENTS);
      await sql(UNLOCK_CHAIN);
      await sql(`delete from audit_chain where event_id = ${victim.event_id}`);
      await sql(`delete from audit_events where id = ${victim.event_id}`);
      return [new RegExp(`the chain head \\(seq ${victim.seq}\\) does not match the last link \\(seq ${victim.seq - 1}\\)`)];
    },
  },
  {
    name: 'swap the whole content (hashes included) of two events',
    async tamper(sql, links) {
      const [a, b] = [links[1], links[2]];
      assert.ok(a && b);
      await sql(UNLOCK_EVENTS);
      const set = CONTENT_COLUMNS.map((c) => `${c} = y.${c}`).join(', ');
      await sql(`update audit_events x set ${set} from audit_events y
                 where (x.id = ${a.event_id} and y.id = ${b.event_id}) or (x.id = ${b.event_id} and y.id = ${a.event_id})`);
      // The sealed event hashes too, so each link's event hash matches its (swapped) event.
      await sql(UNLOCK_CHAIN);
      await sql(`update audit_chain x set event_hash = y.event_hash from audit_chain y
                 where (x.event_id = ${a.event_id} and y.event_id = ${b.event_id}) or (x.event_id = ${b.event_id} and y.event_id = ${a.event_id})`);
      const swapped = await sql<{ id: number; action: string }>(`select id, action from audit_events where id in (${a.event_id}, ${b.event_id}) order by id`);
      assert.equal(swapped.length, 2);
      return [a, b].map((l) => new RegExp(`seq ${l.seq} event ${l.event_id}: the chain link does not match`));
    },
  },
];

test('audit verify passes on an intact log, then detects edited, deleted and swapped rows (exit 1, TAMPERED)', async (t) => {
  const ok = await runCli(['audit', 'verify'], inst.env);
  assert.equal(ok.code, 0, show(ok));
  assert.match(ok.stdout, /Audit log verified\./);
  const head = /OK\s+default: (\d+) sealed events, (\d+) awaiting seal/.exec(ok.stdout);
  assert.ok(head, ok.stdout);
  const sealed = Number(head[1]);
  assert.equal(Number(head[2]), 0, 'the clean stop sealed everything');
  // service.created, member.added, apikey.created, case.opened + notice.received: the previous test's trail.
  assert.ok(sealed >= 5, `enough sealed events to tamper with (${sealed}); run the whole file, not this test alone`);

  const started = Date.now();
  // Each tampering on its own copy of the verified instance, all at once.
  const copies = await Promise.all(TAMPERINGS.map((_, i) => copyInstance(`t${i}`)));
  const results = await Promise.all(
    TAMPERINGS.map(async (tampering, i) => {
      const copy = copies[i];
      assert.ok(copy);
      let expected: RegExp[];
      try {
        const links = await copy.sql<{ seq: number; event_id: number }>(
          `select c.seq::int as seq, c.event_id::int as event_id from audit_chain c join services s on s.id = c.service_id where s.slug = 'default' order by c.seq`,
        );
        assert.equal(links.length, sealed);
        expected = await tampering.tamper(copy.sql, links);
      } finally {
        await copy.close();
      }
      return { tampering, expected, result: await runCli(['audit', 'verify'], copy.env) };
    }),
  );
  for (const { tampering, expected, result } of results) {
    assert.equal(result.code, 1, `${tampering.name}: ${show(result)}`);
    assert.match(result.stdout, /^TAMPERED\s+default:/m, `${tampering.name}: ${result.stdout}`);
    assert.match(result.stdout, /Audit log verification FAILED\./);
    for (const re of expected) assert.match(result.stdout, re, `${tampering.name} is named`);
    t.diagnostic(`${tampering.name}: ${result.stdout.split('\n').filter((l) => l.startsWith('   - ')).map((l) => l.trim().slice(2)).join('; ')}`);
  }
  t.diagnostic(`${TAMPERINGS.length} tampered copies verified in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
