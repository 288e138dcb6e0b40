/**
 * PDQ conformance: every image of test/fixtures/pdq (ThreatExchange's pdq/data, BSD licence in that folder)
 * must give exactly the hash and quality of Meta's reference C++ hasher (expected/pdq.csv) and exactly its
 * eight dihedral hashes (expected/pdq-dihedral-across.csv), through the library and through `vigie hash`.
 * Then robustness: edited copies stay within the match threshold, bad inputs give ImageDecodeError, and a
 * decompression bomb is refused from its header.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import sharp from 'sharp';
// The modules themselves (the public API re-exports them from src/screening/index.ts).
import { ImageDecodeError, pdqDihedralFromImage, pdqFromImage } from '../src/screening/image.ts';
import { PDQ_MATCH_THRESHOLD, hammingDistance, hashNorm, isPdqHex, pdqFromHex, pdqFromPixels, pdqFromRgb, pdqToHex } from '../src/screening/pdq.ts';
import { cleanUp, exited } from './process.ts';

after(cleanUp);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'pdq');
const BIN = path.join(ROOT, 'bin', 'vigie.js');

const read = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel));
const csvLines = (rel: string) => fs.readFileSync(path.join(FIXTURES, rel), 'utf8').split('\n').filter(Boolean);

const EXPECTED = csvLines('expected/pdq.csv').map((line) => {
  const [hash, quality, file] = line.split(',') as [string, string, string];
  return { line, hash, quality: Number(quality), file };
});
const EXPECTED_DIH = csvLines('expected/pdq-dihedral-across.csv');
const BRIDGE = 'images/dih/bridge-1-original.jpg';

test('the fixtures are complete, with their licence next to the images', () => {
  assert.equal(EXPECTED.length, 38);
  assert.equal(EXPECTED_DIH.length, 38);
  assert.match(fs.readFileSync(path.join(FIXTURES, 'LICENSE'), 'utf8'), /Meta Platforms/);
  for (const e of EXPECTED) assert.ok(fs.existsSync(path.join(FIXTURES, e.file)), e.file);
});

describe('bit-exact with the reference hasher (expected/pdq.csv)', () => {
  for (const e of EXPECTED) {
    test(e.file, async () => {
      const r = await pdqFromImage(read(e.file));
      assert.equal(`${pdqToHex(r.hash)},${r.quality},${e.file}`, e.line);
    });
  }
});

describe('dihedral hashes bit-exact (expected/pdq-dihedral-across.csv)', () => {
  for (const line of EXPECTED_DIH) {
    const file = line.split(',')[9]!;
    test(file, async () => {
      const r = await pdqDihedralFromImage(read(file));
      assert.equal([...r.hashes.map(pdqToHex), r.quality, file].join(','), line);
    });
  }
});

test('the --pdqdih order is original, rot90, rot180, rot270, flipx, flipy, flipplus1, flipminus1', async () => {
  const lines = csvLines('expected/pdq-dihedral-bridge-1-original.txt');
  const r = await pdqDihedralFromImage(read(BRIDGE));
  assert.deepEqual(
    r.hashes.map(pdqToHex),
    lines.map((l) => l.split(',')[0]),
  );
});

test('hex, bytes, distance and norm', () => {
  const a = EXPECTED[0]!.hash;
  const bytes = pdqFromHex(a);
  assert.equal(bytes.length, 32);
  assert.equal(pdqToHex(bytes), a);
  assert.equal(pdqToHex(pdqFromHex(a.toUpperCase())), a);
  assert.equal(hashNorm(bytes), 128);
  assert.equal(hammingDistance(bytes, bytes), 0);
  assert.equal(hammingDistance(bytes, bytes.map((b) => b ^ 0xff)), 256);
  const flipped = Uint8Array.from(bytes);
  flipped[31]! ^= 0b101;
  assert.equal(hammingDistance(bytes, flipped), 2);
  for (const bad of ['', a.slice(1), `${a}0`, `${a.slice(0, 63)}g`, ` ${a.slice(1)}`]) {
    assert.equal(isPdqHex(bad), false, bad);
    assert.throws(() => pdqFromHex(bad), { code: 'INVALID_PDQ_HASH' });
  }
  assert.throws(() => hammingDistance(bytes, new Uint8Array(31)), RangeError);
  // The hex layout: the first four digits are DCT row 15, the last four row 0 (bit j = 1 << j).
  const d = pdqFromHex('d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22');
  assert.deepEqual([d[30], d[31]], [0x9b, 0x22]);
});

test('images under 5 pixels on a side get the all-zero hash and quality 0; raw RGB hashes like the decoded file', async () => {
  const tiny = pdqFromRgb(4, 100, new Uint8Array(4 * 100 * 3).fill(200));
  assert.equal(pdqToHex(tiny.hash), '0'.repeat(64));
  assert.equal(tiny.quality, 0);
  const { data, info } = await sharp(read('images/misc/wee.jpg')).raw().toBuffer({ resolveWithObject: true });
  const r = pdqFromRgb(info.width, info.height, data);
  assert.equal(`${pdqToHex(r.hash)},${r.quality}`, EXPECTED.find((e) => e.file === 'images/misc/wee.jpg')!.line.split(',').slice(0, 2).join(','));
  assert.throws(() => pdqFromPixels(10, 10, 3, new Uint8Array(10)), RangeError);
});

describe('robust to everyday edits (distance ≤ 31 from the original)', async () => {
  const original = read(BRIDGE);
  const ref = await pdqDihedralFromImage(original);
  const [orig, rot90, , , , flipy] = ref.hashes as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const near = async (edited: Buffer, against: Uint8Array) => {
    const r = await pdqFromImage(edited);
    const d = hammingDistance(r.hash, against);
    assert.ok(d <= PDQ_MATCH_THRESHOLD, `distance ${d}`);
    assert.ok(r.quality >= 50);
  };
  test('resized to 40 %', async () => near(await sharp(original).resize(640).jpeg({ quality: 90 }).toBuffer(), orig));
  test('recompressed at JPEG quality 30', async () => near(await sharp(original).jpeg({ quality: 30 }).toBuffer(), orig));
  test('converted to WebP', async () => near(await sharp(original).webp({ quality: 60 }).toBuffer(), orig));
  test('mirrored left↔right matches the flipy dihedral hash, not the original', async () => {
    const mirrored = await sharp(original).flop().jpeg().toBuffer();
    await near(mirrored, flipy);
    assert.ok(hammingDistance((await pdqFromImage(mirrored)).hash, orig) > PDQ_MATCH_THRESHOLD);
  });
  test('turned 90° counter-clockwise matches the rot90 dihedral hash', async () => near(await sharp(original).rotate(-90).jpeg().toBuffer(), rot90));
  test('a different image is far away', async () => {
    const other = await pdqFromImage(read('images/misc/pen-and-coaster.png'));
    assert.ok(hammingDistance(other.hash, orig) > 64);
  });
});

// ── bad input ────────────────────────────────────────────────────────────────────────────────────

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A valid-looking PNG header declaring width × height RGB pixels, with a tiny IDAT. */
function pngDeclaring(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function decodeFails(input: Buffer, reasons: string[], options = {}) {
  await assert.rejects(pdqFromImage(input, options), (err: unknown) => {
    assert.ok(err instanceof ImageDecodeError, `not an ImageDecodeError: ${String(err)}`);
    assert.equal(err.code, 'IMAGE_DECODE_ERROR');
    assert.ok(reasons.includes(err.reason), `reason ${err.reason}: ${err.message}`);
    return true;
  });
}

describe('bad input gives ImageDecodeError, never a crash', () => {
  test('zero bytes', () => decodeFails(Buffer.alloc(0), ['empty']));
  test('not an image', () => decodeFails(Buffer.from('GIF? no: just some text that is not an image'), ['unsupported_format']));
  test('truncated JPEG', async () => {
    const jpeg = read(BRIDGE);
    await decodeFails(jpeg.subarray(0, Math.floor(jpeg.length / 2)), ['truncated', 'corrupt']);
    await decodeFails(jpeg.subarray(0, 200), ['truncated', 'corrupt']);
  });
  test('truncated PNG', async () => {
    const png = read('images/misc/pen-and-coaster.png');
    await decodeFails(png.subarray(0, Math.floor(png.length / 3)), ['truncated', 'corrupt']);
  });
  test('corrupt PNG data (a flipped byte in the compressed pixels)', async () => {
    const png = Buffer.from(read('images/misc/pen-and-coaster.png'));
    const idat = png.indexOf('IDAT', 0, 'latin1');
    for (let i = idat + 100; i < idat + 140; i++) png[i]! ^= 0xff;
    await decodeFails(png, ['corrupt', 'truncated']);
  });
  test('corrupt header (JPEG start marker, then garbage)', () => decodeFails(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4000, 0x41)]), ['corrupt', 'truncated', 'unsupported_format']));
  test('a decompression bomb (PNG declaring 100000 × 100000) is refused from its header, quickly', async () => {
    const bomb = pngDeclaring(100_000, 100_000);
    const t0 = performance.now();
    await decodeFails(bomb, ['too_large']);
    assert.ok(performance.now() - t0 < 1000, `took ${performance.now() - t0} ms`);
  });
  test('the pixel cap is an argument', async () => {
    await decodeFails(read(BRIDGE), ['too_large'], { maxPixels: 1600 * 1004 - 1 });
    assert.equal((await pdqFromImage(read(BRIDGE), { maxPixels: 1600 * 1004 })).quality, 100);
  });
});

// ── the CLI ──────────────────────────────────────────────────────────────────────────────────────

function vigie(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: FIXTURES, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000); // start-up is slow on a loaded machine
  return exited(child).then(({ code }) => {
    clearTimeout(timer);
    return { code, stdout, stderr };
  });
}

describe('vigie hash (no database, no configuration)', () => {
  const files = EXPECTED.map((e) => e.file);
  test('--algo pdq reproduces expected/pdq.csv byte for byte; a bad file is reported and the others still hashed', async () => {
    const r = await vigie(['hash', '--algo', 'pdq', ...files.slice(0, 5), 'no-such-file.jpg', 'README.md', ...files.slice(5)]);
    assert.equal(r.stdout, fs.readFileSync(path.join(FIXTURES, 'expected/pdq.csv'), 'utf8'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^no-such-file\.jpg: no such file$/m);
    assert.match(r.stderr, /^README\.md: unsupported_format: /m);
  });
  test('--dihedral reproduces expected/pdq-dihedral-across.csv; md5 and sha256 leave quality empty', async () => {
    const [dih, md5, sha] = await Promise.all([
      vigie(['hash', '--algo', 'pdq', '--dihedral', ...files]),
      vigie(['hash', '--algo', 'md5', 'images/misc/wee.jpg']),
      vigie(['hash', '--algo', 'sha256', 'images/misc/wee.jpg', 'LICENSE']),
    ]);
    assert.equal(dih.code, 0, dih.stderr);
    assert.equal(dih.stdout, fs.readFileSync(path.join(FIXTURES, 'expected/pdq-dihedral-across.csv'), 'utf8'));
    const crypto = await import('node:crypto');
    const digest = (algo: string, f: string) => crypto.createHash(algo).update(read(f)).digest('hex');
    assert.equal(md5.stdout, `${digest('md5', 'images/misc/wee.jpg')},,images/misc/wee.jpg\n`);
    assert.equal(sha.stdout, `${digest('sha256', 'images/misc/wee.jpg')},,images/misc/wee.jpg\n${digest('sha256', 'LICENSE')},,LICENSE\n`);
    assert.equal(md5.code, 0);
    assert.equal(sha.code, 0);
  });
});
