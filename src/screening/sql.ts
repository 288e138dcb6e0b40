import { sql, type Db } from '../db/index.ts';
import type { RuleDefinition, Signals } from './rules.ts';

export interface RuleRow {
  id: string;
  slug: string;
  name: string;
  mode: 'live' | 'shadow' | 'disabled';
  version: number;
  definition: RuleDefinition;
  created_at: Date;
  updated_at: Date;
}

const RULE_COLUMNS = sql`id, slug, name, mode, version, definition, created_at, updated_at`;

export async function listRules(db: Db, serviceId: string): Promise<RuleRow[]> {
  const r = await sql<RuleRow>`select ${RULE_COLUMNS} from screening_rules where service_id = ${serviceId} order by slug`.execute(db);
  return r.rows;
}

export async function findRule(db: Db, serviceId: string, slug: string, lock = false): Promise<RuleRow | undefined> {
  const r = await sql<RuleRow>`
    select ${RULE_COLUMNS} from screening_rules where service_id = ${serviceId} and slug = ${slug} ${lock ? sql`for update` : sql``}`.execute(db);
  return r.rows[0];
}

/** Creates the rule at version 1, or replaces it with the next version; records the version. */
export async function saveRule(
  tx: Db,
  r: { serviceId: string; slug: string; name: string; mode: RuleRow['mode']; definition: RuleDefinition; userId: string | null; apiKeyId: string | null },
): Promise<RuleRow> {
  const res = await sql<RuleRow>`
    insert into screening_rules (service_id, slug, name, mode, version, definition)
    values (${r.serviceId}, ${r.slug}, ${r.name}, ${r.mode}, 1, ${JSON.stringify(r.definition)}::jsonb)
    on conflict (service_id, slug) do update set
      name = excluded.name, mode = excluded.mode, definition = excluded.definition,
      version = screening_rules.version + 1, updated_at = now()
    returning ${RULE_COLUMNS}`.execute(tx);
  const row = res.rows[0] as RuleRow;
  await sql`insert into screening_rule_versions (rule_id, version, name, mode, definition, created_by, api_key_id)
            values (${row.id}, ${row.version}, ${row.name}, ${row.mode}, ${JSON.stringify(row.definition)}::jsonb, ${r.userId}, ${r.apiKeyId})`.execute(tx);
  return row;
}

export async function ruleVersions(db: Db, ruleId: string) {
  const r = await sql<{ version: number; name: string; mode: string; definition: RuleDefinition; created_by: string | null; created_at: Date }>`
    select version, name, mode, definition, created_by, created_at from screening_rule_versions where rule_id = ${ruleId} order by version desc`.execute(db);
  return r.rows;
}

export interface ScreenedRow {
  id: string;
  kind: Signals['kind'];
  content_id: string | null;
  content_url: string | null;
  signals: Signals;
  rule_results: unknown;
  held: boolean;
  labels: string[];
  case_id: string | null;
  created_at: Date;
  created_key: string;
}

/** One page of screened items in [from, to), oldest first (backtests walk them all, page by page). */
export async function screenedPage(db: Db, serviceId: string, from: string, to: string, after: readonly [string, string] | null, limit: number): Promise<ScreenedRow[]> {
  const r = await sql<ScreenedRow>`
    select id, kind, content_id, content_url, signals, rule_results, held, labels, case_id, created_at, created_at::text as created_key
    from screened_items
    where service_id = ${serviceId} and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
      ${after ? sql`and (created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    order by created_at, id limit ${limit}`.execute(db);
  return r.rows;
}

/** The items screened into a case (its automated evidence), oldest first. */
export async function screenedForCase(db: Db, serviceId: string, caseId: string): Promise<ScreenedRow[]> {
  const r = await sql<ScreenedRow>`
    select id, kind, content_id, content_url, signals, rule_results, held, labels, case_id, created_at, created_at::text as created_key
    from screened_items where service_id = ${serviceId} and case_id = ${caseId} order by created_at, id limit 500`.execute(db);
  return r.rows;
}
