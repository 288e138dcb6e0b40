/**
 * vPDQ-style video hashing and matching (after facebook/ThreatExchange `vpdq/`): frames sampled at a
 * fixed rate (default 1 per second) are decoded by ffmpeg into raw RGB on a pipe, each frame is PDQ-hashed
 * (pdqFromRgb), and two videos are compared as bags of frame hashes: the share of one video's frames that
 * have a match in the other, both ways. Parameters and the matching rule: docs/screening-hashing.md.
 *
 * ffmpeg and ffprobe are spawned with argument arrays (never a shell), read only local files (protocol
 * whitelist `file`), and only through the demuxers of common video containers (so playlists such as HLS or
 * ffconcat, which can point at other files or URLs, are refused). Duration, frame count, frame size and
 * wall time are bounded; every failure is a VideoDecodeError.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY, hammingDistance, pdqFromRgb, pdqToHex, type PdqHash } from './pdq.ts';

export type VideoDecodeReason = 'not_found' | 'empty' | 'unsupported_format' | 'no_video_stream' | 'too_large' | 'timeout' | 'corrupt' | 'ffmpeg_missing';

export class VideoDecodeError extends Error {
  readonly code = 'VIDEO_DECODE_ERROR';
  constructor(
    readonly reason: VideoDecodeReason,
    message: string,
  ) {
    super(message);
    this.name = 'VideoDecodeError';
  }
}

export interface VideoHashOptions {
  /** Frames hashed per second of video (default 1, as vPDQ's default of one hash per second). */
  framesPerSecond?: number;
  /** Only the first this many seconds are hashed (default 3600); `truncated` says when the video was longer. */
  maxDurationSeconds?: number;
  /** At most this many frames are hashed (default 3600). */
  maxFrames?: number;
  /** Refuse videos whose frames exceed this many pixels (default 8192 × 8192). */
  maxFramePixels?: number;
  /** Wall-clock limit for probing and decoding together (default 120 s). */
  timeoutMs?: number;
  /** Default /usr/bin/ffmpeg and /usr/bin/ffprobe (Debian's). */
  ffmpegPath?: string;
  ffprobePath?: string;
}

export interface VpdqFrame {
  /** Index of the sampled frame (0, 1, 2, …), not of the source frame. */
  frame: number;
  hash: PdqHash;
  quality: number;
  /** Seconds from the start: frame / framesPerSecond. */
  timestamp: number;
}

export interface VpdqHash {
  frames: VpdqFrame[];
  width: number;
  height: number;
  /** As probed from the container; null when it does not say. */
  durationSeconds: number | null;
  framesPerSecond: number;
  /** True when the video went beyond maxDurationSeconds or maxFrames and only its start was hashed. */
  truncated: boolean;
}

const DEFAULTS = {
  framesPerSecond: 1,
  maxDurationSeconds: 3600,
  maxFrames: 3600,
  maxFramePixels: 8192 * 8192,
  timeoutMs: 120_000,
  ffmpegPath: '/usr/bin/ffmpeg',
  ffprobePath: '/usr/bin/ffprobe',
};

/** Frames larger than this on a side are scaled down by ffmpeg (area average) before hashing: PDQ works on 64×64 anyway. */
const FRAME_SIDE_CAP = 512;

/** Demuxers ffmpeg may use: common video containers only (ffmpeg's demuxer names, some listing several formats). */
const DEMUXERS = ['mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', 'matroska', 'webm', 'avi', 'flv', 'mpegts', 'mpeg', 'ogg', 'asf', 'gif', 'h264', 'hevc', 'm4v', 'rawvideo'].join(',');
const INPUT_GUARDS = ['-protocol_whitelist', 'file', '-format_whitelist', DEMUXERS];

/** Cap on the stderr kept from ffmpeg for error messages. */
const STDERR_CAP = 8192;

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(cmd: string, args: string[], deadline: number, onStdout?: (chunk: Buffer) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    let failed: unknown = null;
    const timer = setTimeout(
      () => {
        timedOut = true;
        child.kill('SIGKILL');
      },
      Math.max(1, deadline - Date.now()),
    );
    child.stdout.on('data', (c: Buffer) => {
      if (failed) return;
      if (!onStdout) {
        out.push(c);
        return;
      }
      try {
        onStdout(c);
      } catch (err) {
        failed = err;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < STDERR_CAP) stderr += c.toString('utf8').slice(0, STDERR_CAP - stderr.length);
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new VideoDecodeError('ffmpeg_missing', `${cmd} is not installed`) : err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (failed) reject(failed);
      else if (timedOut) reject(new VideoDecodeError('timeout', `${path.basename(cmd)} took too long`));
      else resolve({ code, stdout: Buffer.concat(out), stderr });
    });
  });
}

/** The first line of ffmpeg's stderr, without its `[demuxer @ 0x…] ` prefix (no addresses in messages). */
function firstLine(s: string): string {
  return (s.trim().split('\n')[0] ?? '').replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, '').slice(0, 300);
}

interface Probe {
  width: number;
  height: number;
  durationSeconds: number | null;
}

async function probe(input: string, o: typeof DEFAULTS, deadline: number): Promise<Probe> {
  const r = await run(
    o.ffprobePath,
    ['-v', 'error', ...INPUT_GUARDS, '-select_streams', 'v:0', '-show_entries', 'stream=width,height:format=duration', '-of', 'json', input],
    deadline,
  );
  if (r.code !== 0) {
    const msg = firstLine(r.stderr);
    throw new VideoDecodeError(/Invalid data|not supported|not on whitelist|no such demuxer|Unknown input format/i.test(msg) ? 'unsupported_format' : 'corrupt', `not a readable video: ${msg}`);
  }
  let parsed: { streams?: Array<{ width?: number; height?: number }>; format?: { duration?: string } };
  try {
    parsed = JSON.parse(r.stdout.toString('utf8')) as typeof parsed;
  } catch {
    throw new VideoDecodeError('corrupt', 'ffprobe gave unreadable output');
  }
  const stream = parsed.streams?.[0];
  if (!stream?.width || !stream.height) throw new VideoDecodeError('no_video_stream', 'no video stream');
  const duration = Number(parsed.format?.duration);
  return { width: stream.width, height: stream.height, durationSeconds: Number.isFinite(duration) ? duration : null };
}

/**
 * Hashes a video file: one PDQ hash per sampled frame, in order, low-quality frames included (matching
 * drops them). Frames keep their stored orientation (`-noautorotate`), like photos keep theirs.
 */
export async function vpdqFromFile(file: string, options: VideoHashOptions = {}): Promise<VpdqHash> {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS;
  if (!(o.framesPerSecond > 0 && o.framesPerSecond <= 60)) throw new RangeError('framesPerSecond must be in (0, 60]');
  const deadline = Date.now() + o.timeoutMs;
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new VideoDecodeError('not_found', `no such file: ${file}`);
  }
  if (!stat.isFile()) throw new VideoDecodeError('not_found', `not a file: ${file}`);
  if (stat.size === 0) throw new VideoDecodeError('empty', 'empty file');
  // `file:` + absolute path: a name such as `http://…` or `-x` is never read as a URL or an option.
  const input = `file:${path.resolve(file)}`;

  const info = await probe(input, o, deadline);
  if (info.width * info.height > o.maxFramePixels) {
    throw new VideoDecodeError('too_large', `frames are ${info.width}x${info.height}, over the limit of ${o.maxFramePixels} pixels`);
  }
  const outW = Math.min(info.width, FRAME_SIDE_CAP);
  const outH = Math.min(info.height, FRAME_SIDE_CAP);
  const frameBytes = outW * outH * 3;
  const maxFrames = Math.max(1, Math.min(o.maxFrames, Math.ceil(o.maxDurationSeconds * o.framesPerSecond)));

  const frames: VpdqFrame[] = [];
  let pending: Buffer = Buffer.alloc(0);
  const onStdout = (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= frameBytes) {
      const rgb = new Uint8Array(pending.buffer, pending.byteOffset, frameBytes);
      const { hash, quality } = pdqFromRgb(outW, outH, rgb);
      const index = frames.length;
      frames.push({ frame: index, hash, quality, timestamp: Math.round((index / o.framesPerSecond) * 1000) / 1000 });
      pending = pending.subarray(frameBytes);
    }
  };
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-noautorotate',
    ...INPUT_GUARDS,
    '-t',
    String(o.maxDurationSeconds),
    '-i',
    input,
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    '-vf',
    `fps=${o.framesPerSecond},scale=${outW}:${outH}:flags=area`,
    '-frames:v',
    String(maxFrames),
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
  const r = await run(o.ffmpegPath, args, deadline, onStdout);
  if (r.code !== 0) throw new VideoDecodeError('corrupt', `ffmpeg could not decode the video: ${firstLine(r.stderr)}`);
  if (frames.length === 0) throw new VideoDecodeError('corrupt', `no frame could be decoded${r.stderr ? `: ${firstLine(r.stderr)}` : ''}`);
  const truncated = frames.length >= maxFrames && info.durationSeconds !== null && info.durationSeconds * o.framesPerSecond > maxFrames;
  return { frames, width: info.width, height: info.height, durationSeconds: info.durationSeconds, framesPerSecond: o.framesPerSecond, truncated };
}

// ── matching ─────────────────────────────────────────────────────────────────────────────────────

export interface VpdqMatchOptions {
  /** Two frames match at PDQ distance ≤ this (default 31). */
  distanceThreshold?: number;
  /** Frames under this quality are left out on both sides (default 50). */
  qualityThreshold?: number;
}

export interface VpdqMatchResult {
  /** Share (0–100) of the query's distinct, good-quality frames that match some frame of the compared video. */
  queryMatchPercent: number;
  /** Share (0–100) of the compared video's distinct, good-quality frames that match some query frame. */
  comparedMatchPercent: number;
}

/** python-threatexchange's defaults: a match needs ≥ 80 % of the query matched, and ≥ 0 % of the compared video. */
export const VPDQ_QUERY_MATCH_THRESHOLD_PERCENT = 80;
export const VPDQ_COMPARED_MATCH_THRESHOLD_PERCENT = 0;

type FrameLike = Pick<VpdqFrame, 'hash' | 'quality'>;

/** Distinct hashes (first occurrence kept) of quality ≥ threshold. */
function prepare(frames: readonly FrameLike[], qualityThreshold: number): PdqHash[] {
  const seen = new Set<string>();
  const out: PdqHash[] = [];
  for (const f of frames) {
    if (f.quality < qualityThreshold) continue;
    const key = pdqToHex(f.hash);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f.hash);
  }
  return out;
}

function countMatched(a: PdqHash[], b: PdqHash[], distance: number): number {
  let n = 0;
  for (const x of a) {
    for (const y of b) {
      if (hammingDistance(x, y) <= distance) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** vPDQ brute-force comparison (python-threatexchange `match_VPDQ_hash_brute`): both percentages, 0 when a side has no usable frame. */
export function matchVpdq(query: readonly FrameLike[], compared: readonly FrameLike[], options: VpdqMatchOptions = {}): VpdqMatchResult {
  const distance = options.distanceThreshold ?? PDQ_MATCH_THRESHOLD;
  const quality = options.qualityThreshold ?? PDQ_MIN_QUALITY;
  const q = prepare(query, quality);
  const c = prepare(compared, quality);
  if (q.length === 0 || c.length === 0) return { queryMatchPercent: 0, comparedMatchPercent: 0 };
  return {
    queryMatchPercent: (countMatched(q, c, distance) * 100) / q.length,
    comparedMatchPercent: (countMatched(c, q, distance) * 100) / c.length,
  };
}

/** The match decision on a VpdqMatchResult. */
export function isVpdqMatch(
  result: VpdqMatchResult,
  thresholds: { queryPercent?: number; comparedPercent?: number } = {},
): boolean {
  return (
    result.queryMatchPercent >= (thresholds.queryPercent ?? VPDQ_QUERY_MATCH_THRESHOLD_PERCENT) &&
    result.comparedMatchPercent >= (thresholds.comparedPercent ?? VPDQ_COMPARED_MATCH_THRESHOLD_PERCENT)
  );
}
