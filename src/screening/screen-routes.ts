import type { FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { AppError, validationError, zodFields } from '../http/errors.ts';
import { can, defineRoute, type AnyRoute, type HandlerContext } from '../http/route.ts';
import { httpUrl } from '../http/validators.ts';
import { loadTextClassifier } from './classify/index.ts';
import { screen, type ScreenRequest } from './screen.ts';

const tags = ['screening'];
const ServiceParams = z.object({ service: z.string() });

const Context = z
  .strictObject({
    trusted_flagger: z.boolean().default(false),
    /** Account metadata from the platform, for rules (e.g. age_days, followers, verified). */
    account: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), z.union([z.number(), z.string().max(200), z.boolean()])).default({}),
  })
  .default({ trusted_flagger: false, account: {} });

// The alphabet is checked when the bytes are decoded (decodeBase64): a regex over megabytes costs milliseconds.
const base64 = z.string().max(14_000_000).describe('base64 (standard alphabet, optional padding)');

/** The bytes of a base64 field, or a field error: Node's decoder skips foreign characters, so the length tells. */
function decodeBase64(encoded: string, path: string): Uint8Array {
  const bytes = Buffer.from(encoded, 'base64');
  let end = encoded.length;
  while (end > 0 && encoded.charCodeAt(end - 1) === 61 /* = */) end--;
  const expected = Math.floor((end * 3) / 4);
  // A length of 4k + 1 characters is never base64; it would hide one foreign character from the length check.
  if (bytes.length !== expected || end % 4 === 1 || encoded.length - end > 2) throw validationError([{ path, reason: 'not base64 (standard alphabet A–Z a–z 0–9 + /, optional = padding)' }]);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

export const ScreenBody = z
  .strictObject({
    content_id: z.string().trim().min(1).max(500),
    content_url: httpUrl(2000).optional(),
    text: z.string().min(1).max(20_000).optional(),
    image: base64.optional().describe('The image bytes, base64 (JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF)'),
    video: base64.optional().describe('The video bytes, base64 (or send multipart for large files)'),
    context: Context,
    /** PDQ match radius (default 31 of 256 bits). */
    radius: z.number().int().min(0).max(64).optional(),
  })
  .superRefine(
    (b, ctx) => {
      const given = (['text', 'image', 'video'] as const).filter((k) => b[k] !== undefined);
      if (given.length !== 1) ctx.addIssue({ code: 'custom', path: ['text'], message: 'exactly one of text, image, video' });
    },
    { when: (p) => typeof p.value === 'object' && p.value !== null },
  );
type ScreenBodyType = z.output<typeof ScreenBody>;

const MultipartRequest = z.strictObject({
  content_id: z.string().trim().min(1).max(500),
  content_url: httpUrl(2000).optional(),
  context: Context,
  radius: z.number().int().min(0).max(64).optional(),
});

const SCREEN_EXAMPLE = {
  content_id: 'post-8812',
  content_url: 'https://forum.example/t/8812',
  text: 'Le texte du message publié',
  context: { trusted_flagger: false, account: { age_days: 3 } },
} satisfies z.input<typeof ScreenBody>;

async function mediaOf(bytes: Uint8Array, path: string): Promise<NonNullable<ScreenRequest['media']>> {
  if (bytes.length === 0) throw validationError([{ path, reason: 'empty file' }]);
  const type = await fileTypeFromBuffer(bytes);
  if (type?.mime.startsWith('image/')) return { bytes, kind: 'image' };
  if (type?.mime.startsWith('video/')) return { bytes, kind: 'video' };
  throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Not an image or a video${type ? ` (${type.mime})` : ''}`, [{ path, reason: 'an image or a video, recognised from its bytes' }]);
}

/** The request as JSON (validated by the route) or multipart: field `request` (JSON) and file `media`. */
async function readRequest(req: FastifyRequest, body: ScreenBodyType | undefined, maxBytes: number): Promise<ScreenRequest> {
  if (!req.isMultipart()) {
    const b = body as ScreenBodyType;
    const encoded = b.image ?? b.video;
    const field = b.image !== undefined ? 'body.image' : 'body.video';
    const media = encoded !== undefined ? await mediaOf(decodeBase64(encoded, field), field) : undefined;
    if (media && b.video !== undefined && media.kind !== 'video') throw validationError([{ path: 'body.video', reason: 'not a video' }]);
    if (media && b.image !== undefined && media.kind !== 'image') throw validationError([{ path: 'body.image', reason: 'not an image' }]);
    return { content_id: b.content_id, content_url: b.content_url, text: b.text, media, context: b.context, radius: b.radius };
  }
  let raw: unknown;
  let bytes: Uint8Array | undefined;
  for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1 } })) {
    if (part.type === 'field') {
      if (part.fieldname !== 'request') throw validationError([{ path: part.fieldname, reason: 'unknown field (send "request" and "media")' }]);
      try {
        raw = JSON.parse(String(part.value));
      } catch {
        throw new AppError('MALFORMED_JSON', 'The "request" field is not valid JSON', [{ path: 'request', reason: 'invalid JSON' }]);
      }
    } else {
      if (part.fieldname !== 'media') {
        part.file.resume();
        throw validationError([{ path: part.fieldname, reason: 'unknown file field (use "media")' }]);
      }
      bytes = new Uint8Array(await part.toBuffer());
    }
  }
  const parsed = MultipartRequest.safeParse(raw ?? {});
  if (!parsed.success) throw validationError(zodFields(parsed.error, 'request'));
  if (!bytes) throw validationError([{ path: 'media', reason: 'required: the image or video file' }]);
  return { ...parsed.data, media: await mediaOf(bytes, 'media') };
}


const SCREEN_DESCRIPTION =
  'Send the content itself — JSON (text, or image/video as base64) or multipart (field `request`: JSON; file `media`) — never a URL ' +
  'for Vigie to fetch. Answers the hashes, the matches in the banks the service may use (bank, entry, distance, provenance; ' +
  'matches suppressed by a negative bank are listed apart), the classifier scores (null with `route: "human_review"` for a ' +
  'language the models do not cover), and what each rule did: live rules may hold the content, suggest labels and open or ' +
  'escalate a case with the evidence attached; shadow rules are only logged. Everything is recorded (screened items).';

/** What both paths share: the schema, the permission and the handler. */
const screenSpec = {
  method: 'POST',
  description: SCREEN_DESCRIPTION,
  tags,
  access: can('screening:run'),
  body: ScreenBody,
  bodyExample: SCREEN_EXAMPLE,
  multipart: { description: 'Field `request`: the JSON request without text/image/video; file `media`: the image or video' },
  responses: { 200: { description: 'The signals and the actions taken' } },
  handler: async ({ app, req, access, principal, requestId, body }: HandlerContext<unknown, unknown, ScreenBodyType | undefined>) => {
    const input = await readRequest(req, body, app.config.evidenceMaxBytes);
    return { body: await screen(app.db, { matcher: app.banks, remote: app.remoteBanks, model: () => loadTextClassifier(app.config.textModelDir) }, access, actorOf(principal), requestId, input) };
  },
} as const;

export const screenRoutes: AnyRoute[] = [
  defineRoute({
    ...screenSpec,
    url: '/v1/services/:service/screen',
    operationId: 'screenContent',
    summary: 'Screen an image, a video or a text: bank matches, classifier scores, rule outcomes (synchronous)',
    params: ServiceParams,
  }),
  // API keys belong to one service: they may leave it out of the path.
  defineRoute({
    ...screenSpec,
    url: '/v1/screen',
    operationId: 'screenContentWithKey',
    summary: 'Screen content for the service of the API key (same as POST /v1/services/{service}/screen)',
  }),
];
