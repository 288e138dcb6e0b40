/**
 * Statement export benchmark: streams `GET /v1/services/default/statements?from=…&to=…` (NDJSON,
 * one DSA Transparency Database statement per line) over real HTTP with 1,000,000 statements of
 * reasons in the window, and watches the server's memory while it does.
 *
 *   npm run bench:export                                          # PostgreSQL, 1,000,000 statements
 *   npm run bench:export -- --backend pglite --statements 1000000
 *   options: --small-fraction 0.1 --seed-budget 180 --max-seconds 300 --quiet-wait 120 --keep
 *
 * Seeding: one `cases` row, one `decisions` row and one `statements_of_reasons` row per statement,
 * inserted with generate_series in batches straight into a fresh database (PostgreSQL scratch
 * database or a fresh PGlite DATA_DIR). Every statement carries the same realistic TDB JSON (what a
 * restriction decision produces) with its own puid, and one statement per second from
 * 2026-01-01T00:00:00Z. If seeding takes longer than --seed-budget seconds, it stops after the
 * current batch and the benchmark runs with the statements seeded so far (reported as `seeded`).
 *
 * Measured, per export: total time, time to first body byte, lines and bytes received (the line
 * count must equal the statements in the window), server CPU, PostgreSQL CPU, and the server's RSS
 * sampled every 100 ms from /proc/<pid>/status (before the export and its peak). The export runs
 * twice: first over a small window (--small-fraction of the statements), then over all of them. The
 * memory is flat when the peak of the full export is no higher than that of the small one (plus
 * noise), i.e. it does not grow with the number of rows.
 */
import http from 'node:http';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  backendsArg,
  cleanUpRun,
  createScratchDb,
  httpRequest,
  log,
  machineInfo,
  numArg,
  parseArgs,
  postgresCpuDelta,
  postgresCpuFor,
  printTable,
  procCpuSeconds,
  procStatusMb,
  REPO_ROOT,
  round,
  startVigie,
  systemBusySeconds,
  tmpDir,
  vigieCli,
  vigieEnv,
  waitForQuiet,
  writeJson,
  type Backend,
  type ChildServer,
} from './lib.ts';
import { RESTRICTION_DETAILS } from '../test/support/fixtures.ts';

const args = parseArgs(process.argv.slice(2));
const BACKENDS = backendsArg(args, ['postgres']);
const STATEMENTS = Math.max(1, Math.floor(numArg(args, 'statements', 1_000_000)));
const SMALL_FRACTION = Math.min(1, numArg(args, 'small-fraction', 0.1));
const SEED_BUDGET_S = numArg(args, 'seed-budget', 180);
const MAX_SECONDS = numArg(args, 'max-seconds', 300);
const QUIET_WAIT_S = numArg(args, 'quiet-wait', 120);
const KEEP = args.has('keep');
const TARGET_SECONDS = 60;
/** A peak this much above the small export's peak still counts as flat (GC timing, sampling noise). */
const FLAT_TOLERANCE_MB = 32;
const PASSWORD = 'bench-auditor-password-42';
const AUDITOR = 'auditor@example.org';
const SERVICE = 'default';
const EPOCH = '2026-01-01T00:00:00Z';

/** The decision as a moderator submits it (the tests' restriction, without the affected user). */
const DECISION_DETAILS = RESTRICTION_DETAILS;

/** What buildTdbStatement (src/decisions/statement.ts) makes of DECISION_DETAILS on a notice-driven case; puid set per row. */
const TDB_TEMPLATE = {
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  decision_facts: DECISION_DETAILS.decision_facts,
  content_type: ['CONTENT_TYPE_TEXT'],
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  content_date: '2026-11-20',
  application_date: '2026-11-21',
  source_type: 'SOURCE_ARTICLE_16',
  automated_detection: 'No',
  automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
  puid: 'vigie-00000000-0000-0000-0000-000000000000',
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  territorial_scope: ['FR', 'BE'],
  illegal_content_legal_ground: DECISION_DETAILS.illegal_content_legal_ground,
  illegal_content_explanation: DECISION_DETAILS.illegal_content_explanation,
  content_language: 'FR',
  category_specification: ['KEYWORD_HATE_SPEECH'],
};

// ---------------------------------------------------------------- seeding

// $1 service, $2 first g, $3 last g. Ids derive from g, so the three inserts agree without a join.
const SEED_CASES = `
insert into cases (id, service_id, content_key, content_url, queue_id, category, subcategory, tier, trust_rank,
                   deadline_at, status, notice_count, burst_started_at, created_at, updated_at)
select md5('case-' || g)::uuid, $1::uuid, 'url:https://seed.example/p/' || g, 'https://seed.example/p/' || g,
       (select id from queues where service_id = $1::uuid and slug = 'general'),
       'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_HATE_SPEECH', 1, 1,
       t + interval '24 hours', 'closed', 1, t - interval '1 hour', t - interval '1 hour', t
from (select g, $4::timestamptz + g * interval '1 second' as t from generate_series($2::int, $3::int) g) s`;

// $1 service, $2 first g, $3 last g, $4 epoch, $5 user, $6 details
const SEED_DECISIONS = `
insert into decisions (id, service_id, case_id, decided_by, outcome, details, created_at)
select md5('decision-' || g)::uuid, $1::uuid, md5('case-' || g)::uuid, $5::uuid, 'restriction', $6::jsonb,
       $4::timestamptz + g * interval '1 second'
from generate_series($2::int, $3::int) g`;

// $1 service, $2 first g, $3 last g, $4 epoch, $5 tdb template
const SEED_STATEMENTS = `
insert into statements_of_reasons (service_id, decision_id, puid, tdb, created_at)
select $1::uuid, d, 'vigie-' || d, jsonb_set($5::jsonb, '{puid}', to_jsonb('vigie-' || d)), t
from (select md5('decision-' || g)::uuid as d, $4::timestamptz + g * interval '1 second' as t
      from generate_series($2::int, $3::int) g) s`;

interface Sql {
  query<R>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

async function openSql(backend: Backend, dataDir: string, url: string | undefined): Promise<Sql> {
  if (backend === 'postgres') {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return { query: async <R>(t: string, p?: unknown[]) => (await c.query(t, p)).rows as R[], close: () => c.end() };
  }
  const db = await PGlite.create(path.join(dataDir, 'pg'));
  return { query: async <R>(t: string, p?: unknown[]) => (await db.query<R>(t, p)).rows, close: () => db.close() };
}

interface Seeded {
  seeded: number;
  seconds: number;
  truncated: boolean;
  statements_table_mb: number;
  avg_tdb_bytes: number;
}

async function seed(sql: Sql, count: number, backend: Backend): Promise<Seeded> {
  const started = Date.now();
  const [svc] = await sql.query<{ id: string }>(`select id from services where slug = $1`, [SERVICE]);
  if (!svc) throw new Error(`service '${SERVICE}' missing after migrate`);
  const [user] = await sql.query<{ id: string }>(`select id from users where lower(email) = $1`, [AUDITOR]);
  if (!user) throw new Error(`user ${AUDITOR} missing`);
  const batch = backend === 'postgres' ? 250_000 : 50_000;
  let seeded = 0;
  let truncated = false;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    const t0 = Date.now();
    await sql.query('begin');
    try {
      await sql.query(SEED_CASES, [svc.id, from, to, EPOCH]);
      await sql.query(SEED_DECISIONS, [svc.id, from, to, EPOCH, user.id, JSON.stringify(DECISION_DETAILS)]);
      await sql.query(SEED_STATEMENTS, [svc.id, from, to, EPOCH, JSON.stringify(TDB_TEMPLATE)]);
      await sql.query('commit');
    } catch (e) {
      await sql.query('rollback').catch(() => {});
      throw e;
    }
    seeded = to;
    log(`${backend}: seeded statements ${from}..${to} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    if (to < count && (Date.now() - started) / 1000 > SEED_BUDGET_S) {
      log(`${backend}: seeding over its ${SEED_BUDGET_S}s budget: stopping at ${seeded.toLocaleString('en')} statements`);
      truncated = true;
      break;
    }
  }
  await sql.query('vacuum analyze cases');
  await sql.query('vacuum analyze decisions');
  await sql.query('vacuum analyze statements_of_reasons');
  // Write the bulk load out now, so the measured runs do not share the disk with its checkpoint.
  await sql.query('checkpoint');
  const [size] = await sql.query<{ mb: number; avg: number }>(
    `select round(pg_total_relation_size('statements_of_reasons') / 1048576.0)::int as mb,
            (select round(avg(pg_column_size(tdb)))::int from (select tdb from statements_of_reasons limit 1000) x) as avg`,
  );
  return {
    seeded,
    seconds: round((Date.now() - started) / 1000, 1),
    truncated,
    statements_table_mb: size?.mb ?? 0,
    avg_tdb_bytes: size?.avg ?? 0,
  };
}

// ---------------------------------------------------------------- session and export

async function login(baseUrl: string): Promise<string> {
  const r = await httpRequest({ method: 'POST', url: `${baseUrl}/v1/auth/login`, body: JSON.stringify({ email: AUDITOR, password: PASSWORD }) });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.body.slice(0, 300)}`);
  const session = (r.headers['set-cookie'] ?? []).map((c) => /^(vigie_session=[^;]+)/.exec(c)?.[1]).find(Boolean);
  if (!session) throw new Error(`login: no vigie_session cookie`);
  return session;
}

interface Download {
  status: number;
  lines: number;
  bytes: number;
  ttfb_ms: number;
  total_ms: number;
  first_line: string;
  last_line: string;
  content_type: string;
}

/** Streams the export, counting newline bytes; keeps only the first and last line. Bounded by MAX_SECONDS. */
function download(baseUrl: string, cookie: string, from: string, to: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${baseUrl}/v1/services/${SERVICE}/statements`);
    u.searchParams.set('from', from);
    u.searchParams.set('to', to);
    const t0 = process.hrtime.bigint();
    let ttfb = -1;
    let lines = 0;
    let bytes = 0;
    let head = '';
    let tailBuf: Buffer = Buffer.alloc(0);
    const req = http.get({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { cookie }, agent: false }, (res) => {
      res.on('data', (chunk: Buffer) => {
        if (ttfb < 0) ttfb = Number(process.hrtime.bigint() - t0) / 1e6;
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        if (head.length < 8192 && !head.includes('\n')) head += chunk.subarray(0, 8192).toString('utf8');
        tailBuf = tailBuf.length + chunk.length > 16384 ? Buffer.concat([tailBuf, chunk]).subarray(-16384) : Buffer.concat([tailBuf, chunk]);
      });
      res.on('end', () => {
        const tailLines = tailBuf.toString('utf8').split('\n').filter(Boolean);
        resolve({
          status: res.statusCode ?? 0,
          lines,
          bytes,
          ttfb_ms: round(ttfb, 1),
          total_ms: round(Number(process.hrtime.bigint() - t0) / 1e6, 1),
          first_line: head.split('\n')[0] ?? '',
          last_line: tailLines[tailLines.length - 1] ?? '',
          content_type: String(res.headers['content-type'] ?? ''),
        });
      });
      res.on('error', reject);
    });
    req.setTimeout(MAX_SECONDS * 1000, () => req.destroy(new Error(`export did not finish within ${MAX_SECONDS}s`)));
    req.on('error', reject);
  });
}

/** Samples VmRSS of `pid` every 100 ms until stopped. */
function rssSampler(pid: number) {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(procStatusMb(pid, 'VmRSS')), 100);
  return {
    stop() {
      clearInterval(timer);
      samples.push(procStatusMb(pid, 'VmRSS'));
      return samples;
    },
  };
}

function isoAt(seconds: number): string {
  return new Date(Date.parse(EPOCH) + seconds * 1000).toISOString();
}

async function measureExport(server: ChildServer, cookie: string, backend: Backend, rows: number, label: string, scratchName?: string) {
  // The window [EPOCH + 0.5 s, EPOCH + rows + 0.5 s) holds statements g = 1..rows.
  const from = isoAt(0.5);
  const to = isoAt(rows + 0.5);
  await waitForQuiet(QUIET_WAIT_S, 0.35);
  const rssBefore = procStatusMb(server.pid, 'VmRSS');
  const cpu0 = procCpuSeconds(server.pid);
  const pg0 = scratchName ? await postgresCpuFor(scratchName) : null;
  const self0 = process.cpuUsage();
  const sys0 = systemBusySeconds();
  const sampler = rssSampler(server.pid);
  let samples: number[] = [];
  let d: Download;
  try {
    d = await download(server.baseUrl, cookie, from, to);
  } finally {
    samples = sampler.stop();
  }
  const cpu = procCpuSeconds(server.pid) - cpu0;
  const pgCpu = scratchName && pg0 ? postgresCpuDelta(pg0, await postgresCpuFor(scratchName)) : null;
  const self1 = process.cpuUsage(self0);
  const clientCpu = (self1.user + self1.system) / 1e6;
  const other = systemBusySeconds() - sys0 - cpu - (pgCpu ?? 0) - clientCpu;
  if (d.status !== 200) throw new Error(`${label}: export answered ${d.status}: ${d.first_line.slice(0, 300)}`);
  let firstPuid = '';
  let lastPuid = '';
  try {
    firstPuid = String((JSON.parse(d.first_line) as { puid?: string }).puid);
    lastPuid = String((JSON.parse(d.last_line) as { puid?: string }).puid);
  } catch (e) {
    throw new Error(`${label}: a line is not JSON (${(e as Error).message}): ${d.first_line.slice(0, 200)}`);
  }
  const peak = Math.max(rssBefore, ...samples);
  const seconds = d.total_ms / 1000;
  const out = {
    window: { from, to },
    expected_lines: rows,
    lines: d.lines,
    complete: d.lines === rows,
    bytes: d.bytes,
    mb: round(d.bytes / 2 ** 20, 1),
    avg_line_bytes: d.lines ? Math.round(d.bytes / d.lines) : 0,
    content_type: d.content_type,
    first_puid: firstPuid,
    last_puid: lastPuid,
    ttfb_ms: d.ttfb_ms,
    total_s: round(seconds, 2),
    statements_per_s: round(d.lines / seconds, 0),
    mb_per_s: round(d.bytes / 2 ** 20 / seconds, 1),
    rss_before_mb: round(rssBefore, 1),
    rss_peak_mb: round(peak, 1),
    rss_growth_mb: round(peak - rssBefore, 1),
    rss_samples: samples.length,
    server_cpu_s: round(cpu, 2),
    postgres_cpu_s: pgCpu === null ? null : round(pgCpu, 2),
    client_cpu_s: round(clientCpu, 2),
    other_cpu_s: round(Math.max(0, other), 2),
  };
  log(`${backend}: ${label}: ${d.lines.toLocaleString('en')} lines, ${out.mb} MB in ${out.total_s}s (ttfb ${d.ttfb_ms} ms), RSS ${out.rss_before_mb} → peak ${out.rss_peak_mb} MB`);
  return out;
}

// ---------------------------------------------------------------- per back end

async function runBackend(backend: Backend) {
  const work = tmpDir(`vigie-bench-export-${backend}-`);
  const dataDir = path.join(work, 'data');
  let scratch: { name: string; url: string } | undefined;
  let server: ChildServer | undefined;
  try {
    if (backend === 'postgres') {
      scratch = await createScratchDb();
      log(`postgres: scratch database ${scratch.name}`);
    }
    const env = vigieEnv({ backend, dataDir, databaseUrl: scratch?.url });
    log(`${backend}: migrate + auditor`);
    vigieCli(env, ['migrate']);
    vigieCli(env, ['user', 'create', '--service', SERVICE, '--email', AUDITOR, '--role', 'auditor', '--password-stdin'], `${PASSWORD}\n`);

    log(`${backend}: seeding ${STATEMENTS.toLocaleString('en')} statements of reasons`);
    const sql = await openSql(backend, dataDir, scratch?.url);
    let seeded: Seeded;
    try {
      seeded = await seed(sql, STATEMENTS, backend);
    } finally {
      await sql.close();
    }
    log(`${backend}: seeded ${seeded.seeded.toLocaleString('en')} in ${seeded.seconds}s (statements table ${seeded.statements_table_mb} MB)`);

    server = await startVigie(env, path.join(work, 'vigie.log'));
    log(`${backend}: vigie pid ${server.pid} on ${server.baseUrl}`);
    const cookie = await login(server.baseUrl);
    // warm-up (not measured): JIT, connection pool, route
    await measureExport(server, cookie, backend, Math.min(seeded.seeded, 5000), 'warm-up');

    const smallRows = Math.max(1, Math.round(seeded.seeded * SMALL_FRACTION));
    const small = await measureExport(server, cookie, backend, smallRows, `small export (${smallRows.toLocaleString('en')})`, scratch?.name);
    const full = await measureExport(server, cookie, backend, seeded.seeded, `full export (${seeded.seeded.toLocaleString('en')})`, scratch?.name);
    const peakHwm = procStatusMb(server.pid, 'VmHWM');
    await server.stop();
    server = undefined;

    const flat = full.rss_peak_mb <= small.rss_peak_mb + FLAT_TOLERANCE_MB;
    const out = {
      benchmark: 'statement-export',
      backend,
      date: new Date().toISOString(),
      machine: machineInfo(),
      settings: { statements: STATEMENTS, small_fraction: SMALL_FRACTION, seed_budget_s: SEED_BUDGET_S, page_size: 1000 },
      target: { total_s_for_1m: TARGET_SECONDS, memory: `flat: full-export peak RSS ≤ small-export peak + ${FLAT_TOLERANCE_MB} MB` },
      seeding: seeded,
      small,
      full,
      /** The full export's time scaled to 1,000,000 statements (same as total_s when 1,000,000 were seeded). */
      projected_s_for_1m: round((full.total_s * 1_000_000) / Math.max(1, full.lines), 1),
      memory_flat: flat,
      server_peak_rss_hwm_mb: round(peakHwm, 1),
      pass: full.complete && small.complete && flat && (full.total_s * 1_000_000) / Math.max(1, full.lines) <= TARGET_SECONDS,
    };
    const file = writeJson(`export-${backend}.json`, out);
    log(`${backend}: wrote ${path.relative(REPO_ROOT, file)}`);
    return out;
  } finally {
    await cleanUpRun({ servers: [server], scratch, work, keep: KEEP });
  }
}

// ---------------------------------------------------------------- main

const results = [];
for (const backend of BACKENDS) results.push(await runBackend(backend));

const rows: (string | number)[][] = [];
for (const r of results) {
  for (const [what, p] of [['small', r.small], ['full', r.full]] as const) {
    rows.push([
      `${r.backend} ${what}`,
      p.lines,
      p.mb,
      p.ttfb_ms,
      p.total_s,
      p.statements_per_s,
      p.mb_per_s,
      p.rss_before_mb,
      p.rss_peak_mb,
      p.server_cpu_s,
      p.postgres_cpu_s ?? '-',
      p.client_cpu_s,
      p.other_cpu_s,
    ]);
  }
}
printTable(
  `statement export (NDJSON over HTTP) (machine: ${machineInfo().cores} cores)`,
  ['run', 'lines', 'MB', 'TTFB ms', 'total s', 'stmts/s', 'MB/s', 'RSS before MB', 'RSS peak MB', 'app CPU-s', 'PG CPU-s', 'client CPU-s', 'other CPU-s'],
  rows,
);
for (const r of results) {
  console.log(
    `${r.backend}: ${r.pass ? 'PASS' : 'FAIL'} target ≤ ${TARGET_SECONDS} s per 1,000,000 statements (projected ${r.projected_s_for_1m} s) ` +
      `and flat memory (${r.memory_flat ? 'flat' : 'NOT flat'}: peak ${r.small.rss_peak_mb} MB small vs ${r.full.rss_peak_mb} MB full); ` +
      `seeded ${r.seeding.seeded.toLocaleString('en')}${r.seeding.truncated ? ' (seed budget reached)' : ''} in ${r.seeding.seconds}s`,
  );
  if (!r.full.complete || !r.small.complete) console.log(`  INCOMPLETE: got ${r.full.lines} of ${r.full.expected_lines} lines`);
}
