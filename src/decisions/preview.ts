/**
 * A dry run of a decision: what the decide route would say about the body (its field problems, the
 * Transparency Database rules included) and the statement of reasons it would produce, in French and
 * English, with the TDB JSON. Reads only (no lock, no transaction): nothing is written.
 *
 * The body is validated here, not by the route, so that an incomplete form still gets a preview: a body that
 * fails the decision schema answers 200 `{valid: false, fields}` with the same paths (`body.<field>`) and
 * reasons the decide route would give in its 400; only a body that is not a JSON object is a 400.
 */
import { z } from 'zod';
import { caseVisibleTo, type CaseForDecision } from '../cases/index.ts';
import { sql, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { notFound, unstorableText, zodFields, type FieldError } from '../http/errors.ts';
import { fourEyesRulesMatched, loadDecisionPolicy } from './policy.ts';
import { renderStatement, type RenderedStatement } from './render.ts';
import { DecisionBody, type DecisionInput } from './schemas.ts';
import { buildTdbStatement } from './statement.ts';
import { appealDeadline } from './take.ts';
import { validateTdbStatement } from './tdb.ts';

/** Any JSON object: the decision schema is applied by {@link previewDecision}, field problems are the answer. */
export const PreviewBody = z.record(z.string(), z.unknown()).meta({ description: 'The same body as POST …/cases/{id}/decisions (it may be incomplete)' });

/** Stands for the decision id in the preview's puid: the real one is drawn when the decision is taken. */
const PREVIEW_DECISION_ID = '00000000-0000-0000-0000-000000000000';

export interface DecisionPreview {
  valid: boolean;
  fields: FieldError[];
  /** Null for `no_action` (no statement of reasons). */
  statement: { fr: RenderedStatement; en: RenderedStatement } | null;
  tdb: Record<string, unknown> | null;
  affected_user_locale: 'fr' | 'en' | null;
  /** The four-eyes rules the decision would match (then it is held for approval: 202). */
  four_eyes_rules: string[];
  /** Whether the caller holds the case (a first decision needs it; the decide route answers 409 otherwise). */
  claimed_by_you: boolean;
  case_status: string;
}

interface CaseReadRow {
  id: string;
  category: string;
  subcategory: string | null;
  trust_rank: number;
  notice_count: number;
  status: string;
  claimed_by: string | null;
  claim_expires_at: Date | null;
  content_url: string | null;
  content_id: string | null;
  automated_detection: boolean;
  order_id: string | null;
}

/** The case as the decisions domain sees it, read without a lock; undefined if unknown or not visible to the caller. */
async function readCase(db: Db, access: ServiceAccess, caseId: string): Promise<CaseForDecision | undefined> {
  if (!(await caseVisibleTo(db, access, caseId))) return undefined;
  const r = await sql<CaseReadRow>`
    select id, category, subcategory, trust_rank, notice_count, status, claimed_by, claim_expires_at, content_url, content_id, automated_detection, order_id
    from cases where id = ${caseId} and service_id = ${access.serviceId}`.execute(db);
  const c = r.rows[0];
  if (!c) return undefined;
  return {
    id: c.id,
    category: c.category,
    subcategory: c.subcategory,
    trusted: c.trust_rank === 0,
    noticeCount: c.notice_count,
    status: c.status,
    claimedBy: c.claim_expires_at && new Date(c.claim_expires_at).getTime() > Date.now() ? c.claimed_by : null,
    content: { url: c.content_url, id: c.content_id },
    automatedDetection: c.automated_detection,
    orderId: c.order_id,
  };
}

/**
 * The decision schema's cross-field rules assume the field types are right (`decision_visibility: 3` makes them
 * throw, a 500 on the decide route too): on such a body the preview reports the type problems alone.
 */
function parseDecision(body: Record<string, unknown>) {
  try {
    return DecisionBody.safeParse(body);
  } catch {
    return z.strictObject(DecisionBody.shape).safeParse(body);
  }
}

export async function previewDecision(db: Db, access: ServiceAccess, caseId: string, body: Record<string, unknown>): Promise<DecisionPreview> {
  const c = await readCase(db, access, caseId);
  if (!c) throw notFound('Case');
  const fields: FieldError[] = unstorableText(body, 'body');
  const parsed = fields.length === 0 ? parseDecision(body) : undefined;
  let input: DecisionInput;
  if (parsed?.success) input = parsed.data;
  else {
    if (parsed) fields.push(...zodFields(parsed.error, 'body'));
    // Best effort for an incomplete form: the statement as it reads so far (defaults as the schema sets them).
    input = { automated_detection: false, automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED', manifestly_illegal: false, ...body } as DecisionInput;
  }
  const today = new Date();
  let tdb: Record<string, unknown> | null = null;
  let statement: DecisionPreview['statement'] = null;
  if (input.outcome !== 'no_action') {
    try {
      tdb = buildTdbStatement(input, c, PREVIEW_DECISION_ID, today.toISOString().slice(0, 10));
      // The decide route checks the TDB rules only once the body passed its schema: so does the preview.
      if (fields.length === 0) {
        const checked = validateTdbStatement(tdb);
        if (checked.ok) tdb = checked.value as unknown as Record<string, unknown>;
        else fields.push(...Object.entries(checked.errors).flatMap(([field, reasons]) => reasons.map((reason) => ({ path: `body.${field}`, reason }))));
      }
      const until = appealDeadline(today);
      statement = { fr: renderStatement(tdb, 'fr', until), en: renderStatement(tdb, 'en', until) };
    } catch (err) {
      // Only an invalid body (wrong types) can make the best-effort rendering fail: its field problems say why.
      if (fields.length === 0) throw err;
      tdb = null;
      statement = null;
    }
  }
  const locale = (body.affected_user as { locale?: unknown } | undefined)?.locale;
  const rules = fields.length === 0 ? fourEyesRulesMatched(await loadDecisionPolicy(db, access.serviceId), input, c.category) : [];
  return {
    valid: fields.length === 0,
    fields,
    statement,
    tdb,
    affected_user_locale: parsed?.success ? (input.affected_user?.locale ?? null) : locale === 'fr' || locale === 'en' ? locale : null,
    four_eyes_rules: rules,
    claimed_by_you: access.userId !== null && access.userId !== undefined && c.claimedBy === access.userId,
    case_status: c.status,
  };
}
