/**
 * CSV exports of the template sheets (Annex II §4: RFC 4180, UTF-8) and the ZIP bundle of the 11 CSVs named
 * `N_<sheet>.csv` as publishers ship them. Output is a pure function of the sheets and `mtime`, so a published
 * report's files hash the same every time they are downloaded.
 */
import { stringify } from 'csv-stringify/sync';
import { zipSync } from 'fflate';
import type { Cell, Sheet } from './sheets.ts';

/** A number as the template wants it: plain digits, `.` for decimals, never an exponent or a separator. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

const text = (c: Cell): string => (c === null ? '' : typeof c === 'number' ? formatNumber(c) : c);

/**
 * One sheet as CSV: header row then data rows, comma, CRLF record ends (RFC 4180), quoted only when needed.
 * `quoted_match` also quotes a lone CR or LF inside a cell: csv-stringify quotes only the configured record
 * delimiter by default, and a bare newline in free text would otherwise split the record for RFC readers.
 */
export function sheetCsv(sheet: Sheet): Buffer {
  const out = stringify([sheet.header, ...sheet.rows.map((r) => r.map(text))], { record_delimiter: 'windows', quoted_match: /[\r\n]/ });
  return Buffer.from(out, 'utf8');
}

/** The file name of a sheet inside the ZIP bundle. */
export const csvFileName = (sheet: Sheet) => `${sheet.name}.csv`;

/**
 * The 11 CSVs in one ZIP. ZIP entries carry a local (DOS) time: we pass a Date whose local fields are `at`'s
 * UTC fields, so the bytes do not depend on the server's time zone.
 */
export function csvZip(sheets: Sheet[], at: Date): Buffer {
  const files: Record<string, Uint8Array> = {};
  for (const s of sheets) files[csvFileName(s)] = sheetCsv(s);
  return Buffer.from(zipSync(files, { level: 6, mtime: zipTime(at) }));
}

/** A Date whose local-time fields equal `at`'s UTC fields (ZIP stores local DOS times; see csvZip). */
export function zipTime(at: Date): Date {
  const t = new Date(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds());
  // DOS times start in 1980.
  return t.getFullYear() < 1980 ? new Date(1980, 0, 1) : t;
}
