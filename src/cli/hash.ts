/**
 * `vigie hash`: hashes files the way the screening domain does, one line per file, in the reference
 * `pdq-photo-hasher` layout — `<hash>,<quality>,<path>` (quality empty for md5/sha256), or with
 * `--dihedral` the eight PDQ variants, then quality, then path. Needs no database and no configuration.
 * A file that cannot be hashed is reported on stderr; the others are still hashed, and the exit code is 1.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { DEFAULT_MAX_PIXELS, ImageDecodeError, VideoDecodeError, pdqDihedralFromImage, pdqFromImage, pdqToHex, vpdqFromFile } from '../screening/index.ts';

export const HASH_ALGORITHMS = ['pdq', 'md5', 'sha256', 'vpdq'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

export interface HashCommandOptions {
  algo: HashAlgorithm;
  dihedral?: boolean;
  maxPixels?: number;
  /** vpdq: frames per second sampled. */
  fps?: number;
}

/** Image files larger than this are refused before reading (the pixel limit applies after). */
const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

function digest(file: string, algo: 'md5' | 'sha256'): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash(algo);
    createReadStream(file)
      .on('error', reject)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')));
  });
}

async function readImage(file: string): Promise<Buffer> {
  const st = await fs.stat(file);
  if (!st.isFile()) throw new Error('not a file');
  if (st.size > MAX_IMAGE_FILE_BYTES) throw new ImageDecodeError('too_large', `file is over ${MAX_IMAGE_FILE_BYTES} bytes`);
  return fs.readFile(file);
}

/** The output lines for one file. */
async function hashOne(file: string, o: HashCommandOptions): Promise<string[]> {
  switch (o.algo) {
    case 'md5':
    case 'sha256':
      return [`${await digest(file, o.algo)},,${file}`];
    case 'pdq': {
      const bytes = await readImage(file);
      if (o.dihedral) {
        const r = await pdqDihedralFromImage(bytes, { maxPixels: o.maxPixels });
        return [`${r.hashes.map(pdqToHex).join(',')},${r.quality},${file}`];
      }
      const r = await pdqFromImage(bytes, { maxPixels: o.maxPixels });
      return [`${pdqToHex(r.hash)},${r.quality},${file}`];
    }
    case 'vpdq': {
      const v = await vpdqFromFile(file, { framesPerSecond: o.fps });
      return v.frames.map((f) => `${f.frame},${pdqToHex(f.hash)},${f.quality},${f.timestamp.toFixed(3)},${file}`);
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof ImageDecodeError || err instanceof VideoDecodeError) return `${err.reason}: ${err.message}`;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.message ?? String(err);
}

/** Runs the command; returns the exit code (0, or 1 if any file failed). */
export async function runHash(files: string[], o: HashCommandOptions): Promise<number> {
  if (o.dihedral && o.algo !== 'pdq') {
    process.stderr.write('--dihedral applies to --algo pdq only\n');
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    try {
      const lines = await hashOne(file, { ...o, maxPixels: o.maxPixels ?? DEFAULT_MAX_PIXELS });
      if (lines.length) process.stdout.write(`${lines.join('\n')}\n`);
    } catch (err) {
      failed++;
      process.stderr.write(`${file}: ${describe(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}
