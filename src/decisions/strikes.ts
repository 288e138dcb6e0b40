/**
 * Strikes (DSA Art. 23(1)): an account that posts manifestly illegal content gets a strike per decision that
 * says so; strikes expire. When the active strikes reach a threshold of the service's policy the account is
 * warned, then suspended for a set period — each step a decision of its own, with its statement of reasons,
 * taken in the transaction of the decision that crossed the threshold. A corrected or reversed decision
 * loses its strike.
 */
import { recordAudit, type AuditActor } from '../audit/index.ts';
import type { CaseForDecision } from '../cases/index.ts';
import { sql, type Db } from '../db/index.ts';
import type { DecisionPolicy } from './policy.ts';
import { DecisionBody, type DecisionInput } from './schemas.ts';

/** A warning on the way to a suspension: a decision without restriction, stored like a decision's details. */
export interface WarningDocument {
  outcome: 'warning';
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT';
  illegal_content_legal_ground: string;
  illegal_content_explanation: string;
  decision_facts: string;
  automated_detection: boolean;
  automated_decision: DecisionInput['automated_decision'];
  category?: DecisionInput['category'];
  manifestly_illegal: false;
  affected_user?: DecisionInput['affected_user'];
  strikes: { active: number; next: { strikes: number; action: 'warning' | 'suspension'; suspension_days?: number | undefined } | null };
}

/** What the moderator is told about the strike their decision gave. */
export interface StrikeOutcome {
  account_ref: string;
  strike_id: string;
  expires_at: string;
  active_strikes: number;
  step: { action: 'warning' | 'suspension'; decision_id: string } | null;
}

interface Context {
  actor: AuditActor;
  requestId: string;
}

const ART_23 = 'Regulation (EU) 2022/2065 (Digital Services Act), Art. 23(1)';

const clip = (s: string, max: number) => (s.length <= max ? s : s.slice(0, max - 1) + '…');

/**
 * Records the strike of a decision that found manifestly illegal content, and returns the threshold step it
 * triggers, if any: the document of the warning or suspension decision to take on the account. A step fires
 * when the active strikes reach its threshold exactly, at most once per expiry period (a correction that
 * replaces one strike with another does not warn twice).
 */
export async function recordStrike(
  tx: Db,
  ctx: Context,
  m: { serviceId: string; decisionId: string; case: CaseForDecision; document: DecisionInput; accountRef: string; policy: DecisionPolicy },
): Promise<{ outcome: StrikeOutcome; step: { action: 'warning' | 'suspension'; strikes: number; document: DecisionInput | WarningDocument } | null }> {
  const { strikes } = m.policy;
  const ins = await sql<{ id: string; expires_at: Date }>`
    insert into account_strikes (service_id, account_ref, decision_id, expires_at)
    values (${m.serviceId}, ${m.accountRef}, ${m.decisionId}, now() + make_interval(days => ${strikes.expiry_days}))
    returning id, expires_at`.execute(tx);
  const strike = ins.rows[0] as { id: string; expires_at: Date };
  const active = await activeStrikes(tx, m.serviceId, m.accountRef);
  await recordAudit(tx, {
    serviceId: m.serviceId,
    actor: ctx.actor,
    action: 'strike.recorded',
    subjectType: 'account',
    subjectId: m.accountRef,
    data: { strike_id: strike.id, decision_id: m.decisionId, active_strikes: active.length, expires_at: strike.expires_at.toISOString() },
    requestId: ctx.requestId,
  });
  const outcome: StrikeOutcome = { account_ref: m.accountRef, strike_id: strike.id, expires_at: strike.expires_at.toISOString(), active_strikes: active.length, step: null };
  const index = strikes.thresholds.findIndex((t) => t.strikes === active.length);
  const threshold = strikes.thresholds[index];
  if (!threshold) return { outcome, step: null };
  const recent = await sql<{ n: number }>`
    select count(*)::int as n from account_strike_steps
    where service_id = ${m.serviceId} and account_ref = ${m.accountRef} and strikes = ${threshold.strikes}
      and created_at > now() - make_interval(days => ${strikes.expiry_days})`.execute(tx);
  if ((recent.rows[0]?.n ?? 0) > 0) return { outcome, step: null };

  const d = m.document;
  const since = active[0]?.created_at.toISOString().slice(0, 10) ?? '';
  const listed = active.map((s) => s.decision_id).join(', ');
  const history = `${active.length} decisions within ${strikes.expiry_days} days (since ${since}) found that content posted by this account was manifestly illegal: ${listed}.`;
  const next = strikes.thresholds[index + 1] ?? null;
  const legalGround = clip(`${ART_23}; content: ${d.illegal_content_legal_ground ?? ''}`, 500);
  if (threshold.action === 'warning') {
    const warning: WarningDocument = {
      outcome: 'warning',
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      illegal_content_legal_ground: legalGround,
      illegal_content_explanation: clip(
        `This account has frequently provided manifestly illegal content. ${next ? `At ${next.strikes} strikes the account will be ${next.action === 'suspension' ? `suspended for ${next.suspension_days ?? 0} days` : 'warned again'}.` : ''}`.trim(),
        2000,
      ),
      decision_facts: clip(`Prior warning under DSA Art. 23(1). ${history}`, 5000),
      automated_detection: false,
      automated_decision: 'AUTOMATED_DECISION_PARTIALLY',
      ...(d.category ? { category: d.category } : {}),
      manifestly_illegal: false,
      ...(d.affected_user ? { affected_user: d.affected_user } : {}),
      strikes: { active: active.length, next: next ? { strikes: next.strikes, action: next.action, suspension_days: next.suspension_days } : null },
    };
    return { outcome, step: { action: 'warning', strikes: threshold.strikes, document: warning } };
  }
  const days = threshold.suspension_days ?? 1;
  const end = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  // Parsed through the same schema as a moderator's decision: the suspension obeys every rule a hand-made one does.
  const suspension = DecisionBody.parse({
    outcome: 'restriction',
    decision_account: 'DECISION_ACCOUNT_SUSPENDED',
    end_date_account_restriction: end,
    decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
    illegal_content_legal_ground: legalGround,
    illegal_content_explanation: clip(`The account has frequently provided manifestly illegal content after a prior warning; it is suspended for ${days} days, until ${end}.`, 2000),
    decision_facts: clip(`Suspension under DSA Art. 23(1). ${history}`, 5000),
    automated_detection: false,
    automated_decision: 'AUTOMATED_DECISION_PARTIALLY',
    content_type: d.content_type,
    ...(d.content_type_other ? { content_type_other: d.content_type_other } : {}),
    content_date: d.content_date,
    ...(d.content_language ? { content_language: d.content_language } : {}),
    category: d.category ?? m.case.category,
    ...(d.territorial_scope ? { territorial_scope: d.territorial_scope } : {}),
    ...(d.account_type ? { account_type: d.account_type } : {}),
    ...(d.affected_user ? { affected_user: d.affected_user } : {}),
  });
  return { outcome, step: { action: 'suspension', strikes: threshold.strikes, document: suspension } };
}

/** Records the step taken (its decision) on the account. */
export async function recordStep(
  tx: Db,
  ctx: Context,
  s: { serviceId: string; accountRef: string; action: 'warning' | 'suspension'; strikes: number; decisionId: string; triggerDecisionId: string },
): Promise<void> {
  await sql`insert into account_strike_steps (service_id, account_ref, action, strikes, decision_id, trigger_decision_id)
            values (${s.serviceId}, ${s.accountRef}, ${s.action}, ${s.strikes}, ${s.decisionId}, ${s.triggerDecisionId})`.execute(tx);
  await recordAudit(tx, {
    serviceId: s.serviceId,
    actor: ctx.actor,
    action: s.action === 'warning' ? 'account.warned' : 'account.suspended',
    subjectType: 'account',
    subjectId: s.accountRef,
    data: { decision_id: s.decisionId, trigger_decision_id: s.triggerDecisionId, strikes: s.strikes },
    requestId: ctx.requestId,
  });
}

/** A corrected or reversed decision loses its strike (the correction may give a new one). */
export async function revokeStrikesOf(tx: Db, serviceId: string, decisionId: string, byDecisionId: string, actor: AuditActor, requestId: string): Promise<void> {
  const r = await sql<{ id: string; account_ref: string }>`
    update account_strikes set revoked_at = now(), revoked_by_decision = ${byDecisionId}
    where service_id = ${serviceId} and decision_id = ${decisionId} and revoked_at is null
    returning id, account_ref`.execute(tx);
  for (const s of r.rows) {
    await recordAudit(tx, { serviceId, actor, action: 'strike.revoked', subjectType: 'account', subjectId: s.account_ref, data: { strike_id: s.id, decision_id: decisionId, by_decision_id: byDecisionId }, requestId });
  }
}

interface StrikeRow {
  id: string;
  decision_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_by_decision: string | null;
}

async function activeStrikes(db: Db, serviceId: string, accountRef: string): Promise<StrikeRow[]> {
  const r = await sql<StrikeRow>`
    select id, decision_id, created_at, expires_at, revoked_at, revoked_by_decision from account_strikes
    where service_id = ${serviceId} and account_ref = ${accountRef} and revoked_at is null and expires_at > now()
    order by created_at, id`.execute(db);
  return r.rows;
}

/** An account's strike record: every strike (active, expired, revoked) and every step taken. */
export async function accountStrikes(db: Db, serviceId: string, accountRef: string) {
  const strikes = await sql<StrikeRow>`
    select id, decision_id, created_at, expires_at, revoked_at, revoked_by_decision from account_strikes
    where service_id = ${serviceId} and account_ref = ${accountRef} order by created_at desc, id limit 500`.execute(db);
  const steps = await sql<{ id: string; action: string; strikes: number; decision_id: string; trigger_decision_id: string; created_at: Date }>`
    select id, action, strikes, decision_id, trigger_decision_id, created_at from account_strike_steps
    where service_id = ${serviceId} and account_ref = ${accountRef} order by created_at desc, id limit 500`.execute(db);
  const now = Date.now();
  const state = (s: StrikeRow) => (s.revoked_at ? 'revoked' : s.expires_at.getTime() <= now ? 'expired' : 'active');
  return {
    account_ref: accountRef,
    active_strikes: strikes.rows.filter((s) => state(s) === 'active').length,
    strikes: strikes.rows.map((s) => ({
      id: s.id,
      decision_id: s.decision_id,
      state: state(s),
      created_at: s.created_at.toISOString(),
      expires_at: s.expires_at.toISOString(),
      revoked_at: s.revoked_at?.toISOString() ?? null,
      revoked_by_decision: s.revoked_by_decision,
    })),
    steps: steps.rows.map((s) => ({
      id: s.id,
      action: s.action,
      strikes: s.strikes,
      decision_id: s.decision_id,
      trigger_decision_id: s.trigger_decision_id,
      created_at: s.created_at.toISOString(),
    })),
  };
}
