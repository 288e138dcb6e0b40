/**
 * Transparency report benchmark: computeReport (src/transparency/compute.ts) over a year with N decisions.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/vigie_bench npm run bench:transparency -- --decisions 10000000
 *   npm run bench:transparency -- --backend pglite --decisions 1000000
 *   options: --backend postgres|pglite (default: postgres when DATABASE_URL is set, else pglite)
 *            --batch 1000000  --runs 3  --keep (leave the bench service's rows)  --data-dir DIR (pglite)
 *            --service SLUG (no seeding: report on a service left by an earlier --keep run)
 *
 * PostgreSQL: DATABASE_URL, else a scratch database (created and dropped, bench/lib.ts). PGlite: a fresh DATA_DIR
 * (removed after), or --data-dir. In DATABASE_URL or --data-dir, the bench service's rows are deleted after (not --keep).
 * Seeding (timed apart): a dedicated service `bench-transparency-<random>`, then per batch of decision numbers i,
 * with `insert … select … from generate_series` (ids derived from md5 so that rows reference each other without
 * joins): one closed case and one original decision per i (80% own initiative — two thirds detected by screening,
 * one in eight solely automated —, 12% notices, 6% trusted-flagger notices, 2% orders: large platforms moderate mostly
 * on their own initiative), one notice per
 * notice case (every 10th with a second item), one order per order case, a correction for 0.5% (complaints
 * reversed), a complaint for 2% (decided), a strike step for 0.1%. 75% of decisions restrict, with a visibility,
 * monetary, provision or account restriction by i; categories cycle through 8 parents with their keywords.
 * The decisions carry the reporting columns as take.ts writes them, the notices their action and the complaints the
 * contested decision's outcome, basis and mask (migration 0021); `details` is a small jsonb. Timestamps spread
 * evenly over 2025. Then VACUUM ANALYZE (index-only scans need the visibility map), then --runs computations of
 * the report for 2025-01-01/2025-12-31 (the first reported as cold(er), the best as warm), then each section's
 * statement once on its own. RSS of this process.
 */
import fs from 'node:fs';
import { createService } from '../src/services/index.ts';
import { openDatabase, sql, type Database, type Db } from '../src/db/index.ts';
import { prepareDatabase } from '../src/server.ts';
import { computeReport, periodBounds, reportSettings } from '../src/transparency/compute.ts';
import * as sections from '../src/transparency/compute-sql.ts';
import { createScratchDb, dropScratchDb, log, machineInfo, numArg, parseArgs, printTable, randSuffix, round, tmpDir, writeJson } from './lib.ts';

const args = parseArgs(process.argv.slice(2));
const BACKEND = (args.get('backend') ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite')) as 'postgres' | 'pglite';
const DECISIONS = Math.max(1000, Math.floor(numArg(args, 'decisions', BACKEND === 'postgres' ? 10_000_000 : 1_000_000)));
const BATCH = Math.max(1000, Math.floor(numArg(args, 'batch', 1_000_000)));
const RUNS = Math.max(1, Math.floor(numArg(args, 'runs', 3)));
const KEEP = args.has('keep');
const TARGET_SECONDS = BACKEND === 'postgres' ? 10 : null;
const YEAR_SECONDS = 365 * 86_400;

const rssMb = () => round(process.memoryUsage().rss / 1048576, 1);
const peakRssMb = () => {
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? round(Number(m[1]) / 1024, 1) : NaN;
};

/** Parents and keywords the bench cycles through. */
const CATEGORIES: [string, string | null][] = [
  ['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_HATE_SPEECH'],
  ['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_DEFAMATION'],
  ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'KEYWORD_PHISHING'],
  ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'KEYWORD_INAUTHENTIC_ACCOUNTS'],
  ['STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'KEYWORD_COPYRIGHT_INFRINGEMENT'],
  ['STATEMENT_CATEGORY_CYBER_VIOLENCE', 'KEYWORD_CYBER_HARASSMENT'],
  ['STATEMENT_CATEGORY_PROTECTION_OF_MINORS', 'KEYWORD_UNSAFE_CHALLENGES'],
  ['STATEMENT_CATEGORY_OTHER_VIOLATION_TC', 'KEYWORD_NUDITY'],
  ['STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', null],
  ['STATEMENT_CATEGORY_VIOLENCE', 'KEYWORD_OTHER'],
];
const STATES = ['FR', 'DE', 'IT', 'ES', 'NL', 'BE', 'EL', 'PL'];
/** Restriction masks (src/decisions/reporting.ts RESTRICTION_BITS) by i. */
const MASKS = [1, 1, 1, 2, 4, 8, 32, 16, 1 | 16384, 128, 1024, 64];

async function seed(db: Db, serviceId: string, userId: string, authorityId: string, queueId: string): Promise<Record<string, number>> {
  const arr = (xs: (string | number | null)[]) => sql.raw(`array[${xs.map((x) => (x === null ? 'null' : typeof x === 'number' ? String(x) : `'${x}'`)).join(',')}]`);
  const cats = arr(CATEGORIES.map(([c]) => c));
  const kws = sql.raw(`array[${CATEGORIES.map(([, k]) => (k === null ? 'null' : `'${k}'`)).join(',')}]::text[]`);
  const states = arr(STATES);
  const masks = arr(MASKS);
  const nc = CATEGORIES.length;
  const ns = STATES.length;
  const nm = MASKS.length;
  const started = Date.now();
  for (let lo = 0; lo < DECISIONS; lo += BATCH) {
    const hi = Math.min(DECISIONS, lo + BATCH) - 1;
    const t0 = Date.now();
    await db.transaction().execute(async (tx) => {
      // The per-i facts, shared by every insert of the batch.
      const base = sql`(
        select i,
               md5(${serviceId} || 'c' || i)::uuid as case_id, md5(${serviceId} || 'd' || i)::uuid as decision_id,
               md5(${serviceId} || 'n' || i)::uuid as notice_id, md5(${serviceId} || 'o' || i)::uuid as order_id,
               case when i % 200 < 160 then 'own_initiative' when i % 200 < 184 then 'notice' when i % 200 < 196 then 'trusted_notice' else 'order' end as basis,
               (${cats})[1 + i % ${sql.lit(nc)}] as category, (${kws})[1 + i % ${sql.lit(nc)}] as keyword,
               timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => i * ${sql.lit(YEAR_SECONDS / DECISIONS)}) as at,
               make_interval(secs => (i % 97) * 1800 + 60) as delay,
               i % 4 <> 3 as restricts
        from generate_series(${lo}::bigint, ${hi}::bigint) as i) b`;
      await sql`insert into orders (id, service_id, authority_id, type, legal_basis, issuing_member_state, reference, category, keyword, item_count,
                                    status, channel, received_at, deadline_at, acknowledged_at, effect_given_at, created_at, updated_at)
                select order_id, ${serviceId}, ${authorityId},
                       case when i % 3 = 0 then 'removal_order' when i % 3 = 1 then 'order_to_act' else 'order_to_provide_information' end,
                       'Code pénal, art. 421-2-5', (${states})[1 + i % ${sql.lit(ns)}], 'REF-' || i, category, keyword, 1 + i % 3,
                       'effect_given', 'api', at, at + interval '1 hour', at + interval '1 minute', at + delay, at, at
                from ${base} where basis = 'order'`.execute(tx);
      await sql`insert into cases (id, service_id, content_key, content_id, queue_id, category, subcategory, tier, trust_rank, deadline_at, status,
                                   notice_count, automated_detection, order_id, created_at, updated_at, burst_started_at)
                select case_id, ${serviceId}, 'bench:' || i, 'post-' || i, ${queueId}, category, keyword, 1,
                       case when basis = 'trusted_notice' then 0 else 1 end, at + interval '1 day', 'closed',
                       case when basis in ('notice', 'trusted_notice') then 1 else 0 end,
                       basis = 'own_initiative' and i % 3 <> 0, case when basis = 'order' then order_id end, at, at, at
                from ${base}`.execute(tx);
      await sql`insert into notices (id, service_id, reference, tracking_token_hash, source, notifier_type, trusted, category, subcategory,
                                     explanation, language, good_faith, status, item_count, created_at)
                select notice_id, ${serviceId}, 'B-' || i, 'x', 'public', case when basis = 'trusted_notice' then 'trusted_flagger' else 'individual' end,
                       basis = 'trusted_notice', category, keyword, 'Bench notice.', 'en', true, 'decided', case when i % 10 = 0 then 2 else 1 end, at
                from ${base} where basis in ('notice', 'trusted_notice')`.execute(tx);
      await sql`insert into notice_locations (notice_id, position, service_id, content_id, content_key, case_id)
                select notice_id, p, ${serviceId}, 'post-' || i, 'bench:' || i, case_id
                from ${base} cross join lateral generate_series(0, case when i % 10 = 0 then 1 else 0 end) as p
                where basis in ('notice', 'trusted_notice')`.execute(tx);
      await sql`insert into decisions (id, service_id, case_id, decided_by, outcome, details, basis, report_category, report_keyword, ground,
                                       restriction_mask, solely_automated, automated_detection, received_at, content_language, created_at)
                select decision_id, ${serviceId}, case_id, ${userId}, case when restricts then 'restriction' else 'no_action' end,
                       '{"bench": true}'::jsonb, basis,
                       case when basis = 'own_initiative' and i % 11 = 0 then 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' else category end,
                       case when basis = 'own_initiative' and i % 11 = 0 then 'KEYWORD_ADULT_SEXUAL_MATERIAL' else keyword end,
                       case when not restricts then null when i % 5 < 3 then 'illegal' else 'incompatible' end,
                       case when restricts then (${masks})[1 + i % ${sql.lit(nm)}] else 0 end,
                       basis = 'own_initiative' and i % 12 = 0, basis = 'own_initiative' and i % 3 <> 0, at, 'en', at + delay
                from ${base}`.execute(tx);
      // The action on each notice (migration 0021: recorded with the original decision of its case, as sql.ts insertDecision does).
      await sql`insert into notice_actions (notice_id, service_id, received_at, category, subcategory, trusted, decision_id, decided_at, outcome, ground, solely_automated)
                select notice_id, ${serviceId}, at, category, keyword, basis = 'trusted_notice', decision_id, at + delay,
                       case when restricts then 'restriction' else 'no_action' end,
                       case when not restricts then null when i % 5 < 3 then 'illegal' else 'incompatible' end, false
                from ${base} where basis in ('notice', 'trusted_notice')`.execute(tx);
      // Complaints (2%, on restrictions and on no action alike): decided 48 h after; a quarter reversed (0.5%) with a correction to no action.
      await sql`insert into decisions (id, service_id, case_id, supersedes_id, decided_by, outcome, details, basis, report_category, report_keyword,
                                       restriction_mask, solely_automated, automated_detection, received_at, content_language, created_at)
                select md5(${serviceId} || 'x' || i)::uuid, ${serviceId}, case_id, decision_id, ${userId}, 'no_action', '{"bench": true}'::jsonb, basis,
                       category, keyword, 0, false, false, at, 'en', at + delay + interval '72 hours'
                from ${base} where i % 200 = 6`.execute(tx);
      // With the contested decision's outcome, basis and mask (migration 0021, as appeals-sql.ts insertAppeal copies them).
      await sql`insert into appeals (id, service_id, decision_id, appellant, explanation, status, outcome, reason, decided_by, new_decision_id, created_at, decided_at,
                                     contested_outcome, contested_basis, contested_mask)
                select md5(${serviceId} || 'a' || i)::uuid, ${serviceId}, decision_id, 'affected_user', 'Bench complaint.', 'decided',
                       case when i % 200 = 6 then 'reversed' else 'upheld' end, 'Bench.', ${userId},
                       case when i % 200 = 6 then md5(${serviceId} || 'x' || i)::uuid end,
                       at + delay + interval '24 hours', at + delay + interval '72 hours',
                       case when restricts then 'restriction' else 'no_action' end, basis, case when restricts then (${masks})[1 + i % ${sql.lit(nm)}] else 0 end
                from ${base} where i % 100 in (6, 7)`.execute(tx);
      await sql`insert into account_strike_steps (service_id, account_ref, action, strikes, decision_id, trigger_decision_id, created_at)
                select ${serviceId}, 'acct-' || i, case when i % 2000 = 3 then 'suspension' else 'warning' end, 3, decision_id, decision_id, at + delay
                from ${base} where i % 1000 = 3`.execute(tx);
    });
    log(`seeded ${hi + 1}/${DECISIONS} decisions (${round((Date.now() - t0) / 1000, 1)} s for this batch)`);
  }
  const seeding = (Date.now() - started) / 1000;
  const t1 = Date.now();
  for (const table of ['cases', 'orders', 'notices', 'notice_locations', 'notice_actions', 'decisions', 'appeals', 'account_strike_steps']) {
    await sql`vacuum (analyze) ${sql.table(table)}`.execute(db);
  }
  const vacuum = (Date.now() - t1) / 1000;
  const count = async (q: ReturnType<typeof sql<{ n: number }>>) => ((await q.execute(db)).rows[0] as { n: number }).n;
  return {
    seed_s: round(seeding, 1),
    vacuum_analyze_s: round(vacuum, 1),
    decisions: await count(sql<{ n: number }>`select count(*)::int as n from decisions where service_id = ${serviceId}`),
    notices: await count(sql<{ n: number }>`select count(*)::int as n from notices where service_id = ${serviceId}`),
    appeals: await count(sql<{ n: number }>`select count(*)::int as n from appeals where service_id = ${serviceId}`),
    orders: await count(sql<{ n: number }>`select count(*)::int as n from orders where service_id = ${serviceId}`),
  };
}

/** Deletes the bench service's rows (decisions are append-only: the trigger is off for this transaction). */
async function cleanUp(db: Db, serviceId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`alter table decisions disable trigger decisions_append_only`.execute(tx);
    for (const q of [
      sql`delete from account_strike_steps where service_id = ${serviceId}`,
      sql`delete from appeals where service_id = ${serviceId}`,
      sql`delete from notice_locations where service_id = ${serviceId}`,
      sql`delete from notice_actions where service_id = ${serviceId}`,
      sql`delete from decisions where service_id = ${serviceId} and supersedes_id is not null`,
      sql`delete from decisions where service_id = ${serviceId}`,
      sql`delete from notices where service_id = ${serviceId}`,
      sql`delete from cases where service_id = ${serviceId}`,
      sql`delete from orders where service_id = ${serviceId}`,
    ])
      await q.execute(tx);
    await sql`alter table decisions enable trigger decisions_append_only`.execute(tx);
  });
}

async function main(): Promise<void> {
  let scratch: { name: string; url: string } | undefined;
  let pgliteDir: string | undefined;
  let database: Database;
  if (BACKEND === 'postgres') {
    let url = process.env.DATABASE_URL;
    if (!url) {
      scratch = await createScratchDb();
      url = scratch.url;
    }
    database = await openDatabase({ databaseUrl: url, poolSize: 2 });
  } else {
    if (!args.has('data-dir')) pgliteDir = tmpDir('vigie-bench-transparency-');
    database = await openDatabase({ dataDir: args.get('data-dir') ?? (pgliteDir as string) });
  }
  const db = database.db;
  await prepareDatabase(database);
  // --service SLUG: report on a bench service kept by an earlier run (--keep), without seeding (nor clean-up).
  const reuse = args.get('service');
  let svc: { id: string };
  let seeded: Record<string, number>;
  if (reuse) {
    const found = await sql<{ id: string }>`select id from services where slug = ${reuse}`.execute(db);
    if (!found.rows[0]) throw new Error(`no service ${reuse}`);
    svc = found.rows[0];
    const count = async (table: string) =>
      ((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where service_id = ${svc.id}`.execute(db)).rows[0] as { n: number }).n;
    seeded = { decisions: await count('decisions'), notices: await count('notices'), appeals: await count('appeals'), orders: await count('orders') };
    log(`${BACKEND}: reusing service ${reuse}: ${JSON.stringify(seeded)}`);
  } else {
    const slug = `bench-transparency-${randSuffix()}`;
    svc = await createService(db, { slug, name: 'Transparency bench' }, { type: 'system', id: null }, null);
    const user = await sql<{ id: string }>`insert into users (email, display_name, password_hash) values (${`${slug}@bench.invalid`}, 'Bench', 'x') returning id`.execute(db);
    const authority = await sql<{ id: string }>`
      insert into authorities (service_id, name, member_state, kind, order_types, contact_email)
      values (${svc.id}, 'Bench authority', 'FR', 'judicial', array['removal_order', 'order_to_act', 'order_to_provide_information'], 'authority@bench.invalid')
      returning id`.execute(db);
    const queue = await sql<{ id: string }>`select id from queues where service_id = ${svc.id} and slug = 'general'`.execute(db);
    log(`${BACKEND}: seeding ${DECISIONS} decisions in service ${slug}`);
    seeded = await seed(db, svc.id, user.rows[0]!.id, authority.rows[0]!.id, queue.rows[0]!.id);
  }
  log(`seeded: ${JSON.stringify(seeded)}`);

  const runs: number[] = [];
  const rssBefore = rssMb();
  let figures: Awaited<ReturnType<typeof computeReport>> | undefined;
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint();
    figures = await computeReport(db, svc.id, { start: '2025-01-01', end: '2025-12-31' });
    runs.push(Number(process.hrtime.bigint() - t) / 1e9);
    log(`report ${r + 1}/${RUNS}: ${round(runs[r]!, 2)} s`);
  }
  // Each section's statement on its own (in its own transaction, with the report's work_mem), to see where the time goes.
  const sectionSeconds: Record<string, number> = {};
  const period = { serviceId: svc.id, ...periodBounds('2025-01-01', '2025-12-31') };
  for (const [name, run] of Object.entries({
    orders: sections.orderFigures,
    notices: sections.noticeCounts,
    notice_medians: sections.noticeMedians,
    decisions: sections.decisionFine,
    complaints: sections.complaintFigures,
    reviews: sections.reviewFigures,
  })) {
    const t = process.hrtime.bigint();
    await db.transaction().execute(async (tx) => {
      await reportSettings(tx);
      await run(tx, period);
    });
    sectionSeconds[name] = round(Number(process.hrtime.bigint() - t) / 1e9, 2);
  }
  log(`sections (s): ${JSON.stringify(sectionSeconds)}`);
  const result = {
    sections_s: sectionSeconds,
    backend: BACKEND,
    machine: machineInfo(),
    decisions_requested: DECISIONS,
    ...seeded,
    report_first_s: round(runs[0]!, 2),
    report_best_s: round(Math.min(...runs), 2),
    report_runs_s: runs.map((x) => round(x, 2)),
    target_s: TARGET_SECONDS,
    rss_before_mb: rssBefore,
    rss_after_mb: rssMb(),
    peak_rss_mb: peakRssMb(),
    totals: figures?.totals,
  };
  printTable(`transparency report, ${BACKEND}, ${seeded.decisions} decisions`, ['metric', 'value'], [
    ['decisions / notices / appeals / orders', `${seeded.decisions} / ${seeded.notices} / ${seeded.appeals} / ${seeded.orders}`],
    ['seeding (s)', seeded.seed_s ?? 0],
    ['vacuum analyze (s)', seeded.vacuum_analyze_s ?? 0],
    ['report, first run (s)', result.report_first_s],
    ['report, best run (s)', result.report_best_s],
    ['target (s)', TARGET_SECONDS ?? '-'],
    ['RSS before / after / peak (MB)', `${result.rss_before_mb} / ${result.rss_after_mb} / ${result.peak_rss_mb}`],
  ]);
  console.log(JSON.stringify(figures?.totals));
  writeJson(`transparency-${BACKEND}`, result);
  // A scratch database or a fresh PGlite directory is dropped whole; a database of the caller's keeps only its rows.
  const ownDatabase = BACKEND === 'postgres' ? scratch === undefined : args.has('data-dir');
  if (!KEEP && !reuse && ownDatabase) {
    log('removing the bench service rows');
    await cleanUp(db, svc.id);
  }
  await database.close();
  if (scratch && !KEEP && !reuse) await dropScratchDb(scratch.name);
  if (pgliteDir && !KEEP) fs.rmSync(pgliteDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
