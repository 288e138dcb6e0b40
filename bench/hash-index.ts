/**
 * `npm run bench:hash-index`: the PDQ near-neighbour index (src/screening/hash-index.ts) at 1,000,000
 * and 10,000,000 hashes, random and clustered (near-duplicates with bit-flip noise), against a linear
 * scan in the same run. Each (size, data set) runs in its own child process (`--expose-gc`, a larger
 * old space), so its RSS says what that index costs. Results: stdout and bench/results/hash-index.json.
 *
 *   npm run bench:hash-index -- --sizes 1000000,10000000 --data random,clustered
 *     --queries 10000 --linear 200 --radius 31 --quiet-wait 300 --seed 1
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildHashIndex, linearScan, type HashIndex, type HashMatch } from '../src/screening/hash-index.ts';
import {
  REPO_ROOT,
  log,
  machineInfo,
  numArg,
  parseArgs,
  printTable,
  round,
  sleep,
  summarize,
  systemBusySeconds,
  waitForQuiet,
  writeJson,
} from './lib.ts';
import { prng } from '../test/support/prng.ts';

const args = parseArgs(process.argv.slice(2));
const RADIUS = numArg(args, 'radius', 31);
const QUERIES = numArg(args, 'queries', 10_000);
const LINEAR = numArg(args, 'linear', 200);
const QUIET_WAIT = numArg(args, 'quiet-wait', 300);
const SEED = numArg(args, 'seed', 1);

// ---------------------------------------------------------------- data

function fillRandom(out: Uint8Array, rand: () => number): void {
  const w = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
  for (let i = 0; i < w.length; i++) w[i] = (rand() * 4294967296) >>> 0;
}

function flipBits(h: Uint8Array, k: number, rand: () => number): void {
  // k distinct bits (a repeat flips back, so draw again).
  const seen: number[] = [];
  while (seen.length < k) {
    const bit = Math.floor(rand() * 256);
    if (seen.includes(bit)) continue;
    seen.push(bit);
    h[bit >> 3]! ^= 1 << (bit & 7);
  }
}

interface DataSet {
  ids: Int32Array;
  hashes: Uint8Array;
  clusters?: { count: number; largest: number; inClusters: number };
}

/**
 * Random: independent uniform hashes. Clustered: what a real bank looks like — an image and its
 * re-encodes, crops, resizes. Cluster sizes are heavy-tailed (P(size ≥ k) = k^-1.25, at most 2,000,
 * ~58% singletons, mean ~4); each member is its centre with k bits flipped, k = ⌊24·u²⌋ (mostly 0–6,
 * up to 23: distances between PDQ hashes of near-duplicates).
 */
function makeData(n: number, kind: 'random' | 'clustered', rand: () => number): DataSet {
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = 2 * i + 1; // sparse-ish row ids
  const hashes = new Uint8Array(n * 32);
  fillRandom(hashes, rand);
  if (kind === 'random') return { ids, hashes };
  let i = 0;
  let count = 0;
  let largest = 0;
  let inClusters = 0;
  while (i < n) {
    const size = Math.min(n - i, 2000, Math.floor(1 / Math.max(1e-9, rand()) ** 0.8));
    const centre = hashes.slice(i * 32, i * 32 + 32);
    for (let j = 1; j < size; j++) {
      const h = hashes.subarray((i + j) * 32, (i + j) * 32 + 32);
      h.set(centre);
      flipBits(h, Math.floor(24 * rand() ** 2), rand);
    }
    count++;
    largest = Math.max(largest, size);
    if (size > 1) inClusters += size;
    i += size;
  }
  // Shuffle rows so clusters are not contiguous (bank rows arrive over time).
  const tmp = new Uint8Array(32);
  for (let k = n - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    tmp.set(hashes.subarray(k * 32, k * 32 + 32));
    hashes.copyWithin(k * 32, j * 32, j * 32 + 32);
    hashes.set(tmp, j * 32);
  }
  return { ids, hashes, clusters: { count, largest, inClusters } };
}

/** Half planted (a stored hash with 0..radius bits flipped: at least one match), half random (misses, mostly). */
function makeQueries(data: DataSet, count: number, radius: number, rand: () => number): { q: Uint8Array[]; planted: boolean[] } {
  const n = data.ids.length;
  const q: Uint8Array[] = [];
  const planted: boolean[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const j = Math.floor(rand() * n);
      const h = data.hashes.slice(j * 32, j * 32 + 32);
      flipBits(h, Math.floor(rand() * (radius + 1)), rand);
      q.push(h);
      planted.push(true);
    } else {
      const h = new Uint8Array(32);
      fillRandom(h, rand);
      q.push(h);
      planted.push(false);
    }
  }
  return { q, planted };
}

// ---------------------------------------------------------------- one case (child process)

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Runs fn and returns its result with the CPU time other processes used meanwhile. */
function measured<T>(fn: () => T): { value: T; other_cpu_s: number; wall_s: number } {
  const busy0 = systemBusySeconds();
  const cpu0 = ownCpu();
  const t0 = performance.now();
  const value = fn();
  const wall = (performance.now() - t0) / 1000;
  const other = systemBusySeconds() - busy0 - (ownCpu() - cpu0);
  return { value, other_cpu_s: round(Math.max(0, other), 2), wall_s: round(wall, 3) };
}

function sameMatches(a: HashMatch[], b: HashMatch[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.id !== b[i]!.id || a[i]!.distance !== b[i]!.distance) return false;
  return true;
}

async function runCase(n: number, kind: 'random' | 'clustered') {
  const rand = prng(SEED * 7919 + n + (kind === 'clustered' ? 1 : 0));
  log(`${kind} ${n.toLocaleString('en')}: generating`);
  const data = makeData(n, kind, rand);
  const queries = makeQueries(data, QUERIES, RADIUS, rand);
  gc();
  const rssBefore = rssMb();

  await waitForQuiet(QUIET_WAIT, 0.35);
  log(`${kind} ${n.toLocaleString('en')}: building`);
  const build = measured(() => buildHashIndex(data, { radius: RADIUS }));
  const index: HashIndex = build.value;
  // V8 frees the build's scratch ArrayBuffers on a background thread after a GC: give it time.
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(300);
  }
  const rssAfter = rssMb();
  const memoryBytes = index.memoryBytes();

  // Warm-up (JIT), then the measured queries.
  for (let i = 0; i < Math.min(500, QUERIES); i++) index.query(queries.q[i]!);
  await waitForQuiet(QUIET_WAIT, 0.35);
  log(`${kind} ${n.toLocaleString('en')}: ${QUERIES} queries`);
  const lat: number[] = [];
  const latPlanted: number[] = [];
  const latMiss: number[] = [];
  const results: HashMatch[][] = [];
  let matches = 0;
  const q = measured(() => {
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      const r = index.query(queries.q[i]!);
      const ms = performance.now() - t0;
      lat.push(ms);
      (queries.planted[i] ? latPlanted : latMiss).push(ms);
      matches += r.length;
      if (i < LINEAR) results.push(r);
    }
  });

  // Linear scan on the first LINEAR queries (same mix): latency, and the index must equal it.
  await waitForQuiet(QUIET_WAIT, 0.35);
  log(`${kind} ${n.toLocaleString('en')}: linear scan of ${LINEAR} queries`);
  const linLat: number[] = [];
  let exact = 0;
  let expected = 0;
  let found = 0;
  const lin = measured(() => {
    for (let i = 0; i < Math.min(LINEAR, QUERIES); i++) {
      const t0 = performance.now();
      const want = linearScan(data, queries.q[i]!, RADIUS);
      linLat.push(performance.now() - t0);
      const got = results[i]!;
      if (sameMatches(got, want)) exact++;
      expected += want.length;
      const gotIds = new Set(got.map((m) => m.id));
      found += want.filter((m) => gotIds.has(m.id)).length;
    }
  });

  // Live updates: removes (static part: a scan of the ids), adds (delta), queries with a pending delta.
  await waitForQuiet(QUIET_WAIT, 0.35);
  const removeLat: number[] = [];
  const addLat: number[] = [];
  const updates = 1000;
  for (let i = 0; i < updates; i++) {
    const id = data.ids[Math.floor(rand() * n)]!;
    const t0 = performance.now();
    index.remove(id);
    removeLat.push(performance.now() - t0);
    const h = queries.q[i]!.slice();
    flipBits(h, 3, rand);
    const t1 = performance.now();
    index.add(2 * n + 2 + 2 * i, h);
    addLat.push(performance.now() - t1);
  }
  const latDelta: number[] = [];
  for (let i = 0; i < Math.min(2000, QUERIES); i++) {
    const t0 = performance.now();
    index.query(queries.q[i]!);
    latDelta.push(performance.now() - t0);
  }

  const s = summarize(lat);
  const sl = summarize(linLat);
  return {
    size: n,
    data: kind,
    clusters: data.clusters,
    radius: RADIUS,
    build_s: build.wall_s,
    build_other_cpu_s: build.other_cpu_s,
    memory_bytes: memoryBytes,
    bytes_per_hash: round(memoryBytes / n, 2),
    rss_delta_mb: round(rssAfter - rssBefore, 1),
    rss_bytes_per_hash: round(((rssAfter - rssBefore) * 2 ** 20) / n, 2),
    rss_after_mb: round(rssAfter, 1),
    query_ms: { ...mapRound(s), planted: mapRound(summarize(latPlanted)), miss: mapRound(summarize(latMiss)) },
    query_other_cpu_s: q.other_cpu_s,
    matches_per_query: round(matches / QUERIES, 2),
    linear_ms: mapRound(sl),
    linear_other_cpu_s: lin.other_cpu_s,
    speedup_mean: round(sl.mean / summarize(lat.slice(0, LINEAR)).mean, 1),
    speedup_p50: round(sl.p50 / summarize(lat.slice(0, LINEAR)).p50, 1),
    recall: expected === 0 ? 1 : round(found / expected, 6),
    exact_queries: `${exact}/${Math.min(LINEAR, QUERIES)}`,
    linear_matches: expected,
    updates: {
      count: updates,
      remove_ms: mapRound(summarize(removeLat)),
      add_ms: mapRound(summarize(addLat)),
      query_with_delta_ms: mapRound(summarize(latDelta)),
    },
  };
}

function mapRound(s: ReturnType<typeof summarize>) {
  return { count: s.count, mean: round(s.mean, 3), p50: round(s.p50, 3), p95: round(s.p95, 3), p99: round(s.p99, 3), max: round(s.max, 3) };
}

// ---------------------------------------------------------------- parent: one child per case

function runChild(n: number, kind: string): Promise<Record<string, unknown>> {
  const heapMb = n > 2_000_000 ? 4096 : 2048;
  const childArgs = [
    '--expose-gc',
    `--max-old-space-size=${heapMb}`,
    path.join(REPO_ROOT, 'bin/run-ts.js'),
    path.join(REPO_ROOT, 'bench/hash-index.ts'),
    '--child',
    '--size', String(n),
    '--data', kind,
    '--radius', String(RADIUS),
    '--queries', String(QUERIES),
    '--linear', String(LINEAR),
    '--quiet-wait', String(QUIET_WAIT),
    '--seed', String(SEED),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, childArgs, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`case ${kind} ${n} failed (exit ${code}):\n${out.slice(-2000)}`));
      else resolve(JSON.parse(line.slice(7)) as Record<string, unknown>);
    });
  });
}

async function main() {
  if (args.has('child')) {
    const kind = args.get('data') === 'clustered' ? 'clustered' : 'random';
    const result = await runCase(numArg(args, 'size', 1_000_000), kind);
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    return;
  }
  const sizes = (args.get('sizes') ?? '1000000,10000000').split(',').map((s) => Number(s.replace(/_/g, '')));
  const kinds = (args.get('data') ?? 'random,clustered').split(',');
  for (const k of kinds) if (k !== 'random' && k !== 'clustered') throw new Error(`--data: random|clustered, got ${k}`);
  const results: Record<string, unknown>[] = [];
  for (const n of sizes) for (const k of kinds) results.push(await runChild(n, k));

  type R = Awaited<ReturnType<typeof runCase>>;
  const rows = (results as unknown as R[]).map((r) => [
    `${r.size.toLocaleString('en')} ${r.data}`,
    r.build_s,
    r.bytes_per_hash,
    r.rss_bytes_per_hash,
    r.query_ms.p50,
    r.query_ms.p95,
    r.query_ms.p99,
    r.query_ms.max,
    r.matches_per_query,
    r.linear_ms.p50,
    r.speedup_mean,
    `${round(r.recall * 100, 4)}% (${r.exact_queries} exact)`,
    r.updates.remove_ms.p50,
    r.updates.query_with_delta_ms.p99,
    `${r.build_other_cpu_s}/${r.query_other_cpu_s}/${r.linear_other_cpu_s}`,
  ]);
  printTable(
    `PDQ hash index, radius ${RADIUS}, ${QUERIES} queries (half planted, half random), linear scan on ${LINEAR}`,
    ['hashes / data', 'build s', 'B/hash', 'RSS B/hash', 'p50 ms', 'p95', 'p99', 'max', 'matches/q', 'linear p50 ms', 'speed-up', 'recall', 'remove p50 ms', 'p99 w/ delta', 'other CPU-s b/q/l'],
    rows,
  );
  const file = writeJson('hash-index.json', { machine: machineInfo(), at: new Date().toISOString(), radius: RADIUS, results });
  log(`wrote ${file}`);
}

await main();
