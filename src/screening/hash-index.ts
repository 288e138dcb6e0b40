/**
 * Exact near-neighbour index of 256-bit PDQ hashes (issue 5): every entry within a Hamming radius
 * (default 31), in ~64 bytes per hash at 10,000,000 hashes. Design and measurements:
 * docs/screening-index.md and bench/README.md (`npm run bench:hash-index`).
 *
 * Multi-index hashing (Norouzi, Punjani, Fleet, "Fast exact search in Hamming space with multi-index
 * hashing", CVPR 2012 / TPAMI 2014; ThreatExchange's `pdq/cpp/index/mih.h` uses the same idea with 16
 * 16-bit slots in std::map). The hash is cut into its 8 32-bit words (substrings). For a query radius r
 * = 8q + a (0 ≤ a < 8), tables 0..a are probed at radius q and tables a+1..7 at q-1: if every word t
 * differed by more than its radius r_t, the distance would be ≥ Σ(r_t + 1) = r + 1. So every entry
 * within r is within r_t of the query on at least one word t, and each table returns exactly
 * {entries : d_t ≤ r_t}. Candidates are verified on all 256 bits; an entry is reported by the first
 * table that holds it (d_s > r_s for every earlier probed table s), so nothing is reported twice and
 * no "seen" set is needed.
 *
 * Memory (all typed arrays, no object per hash) for n entries, P = ⌈log2 n⌉ position bits:
 *  - the entries, sorted by word 0: words 1..7 (28 B), the low 16 bits of word 0 (2 B; the high 16 bits
 *    are the table-0 bucket, recovered by binary search in its directory when needed), the id (4 B);
 *  - table 0 needs no postings: its directory (2^D0 + 1 offsets, D0 ≥ 16) points into the entries;
 *  - tables 1..7: one Uint32 posting per entry = position (P bits) | R residual key bits (R = 32 - P,
 *    at most 32 - D): the key bits right after the directory bits, so a bucket is filtered without
 *    touching the 28-byte rows; directory of 2^D + 1 offsets on the top D bits of the word;
 *  - a tombstone bit per entry, a paged bitset of live ids, and the delta buffer of live additions.
 * At 10M: 30 + 4 + 7 × 4 = 62 B + directories (D = 18: 8 × 1 MB) + 1/8 B ≈ 63 B per hash.
 *
 * A probe flips up to r_t of the D directory bits (Σ C(D, k) buckets) and scans each bucket's postings,
 * keeping those whose residual bits are within the remaining budget; buckets are sorted by residual, so
 * a visit with no budget left is one interpolated search. Queries are bound by cache misses: each table
 * runs in passes over independent loads (bucket ranges, a touch per bucket, searches collecting
 * candidates, a touch per candidate row, verification) so that the CPU overlaps the misses. When probing
 * would cost more than a scan (large radii: from ~60 at 10M), the query scans the entries linearly
 * instead: still exact.
 *
 * Live updates: `add` appends to a delta buffer (scanned linearly by each query) and `remove` sets a
 * tombstone (or drops the delta slot). When the delta reaches `maxDelta` (default clamp(n/64, 4096,
 * 65536)), the whole index is rebuilt synchronously with it (counting sorts: ~11 s at 10M) and the
 * tombstones are purged. `remove`/re-`add` of an id that is in the static part finds its position with a
 * native `Int32Array.indexOf` (O(n): ~1.5–3.5 ms at 10M); `has` is O(1).
 */

export interface HashMatch {
  id: number;
  distance: number;
}

export interface HashIndex {
  readonly size: number;
  /** 32 bytes; id is a non-negative int32 (bank entry row id). Adding an id that is present replaces its hash. */
  add(id: number, hash: Uint8Array): void;
  remove(id: number): boolean;
  has(id: number): boolean;
  /** Every entry within `radius` (default: the index's), sorted by distance then id. */
  query(hash: Uint8Array, radius?: number): HashMatch[];
  /** Bytes held by the index's typed arrays. */
  memoryBytes(): number;
}

export interface HashIndexOptions {
  /** Default query radius, 0..256 (31: ThreatExchange's PDQ match threshold). */
  radius?: number;
  /** Expected number of entries (sizes the first delta buffer of `createHashIndex`). */
  expected?: number;
  /** Live additions kept in the linearly scanned delta before a rebuild (default clamp(n/64, 4096, 65536)). */
  maxDelta?: number;
  /** Directory bits of tables 1..7 (default ⌊log2(n/32)⌋ clamped to 4..22); tests use it to force tiny buckets. */
  dirBits?: number;
  /** Tests: always probe the tables, never fall back to the linear scan (small indexes otherwise scan). */
  noScan?: boolean;
}

export type HashEntries = Iterable<{ id: number; hash: Uint8Array }> | { ids: Int32Array; hashes: Uint8Array };

export const HASH_BYTES = 32;
export const DEFAULT_RADIUS = 31;
export const MAX_RADIUS = 256;
const WORDS = 8;
const ROW = 7; // words 1..7 per static row
const MAX_ENTRIES = 2 ** 28;

// ---------------------------------------------------------------- bit helpers

function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * First index in [lo, hi) whose value under `mask` is ≥ `q`, in a run sorted by that masked value: from
 * the interpolated guess `lo + (hi - lo) × frac`, gallop towards the answer, then bisect.
 */
function lowerBound(arr: Uint16Array | Uint32Array, lo: number, hi: number, mask: number, q: number, frac: number): number {
  if (lo < hi) {
    const g = lo + Math.floor((hi - lo) * frac);
    if ((arr[g]! & mask) < q) {
      lo = g + 1;
      for (let step = 1; lo + step < hi; step *= 2) {
        if ((arr[lo + step - 1]! & mask) >= q) {
          hi = lo + step;
          break;
        }
        lo += step;
      }
    } else {
      hi = g;
      for (let step = 1; hi - step > lo; step *= 2) {
        if ((arr[hi - step]! & mask) < q) {
          lo = hi - step + 1;
          break;
        }
        hi -= step;
      }
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid]! & mask) < q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function validateId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
    throw new RangeError(`hash index: id must be an integer in 0..2147483647, got ${String(id)}`);
  }
}

function validateHash(hash: Uint8Array): void {
  if (!(hash instanceof Uint8Array)) throw new TypeError('hash index: a hash must be a Uint8Array of 32 bytes');
  if (hash.length !== HASH_BYTES) {
    throw new RangeError(`hash index: a PDQ hash is ${HASH_BYTES} bytes, got ${hash.length}`);
  }
}

function validateRadius(radius: number): void {
  if (!Number.isInteger(radius) || radius < 0 || radius > MAX_RADIUS) {
    throw new RangeError(`hash index: radius must be an integer in 0..${MAX_RADIUS}, got ${String(radius)}`);
  }
}

/** The 8 words of a hash (platform byte order; any fixed split of the 256 bits works for the pigeonhole). */
function toWords(hash: Uint8Array, out: Uint32Array = new Uint32Array(WORDS)): Uint32Array {
  new Uint8Array(out.buffer, out.byteOffset, HASH_BYTES).set(hash);
  return out;
}

/** A Uint32 view of `n` 32-byte hashes (no copy when aligned). */
function wordsView(hashes: Uint8Array, n: number): Uint32Array {
  if (hashes.byteOffset % 4 === 0) return new Uint32Array(hashes.buffer, hashes.byteOffset, n * WORDS);
  const copy = new Uint32Array(n * WORDS);
  new Uint8Array(copy.buffer).set(hashes.subarray(0, n * HASH_BYTES));
  return copy;
}

/** Per-table radii for radius r: r = 8q + a → tables 0..a at q, a+1..7 at q-1 (-1: not probed). */
function tableRadii(r: number): Int32Array {
  const q = Math.floor(r / WORDS);
  const a = r - q * WORDS;
  const radii = new Int32Array(WORDS);
  for (let t = 0; t < WORDS; t++) radii[t] = t <= a ? q : q - 1;
  return radii;
}

function ballSize(bits: number, r: number): number {
  let total = 0;
  let c = 1;
  for (let k = 0; k <= Math.min(r, bits); k++) {
    total += c;
    c = (c * (bits - k)) / (k + 1);
  }
  return total;
}

// ---------------------------------------------------------------- paged bitset of live ids

class IdSet {
  private pages: (Uint8Array | undefined)[] = [];
  private pageCount = 0;

  has(id: number): boolean {
    const p = this.pages[id >>> 16];
    return p !== undefined && (p[(id & 0xffff) >>> 3]! & (1 << (id & 7))) !== 0;
  }
  set(id: number): void {
    let p = this.pages[id >>> 16];
    if (!p) {
      p = this.pages[id >>> 16] = new Uint8Array(8192);
      this.pageCount++;
    }
    p[(id & 0xffff) >>> 3]! |= 1 << (id & 7);
  }
  clear(id: number): void {
    const p = this.pages[id >>> 16];
    if (p) p[(id & 0xffff) >>> 3]! &= ~(1 << (id & 7));
  }
  bytes(): number {
    return this.pageCount * 8192;
  }
}

// ---------------------------------------------------------------- the static (built) part

class StaticPart {
  readonly n: number;
  /** Directory bits of table 0 (≥ 16, so the high half of word 0 is implied by the bucket) and of tables 1..7. */
  readonly d0: number;
  readonly d: number;
  /** Position bits and residual bits of a posting. */
  readonly p: number;
  readonly r: number;
  readonly rows: Uint32Array;
  readonly w0lo: Uint16Array;
  readonly ids: Int32Array;
  readonly dirs: Uint32Array[];
  readonly posts: Uint32Array[];
  readonly dead: Uint8Array;
  deadCount = 0;

  /** `words`: n × 8 words; `ids`: n ids. Neither is kept. */
  constructor(ids: Int32Array, words: Uint32Array, n: number, dirBits?: number) {
    if (n > MAX_ENTRIES) throw new RangeError(`hash index: at most ${MAX_ENTRIES} entries, got ${n}`);
    if (dirBits !== undefined && (!Number.isInteger(dirBits) || dirBits < 1 || dirBits > 24)) {
      throw new RangeError(`hash index: dirBits must be an integer in 1..24, got ${String(dirBits)}`);
    }
    this.n = n;
    const d = dirBits ?? Math.min(22, Math.max(4, Math.floor(Math.log2(Math.max(1, n) / 32))));
    this.d = d;
    this.d0 = Math.max(16, d);
    this.p = Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));
    this.r = Math.min(32 - this.p, 32 - d, 16);
    this.rows = new Uint32Array(n * ROW);
    this.w0lo = new Uint16Array(n);
    this.ids = new Int32Array(n);
    this.dead = new Uint8Array((n + 7) >>> 3);
    this.dirs = [];
    this.posts = [new Uint32Array(0)];

    // Table 0: the entries sorted by word 0 (LSD: low 16 bits, then the top d0 bits), so each bucket
    // is sorted by its residual (low) bits and a zero-budget visit is a binary search.
    const s0 = 32 - this.d0;
    const order = new Uint32Array(n);
    {
      const w0 = new Uint32Array(n);
      for (let i = 0; i < n; i++) w0[i] = words[i * WORDS]!;
      const lo = new Uint32Array(n);
      const cnt = new Uint32Array(65536 + 1);
      for (let i = 0; i < n; i++) cnt[(w0[i]! & 0xffff) + 1]!++;
      for (let v = 1; v < cnt.length; v++) cnt[v]! += cnt[v - 1]!;
      for (let i = 0; i < n; i++) lo[cnt[w0[i]! & 0xffff]!++] = i;
      const dir0 = new Uint32Array((1 << this.d0) + 1);
      for (let i = 0; i < n; i++) dir0[(w0[i]! >>> s0) + 1]!++;
      for (let v = 1; v < dir0.length; v++) dir0[v]! += dir0[v - 1]!;
      const cursor = dir0.slice(0, dir0.length - 1);
      for (let k = 0; k < n; k++) {
        const i = lo[k]!;
        order[cursor[w0[i]! >>> s0]!++] = i;
      }
      this.dirs.push(dir0);
    }
    const { rows, w0lo } = this;
    for (let pos = 0; pos < n; pos++) {
      const i = order[pos]!;
      const base = i * WORDS;
      w0lo[pos] = words[base]! & 0xffff;
      this.ids[pos] = ids[i]!;
      const rb = pos * ROW;
      for (let j = 0; j < ROW; j++) rows[rb + j] = words[base + 1 + j]!;
    }

    // Tables 1..7: postings (position | residual bits), bucketed by the top d bits of word t and
    // sorted by the residual within each bucket (LSD: residual first, then bucket, both stable).
    const sd = 32 - d;
    const sr = 32 - d - this.r;
    const rmask = (1 << this.r) - 1;
    const scale = 2 ** this.r;
    const byRes = order; // reused as scratch
    const rcnt = new Uint32Array(rmask + 2);
    const col = new Uint32Array(n); // word t of every entry, read once (rows are strided)
    for (let t = 1; t < WORDS; t++) {
      for (let pos = 0; pos < n; pos++) col[pos] = rows[pos * ROW + t - 1]!;
      rcnt.fill(0);
      for (let pos = 0; pos < n; pos++) rcnt[((col[pos]! >>> sr) & rmask) + 1]!++;
      for (let v = 1; v < rcnt.length; v++) rcnt[v]! += rcnt[v - 1]!;
      for (let pos = 0; pos < n; pos++) byRes[rcnt[(col[pos]! >>> sr) & rmask]!++] = pos;
      const dir = new Uint32Array((1 << d) + 1);
      for (let pos = 0; pos < n; pos++) dir[(col[pos]! >>> sd) + 1]!++;
      for (let v = 1; v < dir.length; v++) dir[v]! += dir[v - 1]!;
      const cursor = dir.slice(0, dir.length - 1);
      const post = new Uint32Array(n);
      for (let k = 0; k < n; k++) {
        const pos = byRes[k]!;
        const key = col[pos]!;
        post[cursor[key >>> sd]!++] = pos * scale + ((key >>> sr) & rmask);
      }
      this.dirs.push(dir);
      this.posts.push(post);
    }
  }

  isDead(pos: number): boolean {
    return (this.dead[pos >>> 3]! & (1 << (pos & 7))) !== 0;
  }

  kill(pos: number): void {
    this.dead[pos >>> 3]! |= 1 << (pos & 7);
    this.deadCount++;
  }

  /** The high 16 bits of word 0 of the entry at `pos`: its table-0 bucket, by binary search. */
  hi16(pos: number): number {
    const dir0 = this.dirs[0]!;
    let lo = 0;
    let hi = dir0.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (dir0[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo >>> (this.d0 - 16);
  }

  word0(pos: number, hi16: number): number {
    return ((hi16 << 16) | this.w0lo[pos]!) >>> 0;
  }

  bytes(): number {
    let total = this.rows.byteLength + this.w0lo.byteLength + this.ids.byteLength + this.dead.byteLength;
    for (const a of this.dirs) total += a.byteLength;
    for (const a of this.posts) total += a.byteLength;
    return total;
  }

  /** Relative cost of probing at these radii vs scanning every entry. */
  probeCost(radii: Int32Array): number {
    let cost = 0;
    for (let t = 0; t < WORDS; t++) {
      const rt = radii[t]!;
      if (rt < 0) continue;
      const bits = t === 0 ? this.d0 : this.d;
      // A visit is a few cache misses (~40 postings' worth of scanning); a scanned entry ~10.
      const visits = ballSize(bits, rt);
      cost += visits * (40 + (4 * this.n) / 2 ** bits);
    }
    return cost;
  }

  /**
   * Verifies the candidate at `pos` found by table `t` (w0 = its word 0 when known, else -1) and
   * appends it when within `radius` and t is the first probed table holding it.
   */
  private verify(pos: number, t: number, w0: number, q: Uint32Array, radius: number, radii: Int32Array, out: Collector): void {
    const rows = this.rows;
    const rb = pos * ROW;
    let sum = 0;
    for (let s = 1; s < WORDS; s++) {
      const ds = popcount32(rows[rb + s - 1]! ^ q[s]!);
      if (s < t && ds <= radii[s]!) return; // an earlier table reports it
      if (s === t && ds > radii[t]!) return; // not this table's: a later one reports it
      sum += ds;
    }
    if (sum > radius) return;
    let d0: number;
    if (t === 0) {
      d0 = popcount32(w0 ^ q[0]!);
    } else {
      // Lower bound from the stored low half first; the high half costs a binary search.
      if (sum + popcount32((this.w0lo[pos]! ^ q[0]!) & 0xffff) > radius) return;
      d0 = popcount32(this.word0(pos, this.hi16(pos)) ^ q[0]!);
      if (d0 <= radii[0]!) return; // table 0 reports it
    }
    const dist = sum + d0;
    if (dist <= radius && (this.dead[pos >>> 3]! & (1 << (pos & 7))) === 0) out.push(this.ids[pos]!, dist);
  }

  /** Candidates of the current table (position, and word 0 for table 0), verified together. */
  private cPos = new Uint32Array(256);
  private cW0 = new Uint32Array(256);
  private nc = 0;

  private candidate(pos: number, w0: number): void {
    if (this.nc === this.cPos.length) {
      const p = new Uint32Array(this.nc * 2);
      p.set(this.cPos);
      const w = new Uint32Array(this.nc * 2);
      w.set(this.cW0);
      this.cPos = p;
      this.cW0 = w;
    }
    this.cPos[this.nc] = pos;
    this.cW0[this.nc] = w0;
    this.nc++;
  }

  /** Touches every candidate's row first (independent loads: their cache misses overlap), then verifies. */
  private flush(t: number, q: Uint32Array, radius: number, radii: Int32Array, out: Collector): void {
    const { cPos, cW0, rows } = this;
    const nc = this.nc;
    let sink = 0;
    for (let i = 0; i < nc; i++) sink ^= rows[cPos[i]! * ROW]!;
    this.sink ^= sink;
    for (let i = 0; i < nc; i++) this.verify(cPos[i]!, t, cW0[i]!, q, radius, radii, out);
    this.nc = 0;
  }

  /** Scratch for one table's visits: bucket, remaining budget, bucket start and end. */
  private vBucket = new Int32Array(0);
  private vBudget = new Uint8Array(0);
  private vStart = new Uint32Array(0);
  private vEnd = new Uint32Array(0);

  /**
   * Fills the scratch with the buckets within `rt` bits of `qb` (over `bits` directory bits) and
   * their ranges. Done as separate passes over independent loads, so the CPU overlaps the cache misses
   * of many buckets (memory-level parallelism) instead of waiting for each in turn.
   */
  private visits(qb: number, bits: number, rt: number, dir: Uint32Array, touch: Uint32Array | Uint16Array, frac: number): number {
    const need = ballSize(bits, rt);
    if (this.vBucket.length < need) {
      this.vBucket = new Int32Array(need);
      this.vBudget = new Uint8Array(need);
      this.vStart = new Uint32Array(need);
      this.vEnd = new Uint32Array(need);
    }
    const { vBucket, vBudget, vStart, vEnd } = this;
    const c = new Int32Array(Math.max(1, rt));
    let v = 0;
    for (let k = 0; k <= Math.min(rt, bits); k++) {
      for (let i = 0; i < k; i++) c[i] = i;
      for (;;) {
        let mask = 0;
        for (let i = 0; i < k; i++) mask |= 1 << c[i]!;
        vBucket[v] = (qb ^ mask) >>> 0;
        vBudget[v] = rt - k;
        v++;
        if (!nextCombination(c, k, bits)) break;
      }
    }
    for (let i = 0; i < v; i++) {
      const b = vBucket[i]!;
      vStart[i] = dir[b]!;
      vEnd[i] = dir[b + 1]!;
    }
    // Touch where each bucket's search starts (its residual's interpolated place) to bring it into cache.
    let sink = 0;
    for (let i = 0; i < v; i++) {
      const s = vStart[i]!;
      const e = vEnd[i]!;
      if (s < e) sink ^= touch[s + Math.floor((e - s) * frac)]!;
    }
    this.sink = sink;
    return v;
  }
  sink = 0;

  query(q: Uint32Array, radius: number, radii: Int32Array, out: Collector, noScan = false): void {
    if (this.n === 0) return;
    if (!noScan && this.probeCost(radii) > this.n * 10) {
      this.scan(q, radius, out);
      return;
    }
    // Table 0: buckets of the entries themselves; residual = the low (32 - d0) bits, all in w0lo,
    // sorted within each bucket.
    {
      const bits = this.d0;
      const w0lo = this.w0lo;
      const lowMask = (2 ** (32 - bits) - 1) | 0;
      const qlo = q[0]! & lowMask;
      const hiShift = bits - 16;
      const frac0 = qlo / (lowMask + 1);
      const nv = this.visits(q[0]! >>> (32 - bits), bits, radii[0]!, this.dirs[0]!, w0lo, frac0);
      const { vBucket, vBudget, vStart, vEnd } = this;
      for (let v = 0; v < nv; v++) {
        const b = vBucket[v]!;
        const budget = vBudget[v]!;
        const end = vEnd[v]!;
        let pos = vStart[v]!;
        const hi16 = (b >>> hiShift) << 16;
        if (budget === 0) {
          pos = lowerBound(w0lo, pos, end, lowMask, qlo, frac0);
          for (; pos < end && (w0lo[pos]! & lowMask) === qlo; pos++) {
            this.candidate(pos, (hi16 | w0lo[pos]!) >>> 0);
          }
        } else {
          for (; pos < end; pos++) {
            if (popcount32((w0lo[pos]! & lowMask) ^ qlo) <= budget) this.candidate(pos, (hi16 | w0lo[pos]!) >>> 0);
          }
        }
      }
      this.flush(0, q, radius, radii, out);
    }
    // Tables 1..7: postings, sorted by residual within each bucket.
    const bits = this.d;
    const sd = 32 - bits;
    const sr = 32 - bits - this.r;
    const rbits = this.r;
    const rmask = (1 << rbits) - 1;
    for (let t = 1; t < WORDS; t++) {
      const rt = radii[t]!;
      if (rt < 0) continue;
      const post = this.posts[t]!;
      const key = q[t]!;
      const qres = (key >>> sr) & rmask;
      const frac = qres / (rmask + 1);
      const nv = this.visits(key >>> sd, bits, rt, this.dirs[t]!, post, frac);
      const { vBudget, vStart, vEnd } = this;
      for (let v = 0; v < nv; v++) {
        const budget = vBudget[v]!;
        const end = vEnd[v]!;
        let j = vStart[v]!;
        if (budget === 0) {
          j = lowerBound(post, j, end, rmask, qres, frac);
          for (; j < end; j++) {
            const p = post[j]!;
            if ((p & rmask) !== qres) break;
            this.candidate(p >>> rbits, 0);
          }
        } else {
          for (; j < end; j++) {
            const p = post[j]!;
            if (popcount32((p & rmask) ^ qres) <= budget) this.candidate(p >>> rbits, 0);
          }
        }
      }
      this.flush(t, q, radius, radii, out);
    }
  }

  /** Every live entry, linearly (table-0 bucket order, so word 0 is known without a search). */
  scan(q: Uint32Array, radius: number, out: Collector): void {
    const dir0 = this.dirs[0]!;
    const { rows, w0lo, ids, dead } = this;
    const hiShift = this.d0 - 16;
    for (let b = 0; b < dir0.length - 1; b++) {
      const start = dir0[b]!;
      const end = dir0[b + 1]!;
      if (start === end) continue;
      const qhi = ((b >>> hiShift) << 16) ^ q[0]!;
      for (let pos = start; pos < end; pos++) {
        const rb = pos * ROW;
        // Most entries are far: 96 of the 256 bits (expected distance 48 between unrelated hashes) rule them out.
        let dist = popcount32(qhi ^ w0lo[pos]!) + popcount32(rows[rb]! ^ q[1]!) + popcount32(rows[rb + 1]! ^ q[2]!);
        if (dist > radius) continue;
        dist +=
          popcount32(rows[rb + 2]! ^ q[3]!) +
          popcount32(rows[rb + 3]! ^ q[4]!) +
          popcount32(rows[rb + 4]! ^ q[5]!) +
          popcount32(rows[rb + 5]! ^ q[6]!) +
          popcount32(rows[rb + 6]! ^ q[7]!);
        if (dist <= radius && (dead[pos >>> 3]! & (1 << (pos & 7))) === 0) out.push(ids[pos]!, dist);
      }
    }
  }

  /** Live entries as (ids, words), for a rebuild. */
  live(ids: Int32Array, words: Uint32Array, at: number): number {
    const dir0 = this.dirs[0]!;
    const hiShift = this.d0 - 16;
    let k = at;
    for (let b = 0; b < dir0.length - 1; b++) {
      const hi = (b >>> hiShift) << 16;
      for (let pos = dir0[b]!; pos < dir0[b + 1]!; pos++) {
        if (this.isDead(pos)) continue;
        ids[k] = this.ids[pos]!;
        const base = k * WORDS;
        words[base] = (hi | this.w0lo[pos]!) >>> 0;
        for (let j = 0; j < ROW; j++) words[base + 1 + j] = this.rows[pos * ROW + j]!;
        k++;
      }
    }
    return k;
  }
}

/** Next k-subset of 0..bits-1 in lexicographic order; false after the last (or when k = 0). */
function nextCombination(c: Int32Array, k: number, bits: number): boolean {
  let i = k - 1;
  while (i >= 0 && c[i]! === bits - k + i) i--;
  if (i < 0) return false;
  c[i]!++;
  for (let j = i + 1; j < k; j++) c[j] = c[j - 1]! + 1;
  return true;
}

/** Matches as two growable parallel arrays (no object until the end). */
class Collector {
  ids: number[] = [];
  dists: number[] = [];
  push(id: number, dist: number): void {
    this.ids.push(id);
    this.dists.push(dist);
  }
  result(): HashMatch[] {
    const out: HashMatch[] = new Array(this.ids.length);
    for (let i = 0; i < this.ids.length; i++) out[i] = { id: this.ids[i]!, distance: this.dists[i]! };
    return out.sort(byDistanceThenId);
  }
}

function byDistanceThenId(a: HashMatch, b: HashMatch): number {
  return a.distance - b.distance || a.id - b.id;
}

// ---------------------------------------------------------------- the index

class MihIndex implements HashIndex {
  private main: StaticPart;
  private readonly liveIds: IdSet;
  private dIds: Int32Array;
  private dWords: Uint32Array;
  private dn = 0;
  private readonly radius: number;
  private readonly maxDeltaOpt: number | undefined;
  private readonly dirBits: number | undefined;
  private readonly noScan: boolean;
  private readonly qWords = new Uint32Array(WORDS);

  constructor(main: StaticPart, opts: HashIndexOptions, liveIds?: IdSet) {
    this.main = main;
    this.radius = opts.radius ?? DEFAULT_RADIUS;
    validateRadius(this.radius);
    this.maxDeltaOpt = opts.maxDelta;
    this.dirBits = opts.dirBits;
    this.noScan = opts.noScan === true;
    const cap = Math.max(16, Math.min(opts.expected ?? 1024, this.maxDelta()));
    this.dIds = new Int32Array(cap);
    this.dWords = new Uint32Array(cap * WORDS);
    this.liveIds = liveIds ?? new IdSet();
    if (!liveIds) for (let pos = 0; pos < main.n; pos++) this.liveIds.set(main.ids[pos]!);
  }

  get size(): number {
    return this.main.n - this.main.deadCount + this.dn;
  }

  private maxDelta(): number {
    return this.maxDeltaOpt ?? Math.min(65536, Math.max(4096, Math.floor(this.main.n / 64)));
  }

  has(id: number): boolean {
    validateId(id);
    return this.liveIds.has(id);
  }

  add(id: number, hash: Uint8Array): void {
    validateId(id);
    validateHash(hash);
    if (this.liveIds.has(id)) this.remove(id);
    if (this.dn === this.dIds.length) {
      const cap = this.dIds.length * 2;
      const ids = new Int32Array(cap);
      ids.set(this.dIds);
      const words = new Uint32Array(cap * WORDS);
      words.set(this.dWords);
      this.dIds = ids;
      this.dWords = words;
    }
    this.dIds[this.dn] = id;
    toWords(hash, this.dWords.subarray(this.dn * WORDS, this.dn * WORDS + WORDS));
    this.dn++;
    this.liveIds.set(id);
    if (this.dn >= this.maxDelta()) this.rebuild();
  }

  remove(id: number): boolean {
    validateId(id);
    if (!this.liveIds.has(id)) return false;
    this.liveIds.clear(id);
    const di = this.dIds.subarray(0, this.dn).indexOf(id);
    if (di >= 0) {
      const last = this.dn - 1;
      this.dIds[di] = this.dIds[last]!;
      this.dWords.copyWithin(di * WORDS, last * WORDS, last * WORDS + WORDS);
      this.dn = last;
      return true;
    }
    // In the static part exactly once, not dead (a rebuild drops dead entries; re-adds go to the delta).
    let pos = this.main.ids.indexOf(id);
    while (pos >= 0 && this.main.isDead(pos)) pos = this.main.ids.indexOf(id, pos + 1);
    if (pos < 0) throw new Error(`hash index: id ${id} marked live but not found (bug)`);
    this.main.kill(pos);
    if (this.main.deadCount > Math.max(this.maxDelta(), this.main.n / 4)) this.rebuild();
    return true;
  }

  query(hash: Uint8Array, radius: number = this.radius): HashMatch[] {
    validateHash(hash);
    validateRadius(radius);
    const q = toWords(hash, this.qWords);
    const out = new Collector();
    this.main.query(q, radius, tableRadii(radius), out, this.noScan);
    const dw = this.dWords;
    for (let i = 0; i < this.dn; i++) {
      const b = i * WORDS;
      const dist =
        popcount32(dw[b]! ^ q[0]!) +
        popcount32(dw[b + 1]! ^ q[1]!) +
        popcount32(dw[b + 2]! ^ q[2]!) +
        popcount32(dw[b + 3]! ^ q[3]!) +
        popcount32(dw[b + 4]! ^ q[4]!) +
        popcount32(dw[b + 5]! ^ q[5]!) +
        popcount32(dw[b + 6]! ^ q[6]!) +
        popcount32(dw[b + 7]! ^ q[7]!);
      if (dist <= radius) out.push(this.dIds[i]!, dist);
    }
    return out.result();
  }

  memoryBytes(): number {
    return this.main.bytes() + this.dIds.byteLength + this.dWords.byteLength + this.liveIds.bytes() + this.qWords.byteLength;
  }

  /** Merges the delta into a new static part and drops the tombstones. */
  private rebuild(): void {
    const n = this.main.n - this.main.deadCount + this.dn;
    const ids = new Int32Array(n);
    const words = new Uint32Array(n * WORDS);
    let k = this.main.live(ids, words, 0);
    ids.set(this.dIds.subarray(0, this.dn), k);
    words.set(this.dWords.subarray(0, this.dn * WORDS), k * WORDS);
    k += this.dn;
    this.main = new StaticPart(ids, words, n, this.dirBits);
    this.dn = 0;
    const cap = Math.max(16, Math.min(1024, this.maxDelta()));
    if (this.dIds.length > 4 * cap) {
      this.dIds = new Int32Array(cap);
      this.dWords = new Uint32Array(cap * WORDS);
    }
  }
}

/** An empty index, filled with `add`. */
export function createHashIndex(opts: HashIndexOptions = {}): HashIndex {
  return new MihIndex(new StaticPart(new Int32Array(0), new Uint32Array(0), 0, opts.dirBits), opts);
}

/** Bulk build (two counting-sort passes per table): ~64 B per hash, seconds for 10M. Duplicate ids throw. */
export function buildHashIndex(entries: HashEntries, opts: HashIndexOptions = {}): HashIndex {
  let ids: Int32Array;
  let words: Uint32Array;
  let n: number;
  if (isColumnar(entries)) {
    n = entries.ids.length;
    if (!(entries.hashes instanceof Uint8Array) || entries.hashes.length !== n * HASH_BYTES) {
      throw new RangeError(`hash index: hashes must be ${n} × ${HASH_BYTES} bytes, got ${entries.hashes?.length}`);
    }
    ids = entries.ids;
    words = wordsView(entries.hashes, n);
  } else {
    let cap = 1024;
    ids = new Int32Array(cap);
    words = new Uint32Array(cap * WORDS);
    n = 0;
    for (const e of entries) {
      validateHash(e.hash);
      if (n === cap) {
        cap *= 2;
        const i2 = new Int32Array(cap);
        i2.set(ids);
        const w2 = new Uint32Array(cap * WORDS);
        w2.set(words);
        ids = i2;
        words = w2;
      }
      validateId(e.id);
      ids[n] = e.id;
      toWords(e.hash, words.subarray(n * WORDS, n * WORDS + WORDS));
      n++;
    }
  }
  const seen = new IdSet();
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    validateId(id);
    if (seen.has(id)) throw new Error(`hash index: duplicate id ${id} in the bulk build`);
    seen.set(id);
  }
  return new MihIndex(new StaticPart(ids, words, n, opts.dirBits), opts, seen);
}

function isColumnar(e: HashEntries): e is { ids: Int32Array; hashes: Uint8Array } {
  return (e as { ids?: unknown }).ids instanceof Int32Array;
}

/** The reference: every entry within `radius` by a full scan, sorted by distance then id (bytewise, independent of the index). */
export function linearScan(entries: HashEntries, query: Uint8Array, radius: number = DEFAULT_RADIUS): HashMatch[] {
  validateHash(query);
  validateRadius(radius);
  const out = new Collector();
  if (isColumnar(entries)) {
    const n = entries.ids.length;
    const w = wordsView(entries.hashes, n);
    const q = toWords(query);
    for (let i = 0; i < n; i++) {
      const b = i * WORDS;
      let dist = 0;
      for (let j = 0; j < WORDS; j++) dist += popcount32(w[b + j]! ^ q[j]!);
      if (dist <= radius) out.push(entries.ids[i]!, dist);
    }
  } else {
    for (const e of entries) {
      validateHash(e.hash);
      let dist = 0;
      for (let j = 0; j < HASH_BYTES; j++) dist += popcount32(e.hash[j]! ^ query[j]!);
      if (dist <= radius) out.push(e.id, dist);
    }
  }
  return out.result();
}
