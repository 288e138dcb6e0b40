import { sql, type Db } from '../db/index.ts';
import type { Harm, Kind, ResourceInput } from './schemas.ts';

export interface HelpResourceRow {
  id: string;
  country: string;
  harms: Harm[];
  kind: Kind;
  name: { fr: string; en: string };
  description: { fr: string; en: string };
  url: string | null;
  phone: string | null;
  hours: { fr: string; en: string } | null;
  source_url: string;
  /** YYYY-MM-DD (read as text: no time zone shift through a JS Date). */
  verified_at: string | null;
  position: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`id, country, harms, kind, name, description, url, phone, hours, source_url,
  verified_at::text as verified_at, position, created_at, updated_at`;

/** Name order that is the same on every back end and locale. */
const NAME_ORDER = sql`name ->> 'en' collate "C", id`;

/**
 * The public listing: the country's resources, then European, then international ones (all of them,
 * national ones first, when no country is given), each group by position then name.
 */
export async function listPublic(db: Db, f: { country?: string | undefined; harm?: Harm | undefined }): Promise<HelpResourceRow[]> {
  const country = f.country ?? null;
  const harm = f.harm ?? null;
  const r = await sql<HelpResourceRow>`
    select ${COLUMNS} from help_resources
    where (${country}::text is null or country in (${country}::text, 'EU', 'INT'))
      and (${harm}::text is null or ${harm}::text = any (harms))
    order by case country when 'EU' then 1 when 'INT' then 2 else 0 end, country, position, ${NAME_ORDER}`.execute(db);
  return r.rows;
}

/** Countries (and EU / INT) that have at least one resource, sorted. */
export async function listCountries(db: Db): Promise<string[]> {
  const r = await sql<{ country: string }>`select country from help_resources group by country order by country collate "C"`.execute(db);
  return r.rows.map((x) => x.country);
}

/** Every resource, for the administration screen. */
export async function listAll(db: Db): Promise<HelpResourceRow[]> {
  const r = await sql<HelpResourceRow>`
    select ${COLUMNS} from help_resources
    order by case country when 'EU' then 1 when 'INT' then 2 else 0 end, country, position, ${NAME_ORDER}`.execute(db);
  return r.rows;
}

const values = (i: ResourceInput) => ({
  harms: sql`${i.harms}::text[]`,
  name: sql`${JSON.stringify(i.name)}::jsonb`,
  description: sql`${JSON.stringify(i.description)}::jsonb`,
  hours: sql`${i.hours === null ? null : JSON.stringify(i.hours)}::jsonb`,
  verifiedAt: sql`${i.verified_at}::date`,
});

export async function insertResource(db: Db, i: ResourceInput): Promise<HelpResourceRow> {
  const v = values(i);
  const r = await sql<HelpResourceRow>`
    insert into help_resources (country, harms, kind, name, description, url, phone, hours, source_url, verified_at, position)
    values (${i.country}, ${v.harms}, ${i.kind}, ${v.name}, ${v.description}, ${i.url}, ${i.phone}, ${v.hours}, ${i.source_url}, ${v.verifiedAt}, ${i.position})
    returning ${COLUMNS}`.execute(db);
  return r.rows[0] as HelpResourceRow;
}

/** Replaces the whole document; undefined when there is no such resource. */
export async function replaceResource(db: Db, id: string, i: ResourceInput): Promise<HelpResourceRow | undefined> {
  const v = values(i);
  const r = await sql<HelpResourceRow>`
    update help_resources set country = ${i.country}, harms = ${v.harms}, kind = ${i.kind}, name = ${v.name},
      description = ${v.description}, url = ${i.url}, phone = ${i.phone}, hours = ${v.hours}, source_url = ${i.source_url},
      verified_at = ${v.verifiedAt}, position = ${i.position}, updated_at = now()
    where id = ${id}
    returning ${COLUMNS}`.execute(db);
  return r.rows[0];
}

/** Deletes it; returns the deleted row (for the audit event), undefined when there was none. */
export async function deleteResource(db: Db, id: string): Promise<HelpResourceRow | undefined> {
  const r = await sql<HelpResourceRow>`delete from help_resources where id = ${id} returning ${COLUMNS}`.execute(db);
  return r.rows[0];
}
