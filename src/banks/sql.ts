import { sql, type Db } from '../db/index.ts';

export interface BankRow {
  id: string;
  service_id: string;
  /** Slug of the owning service. */
  service_slug: string;
  slug: string;
  name: string;
  description: string | null;
  kind: 'positive' | 'negative';
  category: string | null;
  default_action: 'open_case' | 'hold' | 'label' | 'none';
  source_kind: string;
  source_description: string | null;
  sharing: 'private' | 'instance';
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  /** Slugs of the services the bank is explicitly shared with. */
  shared_with: string[];
}

export interface EntryRow {
  id: number;
  bank_id: string;
  signal_type: 'pdq' | 'md5' | 'sha256';
  hash: string;
  provenance: Record<string, unknown>;
  status: 'active' | 'disputed' | 'retracted' | 'quarantined';
  status_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const BANK_COLUMNS = sql`b.id, b.service_id, s.slug as service_slug, b.slug, b.name, b.description, b.kind, b.category, b.default_action,
  b.source_kind, b.source_description, b.sharing, b.enabled, b.created_at, b.updated_at,
  array(select ts.slug from bank_shares bs join services ts on ts.id = bs.service_id where bs.bank_id = b.id order by ts.slug) as shared_with`;

const ENTRY_COLUMNS = sql`id, bank_id, signal_type, hash, provenance, status, status_reason, version, created_at, updated_at`;

/** Banks a service may read: its own, those shared with the whole instance, those shared with it. */
const visibleTo = (serviceId: string) => sql`(b.service_id = ${serviceId}::uuid or b.sharing = 'instance'
  or exists (select 1 from bank_shares v where v.bank_id = b.id and v.service_id = ${serviceId}::uuid))`;

export async function insertBank(
  db: Db,
  b: { serviceId: string; slug: string; name: string; description: string | null; kind: string; category: string | null; defaultAction: string; sourceKind: string; sourceDescription: string | null; sharing: string; enabled: boolean },
): Promise<string | undefined> {
  const r = await sql<{ id: string }>`
    insert into banks (service_id, slug, name, description, kind, category, default_action, source_kind, source_description, sharing, enabled)
    values (${b.serviceId}, ${b.slug}, ${b.name}, ${b.description}, ${b.kind}, ${b.category}, ${b.defaultAction}, ${b.sourceKind},
            ${b.sourceDescription}, ${b.sharing}, ${b.enabled})
    on conflict (service_id, slug) do nothing
    returning id`.execute(db);
  return r.rows[0]?.id;
}

export async function updateBank(
  db: Db,
  id: string,
  u: { name: string; description: string | null; category: string | null; defaultAction: string; sourceKind: string; sourceDescription: string | null; sharing: string; enabled: boolean },
): Promise<void> {
  await sql`
    update banks set name = ${u.name}, description = ${u.description}, category = ${u.category}, default_action = ${u.defaultAction},
      source_kind = ${u.sourceKind}, source_description = ${u.sourceDescription}, sharing = ${u.sharing}, enabled = ${u.enabled}, updated_at = now()
    where id = ${id}`.execute(db);
}

/** A bank the service may read (`for update` of the bank row when `lock`: serialises writes to one bank). */
export async function findVisibleBank(db: Db, serviceId: string, id: string, lock = false): Promise<BankRow | undefined> {
  const r = await sql<BankRow>`
    select ${BANK_COLUMNS} from banks b join services s on s.id = b.service_id
    where b.id = ${id} and ${visibleTo(serviceId)} ${lock ? sql`for update of b` : sql``}`.execute(db);
  return r.rows[0];
}

export async function listVisibleBanks(db: Db, serviceId: string): Promise<BankRow[]> {
  const r = await sql<BankRow>`
    select ${BANK_COLUMNS} from banks b join services s on s.id = b.service_id
    where ${visibleTo(serviceId)} order by (b.service_id <> ${serviceId}::uuid), s.slug, b.slug`.execute(db);
  return r.rows;
}

/** Every bank of the instance with its explicit shares (service ids): what the matcher filters on. */
export async function allBanks(db: Db): Promise<Array<BankRow & { share_ids: string[] }>> {
  const r = await sql<BankRow & { share_ids: string[] }>`
    select ${BANK_COLUMNS}, array(select bs.service_id::text from bank_shares bs where bs.bank_id = b.id) as share_ids
    from banks b join services s on s.id = b.service_id`.execute(db);
  return r.rows;
}

export async function insertShare(db: Db, bankId: string, serviceId: string): Promise<boolean> {
  const r = await sql`insert into bank_shares (bank_id, service_id) values (${bankId}, ${serviceId}) on conflict do nothing returning 1`.execute(db);
  return r.rows.length > 0;
}

export async function deleteShare(db: Db, bankId: string, serviceId: string): Promise<boolean> {
  const r = await sql`delete from bank_shares where bank_id = ${bankId} and service_id = ${serviceId} returning 1`.execute(db);
  return r.rows.length > 0;
}

/**
 * Inserts entries (already validated, hashes lower-case) in one statement; those already in the bank
 * (same signal type and hash) are skipped. Returns the rows inserted.
 */
export async function insertEntries(
  db: Db,
  bankId: string,
  entries: Array<{ signal_type: string; hash: string; status: string; provenance: Record<string, unknown> }>,
): Promise<EntryRow[]> {
  if (entries.length === 0) return [];
  const r = await sql<EntryRow>`
    insert into bank_entries (bank_id, signal_type, hash, status, provenance)
    select ${bankId}::uuid, e.signal_type, e.hash, e.status, e.provenance
    from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb) as e(signal_type text, hash text, status text, provenance jsonb)
    on conflict (bank_id, signal_type, hash) do nothing
    returning ${ENTRY_COLUMNS}`.execute(db);
  return r.rows;
}

export async function findEntry(db: Db, bankId: string, id: number): Promise<EntryRow | undefined> {
  const r = await sql<EntryRow>`select ${ENTRY_COLUMNS} from bank_entries where bank_id = ${bankId} and id = ${id}`.execute(db);
  return r.rows[0];
}

export async function setEntryStatus(db: Db, id: number, status: string, reason: string | null): Promise<EntryRow | undefined> {
  const r = await sql<EntryRow>`
    update bank_entries set status = ${status}, status_reason = ${reason}, version = version + 1, updated_at = now()
    where id = ${id} returning ${ENTRY_COLUMNS}`.execute(db);
  return r.rows[0];
}

/** Keyset on id, ascending. */
export async function listEntries(
  db: Db,
  bankId: string,
  f: { status: string | null; signalType: string | null; after: number | null; limit: number },
): Promise<EntryRow[]> {
  const r = await sql<EntryRow>`
    select ${ENTRY_COLUMNS} from bank_entries
    where bank_id = ${bankId} and id > ${f.after ?? 0}
      and (${f.status}::text is null or status = ${f.status}::text)
      and (${f.signalType}::text is null or signal_type = ${f.signalType}::text)
    order by id limit ${f.limit}`.execute(db);
  return r.rows;
}

/** Entries by id (the matcher's answers, with fresh status and provenance). */
export async function entriesByIds(db: Db, ids: number[]): Promise<EntryRow[]> {
  if (ids.length === 0) return [];
  const r = await sql<EntryRow>`
    select ${ENTRY_COLUMNS} from bank_entries
    where id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::int)`.execute(db);
  return r.rows;
}

export interface IndexRow {
  id: number;
  bank_id: string;
  signal_type: 'pdq' | 'md5' | 'sha256';
  hash: string;
  status: EntryRow['status'];
  version: number;
}

/** A page of entries for the matcher's initial load (keyset on id). */
export async function indexPage(db: Db, after: number, limit: number): Promise<IndexRow[]> {
  const r = await sql<IndexRow>`
    select id, bank_id, signal_type, hash, status, version from bank_entries where id > ${after} order by id limit ${limit}`.execute(db);
  return r.rows;
}

/** Entries changed since `since` (the matcher's refresh), with the database clock of the read. */
export async function changedSince(db: Db, since: Date): Promise<{ rows: IndexRow[]; now: Date }> {
  const r = await sql<IndexRow & { now: Date }>`
    select e.id, e.bank_id, e.signal_type, e.hash, e.status, e.version, n.now
    from (select now() as now) n left join bank_entries e on e.updated_at >= ${since}
    order by e.id`.execute(db);
  const now = r.rows[0]?.now ?? new Date();
  return { rows: r.rows.filter((row) => row.id !== null).map(({ now: _n, ...row }) => row), now };
}

export async function dbNow(db: Db): Promise<Date> {
  return (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]?.now ?? new Date();
}

/**
 * Adds matches to the hour's counters and returns, per entry, the matches of the last hour (the current
 * hour plus the share of the previous hour still inside the window) and its usual hourly rate (average
 * over the `baselineHours` before the previous hour).
 */
export async function countMatches(
  db: Db,
  counts: Array<{ entry_id: number; n: number }>,
  baselineHours: number,
): Promise<Array<{ entry_id: number; last_hour: number; usual: number }>> {
  if (counts.length === 0) return [];
  const r = await sql<{ entry_id: number; last_hour: number; usual: number }>`
    with c as (
      select * from jsonb_to_recordset(${JSON.stringify(counts)}::jsonb) as c(entry_id int, n int)
    ), up as (
      insert into bank_entry_match_counts (entry_id, hour, matches)
      select c.entry_id, date_trunc('hour', now()), c.n from c join bank_entries e on e.id = c.entry_id
      on conflict (entry_id, hour) do update set matches = bank_entry_match_counts.matches + excluded.matches
      returning entry_id, matches
    ), w as (
      select c.entry_id,
        coalesce((select m.matches from bank_entry_match_counts m where m.entry_id = c.entry_id and m.hour = date_trunc('hour', now()) - interval '1 hour'), 0) as previous,
        coalesce((select sum(m.matches) from bank_entry_match_counts m where m.entry_id = c.entry_id
                  and m.hour < date_trunc('hour', now()) - interval '1 hour'
                  and m.hour >= date_trunc('hour', now()) - make_interval(hours => ${baselineHours + 1})), 0) as baseline
      from c
    )
    select w.entry_id,
      (up.matches + w.previous * (1 - extract(epoch from now() - date_trunc('hour', now())) / 3600))::float8 as last_hour,
      (w.baseline::float8 / ${baselineHours}) as usual
    from w join up on up.entry_id = w.entry_id`.execute(db);
  return r.rows.map((x) => ({ entry_id: Number(x.entry_id), last_hour: Number(x.last_hour), usual: Number(x.usual) }));
}

/** Quarantines entries that still match (active or disputed); returns those changed, with their bank's owner. */
export async function quarantine(db: Db, ids: number[], reason: string): Promise<Array<EntryRow & { service_id: string }>> {
  if (ids.length === 0) return [];
  const r = await sql<EntryRow & { service_id: string }>`
    update bank_entries e set status = 'quarantined', status_reason = ${reason}, version = e.version + 1, updated_at = now()
    from banks b
    where b.id = e.bank_id and e.status in ('active', 'disputed')
      and e.id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::int)
    returning e.id, e.bank_id, e.signal_type, e.hash, e.provenance, e.status, e.status_reason, e.version, e.created_at, e.updated_at, b.service_id`.execute(db);
  return r.rows;
}

export async function listEntriesByHash(db: Db, bankId: string, signalType: string, hash: string): Promise<EntryRow | undefined> {
  const r = await sql<EntryRow>`
    select ${ENTRY_COLUMNS} from bank_entries where bank_id = ${bankId} and signal_type = ${signalType} and hash = ${hash}`.execute(db);
  return r.rows[0];
}
