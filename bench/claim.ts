/**
 * Claim-next benchmark: latency of `POST /v1/services/default/cases/claim-next` with a large open
 * backlog (1,000,000 cases by default), one moderator in sequence, then several at once.
 *
 *   npm run bench:claim                                      # PostgreSQL, 1,000,000 open cases
 *   npm run bench:claim -- --backend pglite --cases 1000000
 *   options: --cycles 2000 --concurrency 4 --concurrent-cycles 2000 --cpu-prof --keep --max-seconds 300
 *
 * Each cycle is claim-next (timed) then release of the claimed case (timed separately), so the
 * backlog stays at --cases open, unclaimed cases. Loopback only; every loop is bounded by a count
 * and by --max-seconds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  backendsArg,
  cleanUpRun,
  createScratchDb,
  httpRequest,
  log,
  loginSession,
  machineInfo,
  numArg,
  parseArgs,
  postgresCpuDelta,
  postgresCpuFor,
  printTable,
  procCpuSeconds,
  procStatusMb,
  RESULTS_DIR,
  REPO_ROOT,
  round,
  startVigie,
  summarize,
  systemBusySeconds,
  waitForQuiet,
  tmpDir,
  vigieCli,
  vigieEnv,
  writeJson,
  type Backend,
  type ChildServer,
  type BenchSession,
} from './lib.ts';

const args = parseArgs(process.argv.slice(2));
const BACKENDS = backendsArg(args, ['postgres']);
const CASES = numArg(args, 'cases', 1_000_000);
const CYCLES = numArg(args, 'cycles', 2000);
const WARMUP_CYCLES = numArg(args, 'warmup', 100);
const CONCURRENCY = Math.max(1, numArg(args, 'concurrency', 4));
const CONCURRENT_CYCLES = numArg(args, 'concurrent-cycles', 2000);
const MAX_SECONDS = numArg(args, 'max-seconds', 300);
const CPU_PROF = args.has('cpu-prof');
const KEEP = args.has('keep');
const QUIET_WAIT_S = numArg(args, 'quiet-wait', 300);
const TARGET_P99_MS = 10;
const PASSWORD = 'bench-moderator-password-42';
const SERVICE = 'default';

// ---------------------------------------------------------------- seeding

/**
 * One batch of cases [from, to]. Mix: ~85% 'general', ~8% 'child-safety', ~5% 'terrorism',
 * ~2% escalated in 'senior'; ~5% tier 0 (urgent; more often in child-safety / terrorism);
 * ~10% trusted (trust_rank 0); deadlines spread over 48 h (the first 4 h already overdue).
 */
const SEED_SQL = `
with s as (
  select g, random() as q, random() as t, random() as tr, random() as d, random() as c
  from generate_series($2::int, $3::int) g
), p as (
  select g, t, tr, c,
    case when q < 0.85 then 'general' when q < 0.93 then 'child-safety' when q < 0.98 then 'terrorism' else 'senior' end as queue,
    now() - interval '4 hours' + d * interval '48 hours' as deadline
  from s
)
insert into cases (service_id, content_key, content_url, queue_id, category, subcategory, tier, trust_rank,
                   deadline_at, status, escalated, notice_count, burst_started_at, burst_count, created_at, updated_at)
select $1::uuid,
  'url:https://seed.example/p/' || g,
  'https://seed.example/p/' || g,
  qu.id,
  case p.queue
    when 'child-safety' then 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS'
    when 'terrorism' then 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY'
    else (array['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH','STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
                'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS','STATEMENT_CATEGORY_CYBER_VIOLENCE'])[1 + floor(c * 4)::int]
  end,
  case p.queue
    when 'child-safety' then 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL'
    when 'terrorism' then 'KEYWORD_TERRORIST_CONTENT'
    else (array['KEYWORD_HATE_SPEECH','KEYWORD_PHISHING','KEYWORD_COPYRIGHT_INFRINGEMENT','KEYWORD_CYBER_HARASSMENT'])[1 + floor(c * 4)::int]
  end,
  case when p.queue in ('child-safety', 'terrorism') then (case when t < 0.15 then 0 else 1 end)
       else (case when t < 0.035 then 0 else 1 end) end,
  case when tr < 0.10 then 0 else 1 end,
  p.deadline,
  'open',
  p.queue = 'senior',
  1 + floor(c * c * 5)::int,
  p.deadline - interval '48 hours',
  1,
  p.deadline - interval '48 hours',
  p.deadline - interval '48 hours'
from p join queues qu on qu.service_id = $1::uuid and qu.slug = p.queue`;

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

async function seed(sql: Sql, count: number, backend: Backend): Promise<{ seconds: number; by_queue: unknown[] }> {
  const started = Date.now();
  const [svc] = await sql.query<{ id: string }>(`select id from services where slug = $1`, [SERVICE]);
  if (!svc) throw new Error(`service '${SERVICE}' missing after migrate`);
  const queues = await sql.query<{ slug: string }>(`select slug from queues where service_id = $1`, [svc.id]);
  for (const slug of ['general', 'child-safety', 'terrorism', 'senior']) {
    if (!queues.some((q) => q.slug === slug)) throw new Error(`queue '${slug}' missing (have: ${queues.map((q) => q.slug).join(', ')})`);
  }
  const batch = backend === 'postgres' ? 250_000 : 100_000;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    const t0 = Date.now();
    await sql.query(SEED_SQL, [svc.id, from, to]);
    log(`${backend}: seeded cases ${from}..${to} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    if ((Date.now() - started) / 1000 > MAX_SECONDS * 4) throw new Error('seeding exceeded its time budget');
  }
  await sql.query('vacuum analyze cases');
  // Write the bulk load out now, so the measured runs do not share the disk with its checkpoint.
  await sql.query('checkpoint');
  const byQueue = await sql.query(
    `select q.slug, count(*)::int as cases, sum((c.tier = 0)::int)::int as tier0, sum((c.trust_rank = 0)::int)::int as trusted
       from cases c join queues q on q.id = c.queue_id where c.status = 'open' group by q.slug order by 2 desc`,
  );
  return { seconds: round((Date.now() - started) / 1000, 1), by_queue: byQueue };
}

// ---------------------------------------------------------------- moderator sessions

type Session = BenchSession;

function post(baseUrl: string, s: Session, p: string) {
  return httpRequest({ method: 'POST', url: baseUrl + p, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body: '{}' });
}

interface CycleStats {
  claim_ms: number[];
  release_ms: number[];
  empty: number;
  errors: string[];
  double_claims: number;
}

/** `cycles` claim-next + release cycles for one moderator; `held` detects two moderators holding one case. */
async function cycles(baseUrl: string, s: Session, n: number, deadline: number, stats: CycleStats, held: Set<string>): Promise<void> {
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    const t0 = process.hrtime.bigint();
    const r = await post(baseUrl, s, `/v1/services/${SERVICE}/cases/claim-next`);
    const t1 = process.hrtime.bigint();
    if (r.status !== 200) {
      if (stats.errors.length < 5) stats.errors.push(`claim-next ${r.status} ${r.body.slice(0, 200)}`);
      continue;
    }
    stats.claim_ms.push(Number(t1 - t0) / 1e6);
    const c = (JSON.parse(r.body) as { case: { id: string } | null }).case;
    if (!c) {
      stats.empty++;
      continue;
    }
    if (held.has(c.id)) stats.double_claims++;
    held.add(c.id);
    // Let go of it before the release is sent: once the release commits, another moderator may
    // rightly get this case before our response arrives.
    held.delete(c.id);
    const t2 = process.hrtime.bigint();
    const rel = await post(baseUrl, s, `/v1/services/${SERVICE}/cases/${c.id}/release`);
    stats.release_ms.push(Number(process.hrtime.bigint() - t2) / 1e6);
    if (rel.status >= 300 && stats.errors.length < 5) stats.errors.push(`release ${rel.status} ${rel.body.slice(0, 200)}`);
  }
}

function newStats(): CycleStats {
  return { claim_ms: [], release_ms: [], empty: 0, errors: [], double_claims: 0 };
}

async function phase(
  server: ChildServer,
  backend: Backend,
  sessions: Session[],
  perModerator: number,
  label: string,
  scratch?: { url: string; name: string },
) {
  const scratchUrl = scratch?.url;
  const stats = newStats();
  const held = new Set<string>();
  await waitForQuiet(QUIET_WAIT_S, 0.35);
  const self0 = process.cpuUsage();
  const sys0 = systemBusySeconds();
  const cpu0 = procCpuSeconds(server.pid);
  const pg0 = scratch ? await postgresCpuFor(scratch.name) : null;
  const scans0 = scratchUrl ? await tableScans(scratchUrl) : null;
  const started = Date.now();
  await Promise.all(sessions.map((s) => cycles(server.baseUrl, s, perModerator, started + MAX_SECONDS * 1000, stats, held)));
  const wall = (Date.now() - started) / 1000;
  const cpu = procCpuSeconds(server.pid) - cpu0;
  const pgCpu = scratch && pg0 ? postgresCpuDelta(pg0, await postgresCpuFor(scratch.name)) : null;
  const self1 = process.cpuUsage(self0);
  const otherCpu = systemBusySeconds() - sys0 - cpu - (pgCpu ?? 0) - (self1.user + self1.system) / 1e6;
  if (scratchUrl) await new Promise((r) => setTimeout(r, 1200)); // backends flush statistics about once a second
  const scans1 = scratchUrl ? await tableScans(scratchUrl) : null;
  const claim = summarize(stats.claim_ms);
  const release = summarize(stats.release_ms);
  const n = stats.claim_ms.length;
  log(`${backend}: ${label}: ${n} claims in ${wall.toFixed(1)}s, p99 ${claim.p99.toFixed(2)} ms`);
  return {
    moderators: sessions.length,
    cycles: n,
    wall_s: round(wall, 2),
    claims_per_s: round(n / wall, 1),
    claim_ms: roundAll(claim),
    claims_over_10ms: stats.claim_ms.filter((x) => x > 10).length,
    release_ms: roundAll(release),
    empty_claims: stats.empty,
    double_claims: stats.double_claims,
    errors: stats.errors,
    server_cpu_ms_per_cycle: n ? round((cpu * 1000) / n, 3) : NaN,
    postgres_cpu_ms_per_cycle: pgCpu === null || !n ? null : round((pgCpu * 1000) / n, 3),
    /** CPU seconds used by other processes on the machine during the run (noise; ideally ~0). */
    other_cpu_s: round(Math.max(0, otherCpu), 2),
    cases_table_stats:
      scans0 && scans1
        ? {
            seq_scan: scans1.seq_scan - scans0.seq_scan,
            idx_scan: scans1.idx_scan - scans0.idx_scan,
            updates: scans1.n_tup_upd - scans0.n_tup_upd,
            hot_updates: scans1.n_tup_hot_upd - scans0.n_tup_hot_upd,
            dead_tuples_after: scans1.n_dead_tup,
          }
        : null,
  };
}

function roundAll(s: ReturnType<typeof summarize>) {
  return { p50: round(s.p50, 3), p95: round(s.p95, 3), p99: round(s.p99, 3), max: round(s.max, 3), mean: round(s.mean, 3) };
}

interface TableStats {
  seq_scan: number;
  idx_scan: number;
  n_tup_upd: number;
  n_tup_hot_upd: number;
  n_dead_tup: number;
}

async function tableScans(url: string): Promise<TableStats> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // statistics are flushed at transaction end / every ~1 s by the backends: read a fresh snapshot
    await c.query('select pg_stat_clear_snapshot()');
    const r = await c.query(
      `select seq_scan::int, coalesce(idx_scan, 0)::int as idx_scan, n_tup_upd::int, n_tup_hot_upd::int, n_dead_tup::int
         from pg_stat_user_tables where relname = 'cases'`,
    );
    return (r.rows[0] as TableStats | undefined) ?? { seq_scan: 0, idx_scan: 0, n_tup_upd: 0, n_tup_hot_upd: 0, n_dead_tup: 0 };
  } finally {
    await c.end();
  }
}

/**
 * Exclusivity check from the audit log: per case, in event order, a `case.claimed` must never
 * follow another `case.claimed` without a `case.released` in between (claim and release update
 * the case row, so their audit events are ordered by the row lock).
 */
async function auditClaimCheck(sql: Sql) {
  const [r] = await sql.query<{ claimed: number; released: number; claimed_while_held: number }>(`
    with ev as (
      select action, lag(action) over (partition by subject_id order by id) as prev
      from audit_events where subject_type = 'case' and action in ('case.claimed', 'case.released'))
    select count(*) filter (where action = 'case.claimed')::int as claimed,
           count(*) filter (where action = 'case.released')::int as released,
           count(*) filter (where action = 'case.claimed' and prev = 'case.claimed')::int as claimed_while_held
    from ev`);
  return r ?? { claimed: 0, released: 0, claimed_while_held: -1 };
}

// ---------------------------------------------------------------- per back end

async function runBackend(backend: Backend) {
  const work = tmpDir(`vigie-bench-claim-${backend}-`);
  const dataDir = path.join(work, 'data');
  let scratch: { name: string; url: string } | undefined;
  let server: ChildServer | undefined;
  try {
    if (backend === 'postgres') {
      scratch = await createScratchDb();
      log(`postgres: scratch database ${scratch.name}`);
    }
    const env = vigieEnv({ backend, dataDir, databaseUrl: scratch?.url });
    log(`${backend}: migrate + ${CONCURRENCY} moderators`);
    vigieCli(env, ['migrate']);
    const emails = Array.from({ length: CONCURRENCY }, (_, i) => `mod${i + 1}@example.org`);
    for (const email of emails) {
      vigieCli(env, ['user', 'create', '--service', SERVICE, '--email', email, '--role', 'moderator', '--password-stdin'], `${PASSWORD}\n`);
    }

    log(`${backend}: seeding ${CASES.toLocaleString('en')} open cases`);
    const sql = await openSql(backend, dataDir, scratch?.url);
    let seeded;
    try {
      seeded = await seed(sql, CASES, backend);
    } finally {
      await sql.close();
    }
    log(`${backend}: seeded in ${seeded.seconds}s`);

    const profDir = path.join(RESULTS_DIR, `prof-claim-${backend}`);
    if (CPU_PROF) fs.mkdirSync(profDir, { recursive: true });
    server = await startVigie(env, path.join(work, 'vigie.log'), CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
    log(`${backend}: vigie pid ${server.pid} on ${server.baseUrl}`);
    const sessions: Session[] = [];
    for (const email of emails) sessions.push(await loginSession(server.baseUrl, email, PASSWORD));

    // warm-up (not measured): JIT, connection pool, buffer cache
    await cycles(server.baseUrl, sessions[0]!, WARMUP_CYCLES, Date.now() + MAX_SECONDS * 1000, newStats(), new Set());

    const sequential = await phase(server, backend, [sessions[0]!], CYCLES, 'sequential', scratch);
    const concurrent = await phase(server, backend, sessions, Math.ceil(CONCURRENT_CYCLES / CONCURRENCY), `${CONCURRENCY} concurrent`, scratch);
    const peakRss = procStatusMb(server.pid, 'VmHWM');
    await server.stop();
    server = undefined;
    const check = await openSql(backend, dataDir, scratch?.url);
    let audit;
    try {
      audit = await auditClaimCheck(check);
    } finally {
      await check.close();
    }

    const out = {
      benchmark: 'claim-next',
      backend,
      date: new Date().toISOString(),
      machine: machineInfo(),
      settings: { open_cases: CASES, cycles: CYCLES, warmup_cycles: WARMUP_CYCLES, concurrency: CONCURRENCY, concurrent_cycles: CONCURRENT_CYCLES },
      target: { claim_p99_ms: TARGET_P99_MS },
      seeding: seeded,
      sequential,
      concurrent,
      server_peak_rss_mb: round(peakRss, 1),
      audit_exclusivity: audit,
      pass:
        sequential.claim_ms.p99 <= TARGET_P99_MS &&
        sequential.empty_claims === 0 &&
        sequential.errors.length === 0 &&
        audit.claimed_while_held === 0 &&
        concurrent.double_claims === 0,
    };
    const file = writeJson(`claim-${backend}.json`, out);
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
  for (const [what, p] of [['1 moderator', r.sequential], [`${r.concurrent.moderators} moderators`, r.concurrent]] as const) {
    rows.push([
      `${r.backend} ${what}`,
      p.cycles,
      p.claim_ms.p50,
      p.claim_ms.p95,
      p.claim_ms.p99,
      p.claim_ms.max,
      p.release_ms.p99,
      p.claims_per_s,
      p.server_cpu_ms_per_cycle,
      p.postgres_cpu_ms_per_cycle ?? '-',
      p.empty_claims + p.errors.length + p.double_claims,
      p.other_cpu_s,
    ]);
  }
}
printTable(
  `claim-next with ${CASES.toLocaleString('en')} open cases (machine: ${machineInfo().cores} cores)`,
  ['run', 'cycles', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'release p99', 'claims/s', 'app CPU-ms/cycle', 'PG CPU-ms/cycle', 'empty+err+dbl', 'other CPU-s'],
  rows,
);
for (const r of results) {
  console.log(`${r.backend}: ${r.pass ? 'PASS' : 'FAIL'} target claim-next p99 ≤ ${r.target.claim_p99_ms} ms (1 moderator); seeded in ${r.seeding.seconds}s`);
  console.log(`  audit log: ${JSON.stringify(r.audit_exclusivity)} (claimed_while_held must be 0)`);
  for (const p of [r.sequential, r.concurrent]) if (p.errors.length) console.log(`  errors: ${p.errors.join(' | ')}`);
  for (const p of [r.sequential, r.concurrent]) {
    if (p.cases_table_stats) console.log(`  cases table during ${p.moderators}-moderator run: ${JSON.stringify(p.cases_table_stats)}`);
  }
}
