import crypto from 'node:crypto';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { lockCaseForDecision } from '../cases/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import { page } from '../http/pagination.ts';
import { findRecipient, REFERRAL_FORMAT } from './referral-directory.ts';
import type { ReferralInput } from './referrals-schemas.ts';
import * as q from './referrals-sql.ts';

export interface ReferralRequest {
  access: ServiceAccess;
  actor: AuditActor;
  requestId: string;
}

const LEGAL_BASIS: Record<string, string> = {
  threat_to_life_or_safety: 'Regulation (EU) 2022/2065 (Digital Services Act), Art. 18: notification of suspicions of criminal offences involving a threat to the life or safety of persons',
  csam_hotline: 'Report of suspected child sexual abuse material to a national hotline (INHOPE member)',
};

/** The local wall-clock time of an instant in a time zone, e.g. "2026-11-20 22:14:00" (what a form asks for). */
function localTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * Refers a case to an authority (DSA Art. 18) or a hotline, in one transaction: the referral with the information
 * transmitted — content locations, category, facts, time and time zone, suspect accounts; never the notifier's
 * identity — and the audit event. The caller must see the case (team-restricted queues).
 */
export async function createReferral(db: Db, req: ReferralRequest, input: ReferralInput) {
  const { access } = req;
  const listed = input.recipient_id ? findRecipient(input.recipient_id) : undefined;
  if (listed && listed.kind !== input.kind) {
    throw validationError([{ path: 'body.recipient_id', reason: `${listed.name} receives ${listed.kind.replaceAll('_', ' ')} referrals, not ${input.kind.replaceAll('_', ' ')}` }]);
  }
  if (input.kind === 'threat_to_life_or_safety' && input.member_state === null && listed && listed.member_state !== null) {
    throw validationError([{ path: 'body.recipient_id', reason: 'the member state concerned is unclear: refer to Europol or to the authorities of the state of establishment (DSA Art. 18(2))' }]);
  }
  const recipient = listed
    ? { id: listed.id, name: listed.name, url: listed.url, member_state: listed.member_state }
    : { id: null, name: input.recipient?.name ?? '', url: input.recipient?.url ?? null, member_state: input.recipient?.member_state ?? null };
  return inTransaction(db, async (tx) => {
    const c = await lockCaseForDecision(tx, access, input.case_id, 'any').catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'NOT_FOUND') throw validationError([{ path: 'body.case_id', reason: 'no such case (or not in your queues)' }]);
      throw err;
    });
    const locations = input.content_locations ?? (c.content.url || c.content.id ? [{ url: c.content.url ?? undefined, content_id: c.content.id ?? undefined }] : []);
    const id = crypto.randomUUID();
    const sentAt = input.sent_at ?? new Date();
    const information = {
      category: c.category,
      keyword: c.subcategory,
      content_locations: locations.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined))),
      facts: input.facts,
      occurred: input.occurred_at
        ? { at: input.occurred_at.toISOString(), timezone: input.timezone, local_time: localTime(input.occurred_at, input.timezone) }
        : null,
      suspect_accounts: input.suspect_accounts ?? [],
    };
    const row = await q.insertReferral(tx, {
      id,
      serviceId: access.serviceId,
      caseId: c.id,
      kind: input.kind,
      recipientId: recipient.id,
      recipientName: recipient.name,
      recipientUrl: recipient.url,
      memberState: input.member_state,
      information,
      format: REFERRAL_FORMAT,
      createdBy: access.userId ?? null,
      sentAt,
    });
    await recordAudit(tx, {
      serviceId: access.serviceId,
      actor: req.actor,
      action: 'referral.sent',
      subjectType: 'referral',
      subjectId: id,
      data: { case_id: c.id, kind: input.kind, recipient_id: recipient.id, recipient_name: recipient.name, member_state: input.member_state, sent_at: sentAt.toISOString(), items: locations.length },
      requestId: req.requestId,
    });
    return { ...presentReferral(row), export: exportDocument(row, access.slug) };
  });
}

export function presentReferral(r: q.ReferralRow) {
  return {
    id: r.id,
    case_id: r.case_id,
    kind: r.kind,
    recipient: { id: r.recipient_id, name: r.recipient_name, url: r.recipient_url },
    member_state: r.member_state,
    information: r.information,
    format: r.format,
    created_by: r.created_by,
    created_at: r.created_at.toISOString(),
    sent_at: r.sent_at.toISOString(),
    acknowledgement: r.acknowledged_at ? { their_reference: r.their_reference, received_at: r.acknowledged_at.toISOString(), recorded_at: r.acknowledgement_recorded_at?.toISOString() ?? null } : null,
  };
}

/** The referral as transmitted, in our documented format `vigie.referral/1` (docs/orders.md). */
export function exportDocument(r: q.ReferralRow, serviceSlug: string) {
  return {
    format: REFERRAL_FORMAT,
    referral_id: r.id,
    kind: r.kind,
    legal_basis: LEGAL_BASIS[r.kind],
    sender: { service: serviceSlug, case_id: r.case_id },
    recipient: { name: r.recipient_name, url: r.recipient_url, directory_id: r.recipient_id },
    member_state_concerned: r.member_state,
    sent_at: r.sent_at.toISOString(),
    ...r.information,
  };
}

export async function getReferral(db: Db, serviceId: string, id: string) {
  const r = await q.findReferral(db, serviceId, id);
  if (!r) throw notFound('Referral');
  return r;
}

export async function listReferrals(db: Db, serviceId: string, f: { caseId?: string | undefined; kind?: string | undefined; cursor?: readonly [string, string] | undefined; limit: number }) {
  const rows = await q.listReferrals(db, serviceId, { ...f, after: f.cursor });
  const p = page(rows, f.limit, (r) => [r.created_key, r.id]);
  return { items: p.items.map(presentReferral), next_cursor: p.next_cursor };
}

/** The recipient's acknowledgement (their reference, when they received it), recorded once. */
export async function acknowledgeReferral(db: Db, req: ReferralRequest, id: string, input: { their_reference?: string | undefined; received_at: Date }) {
  const { access } = req;
  return inTransaction(db, async (tx) => {
    const r = await q.findReferral(tx, access.serviceId, id, true);
    if (!r) throw notFound('Referral');
    if (r.acknowledged_at) throw new AppError('CONFLICT', 'The acknowledgement of this referral is already recorded');
    if (input.received_at.getTime() < r.sent_at.getTime()) throw validationError([{ path: 'body.received_at', reason: 'must not be before the referral was sent' }]);
    if (input.received_at.getTime() > Date.now() + 60_000) throw validationError([{ path: 'body.received_at', reason: 'must not be in the future' }]);
    await q.acknowledgeReferral(tx, id, input.their_reference ?? null, input.received_at);
    await recordAudit(tx, {
      serviceId: access.serviceId,
      actor: req.actor,
      action: 'referral.acknowledged',
      subjectType: 'referral',
      subjectId: id,
      data: { case_id: r.case_id, their_reference: input.their_reference ?? null, received_at: input.received_at.toISOString() },
      requestId: req.requestId,
    });
    return presentReferral((await q.findReferral(tx, access.serviceId, id)) as q.ReferralRow);
  });
}
