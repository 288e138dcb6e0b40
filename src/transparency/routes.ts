import { actorOf } from '../audit/index.ts';
import { can, defineRoute, PUBLIC, type AnyRoute, type HandlerContext } from '../http/route.ts';
import { sha256, type ExportFile } from './exports.ts';
import { presentListItem, presentPublicItem, presentPublicReport, presentReport } from './present.ts';
import * as s from './schemas.ts';
import * as svc from './service.ts';

const tags = ['transparency'];
const BASE = '/v1/services/:service/transparency/reports';
const PUBLIC_BASE = '/v1/public/services/:service/transparency/reports';

const who = (c: HandlerContext<unknown, unknown, unknown>) => ({ actor: actorOf(c.principal), requestId: c.requestId });

/** A file download; the sha256 lets a reader compare with the hash recorded at publication. */
function download(f: ExportFile, cache: string) {
  return {
    body: f.body,
    headers: {
      'content-type': f.contentType,
      'content-disposition': `attachment; filename="${f.fileName}"`,
      'x-content-sha256': sha256(f.body),
      'cache-control': cache,
    },
  };
}

const EXPORT_DESCRIPTION =
  '`format=csv&sheet=<sheet>` one sheet of the template as CSV (RFC 4180, UTF-8); `zip` the 11 CSVs named `<sheet>.csv`; ' +
  '`xlsx` the workbook with the 11 sheets; `json` figures + inputs + metadata. Frozen and published reports are rendered ' +
  'from their stored figures with dates pinned to the report: the same bytes on every download (header `X-Content-SHA256`).';

export const transparencyReportRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: BASE,
    operationId: 'createTransparencyReport',
    summary: 'Start a transparency report (draft) for a period, or a correction of a published one',
    description:
      'Period: inclusive UTC days, not reversed, not in the future, at most one year. A period that overlaps a published ' +
      'report of the service is a 409 unless the new report corrects it (`supersedes` + `changes`, each change with its reason).',
    tags,
    access: can('reports:manage'),
    params: s.ServiceParams,
    body: s.CreateReportBody,
    bodyExample: s.CREATE_EXAMPLE,
    responses: { 201: { description: 'The draft report' } },
    async handler(c) {
      const row = await svc.createReport(c.app.db, c.access.serviceId, c.body, who(c));
      return { status: 201, body: presentListItem(row, c.access.slug) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: BASE,
    operationId: 'listTransparencyReports',
    summary: "The service's transparency reports (every status), newest period first",
    tags,
    access: can('reports:read'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Reports, without their figures' } },
    handler: async ({ app, access }) => ({ body: { items: (await svc.listReports(app.db, access.serviceId)).map((r) => presentListItem(r, access.slug)) } }),
  }),
  defineRoute({
    method: 'GET',
    url: `${BASE}/:id`,
    operationId: 'getTransparencyReport',
    summary: 'A transparency report with its figures (live for a draft, stored once frozen) and inputs',
    tags,
    access: can('reports:read'),
    params: s.ReportParams,
    responses: { 200: { description: 'The report' } },
    async handler({ app, access, params }) {
      const r = await svc.getReport(app.db, access.serviceId, params.id);
      return { body: presentReport(r.row, r.figures, r.live, access.slug) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    url: `${BASE}/:id`,
    operationId: 'updateTransparencyReportInputs',
    summary: 'Set the admin inputs of a draft: human resources, AMAR, qualitative texts, notes (each section given replaces the stored one)',
    description: 'Languages: the 24 official EU languages (lower-case); member states: EU codes with EL for Greece; texts ≤ 5 000 characters.',
    tags,
    access: can('reports:manage'),
    params: s.ReportParams,
    body: s.ReportInputs,
    bodyExample: s.INPUTS_EXAMPLE,
    responses: { 200: { description: 'The report (without figures)' } },
    async handler(c) {
      const row = await svc.updateInputs(c.app.db, c.access.serviceId, c.params.id, c.body, who(c));
      return { body: { ...presentListItem(row, c.access.slug), inputs: row.inputs } };
    },
  }),
  defineRoute({
    method: 'DELETE',
    url: `${BASE}/:id`,
    operationId: 'deleteTransparencyReport',
    summary: 'Delete a draft or frozen report (a published one is kept)',
    tags,
    access: can('reports:manage'),
    params: s.ReportParams,
    responses: { 204: { description: 'Deleted' } },
    async handler(c) {
      await svc.deleteReport(c.app.db, c.access.serviceId, c.params.id, who(c));
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${BASE}/:id/freeze`,
    operationId: 'freezeTransparencyReport',
    summary: 'Compute the figures from the recorded history and store them (draft → frozen)',
    tags,
    access: can('reports:manage'),
    params: s.ReportParams,
    responses: { 200: { description: 'The frozen report with its figures, and warnings' } },
    async handler(c) {
      const r = await svc.freezeReport(c.app.db, c.access.serviceId, c.params.id, who(c));
      return { body: { ...presentReport(r.row, r.row.figures as NonNullable<typeof r.row.figures>, false, c.access.slug), warnings: r.warnings } };
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${BASE}/:id/unfreeze`,
    operationId: 'unfreezeTransparencyReport',
    summary: 'Drop the stored figures of a frozen report (frozen → draft)',
    tags,
    access: can('reports:manage'),
    params: s.ReportParams,
    responses: { 200: { description: 'The draft report' } },
    async handler(c) {
      const row = await svc.unfreezeReport(c.app.db, c.access.serviceId, c.params.id, who(c));
      return { body: presentListItem(row, c.access.slug) };
    },
  }),
  defineRoute({
    method: 'POST',
    url: `${BASE}/:id/publish`,
    operationId: 'publishTransparencyReport',
    summary: 'Publish a frozen report: the sha256 of each export is recorded in the report and the audit log; the report is then immutable',
    tags,
    access: can('reports:manage'),
    params: s.ReportParams,
    responses: { 200: { description: 'The published report' } },
    async handler(c) {
      const row = await svc.publishReport(c.app.db, c.access.serviceId, c.params.id, who(c));
      return { body: presentListItem(row, c.access.slug) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${BASE}/:id/check`,
    operationId: 'checkTransparencyReport',
    summary: 'Recompute a frozen or published report from the history and compare with its stored figures',
    tags,
    access: can('reports:read'),
    params: s.ReportParams,
    responses: { 200: { description: '`matches`, both digests and the differing paths' } },
    handler: async ({ app, access, params }) => ({ body: await svc.recomputeCheck(app.db, access.serviceId, params.id) }),
  }),
  defineRoute({
    method: 'GET',
    url: `${BASE}/:id/export`,
    operationId: 'exportTransparencyReport',
    summary: 'Download a report in the harmonised template (CSV sheet, ZIP of CSVs, XLSX) or as JSON',
    description: EXPORT_DESCRIPTION,
    tags,
    access: can('reports:read'),
    params: s.ReportParams,
    query: s.ExportQuery,
    responses: { 200: { description: 'The file' } },
    async handler({ app, access, params, query }) {
      const f = await svc.exportReport(app.db, access.serviceId, params.id, query.format, query.sheet, { publishedOnly: false });
      return download(f, 'no-store');
    },
  }),
];

export const publicTransparencyRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    url: PUBLIC_BASE,
    operationId: 'listPublicTransparencyReports',
    summary: "A service's published transparency reports (every version), newest period first",
    description: 'Each with its period, version, publication time, the sha256 of its files (as in the audit log), download links and headline totals.',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.ServiceParams,
    responses: { 200: { description: 'Published reports' } },
    handler: async ({ app, access }) => ({
      body: { items: (await svc.listPublished(app.db, access.serviceId)).map((r) => presentPublicItem(r, access.slug)) },
      headers: { 'cache-control': 'public, max-age=60' },
    }),
  }),
  defineRoute({
    method: 'GET',
    url: `${PUBLIC_BASE}/:id`,
    operationId: 'getPublicTransparencyReport',
    summary: 'A published transparency report with its figures and texts',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.ReportParams,
    responses: { 200: { description: 'The report' }, 404: { description: 'No such published report' } },
    async handler({ app, access, params }) {
      const r = await svc.publishedReport(app.db, access.serviceId, params.id);
      return { body: presentPublicReport(r.row, r.figures, access.slug), headers: { 'cache-control': 'public, max-age=300' } };
    },
  }),
  defineRoute({
    method: 'GET',
    url: `${PUBLIC_BASE}/:id/export`,
    operationId: 'exportPublicTransparencyReport',
    summary: 'Download a published report (same bytes as hashed at publication)',
    description: EXPORT_DESCRIPTION,
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: s.ReportParams,
    query: s.ExportQuery,
    responses: { 200: { description: 'The file' }, 404: { description: 'No such published report' } },
    async handler({ app, access, params, query }) {
      const f = await svc.exportReport(app.db, access.serviceId, params.id, query.format, query.sheet, { publishedOnly: true });
      // Immutable once published: caches may keep it.
      return download(f, 'public, max-age=86400, immutable');
    },
  }),
];
