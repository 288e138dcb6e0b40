/**
 * Shared helpers for the benchmarks: child servers, PostgreSQL scratch databases, /proc sampling,
 * a small keep-alive HTTP client, percentiles and output. Loopback only; every wait is bounded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');
/** Admin connection used to create / drop the scratch databases. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Backend = 'pglite' | 'postgres';

// ---------------------------------------------------------------- arguments

export function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) out.set(a.slice(2), argv[++i]!);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

export function numArg(args: Map<string, string>, name: string, dflt: number): number {
  const v = args.get(name);
  if (v === undefined) return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
  return n;
}

export function backendsArg(args: Map<string, string>, dflt: Backend[]): Backend[] {
  const v = args.get('backend');
  if (!v || v === 'both' || v === 'all') return dflt;
  const list = v.split(',').map((s) => s.trim());
  for (const b of list) if (b !== 'pglite' && b !== 'postgres') throw new Error(`--backend must be pglite|postgres|both, got ${b}`);
  return list as Backend[];
}

// ---------------------------------------------------------------- misc

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function randSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    mem_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

// ---------------------------------------------------------------- /proc sampling

let clkTck = 0;
function ticksPerSecond(): number {
  if (clkTck) return clkTck;
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  clkTck = Number(r.stdout?.trim()) || 100;
  return clkTck;
}

/** utime+stime of one process, in seconds (0 when it is gone). */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces: fields start after the closing parenthesis.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state); utime = field 14, stime = field 15.
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return 0;
  }
}

/** A field of /proc/<pid>/status in MB (VmHWM = peak RSS, VmRSS = current). */
export function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of the PostgreSQL processes that work for one database: its client backends (and
 * autovacuum workers) plus the shared auxiliary processes (WAL writer, checkpointer, background
 * writer, launchers). Other databases' backends on the same server are left out, so a test suite
 * using PostgreSQL at the same time does not count. Keyed by pid.
 */
export async function postgresCpuFor(dbName: string): Promise<Map<number, number>> {
  const pids = await withAdmin(async (c) => {
    const r = await c.query<{ pid: number }>(
      `select pid from pg_stat_activity
        where datname = $1 or (datname is null and backend_type <> 'client backend')`,
      [dbName],
    );
    return r.rows.map((x) => x.pid);
  });
  const out = new Map<number, number>();
  for (const pid of pids) out.set(pid, procCpuSeconds(pid));
  return out;
}

/** CPU seconds the PostgreSQL processes spent between two snapshots (processes alive at the end). */
export function postgresCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

// ---------------------------------------------------------------- PostgreSQL scratch databases

export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function dbUrl(name: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createScratchDb(): Promise<{ name: string; url: string }> {
  const name = `vigie_bench_${randSuffix()}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  return { name, url: dbUrl(name) };
}

export async function dropScratchDb(name: string): Promise<void> {
  if (!/^vigie_bench_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
}

/**
 * After a run: stop the servers, then drop the scratch database and remove the work folder, unless
 * `keep` (then say where they are). Clean-up errors are logged, never thrown over the run's own error.
 */
export async function cleanUpRun(opts: {
  servers: Array<{ stop(): Promise<unknown> } | undefined>;
  scratch: { name: string } | undefined;
  work: string;
  keep: boolean;
}): Promise<void> {
  for (const server of opts.servers) await server?.stop().catch(() => {});
  const { scratch, work, keep } = opts;
  if (keep) {
    log(`kept ${work}${scratch ? ` and database ${scratch.name}` : ''}`);
    return;
  }
  if (scratch) await dropScratchDb(scratch.name).catch((e: Error) => log(`drop ${scratch.name}: ${e.message}`));
  fs.rmSync(work, { recursive: true, force: true });
}

// ---------------------------------------------------------------- the Vigie server and CLI

export interface VigieEnv {
  backend: Backend;
  dataDir: string;
  databaseUrl?: string | undefined;
}

export function vigieEnv(e: VigieEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATA_DIR: e.dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PUBLIC_PER_MINUTE: '100000000',
    RATE_LIMIT_KEY_PER_MINUTE: '100000000',
    ...extra,
  };
  if (e.backend === 'postgres') env.DATABASE_URL = e.databaseUrl;
  return env;
}

/** Runs `node bin/vigie.js …args` to completion (bounded), returning stdout. */
export function vigieCli(env: NodeJS.ProcessEnv, args: string[], stdin?: string, timeoutMs = 120_000): string {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/vigie.js'), ...args], {
    cwd: REPO_ROOT,
    env,
    input: stdin ?? '',
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (r.status !== 0) {
    throw new Error(`vigie ${args.join(' ')} failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

export function createApiKey(env: NodeJS.ProcessEnv): string {
  const out = vigieCli(env, ['apikey', 'create', '--service', 'default', '--role', 'platform', '--name', 'bench']);
  const m = /(vk_[A-Za-z0-9_\-.]+)/.exec(out);
  if (!m) throw new Error(`no vk_ token in:\n${out}`);
  return m[1]!;
}

export interface ChildServer {
  proc: ChildProcess;
  pid: number;
  baseUrl: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Arguments after `node`, e.g. ['bin/vigie.js', 'serve']. */
  args: string[];
  env: NodeJS.ProcessEnv;
  port: number;
  logFile: string;
  readyPath: string;
  readyTimeoutMs?: number;
  nodeFlags?: string[];
}

/** Starts a server as a child process and waits (bounded) for its readiness URL to answer 200. */
export async function spawnServer(o: SpawnOptions): Promise<ChildServer> {
  const log = fs.openSync(o.logFile, 'a');
  const proc = spawn(process.execPath, [...(o.nodeFlags ?? []), ...o.args], {
    cwd: REPO_ROOT,
    env: { ...o.env, PORT: String(o.port) },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  if (!proc.pid) throw new Error(`could not start ${o.args.join(' ')}`);
  let exited: number | string | null = null;
  proc.on('exit', (code, signal) => {
    exited = code ?? signal ?? 'exit';
  });
  const baseUrl = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + (o.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (exited !== null) {
      throw new Error(`server exited (${exited}) before ready; log ${o.logFile}:\n${tail(o.logFile)}`);
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready within ${o.readyTimeoutMs ?? 90_000} ms; log ${o.logFile}:\n${tail(o.logFile)}`);
    }
    const status = await httpRequest({ method: 'GET', url: baseUrl + o.readyPath, timeoutMs: 1000 }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    await sleep(200);
  }
  const pid = proc.pid;
  return {
    proc,
    pid,
    baseUrl,
    port: o.port,
    logFile: o.logFile,
    stop: async () => {
      if (exited !== null) return;
      const done = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const ok = await Promise.race([done.then(() => true), sleep(20_000).then(() => false)]);
      if (!ok) {
        proc.kill('SIGKILL');
        await Promise.race([done, sleep(5_000)]);
      }
    },
  };
}

export async function startVigie(
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeFlags: string[] = [],
): Promise<ChildServer> {
  return spawnServer({
    args: [path.join(REPO_ROOT, 'bin/vigie.js'), 'serve'],
    env,
    port: await freePort(),
    logFile,
    readyPath: '/readyz',
    nodeFlags,
  });
}

export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------- HTTP client (keep-alive)

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function httpRequest(o: {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(o.url);
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(o.body));
    }
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: o.method, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(o.timeoutMs ?? 10_000, () => req.destroy(new Error(`timeout ${o.method} ${o.url}`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

// ---------------------------------------------------------------- stats and output

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    count: s.length,
    mean: s.length ? sum / s.length : NaN,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length ? s[s.length - 1]! : NaN,
  };
}

export function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? String(round(c)) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) =>
    '| ' + r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join(' | ') + ' |';
  console.log(`\n${title}`);
  console.log(line(cells[0]!));
  console.log('|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const r of cells.slice(1)) console.log(line(r));
}

export function writeJson(name: string, data: unknown): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, name);
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

// ---------------------------------------------------------------- noise from other processes

/** Busy CPU seconds of the whole machine so far (all cores: user+nice+system+irq+softirq+steal). */
export function systemBusySeconds(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!; // "cpu  user nice system idle iowait irq softirq steal …"
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  return busy / ticksPerSecond();
}

/**
 * Waits (bounded by maxSeconds) until the machine is quiet: under `maxBusyCores` cores busy over a
 * 3-second window. Other people's test runs on this 2-core box otherwise skew every number.
 * Returns the busy cores of the last window.
 */
export async function waitForQuiet(maxSeconds: number, maxBusyCores = 0.25): Promise<number> {
  if (maxSeconds <= 0) return NaN;
  const deadline = Date.now() + maxSeconds * 1000;
  let busy = Infinity;
  let warned = false;
  while (Date.now() < deadline) {
    const b0 = systemBusySeconds();
    await sleep(3000);
    busy = (systemBusySeconds() - b0) / 3;
    if (busy <= maxBusyCores) return busy;
    if (!warned) {
      log(`machine busy (${busy.toFixed(2)} cores used by other processes): waiting up to ${maxSeconds}s for it to quiet down`);
      warned = true;
    }
  }
  log(`machine still busy (${busy.toFixed(2)} cores) after ${maxSeconds}s: measuring anyway; see other_cpu_s in the results`);
  return busy;
}

// ---------------------------------------------------------------- sessions and database counters

export interface BenchSession {
  email: string;
  cookie: string;
  csrf: string;
}

/** Signs a user in (`POST /v1/auth/login`): the session cookie and the CSRF token to send with writes. */
export async function loginSession(baseUrl: string, email: string, password: string): Promise<BenchSession> {
  const r = await httpRequest({ method: 'POST', url: `${baseUrl}/v1/auth/login`, body: JSON.stringify({ email, password }) });
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.body.slice(0, 300)}`);
  const setCookie = r.headers['set-cookie'] ?? [];
  const session = setCookie.map((c) => /^(vigie_session=[^;]+)/.exec(c)?.[1]).find(Boolean);
  if (!session) throw new Error(`login ${email}: no vigie_session cookie in ${JSON.stringify(setCookie)}`);
  const body = JSON.parse(r.body) as { csrf_token?: string };
  if (!body.csrf_token) throw new Error(`login ${email}: no csrf_token in ${r.body.slice(0, 300)}`);
  return { email, cookie: session, csrf: body.csrf_token };
}

export interface DbCounters {
  xact_commit: number;
  xact_rollback: number;
  tup_inserted: number;
  tup_updated: number;
  tup_deleted: number;
  tup_fetched: number;
  tables: Record<string, { ins: number; upd: number; del: number; hot_upd: number; seq_scan: number; seq_tup_read: number }>;
}

/** Database-wide and per-table counters of a PostgreSQL database (flushed first), to see what one unit of work costs. */
export async function dbCounters(url: string): Promise<DbCounters> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('select pg_stat_force_next_flush()').catch(() => {});
    await c.query('select pg_stat_clear_snapshot()');
    const d = (
      await c.query(
        `select xact_commit::float8, xact_rollback::float8, tup_inserted::float8, tup_updated::float8, tup_deleted::float8,
                tup_fetched::float8 from pg_stat_database where datname = current_database()`,
      )
    ).rows[0] as Omit<DbCounters, 'tables'>;
    const t = await c.query<{ relname: string; ins: number; upd: number; del: number; hot_upd: number; seq_scan: number; seq_tup_read: number }>(
      `select relname, n_tup_ins::float8 as ins, n_tup_upd::float8 as upd, n_tup_del::float8 as del, n_tup_hot_upd::float8 as hot_upd,
              seq_scan::float8, seq_tup_read::float8 from pg_stat_user_tables`,
    );
    return { ...d, tables: Object.fromEntries(t.rows.map(({ relname, ...r }) => [relname, r])) };
  } finally {
    await c.end();
  }
}

/** The counters' growth between two snapshots, divided by `units` (tables that did not change are left out). */
export function countersPer(a: DbCounters, b: DbCounters, units: number) {
  const k = units || 1;
  const per = (x: number, y: number) => round((y - x) / k, 2);
  const tables: Record<string, { ins: number; upd: number; del: number; hot_upd: number; seq_scan: number; seq_tup_read: number }> = {};
  for (const [name, t] of Object.entries(b.tables)) {
    const t0 = a.tables[name] ?? { ins: 0, upd: 0, del: 0, hot_upd: 0, seq_scan: 0, seq_tup_read: 0 };
    if (t.ins === t0.ins && t.upd === t0.upd && t.del === t0.del && t.seq_scan === t0.seq_scan) continue;
    tables[name] = {
      ins: per(t0.ins, t.ins),
      upd: per(t0.upd, t.upd),
      del: per(t0.del, t.del),
      hot_upd: per(t0.hot_upd, t.hot_upd),
      seq_scan: per(t0.seq_scan, t.seq_scan),
      seq_tup_read: per(t0.seq_tup_read, t.seq_tup_read),
    };
  }
  return {
    commits: per(a.xact_commit, b.xact_commit),
    rollbacks: per(a.xact_rollback, b.xact_rollback),
    rows_inserted: per(a.tup_inserted, b.tup_inserted),
    rows_updated: per(a.tup_updated, b.tup_updated),
    rows_deleted: per(a.tup_deleted, b.tup_deleted),
    rows_fetched: per(a.tup_fetched, b.tup_fetched),
    tables,
  };
}
