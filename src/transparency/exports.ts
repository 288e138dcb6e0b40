/**
 * A report's export files (CSV per sheet, ZIP of the 11 CSVs, XLSX, JSON), rendered from a report row and its
 * figures. Frozen and published reports render from stored values only, with every date inside the files
 * pinned to the row's own timestamps, so the bytes (and their sha256) are the same on every download.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../audit/index.ts';
import type { Db } from '../db/index.ts';
import { csvZip, sheetCsv } from './csv.ts';
import type { ReportFigures } from './figures.ts';
import type { ExportFormat } from './schemas.ts';
import { buildSheets, type ReportDocument, type Sheet } from './sheets.ts';
import { previousPublishedOn, type FileHashes, type ReportRow } from './sql.ts';
import { SHEET_NAMES, type SheetName } from './template.ts';
import { workbookXlsx } from './xlsx.ts';

export const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The fields of a report that its exports show (never who created it, never the derived `superseded_by`). */
export type ReportState = Pick<
  ReportRow,
  'id' | 'service_id' | 'period_start' | 'period_end' | 'provider_name' | 'service_name' | 'provider_kind' | 'status' | 'version' | 'supersedes_id' | 'changes' | 'inputs' | 'frozen_at' | 'published_at'
>;

export interface RenderInput {
  state: ReportState;
  figures: ReportFigures;
  previousPublishedOn: string | null;
}

/** Reads what the exports of `state` depend on besides the row itself. */
export async function renderInput(db: Db, state: ReportState, figures: ReportFigures): Promise<RenderInput> {
  return { state, figures, previousPublishedOn: await previousPublishedOn(db, state.service_id, state.published_at, state.id) };
}

/** The time written inside the files: publication, else freeze, else now (drafts are never hashed). */
const pinnedTime = (s: ReportState) => s.published_at ?? s.frozen_at ?? new Date();

export function reportDocument(r: RenderInput): ReportDocument {
  const s = r.state;
  return {
    service_name: s.service_name,
    provider_name: s.provider_name,
    provider_kind: s.provider_kind,
    period: { start: s.period_start, end: s.period_end },
    published_on: s.published_at ? isoDay(s.published_at) : null,
    previous_published_on: r.previousPublishedOn,
    figures: r.figures,
    inputs: s.inputs,
  };
}

export function sheetsOf(r: RenderInput): Sheet[] {
  return buildSheets(reportDocument(r)).sheets;
}

/** The JSON export: metadata + figures + inputs, keys sorted, so it hashes the same after a jsonb round trip. */
export function reportJson(r: RenderInput): Buffer {
  const s = r.state;
  const doc = {
    format: 'vigie.transparency-report/1',
    template: 'Commission Implementing Regulation (EU) 2024/2835, Annex I',
    report: {
      id: s.id,
      service_name: s.service_name,
      provider_name: s.provider_name,
      provider_kind: s.provider_kind,
      period: { start: s.period_start, end: s.period_end },
      status: s.status,
      version: s.version,
      supersedes_id: s.supersedes_id,
      changes: s.changes,
      frozen_at: s.frozen_at?.toISOString() ?? null,
      published_at: s.published_at?.toISOString() ?? null,
      previous_published_on: r.previousPublishedOn,
    },
    figures: r.figures,
    inputs: s.inputs,
  };
  return Buffer.from(`${canonicalJson(doc)}\n`, 'utf8');
}

export interface ExportFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

const baseName = (s: ReportState) => `transparency-report_${s.period_start}_${s.period_end}_v${s.version}`;

/** One export file. `sheet` is required for `csv`. */
export async function renderExport(r: RenderInput, format: ExportFormat, sheet?: SheetName): Promise<ExportFile> {
  const s = r.state;
  const at = pinnedTime(s);
  switch (format) {
    case 'json':
      return { body: reportJson(r), contentType: 'application/json; charset=utf-8', fileName: `${baseName(s)}.json` };
    case 'csv': {
      const name = sheet ?? '1_report_identification';
      const found = sheetsOf(r).find((x) => x.name === name) as Sheet;
      return { body: sheetCsv(found), contentType: 'text/csv; charset=utf-8; header=present', fileName: `${baseName(s)}_${name}.csv` };
    }
    case 'zip':
      return { body: csvZip(sheetsOf(r), at), contentType: 'application/zip', fileName: `${baseName(s)}.zip` };
    case 'xlsx':
      return {
        body: await workbookXlsx(sheetsOf(r), at, s.provider_name),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        fileName: `${baseName(s)}.xlsx`,
      };
  }
}

/** sha256 of every export of the report (recorded at publication in the row and in the audit event). */
export async function exportHashes(r: RenderInput): Promise<FileHashes> {
  const sheets = sheetsOf(r);
  const at = pinnedTime(r.state);
  const csv: Record<string, string> = {};
  for (const s of sheets) csv[s.name] = sha256(sheetCsv(s));
  if (Object.keys(csv).join() !== SHEET_NAMES.join()) throw new Error('missing sheet');
  return { json: sha256(reportJson(r)), zip: sha256(csvZip(sheets, at)), xlsx: sha256(await workbookXlsx(sheets, at, r.state.provider_name)), csv };
}
