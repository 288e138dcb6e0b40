import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import { AppError } from '../http/errors.ts';

/** Evidence types we accept, checked on the bytes (magic numbers), never on the declared type alone. */
export const EVIDENCE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'application/pdf',
  'text/plain',
] as const;

export interface StoredBlob {
  sha256: string;
  media_type: string;
  size_bytes: number;
  filename: string | null;
  /** True when this upload created the file (so a failed intake may remove it). */
  created: boolean;
  path: string;
}

/**
 * Streams an upload to `<blobDir>/<sha[0:2]>/<sha>` (content-addressed, fsynced before the notice
 * commits), checking its real type. Oversize uploads are cut off by the multipart limit.
 */
export async function storeBlob(blobDir: string, stream: Readable, declaredType: string, filename: string | undefined): Promise<StoredBlob> {
  const tmpDir = path.join(blobDir, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, crypto.randomUUID());
  const hash = crypto.createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(stream, counter, fs.createWriteStream(tmp));
    if ((stream as Readable & { truncated?: boolean }).truncated) throw new AppError('PAYLOAD_TOO_LARGE', 'An evidence file is larger than allowed');
    if (size === 0) throw new AppError('VALIDATION_FAILED', 'Empty file', [{ path: 'evidence', reason: 'the file is empty' }]);
    const mediaType = await sniff(tmp, declaredType);
    const sha = hash.digest('hex');
    const dir = path.join(blobDir, sha.slice(0, 2));
    fs.mkdirSync(dir, { recursive: true });
    const final = path.join(dir, sha);
    const exists = fs.existsSync(final);
    if (exists) fs.rmSync(tmp);
    else {
      const fd = fs.openSync(tmp, 'r');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, final);
    }
    return { sha256: sha, media_type: mediaType, size_bytes: size, filename: filename ? filename.slice(0, 255) : null, created: !exists, path: final };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

async function sniff(file: string, declared: string): Promise<string> {
  const detected = await fileTypeFromFile(file);
  if (detected && (EVIDENCE_TYPES as readonly string[]).includes(detected.mime)) return detected.mime;
  if (!detected && declared.split(';')[0]?.trim() === 'text/plain') {
    const text = fs.readFileSync(file);
    const valid = !text.includes(0) && Buffer.from(text.toString('utf8'), 'utf8').equals(text);
    if (valid) return 'text/plain';
  }
  throw new AppError('EVIDENCE_TYPE_NOT_ALLOWED', `Evidence must be one of: ${EVIDENCE_TYPES.join(', ')} (detected: ${detected?.mime ?? 'unknown'})`, [
    { path: 'evidence', reason: `type ${detected?.mime ?? declared} not allowed` },
  ]);
}

export function removeBlobs(blobs: StoredBlob[]): void {
  for (const b of blobs) if (b.created) fs.rmSync(b.path, { force: true });
}
