import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError, unstorableText, validationError, zodFields } from '../http/errors.ts';
import { removeBlobs, storeBlob, type StoredBlob } from './blobs.ts';
import { NoticeBody, type NoticeInput } from './schemas.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export function idempotencyKey(req: FastifyRequest): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) {
    throw validationError([{ path: 'headers.idempotency-key', reason: '1–200 visible ASCII characters' }]);
  }
  return raw;
}

/**
 * Reads a notice from JSON (already validated by the route) or from multipart/form-data:
 * a `notice` field holding the JSON body and up to EVIDENCE_MAX_FILES `evidence` files.
 * Stored files are removed again when the request fails.
 */
export async function readNoticeRequest(
  req: FastifyRequest,
  jsonBody: NoticeInput | undefined,
  config: Pick<Config, 'blobDir'>,
): Promise<{ input: NoticeInput; blobs: StoredBlob[] }> {
  if (!req.isMultipart()) return { input: jsonBody as NoticeInput, blobs: [] };
  const blobs: StoredBlob[] = [];
  let raw: unknown;
  let sawNotice = false;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        if (part.fieldname !== 'notice') throw validationError([{ path: part.fieldname, reason: 'unknown field (send "notice" and "evidence")' }]);
        sawNotice = true;
        try {
          raw = JSON.parse(String(part.value));
        } catch {
          throw new AppError('MALFORMED_JSON', 'The "notice" field is not valid JSON', [{ path: 'notice', reason: 'invalid JSON' }]);
        }
      } else {
        if (part.fieldname !== 'evidence') {
          part.file.resume();
          throw validationError([{ path: part.fieldname, reason: 'unknown file field (use "evidence")' }]);
        }
        blobs.push(await storeBlob(config.blobDir, part.file, part.mimetype, part.filename));
      }
    }
    if (!sawNotice) throw validationError([{ path: 'notice', reason: 'required: the notice as JSON' }]);
    const bad = unstorableText(raw, 'body');
    if (bad.length > 0) throw validationError(bad);
    const parsed = NoticeBody.safeParse(raw);
    if (!parsed.success) throw validationError(zodFields(parsed.error, 'body'));
    return { input: parsed.data, blobs };
  } catch (err) {
    removeBlobs(blobs);
    throw err;
  }
}
