/**
 * Decision throughput benchmark: decisions per second through HTTP with K signed-in moderators working
 * at once, each looping claim-next → decision on the claimed case, on PGlite and PostgreSQL.
 *
 *   npm run bench:decide                                   # pglite, then postgres
 *   npm run bench:decide -- --backend postgres
 *   options: --duration 20 --warmup 5 --moderators 8 --cases 20000 --seed-connections 32
 *            --quiet-wait 300 --no-analyze --cpu-prof --keep
 *
 * The open cases are seeded first through the intake API (one public-style notice per case, with an API
 * key), enough that the moderators never run out. Decisions are restrictions with a statement of reasons
 * (content removal, disabling, demotion, age restriction, labelling; sometimes a monetary suspension or a
 * partial suspension of the service), never an account termination (that may need a second approval), each
 * with an affected user's email, so every decision also queues an outbox message. SMTP, the Transparency
 * Database and webhooks are off: what is measured is the decision transaction. Loopback only; every loop
 * is bounded by a time limit.
 */
import path from 'node:path';
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import {
  backendsArg,
  cleanUpRun,
  countersPer,
  createApiKey,
  createScratchDb,
  dbCounters,
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
  randSuffix,
  REPO_ROOT,
  RESULTS_DIR,
  round,
  startVigie,
  summarize,
  systemBusySeconds,
  tmpDir,
  vigieCli,
  vigieEnv,
  waitForQuiet,
  writeJson,
  type Backend,
  type BenchSession,
  type ChildServer,
} from './lib.ts';

const args = parseArgs(process.argv.slice(2));
const BACKENDS = backendsArg(args, ['pglite', 'postgres']);
const DURATION_S = numArg(args, 'duration', 20);
const WARMUP_S = numArg(args, 'warmup', 5);
const MODERATORS = Math.max(1, numArg(args, 'moderators', 8));
const CASES = Math.max(1, numArg(args, 'cases', 20_000));
const SEED_CONNECTIONS = Math.max(1, numArg(args, 'seed-connections', 32));
const QUIET_WAIT_S = numArg(args, 'quiet-wait', 300);
const CPU_PROF = args.has('cpu-prof');
const KEEP = args.has('keep');
/** ANALYZE after seeding (default), as autovacuum would on PostgreSQL; PGlite has no autovacuum. */
const ANALYZE = !args.has('no-analyze');
const PASSWORD = 'bench-moderator-password-42';
const SERVICE = 'default';
const S = `/v1/services/${SERVICE}`;
const TARGETS: Record<Backend, { decisions_per_s: number; p99_ms: number }> = {
  postgres: { decisions_per_s: 100, p99_ms: 100 },
  pglite: { decisions_per_s: 50, p99_ms: 100 },
};

// ---------------------------------------------------------------- request bodies

/** Categories that triage sends to the `general` queue, which plain moderators work from. */
const CATEGORY_MIX: Array<[string, string, string]> = [
  ['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_HATE_SPEECH', 'This post calls for violence against a religious group.'],
  ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'KEYWORD_PHISHING', 'This page imitates a bank login form to steal passwords.'],
  ['STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'KEYWORD_COPYRIGHT_INFRINGEMENT', 'This upload is a full copy of a film we own the rights to.'],
  ['STATEMENT_CATEGORY_CYBER_VIOLENCE', 'KEYWORD_CYBER_HARASSMENT', 'This account posts insults about the same person every day.'],
];
const LANGS = ['fr', 'en', 'de', 'es', 'it', 'nl'];

function noticeBody(runId: string, n: number): string {
  const [category, subcategory, explanation] = CATEGORY_MIX[n % CATEGORY_MIX.length]!;
  return JSON.stringify({
    category,
    subcategory,
    locations: [{ url: `https://forum.example/p/decide-${runId}-${n}` }],
    explanation: `${explanation} (report ${n})`,
    notifier: { name: `Notifier ${n % 997}`, email: `notifier${n % 997}@example.org` },
    good_faith: true,
    language: LANGS[n % LANGS.length],
  });
}

/** Restriction shapes (TDB scales), none of which touches the account. */
const RESTRICTIONS: Array<Record<string, unknown>> = [
  { decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'] },
  { decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'], territorial_scope: ['FR'] },
  { decision_visibility: ['DECISION_VISIBILITY_CONTENT_DEMOTED'], end_date_visibility_restriction: '2027-06-30' },
  { decision_visibility: ['DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED', 'DECISION_VISIBILITY_CONTENT_LABELLED'] },
  { decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'], decision_monetary: 'DECISION_MONETARY_SUSPENSION', end_date_monetary_restriction: '2027-01-31' },
  { decision_visibility: ['DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED'], decision_provision: 'DECISION_PROVISION_PARTIAL_SUSPENSION', end_date_service_restriction: '2026-12-31' },
];
const SCOPES = [['FR'], ['FR', 'BE'], ['DE', 'AT'], ['ES', 'PT', 'IT']];

function decisionBody(n: number): string {
  const illegal = n % 3 !== 2;
  const ground = illegal
    ? {
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        illegal_content_legal_ground: 'Loi du 29 juillet 1881, art. 24 (provocation à la haine)',
        illegal_content_explanation: 'The post calls for violence against people because of their religion.',
      }
    : {
        decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
        incompatible_content_ground: 'Community guidelines, section 3 (harassment and scams)',
        incompatible_content_explanation: 'The content targets another member repeatedly, which our terms forbid.',
        incompatible_content_illegal: n % 2 === 0,
      };
  return JSON.stringify({
    outcome: 'restriction',
    territorial_scope: SCOPES[n % SCOPES.length],
    ...RESTRICTIONS[n % RESTRICTIONS.length],
    ...ground,
    decision_facts: `Reported on 2026-11-20 (bench decision ${n}); reviewed against the notice and the content.`,
    automated_detection: false,
    automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
    content_type: n % 4 === 0 ? ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_IMAGE'] : ['CONTENT_TYPE_TEXT'],
    content_language: LANGS[n % LANGS.length],
    content_date: '2026-11-20',
    affected_user: { email: `author${n}@example.org`, locale: n % 2 === 0 ? 'fr' : 'en', platform_user_ref: `user-${n}` },
  });
}

// ---------------------------------------------------------------- seeding through the intake API

async function seedCases(baseUrl: string, token: string, count: number): Promise<{ seconds: number; ok: number; errors: string[] }> {
  const runId = randSuffix();
  const started = Date.now();
  const deadline = started + 600_000;
  let next = 0;
  let ok = 0;
  const errors: string[] = [];
  const worker = async () => {
    while (next < count && Date.now() < deadline && errors.length < 20) {
      const n = next++;
      const r = await httpRequest({
        method: 'POST',
        url: `${baseUrl}${S}/notices`,
        headers: { authorization: `Bearer ${token}` },
        body: noticeBody(runId, n),
      }).catch((e: Error) => ({ status: 0, body: e.message }));
      if (r.status >= 200 && r.status < 300) ok++;
      else errors.push(`${r.status} ${r.body.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: SEED_CONNECTIONS }, worker));
  if (ok < count) throw new Error(`seeding: ${ok}/${count} notices acknowledged; errors: ${errors.slice(0, 3).join(' | ')}`);
  return { seconds: round((Date.now() - started) / 1000, 1), ok, errors };
}

// ---------------------------------------------------------------- the moderators

interface LoopStats {
  decide_ms: number[];
  claim_ms: number[];
  decided: number;
  status_codes: Record<string, number>;
  non_2xx: number;
  errors: number;
  empty_claims: number;
  sample_errors: string[];
}

const newStats = (): LoopStats => ({ decide_ms: [], claim_ms: [], decided: 0, status_codes: {}, non_2xx: 0, errors: 0, empty_claims: 0, sample_errors: [] });

function post(baseUrl: string, s: BenchSession, p: string, body: string) {
  return httpRequest({ method: 'POST', url: baseUrl + p, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, body, timeoutMs: 30_000 });
}

let bodySeq = 0;

/** One moderator until `deadline`: claim-next (timed), then the decision on that case (timed). */
async function moderator(baseUrl: string, s: BenchSession, deadline: number, st: LoopStats): Promise<void> {
  const note = (what: string, status: number, body: string) => {
    st.status_codes[`${what} ${status}`] = (st.status_codes[`${what} ${status}`] ?? 0) + 1;
    if (status === 0) st.errors++;
    else st.non_2xx++;
    if (st.sample_errors.length < 5) st.sample_errors.push(`${what} ${status} ${body.slice(0, 300)}`);
  };
  while (Date.now() < deadline) {
    const t0 = process.hrtime.bigint();
    const claim = await post(baseUrl, s, `${S}/cases/claim-next`, '{}').catch((e: Error) => ({ status: 0, body: e.message }));
    const t1 = process.hrtime.bigint();
    if (claim.status !== 200) {
      note('claim-next', claim.status, claim.body);
      continue;
    }
    st.claim_ms.push(Number(t1 - t0) / 1e6);
    const c = (JSON.parse(claim.body) as { case: { id: string } | null }).case;
    if (!c) {
      st.empty_claims++;
      if (st.empty_claims > 100) throw new Error('the moderators ran out of open cases: seed more (--cases)');
      continue;
    }
    const body = decisionBody(bodySeq++);
    const t2 = process.hrtime.bigint();
    const d = await post(baseUrl, s, `${S}/cases/${c.id}/decisions`, body).catch((e: Error) => ({ status: 0, body: e.message }));
    const ms = Number(process.hrtime.bigint() - t2) / 1e6;
    st.status_codes[`decide ${d.status}`] = (st.status_codes[`decide ${d.status}`] ?? 0) + 1;
    if (d.status === 201) {
      st.decide_ms.push(ms);
      st.decided++;
    } else {
      st.status_codes[`decide ${d.status}`]!--;
      note('decide', d.status, d.body);
    }
  }
}

function roundAll(s: ReturnType<typeof summarize>) {
  return { p50: round(s.p50, 2), p95: round(s.p95, 2), p99: round(s.p99, 2), max: round(s.max, 2), mean: round(s.mean, 2) };
}

async function measure(server: ChildServer, sessions: BenchSession[], scratch: { name: string; url: string } | undefined, backend: Backend) {
  if (WARMUP_S > 0) {
    log(`${backend}: warm-up ${WARMUP_S}s with ${sessions.length} moderators`);
    const w = newStats();
    const end = Date.now() + WARMUP_S * 1000;
    await Promise.all(sessions.map((s) => moderator(server.baseUrl, s, end, w)));
    log(`${backend}: warm-up: ${w.decided} decisions, ${w.non_2xx + w.errors} failures`);
  }
  // Also lets the server finish the background work (audit sealing) left by seeding and warm-up.
  await waitForQuiet(QUIET_WAIT_S, 0.35);
  log(`${backend}: measuring ${DURATION_S}s with ${sessions.length} moderators`);
  const st = newStats();
  const counters0 = scratch ? await dbCounters(scratch.url) : null;
  const cpu0 = procCpuSeconds(server.pid);
  const pg0 = scratch ? await postgresCpuFor(scratch.name) : null;
  const self0 = process.cpuUsage();
  const sys0 = systemBusySeconds();
  const started = process.hrtime.bigint();
  const end = Date.now() + DURATION_S * 1000;
  await Promise.all(sessions.map((s) => moderator(server.baseUrl, s, end, st)));
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = procCpuSeconds(server.pid) - cpu0;
  const pgCpu = scratch && pg0 ? postgresCpuDelta(pg0, await postgresCpuFor(scratch.name)) : null;
  const self1 = process.cpuUsage(self0);
  const selfCpu = (self1.user + self1.system) / 1e6;
  const otherCpu = systemBusySeconds() - sys0 - cpu - (pgCpu ?? 0) - selfCpu;
  await new Promise((r) => setTimeout(r, 1200)); // backends flush their statistics about once a second
  const counters1 = scratch ? await dbCounters(scratch.url) : null;
  const k = st.decided / 1000;
  const decide = summarize(st.decide_ms);
  const claim = summarize(st.claim_ms);
  log(`${backend}: ${st.decided} decisions in ${wall.toFixed(1)}s (${(st.decided / wall).toFixed(1)}/s), decide p99 ${decide.p99.toFixed(1)} ms`);
  return {
    wall_s: round(wall, 2),
    decisions: st.decided,
    decisions_per_s: round(st.decided / wall, 1),
    decide_ms: roundAll(decide),
    claim_next_ms: roundAll(claim),
    non_2xx: st.non_2xx,
    errors: st.errors,
    empty_claims: st.empty_claims,
    status_codes: st.status_codes,
    sample_errors: st.sample_errors,
    server_cpu_s: round(cpu, 2),
    postgres_cpu_s: pgCpu === null ? null : round(pgCpu, 2),
    loadgen_cpu_s: round(selfCpu, 2),
    /** CPU seconds used by other processes on the machine during the run (noise; ideally ~0). */
    other_cpu_s: round(Math.max(0, otherCpu), 2),
    server_cpu_s_per_1000: k > 0 ? round(cpu / k, 3) : NaN,
    postgres_cpu_s_per_1000: k > 0 && pgCpu !== null ? round(pgCpu / k, 3) : null,
    /** PostgreSQL counters per decision (each decision also counts its claim-next). */
    db_per_decision: counters0 && counters1 ? countersPer(counters0, counters1, st.decided) : null,
  };
}

// ---------------------------------------------------------------- checks after the run

async function runSql(backend: Backend, dataDir: string, url: string | undefined, text: string): Promise<void> {
  if (backend === 'postgres') {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
    return;
  }
  const db = await PGlite.create(path.join(dataDir, 'pg'));
  try {
    await db.exec(text);
  } finally {
    await db.close();
  }
}

async function countAfter(backend: Backend, dataDir: string, url: string | undefined): Promise<Record<string, number>> {
  const q = `select (select count(*) from decisions)::int as decisions,
    (select count(*) from statements_of_reasons)::int as statements,
    (select count(*) from cases where status = 'open')::int as open_cases,
    (select count(*) from outbox)::int as outbox_messages`;
  const run = (query: (t: string) => Promise<Record<string, number>>) => query(q);
  if (backend === 'postgres') {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await run(async (t) => (await c.query(t)).rows[0] as Record<string, number>);
    } finally {
      await c.end();
    }
  }
  const db = await PGlite.create(path.join(dataDir, 'pg'));
  try {
    return await run(async (t) => (await db.query<Record<string, number>>(t)).rows[0]!);
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------- per back end

async function runBackend(backend: Backend) {
  const work = tmpDir(`vigie-bench-decide-${backend}-`);
  const dataDir = path.join(work, 'data');
  let scratch: { name: string; url: string } | undefined;
  let server: ChildServer | undefined;
  try {
    await waitForQuiet(QUIET_WAIT_S);
    if (backend === 'postgres') {
      scratch = await createScratchDb();
      log(`postgres: scratch database ${scratch.name}`);
    }
    // No SMTP_URL, no TDB_API_URL, no webhook endpoint: outbox messages and statements wait, unsent.
    const env = vigieEnv({ backend, dataDir, databaseUrl: scratch?.url });
    log(`${backend}: migrate + API key + ${MODERATORS} moderators`);
    vigieCli(env, ['migrate']);
    const token = createApiKey(env);
    const emails = Array.from({ length: MODERATORS }, (_, i) => `mod${i + 1}@example.org`);
    for (const email of emails) {
      vigieCli(env, ['user', 'create', '--service', SERVICE, '--email', email, '--role', 'moderator', '--password-stdin'], `${PASSWORD}\n`);
    }

    const profDir = path.join(RESULTS_DIR, `prof-decide-${backend}`);
    if (CPU_PROF) fs.mkdirSync(profDir, { recursive: true });
    server = await startVigie(env, path.join(work, 'vigie.log'), CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
    log(`${backend}: vigie pid ${server.pid} on ${server.baseUrl}; seeding ${CASES.toLocaleString('en')} cases through intake`);
    const seeded = await seedCases(server.baseUrl, token, CASES);
    log(`${backend}: seeded ${seeded.ok} notices in ${seeded.seconds}s`);
    if (ANALYZE) {
      // Planner statistics for the bulk-loaded tables: on PostgreSQL autovacuum would get there within a
      // minute or so; PGlite never runs it. The server is stopped meanwhile (PGlite's data dir is locked).
      await server.stop();
      server = undefined;
      await runSql(backend, dataDir, scratch?.url, 'analyze');
      server = await startVigie(env, path.join(work, 'vigie.log'), CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
      log(`${backend}: analyzed; vigie restarted, pid ${server.pid}`);
    }

    const sessions: BenchSession[] = [];
    for (const email of emails) sessions.push(await loginSession(server.baseUrl, email, PASSWORD));
    const m = await measure(server, sessions, scratch, backend);
    const peakRss = procStatusMb(server.pid, 'VmHWM');
    await server.stop();
    server = undefined;
    const counts = await countAfter(backend, dataDir, scratch?.url);

    const target = TARGETS[backend];
    const out = {
      benchmark: 'decide',
      backend,
      date: new Date().toISOString(),
      machine: machineInfo(),
      settings: { duration_s: DURATION_S, warmup_s: WARMUP_S, moderators: MODERATORS, seeded_cases: CASES, analyzed_after_seeding: ANALYZE, route: 'POST cases/claim-next, then POST cases/:id/decisions (session + CSRF)' },
      target,
      seeding: seeded,
      measured: m,
      server_peak_rss_mb: round(peakRss, 1),
      db_counts_after: counts,
      pass: m.decisions_per_s >= target.decisions_per_s && m.decide_ms.p99 <= target.p99_ms && m.non_2xx === 0 && m.errors === 0,
    };
    const file = writeJson(`decide-${backend}.json`, out);
    log(`${backend}: wrote ${path.relative(REPO_ROOT, file)}`);
    return out;
  } finally {
    await cleanUpRun({ servers: [server], scratch, work, keep: KEEP });
  }
}

// ---------------------------------------------------------------- main

const results = [];
for (const backend of BACKENDS) results.push(await runBackend(backend));

printTable(
  `Decisions: ${MODERATORS} moderators, ${DURATION_S}s after ${WARMUP_S}s warm-up`,
  ['back end', 'decisions/s', 'decide p50', 'p95', 'p99', 'max', 'claim p50', 'claim p99', 'claim max', 'non-2xx', 'server CPU-s/1k', 'PG CPU-s/1k', 'peak RSS MB', 'other CPU-s', 'target'],
  results.map((r) => [
    r.backend,
    r.measured.decisions_per_s,
    r.measured.decide_ms.p50,
    r.measured.decide_ms.p95,
    r.measured.decide_ms.p99,
    r.measured.decide_ms.max,
    r.measured.claim_next_ms.p50,
    r.measured.claim_next_ms.p99,
    r.measured.claim_next_ms.max,
    r.measured.non_2xx + r.measured.errors,
    r.measured.server_cpu_s_per_1000,
    r.measured.postgres_cpu_s_per_1000 ?? '–',
    r.server_peak_rss_mb,
    r.measured.other_cpu_s,
    `≥${r.target.decisions_per_s}/s, p99 ≤${r.target.p99_ms} ms: ${r.pass ? 'pass' : 'FAIL'}`,
  ]),
);
for (const r of results) {
  if (r.measured.db_per_decision) console.log(`\n${r.backend}: PostgreSQL per decision: ${JSON.stringify(r.measured.db_per_decision)}`);
  console.log(`${r.backend}: after the run: ${JSON.stringify(r.db_counts_after)}`);
}
