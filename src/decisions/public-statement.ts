/**
 * The statement of reasons as its affected user reads it, with the appeal token from their email
 * (public, no account): the decision, its statement in their language, the facts of the statement that
 * matter to them, where their appeal stands — and, when the decision was corrected since (on appeal or
 * otherwise), the current decision. Nothing about who decided, who notified, nor internal notes.
 */
import type { Db } from '../db/index.ts';
import { notFound } from '../http/errors.ts';
import { appealTokenMatches } from './public-token.ts';
import * as q from './public-sql.ts';
import { renderStatement, type RenderedStatement } from './render.ts';
import { appealDeadline } from './service.ts';

type Locale = 'en' | 'fr';

/** Statement fields (TDB keys) shown to the affected user: what was restricted, where, until when, and why. */
const PUBLIC_FIELDS = [
  'decision_visibility',
  'decision_visibility_other',
  'decision_monetary',
  'decision_monetary_other',
  'decision_provision',
  'decision_account',
  'account_type',
  'end_date_visibility_restriction',
  'end_date_monetary_restriction',
  'end_date_service_restriction',
  'end_date_account_restriction',
  'territorial_scope',
  'decision_ground',
  'illegal_content_legal_ground',
  'illegal_content_explanation',
  'incompatible_content_ground',
  'incompatible_content_explanation',
  'incompatible_content_illegal',
  'decision_ground_reference_url',
  'decision_facts',
  'category',
  'category_specification',
  'content_type',
  'source_type',
  'automated_detection',
  'automated_decision',
  'application_date',
] as const;

const NO_ACTION: Record<Locale, string> = {
  en: 'No restriction applies: we took no action against this content (any earlier restriction is lifted).',
  fr: "Aucune restriction ne s'applique : nous n'avons pris aucune mesure contre ce contenu (toute restriction antérieure est levée).",
};

const WARNING: Record<Locale, string> = {
  en: 'A warning about the account: no restriction applies for now.',
  fr: "Un avertissement concernant le compte : aucune restriction ne s'applique pour l'instant.",
};

/** The restriction types of a statement, as TDB keys (visibility…, monetary, provision, account). */
export function restrictionKeys(tdb: Record<string, unknown> | null): string[] {
  if (!tdb) return [];
  const vis = Array.isArray(tdb.decision_visibility) ? (tdb.decision_visibility as unknown[]) : [];
  return [...vis, tdb.decision_monetary, tdb.decision_provision, tdb.decision_account].filter((x): x is string => typeof x === 'string' && x !== '');
}

function presentPublicDecision(d: q.ChainRow, locale: Locale, current: boolean) {
  const openUntil = appealDeadline(new Date(d.created_at));
  const statement: RenderedStatement | null = d.tdb ? renderStatement(d.tdb, locale, openUntil) : null;
  const details = d.tdb
    ? Object.fromEntries(PUBLIC_FIELDS.filter((k) => d.tdb?.[k] !== undefined).map((k) => [k, d.tdb?.[k]]))
    : null;
  return {
    id: d.id,
    decided_at: new Date(d.created_at).toISOString(),
    outcome: d.outcome,
    current,
    summary: statement ? (statement.sections[0]?.text ?? '') : d.outcome === 'warning' ? WARNING[locale] : NO_ACTION[locale],
    restrictions: restrictionKeys(d.tdb),
    statement: statement ? { puid: d.puid, title: statement.title, sections: statement.sections } : null,
    details,
  };
}

/**
 * GET …/decisions/:id/statement with the appeal token. A wrong decision id, a decision without an affected
 * user and a wrong token all answer the same 404.
 */
export async function publicStatement(db: Db, serviceId: string, decisionId: string, token: string | undefined, locale: Locale | undefined, now = new Date()) {
  const r = await q.recipientDecision(db, serviceId, decisionId);
  // Always compare (against a dummy hash when there is no such decision): same work either way.
  const ok = appealTokenMatches(token, r?.appeal_token_hash);
  if (!r || !ok) throw notFound('Decision (or wrong appeal token)');
  const lang: Locale = locale ?? (r.locale === 'fr' ? 'fr' : 'en');
  const chain = await q.decisionChain(db, serviceId, decisionId);
  const own = chain[0];
  if (!own) throw notFound('Decision (or wrong appeal token)');
  const latest = chain[chain.length - 1] as q.ChainRow;
  const corrected = chain.length > 1;
  const openUntil = appealDeadline(new Date(own.created_at));
  const st = await q.affectedUserAppealState(db, own.id);
  return {
    ...presentPublicDecision(own, lang, !corrected),
    locale: lang,
    appeal: {
      open_until: openUntil,
      status: st.status ?? 'none',
      outcome: st.status === 'decided' ? st.outcome : null,
      // As POST …/appeals would answer: not corrected since, within six months, no appeal open on it.
      can_appeal: !corrected && now.toISOString().slice(0, 10) <= openUntil && !st.any_open,
    },
    superseded_by: corrected ? presentPublicDecision(latest, lang, true) : null,
  };
}
