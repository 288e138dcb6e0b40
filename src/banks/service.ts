import { Readable } from 'node:stream';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { AppError, notFound, validationError, type FieldError } from '../http/errors.ts';
import { encodeCursor } from '../http/pagination.ts';
import { findServiceBySlug } from '../services/index.ts';
import { exportLine, parseBankFile, VIGIE_EXPORT_HEADER, type ExportFormat } from './formats.ts';
import type { BankMatcher } from './matcher.ts';
import { MAX_IMPORT_ERRORS, MAX_IMPORT_LINES, type BankInput, type BankUpdate, type EntryInputT, type EntryStatus, type ImportFormat, type SignalType } from './schemas.ts';
import * as q from './sql.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A bank as the caller's service sees it: shares are listed to the owner only. */
export function presentBank(b: q.BankRow, serviceId: string) {
  const owned = b.service_id === serviceId;
  return {
    id: b.id,
    slug: b.slug,
    name: b.name,
    description: b.description,
    kind: b.kind,
    category: b.category,
    default_action: b.default_action,
    source: { kind: b.source_kind, description: b.source_description },
    sharing: b.sharing,
    ...(owned ? { shared_with: b.shared_with } : {}),
    enabled: b.enabled,
    owner_service: b.service_slug,
    read_only: !owned,
    created_at: iso(b.created_at),
    updated_at: iso(b.updated_at),
  };
}

export function presentEntry(e: q.EntryRow) {
  return {
    id: e.id,
    bank_id: e.bank_id,
    signal_type: e.signal_type,
    hash: e.hash,
    status: e.status,
    status_reason: e.status_reason,
    provenance: e.provenance,
    created_at: iso(e.created_at),
    updated_at: iso(e.updated_at),
  };
}

/** A bank the service may read, or 404 (a bank not shared with it does not exist for it). */
async function readableBank(db: Db, serviceId: string, bankId: string): Promise<q.BankRow> {
  const bank = await q.findVisibleBank(db, serviceId, bankId);
  if (!bank) throw notFound('Bank');
  return bank;
}

/** A bank the service owns, locked for the change; a bank only shared with it is read-only (403). */
async function ownedBank(tx: Db, serviceId: string, bankId: string): Promise<q.BankRow> {
  const bank = await q.findVisibleBank(tx, serviceId, bankId, true);
  if (!bank) throw notFound('Bank');
  if (bank.service_id !== serviceId) throw new AppError('BANK_READ_ONLY', `The bank "${bank.slug}" belongs to the service "${bank.service_slug}" and is shared read-only`);
  return bank;
}

export async function createBank(db: Db, matcher: BankMatcher, serviceId: string, input: BankInput, actor: AuditActor, requestId: string) {
  const bank = await inTransaction(db, async (tx) => {
    const id = await q.insertBank(tx, {
      serviceId,
      slug: input.slug,
      name: input.name,
      description: input.description ?? null,
      kind: input.kind,
      category: input.category ?? null,
      defaultAction: input.default_action,
      sourceKind: input.source.kind,
      sourceDescription: input.source.description ?? null,
      sharing: input.sharing,
      enabled: input.enabled,
    });
    if (!id) throw new AppError('CONFLICT', `A bank "${input.slug}" already exists in this service`);
    await recordAudit(tx, { serviceId, actor, action: 'bank.created', subjectType: 'bank', subjectId: id, data: { slug: input.slug, kind: input.kind, category: input.category ?? null, sharing: input.sharing, source_kind: input.source.kind }, requestId });
    return (await q.findVisibleBank(tx, serviceId, id)) as q.BankRow;
  });
  await matcher.reloadBanks();
  return presentBank(bank, serviceId);
}

export async function listBanks(db: Db, serviceId: string) {
  return { items: (await q.listVisibleBanks(db, serviceId)).map((b) => presentBank(b, serviceId)) };
}

export async function getBank(db: Db, serviceId: string, bankId: string) {
  return presentBank(await readableBank(db, serviceId, bankId), serviceId);
}

export async function updateBank(db: Db, matcher: BankMatcher, serviceId: string, bankId: string, u: BankUpdate, actor: AuditActor, requestId: string) {
  const bank = await inTransaction(db, async (tx) => {
    const b = await ownedBank(tx, serviceId, bankId);
    if (u.category === undefined && b.kind === 'positive' && b.category === null) throw validationError([{ path: 'body.category', reason: 'required for a positive bank' }]);
    const next = {
      name: u.name ?? b.name,
      description: u.description === undefined ? b.description : u.description,
      category: u.category ?? b.category,
      defaultAction: u.default_action ?? b.default_action,
      sourceKind: u.source?.kind ?? b.source_kind,
      sourceDescription: u.source ? (u.source.description ?? null) : b.source_description,
      sharing: u.sharing ?? b.sharing,
      enabled: u.enabled ?? b.enabled,
    };
    await q.updateBank(tx, bankId, next);
    const changed = Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined));
    await recordAudit(tx, { serviceId, actor, action: 'bank.updated', subjectType: 'bank', subjectId: bankId, data: { changes: changed }, requestId });
    return (await q.findVisibleBank(tx, serviceId, bankId)) as q.BankRow;
  });
  await matcher.reloadBanks();
  return presentBank(bank, serviceId);
}

export async function shareBank(db: Db, matcher: BankMatcher, serviceId: string, bankId: string, targetSlug: string, actor: AuditActor, requestId: string) {
  const bank = await inTransaction(db, async (tx) => {
    const b = await ownedBank(tx, serviceId, bankId);
    const target = await findServiceBySlug(tx, targetSlug);
    if (!target) throw validationError([{ path: 'body.service', reason: `no service "${targetSlug}" on this instance` }]);
    if (target.id === serviceId) throw validationError([{ path: 'body.service', reason: 'the bank already belongs to this service' }]);
    if (await q.insertShare(tx, b.id, target.id)) {
      await recordAudit(tx, { serviceId, actor, action: 'bank.shared', subjectType: 'bank', subjectId: b.id, data: { with_service: target.slug }, requestId });
    }
    return (await q.findVisibleBank(tx, serviceId, bankId)) as q.BankRow;
  });
  await matcher.reloadBanks();
  return presentBank(bank, serviceId);
}

export async function unshareBank(db: Db, matcher: BankMatcher, serviceId: string, bankId: string, targetSlug: string, actor: AuditActor, requestId: string) {
  const bank = await inTransaction(db, async (tx) => {
    const b = await ownedBank(tx, serviceId, bankId);
    const target = await findServiceBySlug(tx, targetSlug);
    if (!target || !(await q.deleteShare(tx, b.id, target.id))) throw notFound('Share');
    await recordAudit(tx, { serviceId, actor, action: 'bank.unshared', subjectType: 'bank', subjectId: b.id, data: { with_service: target.slug }, requestId });
    return (await q.findVisibleBank(tx, serviceId, bankId)) as q.BankRow;
  });
  await matcher.reloadBanks();
  return presentBank(bank, serviceId);
}

interface NewEntry {
  signal_type: SignalType;
  hash: string;
  status: EntryStatus;
  provenance: Record<string, unknown>;
}

function provenanceOf(e: EntryInputT, bank: q.BankRow, actor: AuditActor, importedFrom: string): Record<string, unknown> {
  return {
    source: e.source ?? bank.source_description ?? bank.source_kind,
    ...(e.reference ? { reference: e.reference } : {}),
    ...(e.tags && e.tags.length > 0 ? { tags: [...new Set(e.tags)] } : {}),
    ...(e.note ? { note: e.note } : {}),
    imported_from: importedFrom,
    added_by: actor,
  };
}

/**
 * Writes entries (all validated already) in the caller's transaction: duplicates within the batch and
 * hashes already in the bank are skipped and counted. Large batches are written in chunks.
 */
async function insertAll(tx: Db, bankId: string, entries: NewEntry[]): Promise<{ rows: q.EntryRow[]; duplicates: number; existing: number }> {
  const seen = new Set<string>();
  const unique: NewEntry[] = [];
  for (const e of entries) {
    const key = `${e.signal_type}:${e.hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(e);
  }
  const rows: q.EntryRow[] = [];
  for (let i = 0; i < unique.length; i += 5000) rows.push(...(await q.insertEntries(tx, bankId, unique.slice(i, i + 5000))));
  return { rows, duplicates: entries.length - unique.length, existing: unique.length - rows.length };
}

export async function addEntry(db: Db, matcher: BankMatcher, serviceId: string, bankId: string, input: EntryInputT, actor: AuditActor, requestId: string) {
  const r = await inTransaction(db, async (tx) => {
    const bank = await ownedBank(tx, serviceId, bankId);
    const hash = input.hash.toLowerCase();
    const { rows } = await insertAll(tx, bankId, [{ signal_type: input.signal_type, hash, status: 'active', provenance: provenanceOf(input, bank, actor, 'api') }]);
    const row = rows[0];
    if (!row) {
      const existing = (await q.listEntriesByHash(tx, bankId, input.signal_type, hash)) as q.EntryRow;
      return { row: existing, created: false };
    }
    await recordAudit(tx, { serviceId, actor, action: 'bank.entry_added', subjectType: 'bank_entry', subjectId: String(row.id), data: { bank_id: bankId, signal_type: row.signal_type, hash: row.hash }, requestId });
    return { row, created: true };
  });
  if (r.created) matcher.apply(r.row);
  return { status: r.created ? 201 : 200, body: { ...presentEntry(r.row), already_present: !r.created } };
}

async function addMany(
  db: Db,
  matcher: BankMatcher,
  serviceId: string,
  bankId: string,
  build: (bank: q.BankRow) => NewEntry[],
  how: { action: string; data: Record<string, unknown> },
  actor: AuditActor,
  requestId: string,
) {
  const r = await inTransaction(db, async (tx) => {
    const bank = await ownedBank(tx, serviceId, bankId);
    const entries = build(bank);
    const result = await insertAll(tx, bankId, entries);
    await recordAudit(tx, {
      serviceId,
      actor,
      action: how.action,
      subjectType: 'bank',
      subjectId: bankId,
      data: { ...how.data, received: entries.length, added: result.rows.length, skipped_duplicates: result.duplicates, skipped_existing: result.existing },
      requestId,
    });
    return { ...result, received: entries.length };
  });
  for (const row of r.rows) matcher.apply(row);
  return { received: r.received, added: r.rows.length, skipped_duplicates: r.duplicates, skipped_existing: r.existing };
}

/** Bulk add (JSON): all-or-nothing; the schema has checked every entry before this runs. */
export function addEntries(db: Db, matcher: BankMatcher, serviceId: string, bankId: string, entries: EntryInputT[], actor: AuditActor, requestId: string) {
  return addMany(
    db,
    matcher,
    serviceId,
    bankId,
    (bank) => entries.map((e) => ({ signal_type: e.signal_type, hash: e.hash.toLowerCase(), status: 'active' as const, provenance: provenanceOf(e, bank, actor, 'bulk') })),
    { action: 'bank.entries_added', data: { via: 'bulk' } },
    actor,
    requestId,
  );
}

/**
 * Import of a file: every line is checked first; any bad line refuses the whole file (400, the lines
 * numbered as `body.line.N`, at most MAX_IMPORT_ERRORS listed) and nothing is written.
 */
export async function importFile(
  db: Db,
  matcher: BankMatcher,
  serviceId: string,
  bankId: string,
  text: string,
  opts: { format: ImportFormat; signalType?: SignalType | undefined },
  actor: AuditActor,
  requestId: string,
) {
  // Check the bank (and the caller's right to change it) before reading a large file.
  await inTransaction(db, (tx) => ownedBank(tx, serviceId, bankId));
  let lineCount = 0;
  for (let i = text.indexOf('\n'); i !== -1 && lineCount <= MAX_IMPORT_LINES; i = text.indexOf('\n', i + 1)) lineCount++;
  if (lineCount > MAX_IMPORT_LINES) throw new AppError('PAYLOAD_TOO_LARGE', `An import holds at most ${MAX_IMPORT_LINES} lines; split the file`);
  const parsed = parseBankFile(text, { ...opts, importedFrom: `import:${opts.format === 'auto' ? 'auto' : opts.format}` });
  if (parsed.errors.length > 0) {
    const fields: FieldError[] = parsed.errors.slice(0, MAX_IMPORT_ERRORS).map((e) => ({ path: `body.line.${e.line}`, reason: e.reason }));
    const more = parsed.errors.length - MAX_IMPORT_ERRORS;
    if (more > 0) fields.push({ path: 'body', reason: `and ${more} more invalid line${more === 1 ? '' : 's'} (not listed)` });
    throw new AppError('VALIDATION_FAILED', `${parsed.errors.length} invalid line${parsed.errors.length === 1 ? '' : 's'}; nothing was imported`, fields);
  }
  if (parsed.entries.length === 0) throw validationError([{ path: 'body', reason: 'the file holds no entry' }]);
  const result = await addMany(
    db,
    matcher,
    serviceId,
    bankId,
    (bank) =>
      parsed.entries.map((e) => ({
        signal_type: e.signal_type,
        hash: e.hash,
        status: e.status,
        provenance: { source: bank.source_description ?? bank.source_kind, ...e.provenance, imported_from: `import:${parsed.format}`, added_by: actor },
      })),
    { action: 'bank.entries_imported', data: { format: parsed.format } },
    actor,
    requestId,
  );
  return { format: parsed.format, lines: lineCount + (text.endsWith('\n') || text === '' ? 0 : 1), ignored_lines: parsed.ignored, ...result };
}

export async function listEntries(db: Db, serviceId: string, bankId: string, query: { status?: string | undefined; signal_type?: string | undefined; after?: [number] | undefined; limit: number }) {
  await readableBank(db, serviceId, bankId);
  const rows = await q.listEntries(db, bankId, { status: query.status ?? null, signalType: query.signal_type ?? null, after: query.after?.[0] ?? null, limit: query.limit + 1 });
  const items = rows.slice(0, query.limit);
  const last = items[items.length - 1];
  return { items: items.map(presentEntry), next_cursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null };
}

/**
 * Sets an entry's status with a reason (audited). Retracted and quarantined entries stop matching at
 * once in this process (and at the next poll elsewhere); setting a quarantined entry active is the
 * person's confirmation that flood protection asks for.
 */
export async function setEntryStatus(db: Db, matcher: BankMatcher, serviceId: string, bankId: string, entryId: number, status: EntryStatus, reason: string, actor: AuditActor, requestId: string) {
  const row = await inTransaction(db, async (tx) => {
    await ownedBank(tx, serviceId, bankId);
    const before = await q.findEntry(tx, bankId, entryId);
    if (!before) throw notFound('Bank entry');
    const after = (await q.setEntryStatus(tx, entryId, status, reason)) as q.EntryRow;
    await recordAudit(tx, {
      serviceId,
      actor,
      action: 'bank.entry_status_changed',
      subjectType: 'bank_entry',
      subjectId: String(entryId),
      data: { bank_id: bankId, from: before.status, to: status, reason },
      requestId,
    });
    return after;
  });
  matcher.apply(row);
  return presentEntry(row);
}

/** The bank's entries as a stream (keyset pages of 1000), in our CSV or HMA's signal file format. */
export async function exportBank(db: Db, serviceId: string, bankId: string, format: ExportFormat) {
  const bank = await readableBank(db, serviceId, bankId);
  async function* lines() {
    if (format === 'vigie') yield VIGIE_EXPORT_HEADER;
    let after = 0;
    for (;;) {
      // HMA's format has no status: only entries that match are written there.
      const rows = await q.listEntries(db, bankId, { status: format === 'hma' ? 'active' : null, signalType: null, after, limit: 1000 });
      for (const e of rows) yield exportLine(format, e);
      const last = rows[rows.length - 1];
      if (!last || rows.length < 1000) return;
      after = last.id;
    }
  }
  const filename = `${bank.service_slug}-${bank.slug}.${format === 'hma' ? 'txt' : 'csv'}`;
  return {
    stream: Readable.from(lines()),
    headers: {
      'content-type': format === 'hma' ? 'text/plain; charset=utf-8' : 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  };
}
