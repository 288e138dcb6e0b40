/**
 * Transparency reports' lifecycle: draft (inputs editable, figures computed live) → frozen (figures stored) →
 * published (immutable: the database refuses any change; export hashes in the row and in the audit log).
 * A correction of a published report is a new version that supersedes it; both stay public.
 */
import crypto from 'node:crypto';
import { canonicalJson, recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { AppError, notFound, validationError, type FieldError } from '../http/errors.ts';
import { computeReport } from './compute.ts';
import { exportHashes, renderExport, renderInput, type ExportFile, type ReportState } from './exports.ts';
import type { ReportFigures } from './figures.ts';
import type { CreateReportBody, ExportFormat, ReportInputs } from './schemas.ts';
import { buildSheets } from './sheets.ts';
import * as q from './sql.ts';
import { MEMBER_STATES, type ProviderKind, type SheetName } from './template.ts';

const DAY_MS = 86_400_000;
/** Annex II: reports cover at most a year (VLOPs half a year). */
const MAX_PERIOD_DAYS = 366;
const todayUtc = () => new Date().toISOString().slice(0, 10);
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

interface Who {
  actor: AuditActor;
  requestId: string | null;
}

/** The figures without their computation time: what a recomputation must reproduce. */
export function figuresDigest(f: ReportFigures): string {
  const { computed_at: _computedAt, ...rest } = f;
  return crypto.createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** Empty figures: placing contextual notes only needs the row structure. */
function skeletonFigures(start: string, end: string): ReportFigures {
  const zeroOrder = { category: 'TOTAL', keyword: null, act_received: 0, act_items: 0, act_median_ack_h: null, act_median_effect_h: null, info_received: 0, info_median_ack_h: null, info_median_effect_h: null };
  return {
    period: { start, end },
    computed_at: new Date(0).toISOString(),
    // Every member state block, so a note on any of them can be placed.
    orders: MEMBER_STATES.map((scope) => ({ ...zeroOrder, scope })),
    notices: [],
    own_initiative_illegal: [],
    own_initiative_tc: [],
    appeals: [],
    automated_means: [],
    totals: { notices: 0, orders: 0, decisions: 0, restrictions: 0, appeals: 0, reinstatements: 0, median_action_h: null, suspensions: 0 },
  };
}

/** Contextual notes must each land in a cell of the template (as a VLOP sees it: every row exists). */
function checkNotes(inputs: ReportInputs, prefix: string): FieldError[] {
  if (!inputs.contextual_notes?.length) return [];
  const kind: ProviderKind = 'vlop';
  const { unplaced } = buildSheets({
    service_name: '',
    provider_name: '',
    provider_kind: kind,
    period: { start: '2000-01-01', end: '2000-01-01' },
    published_on: null,
    previous_published_on: null,
    figures: skeletonFigures('2000-01-01', '2000-01-01'),
    inputs,
  });
  return unplaced.map((u) => ({ path: `${prefix}.contextual_notes.${u.index}`, reason: u.reason }));
}

function checkPeriod(start: string, end: string): FieldError[] {
  const fields: FieldError[] = [];
  const today = todayUtc();
  if (start > today) fields.push({ path: 'body.period_start', reason: `in the future (today is ${today}, UTC)` });
  if (end > today) fields.push({ path: 'body.period_end', reason: `in the future (today is ${today}, UTC): report on a period that has started and ends at the latest today` });
  if (end < start) fields.push({ path: 'body.period_end', reason: 'before period_start: the period is reversed' });
  else if ((dayMs(end) - dayMs(start)) / DAY_MS + 1 > MAX_PERIOD_DAYS) fields.push({ path: 'body.period_end', reason: `a report covers at most one year (${MAX_PERIOD_DAYS} days)` });
  return fields;
}

export async function createReport(db: Db, serviceId: string, body: CreateReportBody, who: Who) {
  const fields = checkPeriod(body.period_start, body.period_end);
  if (body.supersedes && !(body.changes && body.changes.length > 0)) {
    fields.push({ path: 'body.changes', reason: 'a correction lists its changes, each with its reason (Annex II)' });
  }
  if (!body.supersedes && body.changes !== undefined) fields.push({ path: 'body.changes', reason: 'only for a correction (with `supersedes`)' });
  if (body.inputs) fields.push(...checkNotes(body.inputs, 'body.inputs'));
  if (fields.length > 0) throw validationError(fields);

  return inTransaction(db, async (tx) => {
    await q.lockService(tx, serviceId);
    let corrected: q.ReportRow | null = null;
    if (body.supersedes) {
      corrected = await q.findReport(tx, serviceId, body.supersedes);
      if (!corrected || corrected.status !== 'published') {
        throw validationError([{ path: 'body.supersedes', reason: 'not a published report of this service' }]);
      }
    }
    const chain = corrected ? await q.supersededChain(tx, serviceId, corrected.id) : [];
    const overlaps = await q.overlappingPublished(tx, serviceId, body.period_start, body.period_end, chain);
    if (overlaps.length > 0) {
      const o = overlaps[0] as { id: string; period_start: string; period_end: string };
      throw new AppError('CONFLICT', 'The period overlaps a published report: publish a correction of it instead (`supersedes`)', [
        { path: 'body.period_start', reason: `overlaps published report ${o.id} (${o.period_start}/${o.period_end})` },
      ]);
    }
    const row = await q.insertReport(tx, {
      serviceId,
      periodStart: body.period_start,
      periodEnd: body.period_end,
      providerName: body.provider_name,
      serviceName: body.service_name,
      providerKind: body.provider_kind,
      version: corrected ? corrected.version + 1 : 1,
      supersedesId: corrected?.id ?? null,
      changes: body.changes ?? [],
      // A correction starts from the inputs of the report it corrects.
      inputs: body.inputs ?? corrected?.inputs ?? {},
      createdByType: who.actor.type,
      createdBy: who.actor.id,
    });
    await audit(tx, serviceId, who, 'transparency_report.created', row.id, {
      period: { start: row.period_start, end: row.period_end },
      provider_kind: row.provider_kind,
      version: row.version,
      supersedes_id: row.supersedes_id,
      changes: row.changes,
    });
    return row;
  });
}

async function audit(tx: Db, serviceId: string, who: Who, action: string, id: string, data: Record<string, unknown>) {
  await recordAudit(tx, { serviceId, actor: who.actor, action, subjectType: 'transparency_report', subjectId: id, data, requestId: who.requestId });
}

async function mustFind(db: Db, serviceId: string, id: string, forUpdate = false): Promise<q.ReportRow> {
  const row = await q.findReport(db, serviceId, id, { forUpdate });
  if (!row) throw notFound('Transparency report');
  return row;
}

function mustBe(row: q.ReportRow, status: q.ReportRow['status'], doing: string): void {
  if (row.status !== status) {
    throw new AppError('CONFLICT', `Only a ${status} report can be ${doing}; this one is ${row.status}`, [{ path: 'status', reason: `is ${row.status}, must be ${status}` }]);
  }
}

export const listReports = (db: Db, serviceId: string) => q.listReports(db, serviceId, { publishedOnly: false });

/** A report with its figures: stored ones once frozen, computed now for a draft (`figures_live`). */
export async function getReport(db: Db, serviceId: string, id: string): Promise<{ row: q.ReportRow; figures: ReportFigures; live: boolean }> {
  const row = await mustFind(db, serviceId, id);
  if (row.figures) return { row, figures: row.figures, live: false };
  return { row, figures: await computeReport(db, serviceId, { start: row.period_start, end: row.period_end }), live: true };
}

/** Replaces the top-level input sections given (a draft only). */
export async function updateInputs(db: Db, serviceId: string, id: string, patch: ReportInputs, who: Who) {
  return inTransaction(db, async (tx) => {
    const row = await mustFind(tx, serviceId, id, true);
    mustBe(row, 'draft', 'edited');
    const inputs: ReportInputs = { ...row.inputs, ...patch };
    const bad = checkNotes(inputs, 'body');
    if (bad.length > 0) throw validationError(bad);
    await q.updateInputs(tx, id, inputs);
    await audit(tx, serviceId, who, 'transparency_report.inputs_updated', id, { sections: Object.keys(patch).sort() });
    return (await q.findReport(tx, serviceId, id)) as q.ReportRow;
  });
}

/** Computes the figures from the recorded history and stores them; the report's numbers no longer move. */
export async function freezeReport(db: Db, serviceId: string, id: string, who: Who) {
  // Computed before the transaction that stores them (a report's period never changes): outside a transaction the
  // computation can spread over several connections (compute.ts). The status is checked again under the row lock.
  const draft = await mustFind(db, serviceId, id);
  mustBe(draft, 'draft', 'frozen');
  const figures = await computeReport(db, serviceId, { start: draft.period_start, end: draft.period_end });
  return inTransaction(db, async (tx) => {
    const row = await mustFind(tx, serviceId, id, true);
    mustBe(row, 'draft', 'frozen');
    await q.setFrozen(tx, id, figures, new Date());
    await audit(tx, serviceId, who, 'transparency_report.frozen', id, { figures_sha256: figuresDigest(figures), computed_at: figures.computed_at, totals: figures.totals });
    const warnings = row.period_end >= todayUtc() ? ['the period has not ended yet: figures frozen now may differ from a later recomputation'] : [];
    return { row: (await q.findReport(tx, serviceId, id)) as q.ReportRow, warnings };
  });
}

/** Back to draft (frozen only): the stored figures are dropped and the inputs can be edited again. */
export async function unfreezeReport(db: Db, serviceId: string, id: string, who: Who) {
  return inTransaction(db, async (tx) => {
    const row = await mustFind(tx, serviceId, id, true);
    mustBe(row, 'frozen', 'unfrozen');
    await q.setDraft(tx, id);
    await audit(tx, serviceId, who, 'transparency_report.unfrozen', id, { figures_sha256: row.figures ? figuresDigest(row.figures) : null });
    return (await q.findReport(tx, serviceId, id)) as q.ReportRow;
  });
}

/**
 * Publishes a frozen report: renders every export as it will be downloaded (dates pinned to the publication
 * time), records their sha256 in the row and in the audit event; from then on the row is immutable.
 */
export async function publishReport(db: Db, serviceId: string, id: string, who: Who) {
  return inTransaction(db, async (tx) => {
    await q.lockService(tx, serviceId);
    const row = await mustFind(tx, serviceId, id, true);
    mustBe(row, 'frozen', 'published');
    const chain = row.supersedes_id ? await q.supersededChain(tx, serviceId, row.supersedes_id) : [];
    const overlaps = await q.overlappingPublished(tx, serviceId, row.period_start, row.period_end, chain);
    if (overlaps.length > 0) {
      throw new AppError('CONFLICT', 'Another report of this period was published meanwhile', [
        { path: 'period_start', reason: `overlaps published report ${(overlaps[0] as { id: string }).id}` },
      ]);
    }
    if (row.supersedes_id) {
      const corrected = await q.findReport(tx, serviceId, row.supersedes_id);
      if (corrected?.superseded_by) {
        throw new AppError('CONFLICT', 'That report already has a published correction: correct the correction instead', [
          { path: 'supersedes_id', reason: `already superseded by ${corrected.superseded_by}` },
        ]);
      }
    }
    const publishedAt = new Date();
    const state: ReportState = { ...row, status: 'published', published_at: publishedAt };
    const hashes = await exportHashes(await renderInput(tx, state, row.figures as ReportFigures));
    await q.setPublished(tx, id, publishedAt, hashes);
    await audit(tx, serviceId, who, 'transparency_report.published', id, {
      period: { start: row.period_start, end: row.period_end },
      version: row.version,
      supersedes_id: row.supersedes_id,
      published_at: publishedAt.toISOString(),
      figures_sha256: figuresDigest(row.figures as ReportFigures),
      file_hashes: hashes,
    });
    return (await q.findReport(tx, serviceId, id)) as q.ReportRow;
  });
}

/** Deletes a draft or frozen report (the database refuses for a published one). */
export async function deleteReport(db: Db, serviceId: string, id: string, who: Who): Promise<void> {
  await inTransaction(db, async (tx) => {
    const row = await mustFind(tx, serviceId, id, true);
    if (row.status === 'published') throw new AppError('CONFLICT', 'A published report is kept (Annex II: five years); publish a correction instead', [{ path: 'status', reason: 'is published' }]);
    await q.deleteReport(tx, id);
    await audit(tx, serviceId, who, 'transparency_report.deleted', id, { period: { start: row.period_start, end: row.period_end }, status: row.status, version: row.version });
  });
}

/**
 * Recomputes a frozen or published report's figures from the history and compares them with the stored ones
 * (the computation time aside): the check that the report was computed from records, not counters.
 */
export async function recomputeCheck(db: Db, serviceId: string, id: string) {
  const row = await mustFind(db, serviceId, id);
  if (!row.figures) throw new AppError('CONFLICT', 'A draft has no stored figures to check; freeze it first', [{ path: 'status', reason: 'is draft' }]);
  const fresh = await computeReport(db, serviceId, { start: row.period_start, end: row.period_end });
  const stored = figuresDigest(row.figures);
  const recomputed = figuresDigest(fresh);
  return { matches: stored === recomputed, stored_sha256: stored, recomputed_sha256: recomputed, differences: diffPaths(row.figures, fresh) };
}

/** Paths where two figure documents differ (computation time ignored), at most 50. */
function diffPaths(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 50 || path === '.computed_at') return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) diffPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (canonicalJson(a) !== canonicalJson(b)) out.push(path.slice(1));
  return out;
}

/** One export of a report; `publishedOnly` for the public routes (anything else is a 404). */
export async function exportReport(db: Db, serviceId: string, id: string, format: ExportFormat, sheet: SheetName | undefined, opts: { publishedOnly: boolean }): Promise<ExportFile> {
  if (format === 'csv' && !sheet) throw validationError([{ path: 'query.sheet', reason: 'required with format=csv: one of the 11 sheet names, e.g. 4_notices' }]);
  const { row, figures } = opts.publishedOnly ? await publishedReport(db, serviceId, id) : await getReport(db, serviceId, id);
  return renderExport(await renderInput(db, row, figures), format, sheet);
}

/** A published report, or 404 (drafts and frozen reports do not exist publicly). */
export async function publishedReport(db: Db, serviceId: string, id: string): Promise<{ row: q.ReportRow; figures: ReportFigures }> {
  const row = await q.findReport(db, serviceId, id);
  if (!row || row.status !== 'published' || !row.figures) throw notFound('Transparency report');
  return { row, figures: row.figures };
}

export const listPublished = (db: Db, serviceId: string) => q.listReports(db, serviceId, { publishedOnly: true });
