import { sql, type Db } from '../db/index.ts';
import { renderStatement, type RenderedStatement } from './render.ts';
import { appealDeadline } from './service.ts';

/** What a message about one decision needs. `recipient` is the affected user's contact (personal data). */
export interface DecisionMessageData {
  decisionId: string;
  outcome: string;
  decidedAt: Date;
  /** Last day to contest the decision (internal complaint, DSA Art. 20), YYYY-MM-DD. */
  appealUntil: string;
  /** The statement in Transparency Database format, when the decision restricts something. */
  tdb: Record<string, unknown> | null;
  puid: string | null;
  recipient: { email: string | null; locale: string } | null;
  /** The statement of reasons as the affected user reads it (null without a statement). */
  statement(locale: 'en' | 'fr'): RenderedStatement | null;
}

/** Reads a decision for a message about it (the notifications domain composes and sends it). */
export async function decisionForMessage(db: Db, decisionId: string): Promise<DecisionMessageData | undefined> {
  const r = await sql<{
    outcome: string;
    created_at: Date;
    tdb: Record<string, unknown> | null;
    puid: string | null;
    has_recipient: boolean;
    email: string | null;
    locale: string | null;
  }>`
    select d.outcome, d.created_at, s.tdb, s.puid, r.decision_id is not null as has_recipient, r.email, r.locale
    from decisions d left join statements_of_reasons s on s.decision_id = d.id left join decision_recipients r on r.decision_id = d.id
    where d.id = ${decisionId}`.execute(db);
  const row = r.rows[0];
  if (!row) return undefined;
  const decidedAt = new Date(row.created_at);
  const appealUntil = appealDeadline(decidedAt);
  const tdb = row.tdb;
  return {
    decisionId,
    outcome: row.outcome,
    decidedAt,
    appealUntil,
    tdb,
    puid: row.puid,
    recipient: row.has_recipient ? { email: row.email, locale: row.locale ?? 'en' } : null,
    statement: (locale) => (tdb ? renderStatement(tdb, locale, appealUntil) : null),
  };
}
