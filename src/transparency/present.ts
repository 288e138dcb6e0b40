/** The JSON shapes of reports: for members (admin screens) and for the public transparency page. */
import type { ReportFigures } from './figures.ts';
import { EXPORT_FORMATS } from './schemas.ts';
import type { ReportRow } from './sql.ts';
import { SHEET_NAMES } from './template.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Download links of every export (public or member path). */
export function exportLinks(base: string) {
  const formats = Object.fromEntries(EXPORT_FORMATS.filter((f) => f !== 'csv').map((f) => [f, `${base}/export?format=${f}`]));
  const csv = Object.fromEntries(SHEET_NAMES.map((s) => [s, `${base}/export?format=csv&sheet=${s}`]));
  return { ...formats, csv } as { json: string; zip: string; xlsx: string; csv: Record<string, string> };
}

function summary(r: ReportRow) {
  return {
    id: r.id,
    period: { start: r.period_start, end: r.period_end },
    provider_name: r.provider_name,
    service_name: r.service_name,
    provider_kind: r.provider_kind,
    status: r.status,
    version: r.version,
    supersedes_id: r.supersedes_id,
    superseded_by: r.superseded_by,
    changes: r.changes,
    computed_at: iso(r.computed_at),
    frozen_at: iso(r.frozen_at),
    published_at: iso(r.published_at),
    file_hashes: r.file_hashes,
  };
}

const memberBase = (slug: string, id: string) => `/v1/services/${slug}/transparency/reports/${id}`;
const publicBase = (slug: string, id: string) => `/v1/public/services/${slug}/transparency/reports/${id}`;

export function presentListItem(r: ReportRow, slug: string) {
  return { ...summary(r), created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString(), links: exportLinks(memberBase(slug, r.id)) };
}

export function presentReport(r: ReportRow, figures: ReportFigures, live: boolean, slug: string) {
  return {
    ...presentListItem(r, slug),
    created_by: r.created_by === null ? null : { type: r.created_by_type, id: r.created_by },
    figures_live: live,
    figures,
    inputs: r.inputs,
  };
}

/**
 * A published report in the public list: enough for the public page to draw its summary charts (`totals`)
 * and link every file with the sha256 recorded in the audit log, without loading the full figures.
 */
export function presentPublicItem(r: ReportRow, slug: string) {
  const { status: _status, computed_at: _c, frozen_at: _f, ...rest } = summary(r);
  return { ...rest, totals: r.figures?.totals ?? null, url: publicBase(slug, r.id), links: exportLinks(publicBase(slug, r.id)) };
}

export function presentPublicReport(r: ReportRow, figures: ReportFigures, slug: string) {
  return { ...presentPublicItem(r, slug), figures, inputs: r.inputs };
}
