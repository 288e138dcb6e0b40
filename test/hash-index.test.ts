/**
 * The PDQ near-neighbour index (src/screening/hash-index.ts) against its reference, a linear scan:
 * every query must return exactly the same ids and distances, in the same order (distance, then id),
 * after bulk builds, adds, removes, re-adds and rebuilds. Pure unit tests, no database.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildHashIndex, createHashIndex, linearScan, type HashIndex } from '../src/screening/hash-index.ts';
import { prng as rng } from './support/prng.ts';

const HASH = 32;

function randomHash(rand: () => number): Uint8Array {
  const h = new Uint8Array(HASH);
  for (let i = 0; i < HASH; i++) h[i] = Math.floor(rand() * 256);
  return h;
}

/** `h` with exactly `d` distinct bits flipped. */
function flip(h: Uint8Array, d: number, rand: () => number): Uint8Array {
  const out = h.slice();
  const bits = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0; i < d; i++) {
    const j = i + Math.floor(rand() * (256 - i));
    [bits[i], bits[j]] = [bits[j]!, bits[i]!];
    out[bits[i]! >> 3]! ^= 1 << (bits[i]! & 7);
  }
  return out;
}

function distance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < HASH; i++) {
    let x = a[i]! ^ b[i]!;
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

type Entry = { id: number; hash: Uint8Array };

function columnar(entries: Entry[]): { ids: Int32Array; hashes: Uint8Array } {
  const ids = new Int32Array(entries.length);
  const hashes = new Uint8Array(entries.length * HASH);
  entries.forEach((e, i) => {
    ids[i] = e.id;
    hashes.set(e.hash, i * HASH);
  });
  return { ids, hashes };
}

function assertSame(index: HashIndex, entries: Entry[], query: Uint8Array, radius?: number): void {
  const got = radius === undefined ? index.query(query) : index.query(query, radius);
  const want = linearScan(entries, query, radius);
  assert.deepEqual(got, want, `radius ${radius ?? 'default'}: ${got.length} results, linear scan ${want.length}`);
}

/** Random entries plus, around a query, planted neighbours at exact distances 0..radius+1 (ids unique). */
function plantedSet(seed: number, n: number, radius: number): { entries: Entry[]; query: Uint8Array } {
  const rand = rng(seed);
  const query = randomHash(rand);
  const entries: Entry[] = [];
  let id = Math.floor(rand() * 1000);
  for (let i = 0; i < n; i++) entries.push({ id: (id += 1 + Math.floor(rand() * 3)), hash: randomHash(rand) });
  for (let d = 0; d <= radius + 1; d++) {
    for (let k = 0; k < 2; k++) entries.push({ id: (id += 1 + Math.floor(rand() * 70000)), hash: flip(query, d, rand) });
  }
  // Shuffle, so the planted entries are not last.
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return { entries, query };
}

describe('hash index: bulk build equals a linear scan', () => {
  it('planted neighbours at every distance 0..radius+1, random radii and directory sizes', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 70 }),
        fc.option(fc.integer({ min: 4, max: 12 }), { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        (seed, n, radius, dirBits, asColumns, probeOnly) => {
          const { entries, query } = plantedSet(seed, n, radius);
          // Small indexes would mostly answer by a linear scan (cheaper): noScan makes them probe the tables.
          const index = buildHashIndex(asColumns ? columnar(entries) : entries, { dirBits, noScan: probeOnly || radius <= 40 });
          assert.equal(index.size, entries.length);
          assertSame(index, entries, query, radius);
          // The planted neighbours within the radius are all there, at their exact distance.
          const hits = index.query(query, radius);
          const within = entries.filter((e) => distance(e.hash, query) <= radius);
          assert.equal(hits.length, within.length);
          // Other radii on the same index, and the default (31).
          assertSame(index, entries, query, Math.max(0, radius - 9));
          assertSame(index, entries, query);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('the default radius is 31 unless configured, and any radius 0..256 stays exact (large ones scan)', () => {
    const { entries, query } = plantedSet(7, 3000, 64);
    const index = buildHashIndex(entries);
    assertSame(index, entries, query);
    assert.deepEqual(index.query(query), index.query(query, 31));
    for (const r of [0, 1, 7, 8, 15, 16, 30, 32, 33, 40, 48, 64, 100, 128, 256]) assertSame(index, entries, query, r);
    const probing = buildHashIndex(entries, { noScan: true, dirBits: 6 });
    for (const r of [0, 3, 7, 8, 9, 23, 31, 39, 47, 56]) assertSame(probing, entries, query, r);
    const narrow = buildHashIndex(entries, { radius: 10 });
    assert.deepEqual(narrow.query(query), linearScan(entries, query, 10));
    assert.ok(narrow.query(query).every((m) => m.distance <= 10));
    assert.equal(index.query(query, 256).length, entries.length);
  });

  it('clustered data: many near-duplicates that share substrings', () => {
    const rand = rng(42);
    const entries: Entry[] = [];
    const centres: Uint8Array[] = [];
    let id = 0;
    for (let c = 0; c < 40; c++) {
      const centre = randomHash(rand);
      centres.push(centre);
      const size = c < 4 ? 400 : 1 + Math.floor(rand() * 40);
      for (let i = 0; i < size; i++) entries.push({ id: id++, hash: flip(centre, Math.floor(rand() * 20), rand) });
    }
    // Exact duplicates of one hash under many ids.
    for (let i = 0; i < 50; i++) entries.push({ id: id++, hash: centres[0]!.slice() });
    for (let i = 0; i < 1000; i++) entries.push({ id: id++, hash: randomHash(rand) });
    for (const dirBits of [undefined, 4, 8]) {
      const index = buildHashIndex(entries, { dirBits, noScan: dirBits !== undefined });
      for (const centre of centres.slice(0, 10)) {
        for (const r of [0, 8, 20, 31, 45]) assertSame(index, entries, flip(centre, Math.floor(rand() * 12), rand), r);
      }
      assertSame(index, entries, centres[0]!, 0);
      assert.ok(index.query(centres[0]!, 0).length >= 50);
    }
  });

  it('empty and single-entry indexes', () => {
    const rand = rng(1);
    const q = randomHash(rand);
    assert.deepEqual(createHashIndex().query(q), []);
    assert.deepEqual(buildHashIndex([]).query(q, 256), []);
    const one = buildHashIndex([{ id: 0, hash: q }]);
    assert.deepEqual(one.query(q), [{ id: 0, distance: 0 }]);
    assert.deepEqual(one.query(flip(q, 31, rand)), [{ id: 0, distance: 31 }]);
    assert.deepEqual(one.query(flip(q, 32, rand)), []);
  });
});

describe('hash index: live updates equal a linear scan', () => {
  type Op = { kind: 'add'; id: number; near: number; d: number } | { kind: 'remove'; id: number } | { kind: 'query'; near: number; d: number; r: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 60 }), near: fc.integer({ min: 0, max: 3 }), d: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 60 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('query' as const), near: fc.integer({ min: 0, max: 3 }), d: fc.integer({ min: 0, max: 35 }), r: fc.integer({ min: 0, max: 48 }) }) },
  );

  it('adds, removes, re-adds of the same id and rebuilds, from an empty or a bulk-built index', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 20 }), fc.array(op, { maxLength: 120 }), (seed, n, maxDelta, ops) => {
        const rand = rng(seed);
        const centres = Array.from({ length: 4 }, () => randomHash(rand));
        const model = new Map<number, Uint8Array>();
        // Ids of the bulk part start at 1000, so the ops' ids 0..60 are new, then re-added.
        for (let i = 0; i < n; i++) model.set(1000 + i, i % 2 ? randomHash(rand) : flip(centres[i % 4]!, Math.floor(rand() * 30), rand));
        const index =
          n === 0
            ? createHashIndex({ maxDelta, dirBits: 4, noScan: true })
            : buildHashIndex([...model].map(([id, hash]) => ({ id, hash })), { maxDelta, dirBits: 4 + (seed & 3), noScan: true });
        const check = (q: Uint8Array, r: number) =>
          assertSame(index, [...model].map(([id, hash]) => ({ id, hash })), q, r);
        for (const o of ops) {
          if (o.kind === 'add') {
            const hash = flip(centres[o.near]!, o.d, rand);
            index.add(o.id, hash);
            model.set(o.id, hash);
          } else if (o.kind === 'remove') {
            assert.equal(index.remove(o.id), model.delete(o.id));
            // A bulk-built id, too.
            const bulk = 1000 + Math.floor(rand() * Math.max(1, n));
            assert.equal(index.remove(bulk), model.delete(bulk));
          } else {
            check(flip(centres[o.near]!, o.d, rand), o.r);
          }
          assert.equal(index.size, model.size);
          if (o.kind !== 'query') assert.equal(index.has(o.id), model.has(o.id));
        }
        for (const c of centres) check(c, 31);
      }),
      { numRuns: 150 },
    );
  });

  it('a re-added id replaces its hash; remove of an absent id is false', () => {
    const rand = rng(9);
    const a = randomHash(rand);
    const b = randomHash(rand);
    const index = buildHashIndex([{ id: 5, hash: a }, { id: 6, hash: b }]);
    assert.equal(index.remove(7), false);
    index.add(5, b);
    assert.equal(index.size, 2);
    assert.deepEqual(index.query(a, 0), []);
    assert.deepEqual(index.query(b, 0), [{ id: 5, distance: 0 }, { id: 6, distance: 0 }]);
    assert.equal(index.remove(5), true);
    assert.equal(index.remove(5), false);
    assert.equal(index.has(5), false);
    index.add(5, a);
    assert.deepEqual(index.query(a, 0), [{ id: 5, distance: 0 }]);
    assert.ok(index.memoryBytes() > 0);
  });
});

describe('hash index: invalid input', () => {
  const h = new Uint8Array(32);
  const index = createHashIndex();
  it('wrong hash length, negative or non-integer id, bad radius, duplicate ids', () => {
    assert.throws(() => index.add(1, new Uint8Array(31)), /32 bytes, got 31/);
    assert.throws(() => index.add(1, new Uint8Array(33)), /32 bytes, got 33/);
    assert.throws(() => index.query(new Uint8Array(16)), /32 bytes, got 16/);
    assert.throws(() => index.add(-1, h), /id must be an integer in 0\.\.2147483647, got -1/);
    assert.throws(() => index.add(1.5, h), /id must be an integer/);
    assert.throws(() => index.add(2 ** 31, h), /id must be an integer/);
    assert.throws(() => index.remove(-3), /id must be an integer/);
    assert.throws(() => index.has(Number.NaN), /id must be an integer/);
    assert.throws(() => index.query(h, -1), /radius must be an integer in 0\.\.256, got -1/);
    assert.throws(() => index.query(h, 257), /radius must be an integer/);
    assert.throws(() => index.query(h, 2.5), /radius must be an integer/);
    assert.throws(() => createHashIndex({ radius: 300 }), /radius must be an integer/);
    assert.throws(() => index.add(1, 'ab' as unknown as Uint8Array), /Uint8Array of 32 bytes/);
    assert.throws(() => buildHashIndex([{ id: 1, hash: h }, { id: 1, hash: h }]), /duplicate id 1/);
    assert.throws(() => buildHashIndex([{ id: -2, hash: h }]), /id must be an integer/);
    assert.throws(() => buildHashIndex({ ids: new Int32Array([1, 2]), hashes: new Uint8Array(63) }), /hashes must be 2 × 32 bytes, got 63/);
    assert.throws(() => buildHashIndex({ ids: new Int32Array([-5]), hashes: new Uint8Array(32) }), /id must be an integer/);
    assert.throws(() => createHashIndex({ dirBits: 40 }), /dirBits must be an integer in 1\.\.24/);
    assert.equal(index.size, 0);
  });
});
