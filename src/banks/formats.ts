/**
 * Bank file formats (docs/banks.md): parsing for imports (every line checked, errors numbered by line)
 * and rendering for exports.
 *
 * - `vigie`: CSV with a header naming its columns: `signal_type,hash` required, then any of `tags`
 *   (space- or semicolon-separated), `reference`, `note`, `source`, `status`; our export writes this.
 * - `hma`: python-threatexchange's signal file (HMA's "file" exchange): one `<signal_type> <hash>` per
 *   line; with `signal_type=` in the query, bare hashes, optionally followed by `,quality[,…]` as the
 *   reference pdq-photo-hasher prints them.
 * - `threatexchange`: the ThreatExchange UI's descriptor CSV download (`td_raw_indicator`, `td_id`,
 *   `td_subjective_tags`, `td_status`, …); the type from a `td_indicator_type`/`type` column or the query.
 */
import { ENTRY_STATUSES, hashProblem, SIGNAL_TYPES, type EntryStatus, type ImportFormat, type SignalType } from './schemas.ts';

export interface ParsedEntry {
  line: number;
  signal_type: SignalType;
  hash: string;
  status: EntryStatus;
  provenance: Record<string, unknown>;
}

export interface ParseResult {
  format: Exclude<ImportFormat, 'auto'>;
  entries: ParsedEntry[];
  errors: Array<{ line: number; reason: string }>;
  /** Lines that hold no entry (blank, comments, header). */
  ignored: number;
}

/** Signal type names accepted in files: ours, HMA's and ThreatExchange's indicator types. */
const SIGNAL_ALIASES: Record<string, SignalType> = {
  pdq: 'pdq',
  hash_pdq: 'pdq',
  md5: 'md5',
  hash_md5: 'md5',
  photo_md5: 'md5',
  video_md5: 'md5',
  hash_video_md5: 'md5',
  sha256: 'sha256',
  hash_sha256: 'sha256',
};

function signalType(name: string): SignalType | undefined {
  return SIGNAL_ALIASES[name.trim().toLowerCase()];
}

/** One CSV line into fields (RFC 4180 quoting within a line; a quoted field cannot span lines here). */
export function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null; // unterminated quote
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i++;
            break;
          }
        } else field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return null;
    } else {
      const next = line.indexOf(',', i);
      field = next === -1 ? line.slice(i) : line.slice(i, next);
      i = next === -1 ? line.length : next;
    }
    out.push(field.trim());
    if (i >= line.length) return out;
    i++; // the comma
  }
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export const csvRow = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\n`;

const tagsOf = (v: string | undefined) => (v ? [...new Set(v.split(/[\s;]+/).filter(Boolean))].slice(0, 50) : []);

function detect(firstLine: string): Exclude<ImportFormat, 'auto'> {
  const lower = firstLine.toLowerCase();
  if (lower.includes('td_raw_indicator')) return 'threatexchange';
  if (/^\s*"?signal_type"?\s*,/.test(lower)) return 'vigie';
  return 'hma';
}

const VIGIE_COLUMNS = ['signal_type', 'hash', 'tags', 'reference', 'note', 'source', 'status'];

/** Parses a whole file; never throws on content (every problem is a numbered line error). */
export function parseBankFile(textIn: string, opts: { format: ImportFormat; signalType?: SignalType | undefined; importedFrom: string }): ParseResult {
  const text = textIn.startsWith('\uFEFF') ? textIn.slice(1) : textIn;
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const firstContent = lines.find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? '';
  const format = opts.format === 'auto' ? detect(firstContent) : opts.format;
  const result: ParseResult = { format, entries: [], errors: [], ignored: 0 };
  let header: string[] | null = null;

  const entry = (line: number, type: SignalType | undefined, rawHash: string | undefined, extra: { tags?: string[]; status?: EntryStatus; provenance?: Record<string, unknown> } = {}) => {
    if (!type) return void result.errors.push({ line, reason: 'signal_type: missing or unknown (pdq, md5, sha256)' });
    const hash = (rawHash ?? '').trim();
    const problem = hashProblem(type, hash);
    if (problem) return void result.errors.push({ line, reason: problem });
    result.entries.push({
      line,
      signal_type: type,
      hash: hash.toLowerCase(),
      status: extra.status ?? 'active',
      provenance: { imported_from: opts.importedFrom, ...(extra.tags && extra.tags.length > 0 ? { tags: extra.tags } : {}), ...extra.provenance },
    });
  };

  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.includes('\u0000')) return void result.errors.push({ line, reason: 'contains a NUL character' });
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      result.ignored++;
      return;
    }
    if (format === 'hma') {
      if (opts.signalType) {
        const fields = trimmed.split(',').map((f) => f.trim());
        const quality = fields[1] !== undefined && /^\d{1,3}$/.test(fields[1]) ? Number(fields[1]) : undefined;
        if (fields[1] !== undefined && fields[1] !== '' && quality === undefined) return void result.errors.push({ line, reason: 'quality: expected an integer 0–100 after the hash' });
        return entry(line, opts.signalType, fields[0], { provenance: quality === undefined ? {} : { quality } });
      }
      const parts = trimmed.split(/\s+/);
      if (parts.length !== 2) return void result.errors.push({ line, reason: 'expected "<signal_type> <hash>" (or give signal_type in the query for bare hashes)' });
      const type = signalType(parts[0] as string);
      const original = (parts[0] as string).toLowerCase();
      return entry(line, type, parts[1], { provenance: type && original !== type ? { original_signal_type: original } : {} });
    }
    const fields = splitCsvLine(raw);
    if (!fields) return void result.errors.push({ line, reason: 'malformed CSV (unterminated or misplaced quote)' });
    if (!header) {
      header = fields.map((f) => f.toLowerCase());
      result.ignored++;
      if (format === 'vigie') {
        const unknown = header.filter((c) => !VIGIE_COLUMNS.includes(c));
        if (unknown.length > 0) result.errors.push({ line, reason: `unknown column(s) ${unknown.join(', ')} (allowed: ${VIGIE_COLUMNS.join(', ')})` });
        if (!header.includes('signal_type') || !header.includes('hash')) result.errors.push({ line, reason: 'header must name the columns signal_type and hash' });
      } else if (!header.includes('td_raw_indicator')) {
        result.errors.push({ line, reason: 'header must name the column td_raw_indicator' });
      }
      return;
    }
    const h = header;
    if (fields.length > h.length) return void result.errors.push({ line, reason: `${fields.length} fields, the header names ${h.length}` });
    const col = (name: string) => {
      const i = h.indexOf(name);
      return i === -1 ? undefined : fields[i] || undefined;
    };
    if (format === 'vigie') {
      const statusText = col('status');
      const status = statusText === undefined ? 'active' : (ENTRY_STATUSES as readonly string[]).includes(statusText) ? (statusText as EntryStatus) : null;
      if (status === null) return void result.errors.push({ line, reason: `status: expected one of ${ENTRY_STATUSES.join(', ')}` });
      const typeText = col('signal_type');
      const type = typeText ? signalType(typeText) : undefined;
      const original = typeText?.toLowerCase();
      return entry(line, type, col('hash'), {
        tags: tagsOf(col('tags')),
        status,
        provenance: {
          ...(col('reference') ? { reference: col('reference') } : {}),
          ...(col('note') ? { note: col('note') } : {}),
          ...(col('source') ? { source: col('source') } : {}),
          ...(type && original !== type ? { original_signal_type: original } : {}),
        },
      });
    }
    // threatexchange
    const typeText = col('td_indicator_type') ?? col('type');
    const type = typeText ? signalType(typeText) : opts.signalType;
    const id = col('td_id') ?? col('id');
    return entry(line, type, col('td_raw_indicator'), {
      tags: tagsOf(col('td_subjective_tags')),
      provenance: {
        ...(id ? { reference: `threatexchange:${id}` } : {}),
        ...(col('td_owner_name') ? { source: col('td_owner_name') } : {}),
        ...(col('td_status') ? { te_status: col('td_status') } : {}),
        ...(col('td_description') ? { note: col('td_description') } : {}),
        ...(typeText ? { original_signal_type: typeText } : {}),
      },
    });
  });
  return result;
}

export const EXPORT_FORMATS = ['vigie', 'hma'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const VIGIE_EXPORT_HEADER = csvRow(['signal_type', 'hash', 'tags', 'reference', 'note', 'source', 'status']);

export function exportLine(format: ExportFormat, e: { signal_type: string; hash: string; status: string; provenance: Record<string, unknown> }): string {
  if (format === 'hma') return `${e.signal_type} ${e.hash}\n`;
  const p = e.provenance;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const tags = Array.isArray(p.tags) ? p.tags.filter((t): t is string => typeof t === 'string').join(' ') : '';
  return csvRow([e.signal_type, e.hash, tags, str(p.reference), str(p.note), str(p.source), e.status]);
}

export { SIGNAL_TYPES };
