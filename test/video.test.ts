/**
 * vPDQ-style video hashing with ffmpeg: small videos are generated here (a slideshow of the PDQ fixture
 * images, ffmpeg's test pattern), then a re-encoded, resized copy must match the original both ways
 * (≥ 80 % of frames), a different video must not, and unreadable input gives VideoDecodeError.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
// The modules themselves (the public API re-exports them from src/screening/index.ts).
import { PDQ_MATCH_THRESHOLD, hammingDistance, pdqFromHex, pdqToHex } from '../src/screening/pdq.ts';
import { VideoDecodeError, isVpdqMatch, matchVpdq, vpdqFromFile, type VpdqFrame, type VpdqHash } from '../src/screening/video.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMAGES = path.join(ROOT, 'test', 'fixtures', 'pdq', 'images');
const SLIDES = ['dih/bridge-1-original.jpg', 'misc/pen-and-coaster.png', 'misc/c.png', 'labelme-subset/q0122.jpg', 'labelme-subset/q0291.jpg', 'labelme-subset/q1050.jpg', 'labelme-subset/q2821.jpg', 'dih/bridge-6-flipy.jpg'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-video-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ${args.join(' ')}: ${err}`))));
  });
}

let original: VpdqHash;

before(async () => {
  // One slide per second, 8 s at 25 fps, H.264 640x480.
  for (const [i, slide] of SLIDES.entries()) {
    await sharp(path.join(IMAGES, slide)).resize(640, 480, { fit: 'fill' }).removeAlpha().png().toFile(file(`slide${i}.png`));
  }
  await ffmpeg(['-framerate', '1', '-i', file('slide%d.png'), '-vf', 'fps=25,format=yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', file('original.mp4')]);
  await Promise.all([
    // Re-encoded: smaller, another codec and container, lower quality.
    ffmpeg(['-i', file('original.mp4'), '-vf', 'scale=320:240', '-c:v', 'mpeg4', '-q:v', '8', file('copy.avi')]),
    // A different video: ffmpeg's moving test pattern.
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25', '-t', '8', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', file('other.mp4')]),
  ]);
  original = await vpdqFromFile(file('original.mp4'));
});

test('one frame per second, each a PDQ hash with quality and timestamp', () => {
  assert.equal(original.width, 640);
  assert.equal(original.height, 480);
  assert.equal(original.framesPerSecond, 1);
  assert.equal(original.truncated, false);
  assert.equal(original.frames.length, 8);
  assert.deepEqual(
    original.frames.map((f) => [f.frame, f.timestamp]),
    SLIDES.map((_, i) => [i, i]),
  );
  for (const f of original.frames) assert.equal(f.hash.length, 32);
  // The first slide is the bridge photo: its frame hash is near the photo's reference hash.
  const bridge = pdqFromHex('d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22');
  assert.ok(hammingDistance(original.frames[0]!.hash, bridge) <= PDQ_MATCH_THRESHOLD, `distance ${hammingDistance(original.frames[0]!.hash, bridge)}`);
});

test('a re-encoded, resized copy matches both ways', async () => {
  const copy = await vpdqFromFile(file('copy.avi'));
  assert.equal(copy.width, 320);
  const m = matchVpdq(copy.frames, original.frames);
  assert.ok(m.queryMatchPercent >= 80, JSON.stringify(m));
  assert.ok(m.comparedMatchPercent >= 80, JSON.stringify(m));
  assert.equal(isVpdqMatch(m), true);
  assert.deepEqual(matchVpdq(original.frames, original.frames), { queryMatchPercent: 100, comparedMatchPercent: 100 });
});

test('a different video does not match', async () => {
  const other = await vpdqFromFile(file('other.mp4'));
  assert.ok(other.frames.length >= 8);
  const m = matchVpdq(other.frames, original.frames);
  assert.ok(m.queryMatchPercent < 80, JSON.stringify(m));
  assert.ok(m.comparedMatchPercent < 80, JSON.stringify(m));
  assert.equal(isVpdqMatch(m), false);
});

test('the frame rate and the frame cap are options', async () => {
  const [twice, capped] = await Promise.all([vpdqFromFile(file('original.mp4'), { framesPerSecond: 2 }), vpdqFromFile(file('original.mp4'), { maxFrames: 3 })]);
  assert.equal(twice.frames.length, 16);
  assert.equal(twice.frames[3]!.timestamp, 1.5);
  assert.equal(capped.frames.length, 3);
  assert.equal(capped.truncated, true);
  const short = await vpdqFromFile(file('original.mp4'), { maxDurationSeconds: 2 });
  assert.equal(short.frames.length, 2);
  assert.equal(short.truncated, true);
});

test('vigie hash --algo vpdq prints one line per frame: index, hash, quality, timestamp, path', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'vigie.js'), 'hash', '--algo', 'vpdq', 'original.mp4'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const code = await new Promise((resolve) => child.once('close', resolve));
  assert.equal(code, 0);
  assert.equal(stdout, original.frames.map((f) => `${f.frame},${pdqToHex(f.hash)},${f.quality},${f.timestamp.toFixed(3)},original.mp4\n`).join(''));
});

describe('matching rule (vPDQ brute force)', () => {
  const h = (byte: number, quality = 100): VpdqFrame => ({ frame: 0, hash: new Uint8Array(32).fill(byte), quality, timestamp: 0 });
  test('low-quality frames are dropped, duplicates counted once, distance ≤ 31 matches', () => {
    // 0x00 vs 0x01: 32 bits apart (no match); 0x00 vs 0x80 hashes with 31 bits set, built below.
    const near = new Uint8Array(32);
    near.fill(0xff, 0, 3);
    near[3] = 0xfe; // 31 bits
    const q = [h(0x00), h(0x00), h(0xff, 10)];
    const c = [{ ...h(0), hash: near }, h(0xf0)];
    assert.deepEqual(matchVpdq(q, c), { queryMatchPercent: 100, comparedMatchPercent: 50 });
    assert.deepEqual(matchVpdq(q, c, { distanceThreshold: 30 }), { queryMatchPercent: 0, comparedMatchPercent: 0 });
    assert.deepEqual(matchVpdq([h(1, 49)], c), { queryMatchPercent: 0, comparedMatchPercent: 0 });
    assert.equal(isVpdqMatch({ queryMatchPercent: 80, comparedMatchPercent: 0 }), true);
    assert.equal(isVpdqMatch({ queryMatchPercent: 79.9, comparedMatchPercent: 100 }), false);
    assert.equal(isVpdqMatch({ queryMatchPercent: 90, comparedMatchPercent: 10 }, { comparedPercent: 50 }), false);
  });
});

describe('unreadable input gives VideoDecodeError', () => {
  const fails = async (p: string, reasons: string[], options = {}) => {
    await assert.rejects(vpdqFromFile(p, options), (err: unknown) => {
      assert.ok(err instanceof VideoDecodeError, `not a VideoDecodeError: ${String(err)}`);
      assert.ok(reasons.includes(err.reason), `${err.reason}: ${err.message}`);
      return true;
    });
  };
  test('missing and empty files', async () => {
    fs.writeFileSync(file('empty.mp4'), '');
    await fails(file('missing.mp4'), ['not_found']);
    await fails(file('empty.mp4'), ['empty']);
  });
  test('random bytes, and a truncated MP4', async () => {
    fs.writeFileSync(file('random.mp4'), Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 251)));
    const mp4 = fs.readFileSync(file('original.mp4'));
    fs.writeFileSync(file('truncated.mp4'), mp4.subarray(0, Math.floor(mp4.length / 3)));
    await fails(file('random.mp4'), ['unsupported_format', 'corrupt']);
    await fails(file('truncated.mp4'), ['corrupt', 'unsupported_format']);
  });
  test('a playlist pointing at other files is refused (only video containers are read)', async () => {
    fs.writeFileSync(file('list.m3u8'), `#EXTM3U\n#EXTINF:8,\n${file('original.mp4')}\n#EXT-X-ENDLIST\n`);
    fs.writeFileSync(file('list.txt'), `ffconcat version 1.0\nfile '${file('original.mp4')}'\n`);
    await fails(file('list.m3u8'), ['unsupported_format', 'corrupt']);
    await fails(file('list.txt'), ['unsupported_format', 'corrupt']);
  });
  test('an image is not a video; oversized frames and timeouts are refused', async () => {
    await fails(path.join(IMAGES, 'misc/wee.jpg'), ['unsupported_format', 'no_video_stream']);
    await fails(file('original.mp4'), ['too_large'], { maxFramePixels: 640 * 480 - 1 });
    await fails(file('original.mp4'), ['timeout'], { timeoutMs: 1 });
  });
});
