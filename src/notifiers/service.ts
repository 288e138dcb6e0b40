/**
 * Notifiers (DSA Art. 22 and 23(2)): the registry, trusted-flagger status with its expertise, per-notifier
 * statistics, assessments of notices as manifestly unfounded, warnings and suspensions. Every change runs in
 * one transaction with its audit event; decisions about a notifier are also rows of notifier_actions.
 */
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { AppError, notFound, validationError } from '../http/errors.ts';
import type { z } from 'zod';
import { queueNotifierMessage } from './messages.ts';
import { DEFAULT_NOTIFIER_POLICY, type PatchInput, type PolicyBody } from './schemas.ts';
import * as q from './sql.ts';

export interface Ctx {
  serviceId: string;
  /** The member deciding (null for API keys). */
  userId: string | null;
  actor: AuditActor;
  requestId: string;
}

const DAY_MS = 86_400_000;

function audit(tx: Db, ctx: Ctx, action: string, subjectType: string, subjectId: string, data: Record<string, unknown>) {
  return recordAudit(tx, { serviceId: ctx.serviceId, actor: ctx.actor, action, subjectType, subjectId, data, requestId: ctx.requestId });
}

export async function notifierPolicy(db: Db, serviceId: string): Promise<{ unfounded_threshold: number; window_days: number }> {
  return (await q.getPolicy(db, serviceId)) ?? { ...DEFAULT_NOTIFIER_POLICY };
}

export async function replacePolicy(db: Db, ctx: Ctx, body: z.output<typeof PolicyBody>) {
  return inTransaction(db, async (tx) => {
    await q.upsertPolicy(tx, ctx.serviceId, body, ctx.userId);
    await audit(tx, ctx, 'notifier_policy.replaced', 'service', ctx.serviceId, { ...body });
    return { ...body };
  });
}

/** Organisations may be named; a person known by their email stays unnamed outside the protected identity. */
export function presentNotifier(n: q.NotifierRow, showIdentity: boolean) {
  return {
    id: n.id,
    kind: n.kind,
    display_name: n.display_name,
    trusted_flagger: n.trusted_flagger,
    expertise: n.expertise,
    trust_configured: n.trust_configured,
    // Trusted by the key's trusted_flagger role until an admin configures it (docs/notifiers.md).
    trusted_by_key_role: n.legacy_trusted,
    designation:
      n.designation_coordinator === null
        ? null
        : { coordinator: n.designation_coordinator, member_state: n.designation_member_state, designated_at: n.designated_at, reference: n.designation_reference },
    status: n.status,
    suspended_until: n.suspended_until?.toISOString() ?? null,
    api_key_ids: n.api_key_ids,
    notices_total: n.notices_total,
    created_at: n.created_at.toISOString(),
    ...(n.kind === 'email'
      ? { identity: showIdentity ? { name: n.identity_name ?? null, email: n.identity_email ?? null } : { hidden: true } }
      : {}),
  };
}

export function presentAction(a: q.ActionRow) {
  return {
    id: a.id,
    kind: a.kind,
    reason: a.reason,
    decided_by: a.decided_by,
    starts_at: a.starts_at?.toISOString() ?? null,
    ends_at: a.ends_at?.toISOString() ?? null,
    lifts_action_id: a.lifts_action_id,
    unfounded_count: a.unfounded_count,
    notices_count: a.notices_count,
    window_days: a.window_days,
    details: a.details,
    created_at: a.created_at.toISOString(),
  };
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** One notifier with its statistics over [from, to] (UTC days, default the last 365) and where it stands under Art. 23(2). */
export async function notifierWithStats(db: Db, serviceId: string, id: string, period: { from?: string | undefined; to?: string | undefined }, showIdentity: boolean) {
  const n = await q.findNotifier(db, serviceId, id, showIdentity);
  if (!n) throw notFound('Notifier');
  const to = period.to ?? isoDay(Date.now());
  const from = period.from ?? isoDay(Date.parse(`${to}T00:00:00Z`) - 364 * DAY_MS);
  const [stats, policy] = await Promise.all([
    q.periodStats(db, n.id, new Date(`${from}T00:00:00Z`), new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS)),
    notifierPolicy(db, serviceId),
  ]);
  const window = await q.unfoundedInWindow(db, n.id, policy.window_days);
  return {
    ...presentNotifier(n, showIdentity),
    statistics: {
      period: { from, to },
      notices: stats.notices,
      decided: stats.decided,
      with_action: stats.with_action,
      // Share of decided notices on which action was taken: the notifier's precision.
      precision: stats.decided === 0 ? null : stats.with_action / stats.decided,
      manifestly_unfounded: stats.manifestly_unfounded,
      median_hours_to_decision: stats.median_seconds_to_decision === null ? null : stats.median_seconds_to_decision / 3600,
    },
    accountability: {
      window_days: policy.window_days,
      unfounded_threshold: policy.unfounded_threshold,
      notices_in_window: window.notices,
      unfounded_in_window: window.unfoundedIds.length,
    },
  };
}

/** Checks that every key may send notices in this service; field errors name the bad ones. */
async function checkKeys(db: Db, serviceId: string, ids: readonly string[], path: (i: number) => string) {
  const ok = await q.notifyingKeys(db, serviceId, ids);
  const bad = ids.flatMap((k, i) => (ok.has(k) ? [] : [{ path: path(i), reason: 'not an unrevoked API key of this service that sends notices (platform or trusted_flagger role)' }]));
  if (bad.length > 0) throw validationError(bad);
}

/** Binds API keys to a notifier; a key bound elsewhere moves (its past notices stay with the notifier that sent them). */
async function bindKeys(tx: Db, ctx: Ctx, notifierId: string, keyIds: readonly string[]) {
  for (const keyId of keyIds) {
    const previous = await q.bindKey(tx, ctx.serviceId, notifierId, keyId);
    await audit(tx, ctx, 'notifier.key_bound', 'notifier', notifierId, { api_key_id: keyId, previous_notifier_id: previous });
  }
}

export async function registerOrganisation(db: Db, ctx: Ctx, body: { display_name: string; api_key_ids: string[] }) {
  await checkKeys(db, ctx.serviceId, body.api_key_ids, (i) => `body.api_key_ids.${i}`);
  const id = await inTransaction(db, async (tx) => {
    const notifierId = await q.insertOrganisation(tx, ctx.serviceId, body.display_name);
    await audit(tx, ctx, 'notifier.registered', 'notifier', notifierId, { kind: 'api_key', display_name: body.display_name });
    await bindKeys(tx, ctx, notifierId, [...new Set(body.api_key_ids)]);
    return notifierId;
  });
  return presentNotifier((await q.findNotifier(db, ctx.serviceId, id)) as q.NotifierRow, false);
}

export async function bindKey(db: Db, ctx: Ctx, notifierId: string, apiKeyId: string) {
  const n = await q.findNotifier(db, ctx.serviceId, notifierId);
  if (!n) throw notFound('Notifier');
  if (n.kind !== 'api_key') throw validationError([{ path: 'params.id', reason: 'a notifier known by email cannot send with API keys' }]);
  await checkKeys(db, ctx.serviceId, [apiKeyId], () => 'body.api_key_id');
  await inTransaction(db, (tx) => bindKeys(tx, ctx, notifierId, [apiKeyId]));
  return presentNotifier((await q.findNotifier(db, ctx.serviceId, notifierId)) as q.NotifierRow, false);
}

/**
 * Changes a notifier's name, designation and trusted-flagger status. Granting or revoking the status (or
 * changing the expertise of a trusted flagger) is a decision recorded in notifier_actions, with its reason.
 */
export async function updateNotifier(db: Db, ctx: Ctx, id: string, body: PatchInput, showIdentity: boolean) {
  await inTransaction(db, async (tx) => {
    const n = await q.lockNotifier(tx, ctx.serviceId, id);
    if (!n) throw notFound('Notifier');
    const trusted = body.trusted_flagger ?? n.trusted_flagger;
    const expertise = body.expertise ?? (trusted ? n.expertise : []);
    const fields = [];
    if (n.kind === 'email' && body.trusted_flagger === true) {
      fields.push({ path: 'body.trusted_flagger', reason: 'only a notifier sending with an API key can be a trusted flagger (an email typed in the public form is not verified)' });
    }
    if (n.kind === 'email' && body.display_name !== undefined) {
      fields.push({ path: 'body.display_name', reason: 'a person notifying by email is not named here (their identity is protected)' });
    }
    if (!trusted && body.expertise !== undefined && body.expertise.length > 0) {
      fields.push({ path: 'body.expertise', reason: 'only for a trusted flagger (set trusted_flagger: true)' });
    }
    if (trusted && expertise.length === 0) fields.push({ path: 'body.expertise', reason: 'a trusted flagger needs at least one area of expertise (Art. 22(2)(a))' });
    if (fields.length > 0) throw validationError(fields);

    const d = body.designation;
    await q.updateTrust(tx, id, {
      displayName: body.display_name,
      trusted,
      expertise,
      trustConfigured: body.trusted_flagger !== undefined || body.expertise !== undefined,
      designation: d,
    });

    const wasTrusted = n.trusted_flagger || n.legacy_trusted;
    const expertiseChanged = body.expertise !== undefined && [...body.expertise].sort().join() !== [...n.expertise].sort().join();
    let kind: 'trusted_granted' | 'trusted_revoked' | null = null;
    if (trusted && (!n.trusted_flagger || n.legacy_trusted || expertiseChanged)) kind = 'trusted_granted';
    else if (body.trusted_flagger === false && wasTrusted) kind = 'trusted_revoked';
    let actionId: string | null = null;
    if (kind) {
      const action = await q.insertAction(tx, {
        serviceId: ctx.serviceId,
        notifierId: id,
        kind,
        reason: body.reason ?? '',
        decidedBy: ctx.userId,
        details: kind === 'trusted_granted' ? { expertise, designation: d ?? null } : {},
      });
      actionId = action.id;
    }
    await audit(tx, ctx, 'notifier.updated', 'notifier', id, {
      changes: Object.keys(body).filter((k) => k !== 'reason'),
      trusted_flagger: trusted,
      expertise,
      action: kind,
      action_id: actionId,
    });
  });
  return presentNotifier((await q.findNotifier(db, ctx.serviceId, id, showIdentity)) as q.NotifierRow, showIdentity);
}

/**
 * Marks a decided notice as manifestly unfounded (or corrects that), with the reason (Art. 23(2)). Only once
 * every item it reported was decided; a notice on which every item was restricted was not unfounded.
 */
export async function assessNotice(db: Db, ctx: Ctx, noticeId: string, body: { manifestly_unfounded: boolean; reason: string }) {
  return inTransaction(db, async (tx) => {
    const n = await q.noticeForAssessment(tx, ctx.serviceId, noticeId);
    if (!n) throw notFound('Notice');
    if (n.undecided > 0) {
      throw new AppError('CONFLICT', 'A notice can be assessed only once its case has been decided', [
        { path: 'params.id', reason: `${n.undecided} of its ${n.items} reported item(s) not decided yet` },
      ]);
    }
    if (body.manifestly_unfounded && n.restricted === n.items) {
      throw new AppError('CONFLICT', 'Every item this notice reported was restricted: it was not unfounded', [
        { path: 'body.manifestly_unfounded', reason: 'every reported item was restricted' },
      ]);
    }
    const row = await q.upsertAssessment(tx, { noticeId, serviceId: ctx.serviceId, notifierId: n.notifier_id, manifestlyUnfounded: body.manifestly_unfounded, reason: body.reason, assessedBy: ctx.userId });
    await audit(tx, ctx, row.created ? 'notice.assessed' : 'notice.assessment_corrected', 'notice', noticeId, {
      manifestly_unfounded: body.manifestly_unfounded,
      reason: body.reason,
      notifier_id: n.notifier_id,
    });
    return {
      notice_id: noticeId,
      notifier_id: n.notifier_id,
      manifestly_unfounded: body.manifestly_unfounded,
      reason: body.reason,
      assessed_by: ctx.userId,
      assessed_at: row.updated_at.toISOString(),
    };
  });
}

/** A warning (Art. 23(2): a suspension must follow one), with the counts it weighed. */
export async function warnNotifier(db: Db, ctx: Ctx, id: string, body: { reason: string }) {
  return inTransaction(db, async (tx) => {
    const n = await q.lockNotifier(tx, ctx.serviceId, id);
    if (!n) throw notFound('Notifier');
    if (n.effective === 'suspended') {
      throw new AppError('CONFLICT', 'The notifier is suspended', [{ path: 'params.id', reason: `suspended until ${n.suspended_until?.toISOString()}` }]);
    }
    const policy = await notifierPolicy(tx, ctx.serviceId);
    const w = await q.unfoundedInWindow(tx, id, policy.window_days);
    await q.setStatus(tx, id, 'warned', null);
    const action = await q.insertAction(tx, {
      serviceId: ctx.serviceId,
      notifierId: id,
      kind: 'warning',
      reason: body.reason,
      decidedBy: ctx.userId,
      unfoundedCount: w.unfoundedIds.length,
      noticesCount: w.notices,
      windowDays: policy.window_days,
      details: { unfounded_notice_ids: w.unfoundedIds.slice(0, 1000) },
    });
    // Told by email in the same transaction (people using the public form; organisations have no address here).
    const told = await queueNotifierMessage(tx, { serviceId: ctx.serviceId, notifierId: id, notifierKind: n.kind, actionId: action.id, kind: 'warning' });
    await audit(tx, ctx, 'notifier.warned', 'notifier', id, {
      action_id: action.id,
      unfounded_count: w.unfoundedIds.length,
      notices_count: w.notices,
      window_days: policy.window_days,
      notified_by_email: told,
    });
    return { ...presentAction(action), notified_by_email: told };
  });
}

/**
 * Suspends a notifier that frequently sent manifestly unfounded notices (Art. 23(2)): only after a warning,
 * for a bounded period, and with at least the service's threshold of manifestly unfounded notices in its window.
 */
export async function suspendNotifier(db: Db, ctx: Ctx, id: string, body: { reason: string; days: number }) {
  return inTransaction(db, async (tx) => {
    const n = await q.lockNotifier(tx, ctx.serviceId, id);
    if (!n) throw notFound('Notifier');
    if (n.effective === 'suspended') {
      throw new AppError('CONFLICT', 'The notifier is already suspended', [{ path: 'params.id', reason: `suspended until ${n.suspended_until?.toISOString()}` }]);
    }
    if (n.effective !== 'warned') {
      throw new AppError('CONFLICT', 'A suspension must follow a warning (DSA Art. 23(2)); warn the notifier first', [
        { path: 'params.id', reason: 'not warned since its last suspension' },
      ]);
    }
    const policy = await notifierPolicy(tx, ctx.serviceId);
    const w = await q.unfoundedInWindow(tx, id, policy.window_days);
    if (w.unfoundedIds.length < policy.unfounded_threshold) {
      throw new AppError('CONFLICT', `Too few manifestly unfounded notices for a suspension: ${w.unfoundedIds.length} in the last ${policy.window_days} days, the service's threshold is ${policy.unfounded_threshold}`, [
        { path: 'params.id', reason: `${w.unfoundedIds.length} manifestly unfounded notice(s) of ${policy.unfounded_threshold} required` },
      ]);
    }
    const startsAt = new Date();
    const endsAt = new Date(startsAt.getTime() + body.days * DAY_MS);
    await q.setStatus(tx, id, 'suspended', endsAt);
    const action = await q.insertAction(tx, {
      serviceId: ctx.serviceId,
      notifierId: id,
      kind: 'suspension',
      reason: body.reason,
      decidedBy: ctx.userId,
      startsAt,
      endsAt,
      unfoundedCount: w.unfoundedIds.length,
      noticesCount: w.notices,
      windowDays: policy.window_days,
      details: { days: body.days, threshold: policy.unfounded_threshold, unfounded_notice_ids: w.unfoundedIds.slice(0, 1000) },
    });
    const told = await queueNotifierMessage(tx, { serviceId: ctx.serviceId, notifierId: id, notifierKind: n.kind, actionId: action.id, kind: 'suspension' });
    await audit(tx, ctx, 'notifier.suspended', 'notifier', id, {
      action_id: action.id,
      days: body.days,
      ends_at: endsAt.toISOString(),
      unfounded_count: w.unfoundedIds.length,
      notices_count: w.notices,
      threshold: policy.unfounded_threshold,
      window_days: policy.window_days,
      notified_by_email: told,
    });
    return { ...presentAction(action), notified_by_email: told };
  });
}

/** Ends the notifier's current suspension early. */
export async function liftSuspension(db: Db, ctx: Ctx, id: string, suspensionId: string, body: { reason: string }) {
  return inTransaction(db, async (tx) => {
    const n = await q.lockNotifier(tx, ctx.serviceId, id);
    if (!n) throw notFound('Notifier');
    const s = await q.findAction(tx, id, suspensionId);
    if (!s || s.kind !== 'suspension') throw notFound('Suspension');
    const current = n.effective === 'suspended' && s.ends_at !== null && n.suspended_until?.getTime() === s.ends_at.getTime() && !(await q.liftOf(tx, s.id));
    if (!current) throw new AppError('CONFLICT', 'This suspension is not in force (ended or lifted)', [{ path: 'params.suspensionId', reason: 'not the suspension in force' }]);
    await q.setStatus(tx, id, 'active', null);
    const action = await q.insertAction(tx, {
      serviceId: ctx.serviceId,
      notifierId: id,
      kind: 'lifted',
      reason: body.reason,
      decidedBy: ctx.userId,
      startsAt: new Date(),
      liftsActionId: s.id,
    });
    await audit(tx, ctx, 'notifier.suspension_lifted', 'notifier', id, { action_id: action.id, suspension_id: s.id });
    return presentAction(action);
  });
}
