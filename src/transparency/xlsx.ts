/**
 * The XLSX workbook: the 11 template sheets with their names, built with exceljs. exceljs (through JSZip)
 * stamps every ZIP entry with the current time, so the same report would hash differently on each download;
 * we re-pack its entries with fflate under one fixed time (the report's publication or freeze time), and pin
 * the document properties' dates to the same time: a published report's workbook is then the same bytes on
 * every download, and its hash in the audit log can be checked by anyone.
 */
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { zipTime } from './csv.ts';
import type { Sheet } from './sheets.ts';

export async function workbookXlsx(sheets: Sheet[], at: Date, creator: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = creator;
  wb.lastModifiedBy = creator;
  wb.created = at;
  wb.modified = at;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    ws.addRow(s.header);
    // Numbers stay numbers; blanks stay empty cells; text is written as text (never as a formula).
    for (const r of s.rows) ws.addRow(r.map((c) => (c === null ? null : c)));
    ws.getRow(1).font = { bold: true };
  }
  const raw = new Uint8Array(await wb.xlsx.writeBuffer());
  const entries = unzipSync(raw);
  return Buffer.from(zipSync(entries, { level: 6, mtime: zipTime(at) }));
}
