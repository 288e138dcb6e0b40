#!/usr/bin/env node
// `npm test`: typecheck + lint, then every test file on PGlite, then again on PostgreSQL when
// TEST_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test; that database is only
// used to create and drop a template database). The last line is `N passed, N failed`.
//
//   node scripts/test.mjs [files or directories…] [--backend=pglite|postgres] [--skip-checks]
//                         [--test-name-pattern=… and other --test-* flags, passed to node]
//
// Test files get their database through test/helpers.ts, which reads:
//   VIGIE_TEST_BACKEND=pglite   + VIGIE_TEST_PGLITE_DUMP=<abs path of a gzip data-dir dump>
//   VIGIE_TEST_BACKEND=postgres + VIGIE_TEST_PG_URL=<server url, no database> + VIGIE_TEST_PG_TEMPLATE=<db>
// Migrations run once per run (scripts/prepare-test-db.ts), not once per file.
// Timeouts (seconds): VIGIE_TEST_FILE_TIMEOUT (default 300, per test file, via --test-timeout) and
// VIGIE_TEST_PASS_TIMEOUT (default 1800, per back-end pass). Exit code 0 only if nothing failed
// and at least one test ran; typecheck and lint failures count as one failure each.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TMP = path.join(ROOT, '.test-tmp');
const PGLITE_DUMP = path.join(TMP, 'pglite-template.tar.gz');
const TEST_DIRS = ['src', 'test'];
const BACKENDS = /** @type {const} */ (['pglite', 'postgres']);
// A test file whose process never exits (an unclosed pool or PGlite) must not hang CI: node's
// --test-timeout also bounds each file's whole run, and names the file. The pass timeout is the
// last resort (it loses the counts). Both in seconds; `--test-timeout=<ms>` on the command line wins.
const FILE_TIMEOUT_S = Number(process.env.VIGIE_TEST_FILE_TIMEOUT ?? 300);
const PASS_TIMEOUT_S = Number(process.env.VIGIE_TEST_PASS_TIMEOUT ?? 1800);

/** @typedef {{ passed: number, failed: number, skipped: number, failures: { file: string, name: string, reason: string }[] }} Counts */

/** Children in their own process groups, so a timeout or Ctrl-C can stop a whole tree. */
const running = new Set();
let interrupted = false;
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(sig, () => {
    if (interrupted) process.exit(130); // second Ctrl-C: give up on cleanup
    interrupted = true;
    console.error(`\n${sig}: stopping tests and cleaning up…`);
    for (const child of running) killTree(child, 'SIGTERM');
  });
}

function usage(message) {
  if (message) console.error(message);
  console.error('usage: node scripts/test.mjs [files or dirs…] [--backend=pglite|postgres] [--skip-checks] [--test-*=…]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { backends: /** @type {string[] | null} */ (null), skipChecks: false, nodeFlags: /** @type {string[]} */ ([]), paths: /** @type {string[]} */ ([]) };
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') usage();
    else if (arg.startsWith('--backend=')) {
      const b = arg.slice('--backend='.length);
      if (!BACKENDS.includes(/** @type {never} */ (b))) usage(`unknown backend: ${b}`);
      opts.backends = [b];
    } else if (arg === '--skip-checks') opts.skipChecks = true;
    else if (arg.startsWith('--test-')) opts.nodeFlags.push(arg);
    else if (arg.startsWith('-')) usage(`unknown option: ${arg}`);
    else opts.paths.push(arg);
  }
  return opts;
}

/** Test files under `dir`, skipping node_modules and dot-folders. */
function findTests(dir) {
  /** @type {string[]} */
  const found = [];
  if (!fs.existsSync(dir)) return found;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(full);
  }
  return found;
}

function testFiles(paths) {
  const absolute = paths.length === 0
    ? TEST_DIRS.flatMap((d) => findTests(path.join(ROOT, d)))
    : paths.flatMap((p) => {
        const full = path.resolve(p); // relative to where the user ran the command
        if (!fs.existsSync(full)) usage(`no such file or directory: ${p}`);
        return fs.statSync(full).isDirectory() ? findTests(full) : [full];
      });
  const rel = absolute.map((f) => {
    const r = path.relative(ROOT, f);
    return r.startsWith('..') ? f : r.split(path.sep).join('/');
  });
  return [...new Set(rel)].sort();
}

function killTree(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * Runs a command; with `capture` its stdout+stderr are collected (in arrival order) instead of
 * shown, so checks running side by side print one after the other.
 */
function run(cmd, args, { env = process.env, capture = false, timeoutS = 0 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    running.add(child);
    /** @type {Buffer[]} */
    const chunks = [];
    if (capture) {
      child.stdout.on('data', (c) => chunks.push(c));
      child.stderr.on('data', (c) => chunks.push(c));
    }
    let timedOut = false;
    const timer = timeoutS > 0
      ? setTimeout(() => {
          timedOut = true;
          killTree(child, 'SIGKILL');
        }, timeoutS * 1000)
      : null;
    const done = (code, error) => {
      if (timer) clearTimeout(timer);
      running.delete(child);
      const output = Buffer.concat(chunks).toString('utf8') + (error ? `${error.message}\n` : '');
      resolve({ code: code ?? 1, output, timedOut, seconds: (Date.now() - started) / 1000 });
    };
    child.on('error', (err) => done(1, err));
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}

/** Prints a captured step; returns whether it succeeded. */
function report(title, result) {
  const ok = result.code === 0;
  console.log(`\n── ${title}: ${ok ? 'ok' : `FAILED (exit ${result.code})`} in ${result.seconds.toFixed(1)} s`);
  const text = result.output.trimEnd();
  if (text) console.log(text);
  return ok;
}

const tsx = (script, ...args) => [process.execPath, ['--import', 'tsx', script, ...args]];

function serverUrl(url) {
  const u = new URL(url);
  u.pathname = '';
  u.search = '';
  u.hash = '';
  return u.toString().replace(/\/$/, '');
}

function databaseUrl(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates and migrates `vigie_tpl_<random>`; each test file then clones it with CREATE DATABASE … TEMPLATE. */
async function preparePostgres(url) {
  const name = `vigie_tpl_${crypto.randomBytes(6).toString('hex')}`;
  try {
    await withClient(url, (c) => c.query(`CREATE DATABASE "${name}"`));
  } catch (err) {
    return { name: null, result: { code: 1, output: `cannot create ${name} via TEST_DATABASE_URL: ${err.message}\n`, seconds: 0 } };
  }
  const [cmd, args] = tsx('scripts/prepare-test-db.ts', 'postgres', databaseUrl(url, name));
  return { name, result: await run(cmd, args, { capture: true }) };
}

async function dropPostgres(url, name) {
  try {
    // FORCE: a test that leaked a connection must not leave the template behind.
    await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  } catch (err) {
    console.error(`warning: could not drop template database ${name}: ${err.message}`);
  }
}

function childEnv(extra) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('VIGIE_TEST_')) delete env[key];
  return { ...env, ...extra };
}

/** One pass of node's test runner over `files`; returns leaf-test counts from count-reporter.mjs. */
async function runPass(backend, files, env, nodeFlags) {
  const countsFile = path.join(TMP, `counts-${backend}-${process.pid}.json`);
  fs.rmSync(countsFile, { force: true });
  console.log(`\n── ${backend}: ${files.length} test file(s)`);
  const args = [
    '--import', 'tsx', '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/count-reporter.mjs', `--test-reporter-destination=${countsFile}`,
    ...(nodeFlags.some((f) => f.startsWith('--test-timeout')) ? [] : [`--test-timeout=${FILE_TIMEOUT_S * 1000}`]),
    ...nodeFlags, ...files,
  ];
  const result = await run(process.execPath, args, { env, timeoutS: PASS_TIMEOUT_S });
  /** @type {Counts} */
  let counts;
  try {
    counts = JSON.parse(fs.readFileSync(countsFile, 'utf8'));
  } catch {
    counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  }
  fs.rmSync(countsFile, { force: true });
  const problem = result.timedOut
    ? `timed out after ${PASS_TIMEOUT_S} s (VIGIE_TEST_PASS_TIMEOUT); a test file may keep its process alive`
    : interrupted
      ? 'interrupted'
      : result.code !== 0 && counts.failed === 0
        ? `node --test exited with code ${result.code} but reported no failing test`
        : null;
  if (problem) {
    counts.failed++;
    counts.failures.push({ file: '', name: `${backend} pass`, reason: problem });
    console.log(`${backend}: ${problem}`);
  }
  return counts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const pgUrl = process.env.TEST_DATABASE_URL || '';
  const backends = opts.backends ?? (pgUrl ? ['pglite', 'postgres'] : ['pglite']);
  if (backends.includes('postgres') && !pgUrl) usage('--backend=postgres needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  const files = testFiles(opts.paths);
  fs.mkdirSync(TMP, { recursive: true });

  // Checks and database preparation are independent: start them together, print in order.
  const checks = opts.skipChecks
    ? []
    : [
        ['typecheck: tsc --noEmit -p tsconfig.json', run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], { capture: true })],
        ['lint: eslint .', run(process.execPath, [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '.'], { capture: true })],
        ['web typecheck: tsc --noEmit -p web/tsconfig.json', run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'web/tsconfig.json'], { capture: true })],
      ];
  // The console's browser tests need web/dist; build it once here (a no-op when up to date).
  if (files.some((f) => f.includes(`${path.sep}browser${path.sep}`))) checks.push(['web build: node scripts/build-web.mjs', run(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], { capture: true })]);
  const prepares = new Map();
  if (files.length > 0) {
    if (backends.includes('pglite')) prepares.set('pglite', run(...tsx('scripts/prepare-test-db.ts', 'pglite', PGLITE_DUMP), { capture: true }).then((result) => ({ name: PGLITE_DUMP, result })));
    if (backends.includes('postgres')) prepares.set('postgres', preparePostgres(pgUrl));
  }

  /** @type {{ label: string, ok: boolean }[]} */
  const checkResults = [];
  for (const [title, promise] of checks) {
    checkResults.push({ label: title.split(':')[0], ok: report(title, await promise) });
  }
  const checkFailures = checkResults.filter((c) => !c.ok).length;

  /** @type {{ backend: string, counts: Counts }[]} */
  const passes = [];
  let pgTemplate = null;
  try {
    if (files.length === 0) console.log('\nno test files found (src/**/*.test.ts, test/**/*.test.ts)');
    for (const backend of backends) {
      const prepared = prepares.get(backend);
      if (!prepared) continue;
      const { name, result } = await prepared;
      if (backend === 'postgres') pgTemplate = name;
      /** @type {Counts} */
      let counts;
      if (!report(`prepare ${backend} template`, result)) {
        counts = { passed: 0, failed: 1, skipped: 0, failures: [{ file: '', name: `prepare ${backend}`, reason: 'template preparation failed, tests not run' }] };
      } else if (interrupted) {
        counts = { passed: 0, failed: 1, skipped: 0, failures: [{ file: '', name: `${backend} pass`, reason: 'interrupted' }] };
      } else {
        const env = backend === 'pglite'
          ? childEnv({ VIGIE_TEST_BACKEND: 'pglite', VIGIE_TEST_PGLITE_DUMP: PGLITE_DUMP })
          : childEnv({ VIGIE_TEST_BACKEND: 'postgres', VIGIE_TEST_PG_URL: serverUrl(pgUrl), VIGIE_TEST_PG_TEMPLATE: name });
        counts = await runPass(backend, files, env, opts.nodeFlags);
      }
      passes.push({ backend, counts });
      console.log(`${backend}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
    }
  } finally {
    // A prepare that was started but never awaited (interrupted) may still have created a template.
    if (!pgTemplate && prepares.has('postgres')) pgTemplate = (await prepares.get('postgres')).name;
    if (pgTemplate) await dropPostgres(pgUrl, pgTemplate);
  }

  const passed = passes.reduce((n, p) => n + p.counts.passed, 0);
  const failed = passes.reduce((n, p) => n + p.counts.failed, 0) + checkFailures;
  console.log('\n── summary');
  for (const c of checkResults) console.log(`${c.label}: ${c.ok ? 'ok' : 'FAILED'}`);
  for (const p of passes) {
    console.log(`${p.backend}: ${p.counts.passed} passed, ${p.counts.failed} failed${p.counts.skipped ? `, ${p.counts.skipped} skipped` : ''}`);
    for (const f of p.counts.failures) {
      const file = f.file && !path.relative(ROOT, f.file).startsWith('..') ? path.relative(ROOT, f.file) : f.file;
      console.log(`  ✖ ${[file, f.name === f.file ? '' : f.name].filter(Boolean).join(' › ')}: ${f.reason}`);
    }
  }
  const testsRan = passes.some((p) => p.counts.passed + p.counts.failed > 0);
  if (!testsRan) console.log('no test ran: failing the run');
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && testsRan && !interrupted ? 0 : 1;
  if (interrupted) process.exitCode = 130;
}

await main();
