/**
 * PDQ, Meta's perceptual photo hash, reproducing the reference C++ hasher of facebook/ThreatExchange
 * (`pdq/cpp`, the `pdq-photo-hasher` tool) bit for bit on the same decoded pixels. Written from the
 * algorithm description, with the reference's number types: where the C++ computes in `float`, this
 * code rounds every intermediate result to float32 (`Math.fround`, `Float32Array`); where it computes in
 * `double` (the DCT matrix's cosines, the decimation indices) this code does too. Details, and what the
 * reference's image I/O layer does before hashing (the 512×512 nearest-neighbour pre-resize), are in
 * docs/screening-hashing.md. Decoding files is in image.ts; this module works on raw pixels only.
 */

const fr = Math.fround;

/** A PDQ hash: 256 bits as 32 bytes, in the order of the reference's hex string (first byte = first two hex digits). */
export type PdqHash = Uint8Array;

export interface PdqResult {
  hash: PdqHash;
  /** 0..100: how much gradient (detail) the 64×64 downsample has; hashes under 50 are unreliable for matching. */
  quality: number;
}

/** The eight dihedral variants, in the reference's order (`--pdqdih`). */
export const DIHEDRAL_NAMES = ['original', 'rot90', 'rot180', 'rot270', 'flipx', 'flipy', 'flipplus1', 'flipminus1'] as const;
export type DihedralName = (typeof DIHEDRAL_NAMES)[number];

export interface PdqDihedralResult {
  /** Indexed like DIHEDRAL_NAMES. */
  hashes: PdqHash[];
  quality: number;
}

/** ThreatExchange's PDQ_CONFIDENT_MATCH_THRESHOLD: two hashes match at Hamming distance ≤ 31. */
export const PDQ_MATCH_THRESHOLD = 31;
/** Below this quality a hash says little about the image (python-threatexchange refuses to match under 50). */
export const PDQ_MIN_QUALITY = 50;

/** The reference I/O layer resizes any image with a side above this to exactly this square (nearest neighbour). */
export const PDQ_PRE_RESIZE = 512;
const MIN_HASHABLE_DIM = 5;
const JAROSZ_PASSES = 2;

// ── luma ─────────────────────────────────────────────────────────────────────────────────────────

const LUMA_R = fr(0.299);
const LUMA_G = fr(0.587);
const LUMA_B = fr(0.114);

/**
 * Float32 luma of interleaved 8-bit pixels (`channels` ≥ 3: R, G, B first; 1 or 2: gray first). A gray image
 * uses the gray value as it is (the reference's `fillFloatLumaFromGrey`), not 0.299·v + 0.587·v + 0.114·v,
 * which can differ by one float32 ulp.
 */
export function lumaFromPixels(width: number, height: number, channels: number, pixels: Uint8Array, gray = channels < 3): Float32Array {
  const n = width * height;
  if (pixels.length < n * channels) throw new RangeError(`pixel buffer too short: ${pixels.length} < ${n * channels}`);
  const luma = new Float32Array(n);
  if (gray) {
    for (let i = 0, p = 0; i < n; i++, p += channels) luma[i] = pixels[p]!;
  } else {
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      luma[i] = fr(fr(fr(LUMA_R * pixels[p]!) + fr(LUMA_G * pixels[p + 1]!)) + fr(LUMA_B * pixels[p + 2]!));
    }
  }
  return luma;
}

/** True when every pixel has R = G = B (ImageMagick then hands the reference a gray image). */
export function isGrayPixels(width: number, height: number, channels: number, pixels: Uint8Array): boolean {
  if (channels < 3) return true;
  const n = width * height * channels;
  for (let p = 0; p < n; p += channels) {
    if (pixels[p] !== pixels[p + 1] || pixels[p] !== pixels[p + 2]) return false;
  }
  return true;
}

/**
 * The reference I/O layer's pre-resize (CImg `resize(512, 512)`, nearest neighbour): when a side exceeds 512,
 * the image becomes exactly 512×512 (aspect ratio not kept); output column x reads source column
 * floor(x·W/512), row y reads row floor(y·H/512). Returns the input untouched when both sides are ≤ 512.
 */
export function preResize(width: number, height: number, channels: number, pixels: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  if (width <= PDQ_PRE_RESIZE && height <= PDQ_PRE_RESIZE) return { width, height, pixels };
  const S = PDQ_PRE_RESIZE;
  const out = new Uint8Array(S * S * channels);
  const cols = new Int32Array(S);
  for (let x = 0; x < S; x++) cols[x] = Math.floor((x * width) / S) * channels;
  for (let y = 0; y < S; y++) {
    const srcRow = Math.floor((y * height) / S) * width * channels;
    let o = y * S * channels;
    for (let x = 0; x < S; x++) {
      const s = srcRow + cols[x]!;
      for (let c = 0; c < channels; c++) out[o++] = pixels[s + c]!;
    }
  }
  return { width: S, height: S, pixels: out };
}

// ── downsampling (Jarosz box filters, then decimation) ───────────────────────────────────────────

/** Window of each box pass: ceil(old / (2·new)) — half a 64th of the side, since two passes are made. */
export function jaroszWindowSize(oldDimension: number, newDimension: number): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

/**
 * One box pass over a vector of `length` samples `stride` apart, as a float32 running sum: output i averages
 * the inputs [i − (w − h), i + h − 1] with h = floor((w + 2) / 2), clipped at the edges (divided by the
 * number of samples actually inside the window).
 */
function box1D(input: Float32Array, output: Float32Array, offset: number, length: number, stride: number, window: number): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = length - window;
  const phase4 = half - 1;
  let li = offset;
  let ri = offset;
  let oi = offset;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < phase1; i++) {
    sum = fr(sum + input[ri]!);
    count++;
    ri += stride;
  }
  for (let i = 0; i < phase2; i++) {
    sum = fr(sum + input[ri]!);
    count++;
    output[oi] = sum / count;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < phase3; i++) {
    sum = fr(sum + input[ri]!);
    sum = fr(sum - input[li]!);
    output[oi] = sum / count;
    li += stride;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < phase4; i++) {
    sum = fr(sum - input[li]!);
    count--;
    output[oi] = sum / count;
    li += stride;
    oi += stride;
  }
}

/**
 * The box pass along columns for every column at once, row by row: the same float32 operations, in the same
 * order per column, as box1D(input, output, j, rows, cols, window) for each j, but reading memory in order
 * (a column at a time strides through the whole image). `only`: the columns to compute (distinct), or all.
 */
function boxColumns(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number, sums: Float32Array, only: Int32Array | null): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = rows - window;
  const phase4 = half - 1;
  const n = only ? only.length : cols;
  sums.fill(0, 0, cols);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let i = 0; i < phase1; i++, ri += cols) {
    count++;
    for (let k = 0; k < n; k++) {
      const j = only ? only[k]! : k;
      sums[j] = sums[j]! + input[ri + j]!;
    }
  }
  for (let i = 0; i < phase2; i++, ri += cols, oi += cols) {
    count++;
    for (let k = 0; k < n; k++) {
      const j = only ? only[k]! : k;
      const sum = fr(sums[j]! + input[ri + j]!);
      sums[j] = sum;
      output[oi + j] = sum / count;
    }
  }
  for (let i = 0; i < phase3; i++, ri += cols, li += cols, oi += cols) {
    for (let k = 0; k < n; k++) {
      const j = only ? only[k]! : k;
      const sum = fr(fr(sums[j]! + input[ri + j]!) - input[li + j]!);
      sums[j] = sum;
      output[oi + j] = sum / count;
    }
  }
  for (let i = 0; i < phase4; i++, li += cols, oi += cols) {
    count--;
    for (let k = 0; k < n; k++) {
      const j = only ? only[k]! : k;
      const sum = fr(sums[j]! - input[li + j]!);
      sums[j] = sum;
      output[oi + j] = sum / count;
    }
  }
}

/** The columns the 64×64 decimation reads (distinct, ascending). */
function decimationColumns(cols: number): Int32Array {
  const set = new Set<number>();
  for (let oj = 0; oj < 64; oj++) set.add(Math.trunc(((oj + 0.5) * cols) / 64));
  return Int32Array.from([...set].sort((a, b) => a - b));
}

/**
 * Two rounds of (box along rows into buf2, box along columns back into buf1); the result is in buf1 — at
 * least in the columns the decimation reads: the last column pass computes only those.
 */
function jaroszFilter(buf1: Float32Array, buf2: Float32Array, rows: number, cols: number, windowAlongRows: number, windowAlongCols: number): void {
  const sums = new Float32Array(cols);
  for (let pass = 0; pass < JAROSZ_PASSES; pass++) {
    for (let i = 0; i < rows; i++) box1D(buf1, buf2, i * cols, cols, 1, windowAlongRows);
    boxColumns(buf2, buf1, rows, cols, windowAlongCols, sums, pass === JAROSZ_PASSES - 1 ? decimationColumns(cols) : null);
  }
}

/** Sample the blurred image at the centres of a 64×64 grid. */
function decimate(input: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let oi = 0; oi < 64; oi++) {
    const ii = Math.trunc(((oi + 0.5) * rows) / 64);
    for (let oj = 0; oj < 64; oj++) {
      const ij = Math.trunc(((oj + 0.5) * cols) / 64);
      out[oi * 64 + oj] = input[ii * cols + ij]!;
    }
  }
}

// ── quality, DCT, threshold ──────────────────────────────────────────────────────────────────────

/** Sum of |int((u − v)·100/255)| over adjacent pairs of the 64×64 downsample, divided by 90, capped at 100. */
function qualityMetric(a: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      gradientSum += Math.abs(Math.trunc(fr(fr(fr(a[i * 64 + j]! - a[(i + 1) * 64 + j]!) * 100) / 255)));
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      gradientSum += Math.abs(Math.trunc(fr(fr(fr(a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255)));
    }
  }
  return Math.min(100, Math.trunc(gradientSum / 90));
}

/** D[i][j] = sqrt(2/64)·cos(π/128·(i+1)·(2j+1)), i < 16, j < 64: the scale in float32, the cosine in double, the product stored as float32. */
const DCT = (() => {
  const d = new Float32Array(16 * 64);
  const scale = fr(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) d[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
  }
  return d;
})();

/** B = D·A·Dᵀ (16×16: frequencies 1..16, DC excluded), accumulated in float32 in the reference's order. */
function dct64To16(a: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const di = i * 64;
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = fr(sum + fr(DCT[di + k]! * a[k * 64 + j]!));
      t[di + j] = sum;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = fr(sum + fr(t[i * 64 + k]! * DCT[j * 64 + k]!));
      b[i * 16 + j] = sum;
    }
  }
  return b;
}

/** Torben Mogensen's median (as the reference uses it): for 256 values, the 128th smallest. Float32 throughout. */
export function torbenMedian(m: Float32Array): number {
  const n = m.length;
  let min = m[0]!;
  let max = m[0]!;
  for (let i = 1; i < n; i++) {
    if (m[i]! < min) min = m[i]!;
    if (m[i]! > max) max = m[i]!;
  }
  const halfCount = Math.floor((n + 1) / 2);
  for (;;) {
    const guess = fr(fr(min + max) / 2);
    let less = 0;
    let greater = 0;
    let equal = 0;
    let maxLtGuess = min;
    let minGtGuess = max;
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      if (v < guess) {
        less++;
        if (v > maxLtGuess) maxLtGuess = v;
      } else if (v > guess) {
        greater++;
        if (v < minGtGuess) minGtGuess = v;
      } else equal++;
    }
    if (less <= halfCount && greater <= halfCount) {
      if (less >= halfCount) return maxLtGuess;
      if (less + equal >= halfCount) return guess;
      return minGtGuess;
    }
    if (less > greater) max = maxLtGuess;
    else min = minGtGuess;
  }
}

/**
 * Bit k = 16·i + j is set when B[i][j] > median. The reference keeps 16 words of 16 bits (word i = row i,
 * bit j = 1 << j) and prints word 15 first; bytes here follow that printed order, so word i is bytes
 * 2·(15 − i) (high) and 2·(15 − i) + 1 (low).
 */
function bitsFromDct(b: Float32Array): PdqHash {
  const median = torbenMedian(b);
  const hash = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    let word = 0;
    for (let j = 0; j < 16; j++) if (b[i * 16 + j]! > median) word |= 1 << j;
    hash[2 * (15 - i)] = word >>> 8;
    hash[2 * (15 - i) + 1] = word & 0xff;
  }
  return hash;
}

/** The 16×16 coefficients of each dihedral transform of the image, from the original's (sign flips and transposes). */
function dihedralDcts(a: Float32Array): Float32Array[] {
  const out = Array.from({ length: 8 }, () => new Float32Array(256));
  const [orig, rot90, rot180, rot270, flipx, flipy, plus1, minus1] = out as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = a[i * 16 + j]!;
      const ij = i * 16 + j;
      const ji = j * 16 + i;
      orig[ij] = v;
      rot90[ji] = j & 1 ? v : -v;
      rot180[ij] = (i + j) & 1 ? -v : v;
      rot270[ji] = i & 1 ? v : -v;
      flipx[ij] = i & 1 ? v : -v;
      flipy[ij] = j & 1 ? v : -v;
      plus1[ji] = v;
      minus1[ji] = (i + j) & 1 ? -v : v;
    }
  }
  return out;
}

/** Luma → (quality, 16×16 DCT). Null when a side is under 5 pixels (the reference's all-zero hash, quality 0). */
function dctFromLuma(luma: Float32Array, width: number, height: number): { dct: Float32Array; quality: number } | null {
  if (height < MIN_HASHABLE_DIM || width < MIN_HASHABLE_DIM) return null;
  let a64: Float32Array;
  if (width === 64 && height === 64) a64 = luma.slice(0, 64 * 64);
  else {
    // The filter works in place: the caller's luma is copied unless it is our own scratch buffer.
    const buf1 = luma === scratch.luma ? luma : Float32Array.from(luma);
    const buf2 = scratchBuffer('other', width * height);
    jaroszFilter(buf1, buf2, height, width, jaroszWindowSize(width, 64), jaroszWindowSize(height, 64));
    a64 = new Float32Array(64 * 64);
    decimate(buf1, height, width, a64);
  }
  return { dct: dct64To16(a64), quality: qualityMetric(a64) };
}

/** PDQ of a float32 luma image (row-major, `width` × `height`), without the I/O layer's pre-resize. */
export function pdqFromLuma(luma: Float32Array, width: number, height: number): PdqResult {
  const r = dctFromLuma(luma, width, height);
  if (!r) return { hash: new Uint8Array(32), quality: 0 };
  return { hash: bitsFromDct(r.dct), quality: r.quality };
}

/** The eight dihedral hashes of a float32 luma image, each thresholded against its own median. */
export function pdqDihedralFromLuma(luma: Float32Array, width: number, height: number): PdqDihedralResult {
  const r = dctFromLuma(luma, width, height);
  if (!r) return { hashes: DIHEDRAL_NAMES.map(() => new Uint8Array(32)), quality: 0 };
  return { hashes: dihedralDcts(r.dct).map(bitsFromDct), quality: r.quality };
}

/**
 * Scratch buffers for the luma and the filter (at most 512×512 floats each: larger images are pre-resized),
 * reused from one hash to the next: a megapixel photo would otherwise allocate megabytes per hash. Hashing is
 * synchronous, so one hash never sees another's buffers.
 */
const scratch: { luma: Float32Array; other: Float32Array } = { luma: new Float32Array(0), other: new Float32Array(0) };
function scratchBuffer(which: 'luma' | 'other', n: number): Float32Array {
  if (scratch[which].length < n) scratch[which] = new Float32Array(n);
  return scratch[which];
}

/**
 * Pre-resize then luma, as the reference hasher prepares a decoded file, in one pass: the luma of the pixels
 * the nearest-neighbour resize would keep (see preResize), without building the resized image. Gray when
 * every kept pixel has R = G = B (isGrayPixels on the resized image).
 */
function prepare(width: number, height: number, channels: number, pixels: Uint8Array): { luma: Float32Array; width: number; height: number } {
  checkDims(width, height, channels, pixels);
  const resize = width > PDQ_PRE_RESIZE || height > PDQ_PRE_RESIZE;
  const w = resize ? PDQ_PRE_RESIZE : width;
  const h = resize ? PDQ_PRE_RESIZE : height;
  const colOffset = new Int32Array(w);
  for (let x = 0; x < w; x++) colOffset[x] = (resize ? Math.floor((x * width) / PDQ_PRE_RESIZE) : x) * channels;
  const rowOffset = new Int32Array(h);
  for (let y = 0; y < h; y++) rowOffset[y] = (resize ? Math.floor((y * height) / PDQ_PRE_RESIZE) : y) * width * channels;
  let gray = channels < 3;
  if (!gray) {
    gray = true;
    outer: for (let y = 0; y < h; y++) {
      const r = rowOffset[y]!;
      for (let x = 0; x < w; x++) {
        const p = r + colOffset[x]!;
        if (pixels[p] !== pixels[p + 1] || pixels[p] !== pixels[p + 2]) {
          gray = false;
          break outer;
        }
      }
    }
  }
  const luma = scratchBuffer('luma', w * h);
  let i = 0;
  for (let y = 0; y < h; y++) {
    const r = rowOffset[y]!;
    if (gray) {
      for (let x = 0; x < w; x++) luma[i++] = pixels[r + colOffset[x]!]!;
    } else {
      for (let x = 0; x < w; x++) {
        const p = r + colOffset[x]!;
        luma[i++] = fr(fr(fr(LUMA_R * pixels[p]!) + fr(LUMA_G * pixels[p + 1]!)) + fr(LUMA_B * pixels[p + 2]!));
      }
    }
  }
  return { luma, width: w, height: h };
}

function checkDims(width: number, height: number, channels: number, pixels: Uint8Array): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`bad image size ${width}x${height}`);
  if (!Number.isInteger(channels) || channels < 1 || channels > 4) throw new RangeError(`bad channel count ${channels}`);
  if (pixels.length < width * height * channels) throw new RangeError(`pixel buffer too short: ${pixels.length} < ${width * height * channels}`);
}

/**
 * PDQ of interleaved 8-bit pixels exactly as the reference photo hasher treats a decoded file: 1–2 channels
 * are gray (+ alpha), 3–4 are RGB (+ alpha, ignored); sides above 512 are first resized to 512×512.
 */
export function pdqFromPixels(width: number, height: number, channels: number, pixels: Uint8Array): PdqResult {
  const p = prepare(width, height, channels, pixels);
  return pdqFromLuma(p.luma, p.width, p.height);
}

/** The eight dihedral hashes of interleaved 8-bit pixels (see pdqFromPixels). */
export function pdqDihedralFromPixels(width: number, height: number, channels: number, pixels: Uint8Array): PdqDihedralResult {
  const p = prepare(width, height, channels, pixels);
  return pdqDihedralFromLuma(p.luma, p.width, p.height);
}

/** PDQ of packed RGB24 pixels (e.g. a raw video frame from ffmpeg). */
export function pdqFromRgb(width: number, height: number, rgb: Uint8Array): PdqResult {
  return pdqFromPixels(width, height, 3, rgb);
}

// ── hashes as values ─────────────────────────────────────────────────────────────────────────────

const POPCOUNT8 = (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >> 1]!;
  return t;
})();

/** Number of differing bits between two 32-byte hashes. */
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== 32 || b.length !== 32) throw new RangeError('PDQ hashes are 32 bytes');
  let d = 0;
  for (let i = 0; i < 32; i++) d += POPCOUNT8[a[i]! ^ b[i]!]!;
  return d;
}

/** Number of set bits (the reference's "norm"; 128 for a normal hash). */
export function hashNorm(a: Uint8Array): number {
  let n = 0;
  for (const byte of a) n += POPCOUNT8[byte]!;
  return n;
}

export class InvalidHashError extends Error {
  readonly code = 'INVALID_PDQ_HASH';
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** True for a 64-digit hex string (either case). */
export function isPdqHex(s: string): boolean {
  return HEX64.test(s);
}

/** 64 hex digits (either case) → 32 bytes; throws InvalidHashError otherwise. */
export function pdqFromHex(hex: string): PdqHash {
  if (!HEX64.test(hex)) throw new InvalidHashError('a PDQ hash is 64 hexadecimal digits');
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** 32 bytes → 64 lowercase hex digits, the reference's text form. */
export function pdqToHex(hash: Uint8Array): string {
  if (hash.length !== 32) throw new InvalidHashError('a PDQ hash is 32 bytes');
  return Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex');
}
