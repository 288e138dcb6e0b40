import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { AppError, notFound } from '../http/errors.ts';
import type { HandlerContext, RouteResult } from '../http/route.ts';
import { PUBLIC, can, defineRoute, type AnyRoute } from '../http/route.ts';
import { emailIdentity, type NotifierSource } from '../notifiers/index.ts';
import { page } from '../http/pagination.ts';
import { removeBlobs } from './blobs.ts';
import { idempotencyKey, readNoticeRequest } from './intake-request.ts';
import * as s from './schemas.ts';
import { receiveNotice, trackNotice } from './service.ts';
import { findNoticeById, listNoticeRows, noticeDetails, type NoticeRow } from './sql.ts';

const INTAKE_HEADERS = [
  { name: 'Idempotency-Key', description: 'Any unique string per notice; a retry with the same key returns the first receipt, never a duplicate' },
];
const MULTIPART = { description: 'Field `notice`: the JSON body as text; fields `evidence`: files (images, video, PDF, plain text)' };
const tags = ['notices'];
const sha256 = (v: string) => crypto.createHash('sha256').update(v).digest('hex').slice(0, 32);

async function intake(ctx: HandlerContext<unknown, unknown, s.NoticeInputType | undefined>, source: 'public' | 'api'): Promise<RouteResult> {
  const { app, req, access, principal } = ctx;
  const key = idempotencyKey(req);
  const { input, blobs } = await readNoticeRequest(req, ctx.body, app.config);
  // Anonymous keys are scoped to the client address, so nobody can replay someone else's receipt.
  const scope =
    principal.kind === 'apikey' ? `key:${principal.keyId}` : principal.kind === 'user' ? `user:${principal.userId}` : `ip:${sha256(req.ip)}`;
  const trusted = access.role === 'trusted_flagger';
  // An API key is its own notifier (an organisation); otherwise the person named in the notice, by email.
  const notifier: NotifierSource = access.apiKeyId
    ? { kind: 'api_key', apiKeyId: access.apiKeyId }
    : input.notifier
      ? { kind: 'email', identity: emailIdentity(app.linkKey, input.notifier.email) }
      : { kind: 'anonymous' };
  try {
    const result = await receiveNotice(app.db, app.config, input, blobs, {
      serviceId: access.serviceId,
      source,
      notifier,
      legacyTrusted: trusted,
      notifierType: trusted ? 'trusted_flagger' : access.role === 'platform' ? 'platform' : input.notifier_type,
      apiKeyId: access.apiKeyId ?? null,
      userId: access.userId ?? null,
      actor: actorOf(principal),
      requestId: ctx.requestId,
      idempotency: key ? { scope, key } : null,
    });
    return { status: result.status, body: result.receipt, headers: result.replayed ? { 'idempotent-replayed': 'true' } : {} };
  } catch (err) {
    removeBlobs(blobs);
    throw err;
  }
}

function presentNotice(n: NoticeRow) {
  return {
    id: n.id,
    reference: n.reference,
    source: n.source,
    notifier_type: n.notifier_type,
    trusted: n.trusted,
    notifier_id: n.notifier_id,
    category: n.category,
    subcategory: n.subcategory,
    subcategory_other: n.subcategory_other,
    explanation: n.explanation,
    legal_provision: n.legal_provision,
    language: n.language,
    content_language: n.content_language,
    country: n.country,
    status: n.status,
    created_at: n.created_at.toISOString(),
  };
}

export const noticeRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/public/services/:service/notices',
    operationId: 'submitPublicNotice',
    summary: 'Submit a notice of illegal content (public, no account; DSA Art. 16)',
    description:
      'Answers with a receipt: a reference and a secret tracking token (shown once). Rate-limited per IP. ' +
      'Name and email may be omitted only for child sexual abuse material. The server never fetches the notified URLs.',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.ServiceParams,
    body: s.NoticeBody,
    bodyExample: s.NOTICE_EXAMPLE,
    multipart: MULTIPART,
    headers: INTAKE_HEADERS,
    responses: { 201: { description: 'Receipt', schema: s.Receipt } },
    handler: (ctx) => intake(ctx, 'public'),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/notices',
    operationId: 'submitNotice',
    summary: 'Submit a notice through the API (platforms, trusted flaggers, moderators)',
    description: 'Same body as the public form; notices sent with a trusted_flagger key are prioritised within their tier.',
    tags,
    access: can('notices:create'),
    rateLimit: 'key',
    params: s.ServiceParams,
    body: s.NoticeBody,
    bodyExample: s.NOTICE_EXAMPLE,
    multipart: MULTIPART,
    headers: INTAKE_HEADERS,
    responses: { 201: { description: 'Receipt', schema: s.Receipt } },
    handler: (ctx) => intake(ctx, 'api'),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/public/services/:service/notices/:reference',
    operationId: 'trackNotice',
    summary: 'Status of a notice, for its notifier (reference + tracking token)',
    description: 'Send the token in the X-Tracking-Token header (or `token` query parameter for links). Wrong token = 404.',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.TrackParams,
    query: s.TrackQuery,
    headers: [{ name: 'X-Tracking-Token', description: 'The tracking token from the receipt' }],
    responses: { 200: { description: 'Status' } },
    async handler({ app, access, params, query, req }) {
      const header = req.headers['x-tracking-token'];
      const token = typeof header === 'string' ? header : query.token;
      return { body: await trackNotice(app.db, access.serviceId, params.reference, token) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/notices',
    operationId: 'listNotices',
    summary: 'Notices, newest first (keyset-paged)',
    tags,
    access: can('notices:read'),
    params: s.ServiceParams,
    query: s.NoticeListQuery,
    responses: { 200: { description: 'A page of notices' } },
    async handler({ app, access, query }) {
      const rows = await listNoticeRows(app.db, access.serviceId, { category: query.category, before: query.cursor, limit: query.limit });
      const p = page(rows, query.limit, (n) => [n.created_key, n.id]);
      return { body: { items: p.items.map(presentNotice), next_cursor: p.next_cursor } };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/notices/:id',
    operationId: 'getNotice',
    summary: "One notice; the notifier's identity only for roles allowed to see it",
    tags,
    access: can('notices:read'),
    params: s.NoticeParams,
    responses: { 200: { description: 'The notice' } },
    async handler({ app, access, params }) {
      const n = await findNoticeById(app.db, access.serviceId, params.id);
      if (!n) throw notFound('Notice');
      const d = await noticeDetails(app.db, n.id);
      const identity = access.permissions.has('notices:read_identity');
      return {
        body: {
          ...presentNotice(n),
          locations: d.locations,
          evidence: d.evidence,
          notifier: d.notifier === null ? null : identity ? d.notifier : { hidden: true },
        },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/notices/:id/evidence/:evidenceId',
    operationId: 'downloadEvidence',
    summary: 'Download one evidence file (as an attachment, never rendered inline)',
    tags,
    access: can('notices:read'),
    params: z.object({ service: z.string(), id: z.uuid(), evidenceId: z.uuid() }),
    responses: { 200: { description: 'The file' } },
    async handler({ app, access, params, reply }) {
      const n = await findNoticeById(app.db, access.serviceId, params.id);
      const e = n ? (await noticeDetails(app.db, n.id)).evidence.find((x) => x.id === params.evidenceId) : undefined;
      if (!e) throw notFound('Evidence');
      const file = path.join(app.config.blobDir, e.sha256.slice(0, 2), e.sha256);
      if (!fs.existsSync(file)) throw new AppError('NOT_FOUND', 'Evidence file missing from the blob store');
      void reply.type(e.media_type);
      return {
        body: fs.createReadStream(file),
        headers: { 'content-disposition': `attachment; filename="evidence-${e.sha256.slice(0, 12)}"`, 'content-security-policy': 'sandbox' },
      };
    },
  }),
];
