import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { notFound } from '../http/errors.ts';
import { evaluateRule, type RuleDefinition } from './rules.ts';
import * as q from './sql.ts';

export function presentRule(r: q.RuleRow) {
  return { slug: r.slug, name: r.name, mode: r.mode, version: r.version, definition: r.definition, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

export async function listRules(db: Db, serviceId: string) {
  return { items: (await q.listRules(db, serviceId)).map(presentRule) };
}

export async function getRule(db: Db, serviceId: string, slug: string) {
  const r = await q.findRule(db, serviceId, slug);
  if (!r) throw notFound('Rule');
  const versions = await q.ruleVersions(db, r.id);
  return {
    ...presentRule(r),
    versions: versions.map((v) => ({ version: v.version, name: v.name, mode: v.mode, definition: v.definition, created_by: v.created_by, created_at: v.created_at.toISOString() })),
  };
}

/** Creates a rule or replaces it with a new version (the old versions stay, the screened items name theirs). */
export async function putRule(
  db: Db,
  access: ServiceAccess,
  actor: AuditActor,
  requestId: string,
  slug: string,
  input: { name: string; mode: q.RuleRow['mode']; definition: RuleDefinition },
) {
  return inTransaction(db, async (tx) => {
    const row = await q.saveRule(tx, { serviceId: access.serviceId, slug, ...input, userId: access.userId ?? null, apiKeyId: access.apiKeyId ?? null });
    await recordAudit(tx, {
      serviceId: access.serviceId,
      actor,
      action: row.version === 1 ? 'screening_rule.created' : 'screening_rule.changed',
      subjectType: 'screening_rule',
      subjectId: row.id,
      data: { slug, version: row.version, mode: row.mode, definition: row.definition },
      requestId,
    });
    return presentRule(row);
  });
}

/**
 * What a rule would have done over the items screened in [from, to): replays it on their stored signals.
 * Page by page (memory stays flat); returns counts and a sample of the items it would have matched.
 */
export async function backtestRule(db: Db, serviceId: string, definition: RuleDefinition, from: string, to: string, sampleSize = 20) {
  let after: [string, string] | null = null;
  let evaluated = 0;
  let matched = 0;
  const byKind: Record<string, number> = {};
  const sample: Array<{ id: string; content_id: string | null; created_at: string; reasons: string[]; case_id: string | null }> = [];
  for (;;) {
    const rows = await q.screenedPage(db, serviceId, from, to, after, 1000);
    for (const row of rows) {
      evaluated++;
      const r = evaluateRule(definition, row.signals);
      if (!r.matched) continue;
      matched++;
      byKind[row.kind] = (byKind[row.kind] ?? 0) + 1;
      if (sample.length < sampleSize) sample.push({ id: row.id, content_id: row.content_id, created_at: row.created_at.toISOString(), reasons: r.reasons, case_id: row.case_id });
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < 1000) break;
    after = [last.created_key, last.id];
  }
  const actions = definition.actions.map((a) => a.type);
  return {
    evaluated,
    matched,
    match_rate: evaluated === 0 ? 0 : Math.round((matched / evaluated) * 1000) / 1000,
    matched_by_kind: byKind,
    would: {
      open_cases: actions.includes('open_case') || actions.includes('escalate') ? matched : 0,
      hold: actions.includes('hold') ? matched : 0,
      label: actions.includes('label') ? matched : 0,
    },
    sample,
  };
}
