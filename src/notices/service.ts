import crypto from 'node:crypto';
import { canonicalJson, type AuditActor } from '../audit/index.ts';
import { attachCte } from '../cases/index.ts';
import type { Config } from '../config.ts';
import { sql, type Db } from '../db/index.ts';
import { AppError, notFound } from '../http/errors.ts';
import { findIdempotent, replayIdempotent, type IdempotentResponse } from '../http/idempotency.ts';
import { notifierCte, suspendedFailure, suspendedUntil, type NotifierSource } from '../notifiers/index.ts';
import type { StoredBlob } from './blobs.ts';
import { contentKey } from './normalise.ts';
import type { NoticeInput } from './schemas.ts';
import * as q from './sql.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A reference a person can read out on the phone: N-XXXX-XXXX-XXXX (60 random bits). */
export function newReference(): string {
  const bytes = crypto.randomBytes(12);
  const chars = [...bytes].map((b) => CROCKFORD[b % 32]).join('');
  return `N-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

const sha256 = (v: string) => crypto.createHash('sha256').update(v).digest('hex');

export interface IntakeContext {
  serviceId: string;
  source: 'public' | 'api';
  /** Who sent it: an API key, a person by the HMAC of their email, or nobody known. */
  notifier: NotifierSource;
  /**
   * The key has the trusted_flagger role: its notices are trusted (sort first within their tier) while no admin
   * has configured its notifier; once configured, the notifier's trusted-flagger status and expertise decide.
   */
  legacyTrusted: boolean;
  notifierType: string;
  apiKeyId: string | null;
  userId: string | null;
  actor: AuditActor;
  requestId: string;
  idempotency: { scope: string; key: string } | null;
}

export interface Receipt {
  reference: string;
  tracking_token: string;
  status: string;
  received_at: string;
  evidence: Array<{ sha256: string; media_type: string; size_bytes: number }>;
}

type IntakeConfig = Pick<Config, 'massReportThreshold' | 'massReportWindowMinutes'>;

/**
 * Takes a validated notice and writes it, in ONE statement: the notice, the notifier's identity, its
 * evidence rows, its case(s) grouped by content (cases domain), the audit events, the acknowledgement
 * message and the idempotency record. Only after that statement committed does the caller answer 201:
 * an acknowledged notice is never lost, and a failed one leaves nothing behind.
 */
export async function receiveNotice(
  db: Db,
  config: IntakeConfig,
  input: NoticeInput,
  evidence: StoredBlob[],
  ctx: IntakeContext,
): Promise<{ status: number; receipt: Receipt; replayed: boolean }> {
  const requestHash = ctx.idempotency ? sha256(canonicalJson({ input, evidence: evidence.map((e) => e.sha256) })) : '';
  if (ctx.idempotency) {
    const prior = await findIdempotent(db, ctx.serviceId, ctx.idempotency.scope, ctx.idempotency.key);
    if (prior) return replay(prior, requestHash);
  }
  const noticeId = crypto.randomUUID();
  const token = crypto.randomBytes(24).toString('base64url');
  const createdAt = new Date();
  const receipt: Receipt = {
    reference: newReference(),
    tracking_token: token,
    status: 'received',
    received_at: createdAt.toISOString(),
    evidence: evidence.map((e) => ({ sha256: e.sha256, media_type: e.media_type, size_bytes: e.size_bytes })),
  };
  const audit = { actorType: ctx.actor.type, actorId: ctx.actor.id, requestId: ctx.requestId };
  const notifier = notifierCte('notifier', { serviceId: ctx.serviceId, source: ctx.notifier, category: input.category, legacyTrusted: ctx.legacyTrusted });
  const trusted = sql`(select trusted from ${notifier.name})`;
  const seen = new Set<string>();
  const attached = [];
  for (const [position, loc] of input.locations.entries()) {
    const key = contentKey(loc);
    if (seen.has(key)) continue; // the same item twice in one notice counts once
    seen.add(key);
    attached.push(
      attachCte(`c${position}`, {
        serviceId: ctx.serviceId,
        noticeId,
        position,
        url: loc.url ?? null,
        contentId: loc.content_id ?? null,
        contentKey: key,
        category: input.category,
        subcategory: input.subcategory ?? null,
        trusted,
        massReportThreshold: config.massReportThreshold,
        massReportWindowMinutes: config.massReportWindowMinutes,
      }, audit),
    );
  }
  const noticeData = { reference: receipt.reference, category: input.category, subcategory: input.subcategory ?? null, source: ctx.source, evidence: evidence.length };
  try {
    await q.insertNoticeStatement(
      db,
      {
        id: noticeId,
        serviceId: ctx.serviceId,
        reference: receipt.reference,
        trackingTokenHash: sha256(token),
        createdAt,
        source: ctx.source,
        notifierType: input.notifier ? ctx.notifierType : 'anonymous',
        apiKeyId: ctx.apiKeyId,
        submittedBy: ctx.userId,
        category: input.category,
        subcategory: input.subcategory ?? null,
        subcategoryOther: input.subcategory_other ?? null,
        explanation: input.explanation,
        legalProvision: input.legal_provision ?? null,
        language: input.language,
        contentLanguage: input.content_language ?? null,
        country: input.country ?? null,
        notifier: input.notifier ?? null,
        evidence,
        idempotency: ctx.idempotency ? { ...ctx.idempotency, requestHash, response: receipt } : null,
      },
      {
        notifier,
        refusal: suspendedFailure(notifier.name),
        ctes: attached.map((a) => a.ctes),
        caseIds: attached.map((a) => a.caseId),
        auditRows: attached.map((a) => a.auditRows),
        noticeAudit: (casesJson) => sql`
          select ${ctx.serviceId}::uuid, ${audit.actorType}::text, ${audit.actorId}::text, 'notice.received', 'notice', ${noticeId}::text,
                 ${JSON.stringify(noticeData)}::jsonb
                 || (select jsonb_build_object('trusted', trusted, 'notifier_id', notifier_id) from ${notifier.name})
                 || jsonb_build_object('cases', ${casesJson}), ${audit.requestId}::text`,
      },
    );
    return { status: 201, receipt, replayed: false };
  } catch (err) {
    const until = suspendedUntil(err);
    if (until !== undefined) throw suspendedNotifier(ctx, until);
    // A concurrent request with the same key committed first: answer what it answered.
    if (ctx.idempotency && (err as { code?: string }).code === '23505' && String((err as Error).message).includes('idempotency')) {
      const prior = await findIdempotent(db, ctx.serviceId, ctx.idempotency.scope, ctx.idempotency.key);
      if (prior) return replay(prior, requestHash);
    }
    throw err;
  }
}

/**
 * A suspended notifier's notice (DSA Art. 23(2)). An API key is its notifier: it is told until when. The
 * public form is told nothing more than that this sender is suspended: anyone can type an address there.
 */
function suspendedNotifier(ctx: IntakeContext, until: string): AppError {
  if (ctx.notifier.kind === 'api_key') {
    return new AppError('FORBIDDEN', `Notices from this notifier are suspended until ${until} for frequently submitting manifestly unfounded notices (DSA Art. 23(2))`, [
      { path: 'notifier', reason: `suspended until ${until}` },
    ]);
  }
  return new AppError('FORBIDDEN', 'Notices from this sender are temporarily not accepted (suspended under DSA Art. 23(2))', [
    { path: 'notifier', reason: 'suspended' },
  ]);
}

function replay(prior: IdempotentResponse, requestHash: string) {
  const { status, response } = replayIdempotent(prior, requestHash, 'notice');
  return { status, receipt: response as Receipt, replayed: true };
}

/**
 * What the notifier sees with their reference and token: the status and, once decided, the outcome of each
 * item they reported — nothing about the author, the moderators or other notifiers.
 */
export async function trackNotice(db: Db, serviceId: string, reference: string, token: string | undefined, now = new Date()) {
  const notice = await q.findNoticeByReference(db, serviceId, reference);
  const valid =
    notice !== undefined &&
    token !== undefined &&
    crypto.timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(notice.tracking_token_hash, 'hex'));
  if (!notice || !valid) throw notFound('Notice (or wrong tracking token)');
  const [st, locations] = await Promise.all([q.publicStatus(db, notice.id), q.locationOutcomes(db, notice.id)]);
  const decided = locations.some((l) => l.decision_id !== null);
  return {
    reference: notice.reference,
    status: st.in_review ? 'in_review' : notice.status,
    category: notice.category,
    received_at: notice.created_at.toISOString(),
    updated_at: (st.updated_at ?? notice.created_at).toISOString(),
    // Once something was decided: per reported item, the decision now in force (a correction or reversal shows here).
    outcome: decided ? locations.map((l) => locationOutcome(l, now)) : null,
  };
}

/** Appeals are open for six months after the decision (DSA Art. 20(1)); the same rule as decisions' appealDeadline. */
function appealDeadline(decidedAt: Date): string {
  const d = new Date(decidedAt);
  d.setUTCMonth(d.getUTCMonth() + 6);
  return d.toISOString().slice(0, 10);
}

function restrictionKeys(tdb: Record<string, unknown> | null): string[] {
  if (!tdb) return [];
  const vis = Array.isArray(tdb.decision_visibility) ? (tdb.decision_visibility as unknown[]) : [];
  return [...vis, tdb.decision_monetary, tdb.decision_provision, tdb.decision_account].filter((x): x is string => typeof x === 'string' && x !== '');
}

/** One reported item as its notifier sees it: nothing about the author, the moderators or other notifiers. */
function locationOutcome(l: q.LocationOutcomeRow, now: Date) {
  const item = { ...(l.url !== null ? { url: l.url } : {}), ...(l.content_id !== null ? { content_id: l.content_id } : {}) };
  if (l.decision_id === null || l.decided_at === null) {
    return { ...item, status: 'in_review' as const, decision: null, decided_at: null, restrictions: [], ground: null, appeal: null };
  }
  const openUntil = appealDeadline(new Date(l.decided_at));
  const groundKey = l.restriction_tdb?.decision_ground;
  const ownOpen = l.appeal_status === 'open' && l.appeal_on_current === true;
  return {
    ...item,
    status: 'decided' as const,
    decision: l.outcome === 'restriction' ? ('restriction' as const) : ('no_action' as const),
    decided_at: new Date(l.decided_at).toISOString(),
    restrictions: restrictionKeys(l.restriction_tdb),
    ground: groundKey === 'DECISION_GROUND_ILLEGAL_CONTENT' ? 'illegal_content' : groundKey === 'DECISION_GROUND_INCOMPATIBLE_CONTENT' ? 'terms_of_service' : null,
    appeal: {
      open_until: openUntil,
      // The notifier may contest only a decision not to act (POST …/notices/:reference/appeals).
      can_appeal: l.outcome === 'no_action' && now.toISOString().slice(0, 10) <= openUntil && !ownOpen,
      status: l.appeal_status ?? 'none',
      outcome: l.appeal_status === 'decided' ? l.appeal_outcome : null,
    },
  };
}


/**
 * The notice a reference and tracking token name, with its cases — or undefined when either is wrong
 * (the caller answers 404 without saying which). Used by the notifier's appeal (decisions domain).
 */
export async function verifyNotifier(db: Db, serviceId: string, reference: string, token: string): Promise<{ noticeId: string; caseIds: string[] } | undefined> {
  const notice = await q.findNoticeByReference(db, serviceId, reference);
  const valid = notice !== undefined && crypto.timingSafeEqual(Buffer.from(sha256(token), 'hex'), Buffer.from(notice.tracking_token_hash, 'hex'));
  if (!notice || !valid) return undefined;
  const r = await sql<{ case_id: string }>`select distinct case_id from notice_locations where notice_id = ${notice.id}`.execute(db);
  return { noticeId: notice.id, caseIds: r.rows.map((x) => x.case_id) };
}
