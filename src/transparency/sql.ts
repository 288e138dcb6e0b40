import { sql, type Db } from '../db/index.ts';
import type { ReportFigures } from './figures.ts';
import type { ReportInputs, ReportStatus } from './schemas.ts';
import type { ProviderKind } from './template.ts';

export interface FileHashes {
  json: string;
  zip: string;
  xlsx: string;
  csv: Record<string, string>;
}

export interface ReportRow {
  id: string;
  service_id: string;
  /** YYYY-MM-DD (read as text: no time zone shift through a JS Date). */
  period_start: string;
  period_end: string;
  provider_name: string;
  service_name: string;
  provider_kind: ProviderKind;
  status: ReportStatus;
  version: number;
  supersedes_id: string | null;
  /** Id of the published correction of this report, if any (derived: the row itself never changes once published). */
  superseded_by: string | null;
  changes: Array<{ change: string; reason: string }>;
  inputs: ReportInputs;
  figures: ReportFigures | null;
  computed_at: Date | null;
  frozen_at: Date | null;
  published_at: Date | null;
  file_hashes: FileHashes | null;
  created_by_type: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`r.id, r.service_id, r.period_start::text as period_start, r.period_end::text as period_end, r.provider_name,
  r.service_name, r.provider_kind, r.status, r.version, r.supersedes_id,
  (select c.id from transparency_reports c where c.supersedes_id = r.id and c.status = 'published') as superseded_by,
  r.changes, r.inputs, r.figures, r.computed_at, r.frozen_at, r.published_at, r.file_hashes, r.created_by_type, r.created_by,
  r.created_at, r.updated_at`;

export interface NewReport {
  serviceId: string;
  periodStart: string;
  periodEnd: string;
  providerName: string;
  serviceName: string;
  providerKind: ProviderKind;
  version: number;
  supersedesId: string | null;
  changes: Array<{ change: string; reason: string }>;
  inputs: ReportInputs;
  createdByType: string;
  createdBy: string | null;
}

export async function insertReport(db: Db, n: NewReport): Promise<ReportRow> {
  const r = await sql<{ id: string }>`
    insert into transparency_reports (service_id, period_start, period_end, provider_name, service_name, provider_kind, version,
      supersedes_id, changes, inputs, created_by_type, created_by)
    values (${n.serviceId}, ${n.periodStart}::date, ${n.periodEnd}::date, ${n.providerName}, ${n.serviceName}, ${n.providerKind}, ${n.version},
      ${n.supersedesId}::uuid, ${JSON.stringify(n.changes)}::jsonb, ${JSON.stringify(n.inputs)}::jsonb, ${n.createdByType}, ${n.createdBy})
    returning id`.execute(db);
  return (await findReport(db, n.serviceId, (r.rows[0] as { id: string }).id)) as ReportRow;
}

export async function findReport(db: Db, serviceId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<ReportRow | null> {
  const lock = opts.forUpdate ? sql`for update of r` : sql``;
  const r = await sql<ReportRow>`select ${COLUMNS} from transparency_reports r where r.service_id = ${serviceId} and r.id = ${id} ${lock}`.execute(db);
  return r.rows[0] ?? null;
}

/** A service's reports, newest period first (a service has a few per year: no paging needed). */
export async function listReports(db: Db, serviceId: string, opts: { publishedOnly: boolean }): Promise<ReportRow[]> {
  const r = await sql<ReportRow>`
    select ${COLUMNS} from transparency_reports r
    where r.service_id = ${serviceId} and (${!opts.publishedOnly}::boolean or r.status = 'published')
    order by r.period_start desc, r.version desc, r.id`.execute(db);
  return r.rows;
}

/** Serialises report creation and publication per service (overlap checks), on both back ends. */
export async function lockService(db: Db, serviceId: string): Promise<void> {
  await sql`select id from services where id = ${serviceId} for update`.execute(db);
}

/** Published reports of the service whose period overlaps [start, end], except `exceptId` (the report being corrected). */
export async function overlappingPublished(db: Db, serviceId: string, start: string, end: string, exceptIds: string[]): Promise<Array<{ id: string; period_start: string; period_end: string }>> {
  const r = await sql<{ id: string; period_start: string; period_end: string }>`
    select id, period_start::text as period_start, period_end::text as period_end from transparency_reports
    where service_id = ${serviceId} and status = 'published'
      and period_start <= ${end}::date and period_end >= ${start}::date
      and not (id = any (${exceptIds}::uuid[]))
    order by period_start`.execute(db);
  return r.rows;
}

/** Ids in the chain of corrections that ends at `id` (itself and every report it supersedes, transitively). */
export async function supersededChain(db: Db, serviceId: string, id: string): Promise<string[]> {
  const r = await sql<{ id: string }>`
    with recursive chain(id, supersedes_id) as (
      select id, supersedes_id from transparency_reports where service_id = ${serviceId} and id = ${id}
      union all
      select t.id, t.supersedes_id from transparency_reports t join chain c on t.id = c.supersedes_id
    ) select id from chain`.execute(db);
  return r.rows.map((x) => x.id);
}

/** YYYY-MM-DD of the latest report of the service published before `before` (sheet 1's "previous report"). */
export async function previousPublishedOn(db: Db, serviceId: string, before: Date | null, exceptId: string): Promise<string | null> {
  const r = await sql<{ d: string | null }>`
    select to_char(max(published_at) at time zone 'UTC', 'YYYY-MM-DD') as d from transparency_reports
    where service_id = ${serviceId} and status = 'published' and id <> ${exceptId}
      and (${before}::timestamptz is null or published_at < ${before}::timestamptz)`.execute(db);
  return r.rows[0]?.d ?? null;
}

export async function updateInputs(db: Db, id: string, inputs: ReportInputs): Promise<void> {
  await sql`update transparency_reports set inputs = ${JSON.stringify(inputs)}::jsonb, updated_at = now() where id = ${id}`.execute(db);
}

export async function setFrozen(db: Db, id: string, figures: ReportFigures, frozenAt: Date): Promise<void> {
  await sql`update transparency_reports set status = 'frozen', figures = ${JSON.stringify(figures)}::jsonb,
      computed_at = ${figures.computed_at}::timestamptz, frozen_at = ${frozenAt}, updated_at = now()
    where id = ${id}`.execute(db);
}

export async function setDraft(db: Db, id: string): Promise<void> {
  await sql`update transparency_reports set status = 'draft', figures = null, computed_at = null, frozen_at = null, updated_at = now() where id = ${id}`.execute(db);
}

export async function setPublished(db: Db, id: string, publishedAt: Date, hashes: FileHashes): Promise<void> {
  await sql`update transparency_reports set status = 'published', published_at = ${publishedAt}, file_hashes = ${JSON.stringify(hashes)}::jsonb,
      updated_at = ${publishedAt}
    where id = ${id}`.execute(db);
}

export async function deleteReport(db: Db, id: string): Promise<void> {
  await sql`delete from transparency_reports where id = ${id}`.execute(db);
}
