import { sql, type Db } from '../db/index.ts';
import { appealTokenFor } from './appeal-token.ts';
import { appealTokenMatches } from './public-token.ts';
import { renderStatement, type RenderedStatement } from './render.ts';
import { appealDeadline } from './take.ts';

/**
 * The affected user's appeal token for a message, derived again at send time: `ok` with the token, `none`
 * when the decision has no affected user (or no token hash), `key_changed` when the link key is not the
 * one the decision's token was derived from (the token would not open anything: it is left out).
 */
export type AppealTokenCheck = { status: 'ok'; token: string } | { status: 'none' } | { status: 'key_changed' };

/** What a message about one decision needs. `recipient` is the affected user's contact (personal data). */
export interface DecisionMessageData {
  decisionId: string;
  /** The service's slug (public URLs). */
  serviceSlug: string;
  outcome: string;
  decidedAt: Date;
  /** The decision this one corrects, if any. */
  supersedes: string | null;
  /** Last day to contest the decision (internal complaint, DSA Art. 20), YYYY-MM-DD. */
  appealUntil: string;
  /** The statement in Transparency Database format, when the decision restricts something. */
  tdb: Record<string, unknown> | null;
  /** A strike warning's facts (DSA Art. 23(1)), when the decision is a warning. */
  warning: { explanation: string; facts: string; activeStrikes: number; next: { strikes: number; action: string; suspension_days?: number } | null } | null;
  puid: string | null;
  recipient: { email: string | null; locale: string } | null;
  /** The statement of reasons as the affected user reads it (null without a statement). */
  statement(locale: 'en' | 'fr'): RenderedStatement | null;
  /** The affected user's appeal token, derived from the link key and checked against the stored hash. */
  appealToken(linkKey: Buffer): AppealTokenCheck;
}

function warningOf(details: Record<string, unknown>): NonNullable<DecisionMessageData['warning']> {
  const strikes = (details.strikes ?? {}) as { active?: number; next?: { strikes: number; action: string; suspension_days?: number } | null };
  return {
    explanation: String(details.illegal_content_explanation ?? ''),
    facts: String(details.decision_facts ?? ''),
    activeStrikes: strikes.active ?? 0,
    next: strikes.next ?? null,
  };
}

/** Reads a decision for a message about it (the notifications domain composes and sends it). */
export async function decisionForMessage(db: Db, decisionId: string): Promise<DecisionMessageData | undefined> {
  const r = await sql<{
    outcome: string;
    created_at: Date;
    supersedes_id: string | null;
    details: Record<string, unknown>;
    slug: string;
    tdb: Record<string, unknown> | null;
    puid: string | null;
    has_recipient: boolean;
    email: string | null;
    locale: string | null;
    appeal_token_hash: string | null;
  }>`
    select d.outcome, d.created_at, d.supersedes_id, d.details, v.slug, s.tdb, s.puid, r.decision_id is not null as has_recipient, r.email, r.locale,
           r.appeal_token_hash
    from decisions d join services v on v.id = d.service_id
      left join statements_of_reasons s on s.decision_id = d.id left join decision_recipients r on r.decision_id = d.id
    where d.id = ${decisionId}`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  const decidedAt = new Date(row.created_at);
  const appealUntil = appealDeadline(decidedAt);
  const tdb = row.tdb;
  const hash = row.appeal_token_hash;
  return {
    decisionId,
    serviceSlug: row.slug,
    outcome: row.outcome,
    decidedAt,
    supersedes: row.supersedes_id,
    appealUntil,
    tdb,
    warning: row.outcome === 'warning' ? warningOf(row.details) : null,
    puid: row.puid,
    recipient: row.has_recipient ? { email: row.email, locale: row.locale ?? 'en' } : null,
    statement: (locale) => (tdb ? renderStatement(tdb, locale, appealUntil) : null),
    appealToken: (linkKey) => {
      if (!hash) return { status: 'none' };
      const token = appealTokenFor(linkKey, decisionId);
      return appealTokenMatches(token, hash) ? { status: 'ok', token } : { status: 'key_changed' };
    },
  };
}

/** The nearest earlier decision of the corrections chain that has an affected user, backwards from `decisionId`. */
const nearestRecipientBefore = (decisionId: string) => sql`
  with recursive back (id, supersedes_id, depth) as (
    select d.id, d.supersedes_id, 0 from decisions d where d.id = ${decisionId}
    union all
    select p.id, p.supersedes_id, b.depth + 1 from decisions p join back b on p.id = b.supersedes_id where b.depth < 1000
  )
  select b.id from back b join decision_recipients r on r.decision_id = b.id where b.depth > 0 order by b.depth limit 1`;

/**
 * The decision whose affected user is told about a correction (`decisionId`, the new decision): the nearest
 * earlier decision of the chain with an affected user. Their appeal token is for that decision; its public
 * page follows the chain to the decision now in force.
 */
export async function recipientDecisionBefore(db: Db, decisionId: string): Promise<string | undefined> {
  const r = await sql<{ id: string }>`${nearestRecipientBefore(decisionId)}`.execute(db);
  return r.rows[0]?.id;
}

/**
 * After a correction whose new decision names no affected user: queues the corrected statement
 * (`statement_corrected`, on the new decision) to the affected user of the decision it corrects (or the
 * nearest earlier one with an affected user), when they left an email. Call it in the correction's
 * transaction — not for a correction on appeal (the appeal outcome tells them, with the link), and it does
 * nothing when the new decision has its own affected user (they get its statement of reasons). Idempotent.
 */
export async function queueCorrectedStatement(tx: Db, serviceId: string, newDecisionId: string): Promise<number> {
  const r = await sql`
    insert into outbox (service_id, kind, decision_id, template, locale)
    select ${serviceId}, 'email', ${newDecisionId}, 'statement_corrected', r.locale
    from decision_recipients r
    where r.decision_id = (${nearestRecipientBefore(newDecisionId)}) and r.email is not null
      and not exists (select 1 from decision_recipients o where o.decision_id = ${newDecisionId})
    on conflict do nothing`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}
