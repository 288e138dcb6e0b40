import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../audit/index.ts';
import { AppError, validationError } from '../http/errors.ts';
import { can, defineRoute, type AnyRoute } from '../http/route.ts';
import { EXPORT_FORMATS } from './formats.ts';
import * as s from './schemas.ts';
import { addEntries, addEntry, createBank, exportBank, getBank, importFile, listBanks, listEntries, setEntryStatus, shareBank, unshareBank, updateBank } from './service.ts';
import type { MatchResult } from './matcher.ts';
import { matchEverywhere } from './remote.ts';

const tags = ['banks'];

/** The file of a multipart import: one file part named `file` (or a text field `csv`). */
async function multipartText(req: FastifyRequest): Promise<string> {
  let text: string | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      if (part.fieldname !== 'csv') throw validationError([{ path: part.fieldname, reason: 'unknown field (send a file part "file")' }]);
      text = String(part.value);
    } else {
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw validationError([{ path: part.fieldname, reason: 'unknown file field (use "file")' }]);
      }
      text = (await part.toBuffer()).toString('utf8');
    }
  }
  if (text === undefined) throw validationError([{ path: 'file', reason: 'required: the file to import' }]);
  return text;
}

const ExportQuery = z.object({ format: z.enum(EXPORT_FORMATS).default('vigie') });

export const bankRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks',
    operationId: 'createBank',
    summary: 'Create a hash bank (positive: known content; negative: known false positives)',
    description: 'See docs/banks.md for the model, sharing, negative banks and flood protection.',
    tags,
    access: can('banks:manage'),
    params: s.ServiceParams,
    body: s.BankBody,
    bodyExample: s.BANK_EXAMPLE,
    responses: { 201: { description: 'The bank' } },
    handler: async ({ app, access, body, principal, requestId }) => ({
      status: 201,
      body: await createBank(app.db, app.banks, access.serviceId, body, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/banks',
    operationId: 'listBanks',
    summary: "The service's banks, then those other services share with it (read-only)",
    tags,
    access: can('banks:read'),
    params: s.ServiceParams,
    responses: { 200: { description: 'Banks' } },
    handler: async ({ app, access }) => ({ body: await listBanks(app.db, access.serviceId) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/banks/:bank',
    operationId: 'getBank',
    summary: 'A bank the service owns or that is shared with it',
    tags,
    access: can('banks:read'),
    params: s.BankParams,
    responses: { 200: { description: 'The bank' } },
    handler: async ({ app, access, params }) => ({ body: await getBank(app.db, access.serviceId, params.bank) }),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/v1/services/:service/banks/:bank',
    operationId: 'updateBank',
    summary: 'Change a bank: name, category, default action, source, sharing (private / instance), enabled',
    tags,
    access: can('banks:manage'),
    params: s.BankParams,
    body: s.BankUpdateBody,
    bodyExample: s.BANK_UPDATE_EXAMPLE,
    responses: { 200: { description: 'The bank' } },
    handler: async ({ app, access, params, body, principal, requestId }) => ({
      body: await updateBank(app.db, app.banks, access.serviceId, params.bank, body, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/:bank/shares',
    operationId: 'shareBank',
    summary: 'Share the bank read-only with another service of the instance (by its slug)',
    tags,
    access: can('banks:manage'),
    params: s.BankParams,
    body: s.ShareBody,
    bodyExample: s.SHARE_EXAMPLE,
    responses: { 200: { description: 'The bank, with its shares' } },
    handler: async ({ app, access, params, body, principal, requestId }) => ({
      body: await shareBank(app.db, app.banks, access.serviceId, params.bank, body.service, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/services/:service/banks/:bank/shares/:target',
    operationId: 'unshareBank',
    summary: 'Stop sharing the bank with a service',
    tags,
    access: can('banks:manage'),
    params: s.ShareParams,
    responses: { 200: { description: 'The bank, with its shares' } },
    handler: async ({ app, access, params, principal, requestId }) => ({
      body: await unshareBank(app.db, app.banks, access.serviceId, params.bank, params.target, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/:bank/entries',
    operationId: 'addBankEntry',
    summary: 'Add one hash to a bank (201; 200 with already_present when it is there already)',
    tags,
    access: can('banks:manage'),
    params: s.BankParams,
    body: s.EntryBody,
    bodyExample: s.ENTRY_EXAMPLE,
    responses: { 201: { description: 'The entry' }, 200: { description: 'The entry that was already in the bank' } },
    handler: async ({ app, access, params, body, principal, requestId }) =>
      addEntry(app.db, app.banks, access.serviceId, params.bank, body, actorOf(principal), requestId),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/:bank/entries/bulk',
    operationId: 'addBankEntries',
    summary: `Add up to ${s.MAX_BULK_ENTRIES} hashes at once: all or nothing; duplicates are skipped and counted`,
    tags,
    access: can('banks:manage'),
    params: s.BankParams,
    body: s.BulkBody,
    bodyExample: s.BULK_EXAMPLE,
    responses: { 200: { description: 'Counts: received, added, skipped_duplicates (in the request), skipped_existing (in the bank)' } },
    handler: async ({ app, access, params, body, principal, requestId }) => ({
      body: await addEntries(app.db, app.banks, access.serviceId, params.bank, body.entries, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/:bank/import',
    operationId: 'importBankFile',
    summary: 'Import a file of hashes (our CSV, HMA signal file, ThreatExchange CSV): all or nothing',
    description:
      'The file as `text/csv` or `text/plain`, as JSON `{"csv": "…"}`, or as the part `file` of multipart/form-data. Every line is checked first; ' +
      'any bad line refuses the whole file with `fields: [{path: "body.line.17", reason: …}]` (at most 100 listed). ' +
      `At most ${s.MAX_IMPORT_LINES} lines. Formats in docs/banks.md.`,
    tags,
    access: can('banks:manage'),
    params: s.BankParams,
    query: s.ImportQuery,
    body: s.ImportBody,
    bodyExample: s.IMPORT_EXAMPLE,
    multipart: { description: 'The file in a part named `file`' },
    responses: { 200: { description: 'Counts: lines, added, skipped_duplicates, skipped_existing' } },
    handler: async ({ app, req, access, params, query, body, principal, requestId }) => {
      const text = req.isMultipart() ? await multipartText(req) : typeof body === 'string' ? body : body?.csv;
      if (text === undefined) throw new AppError('VALIDATION_FAILED', 'No file', [{ path: 'body', reason: 'required' }]);
      return { body: await importFile(app.db, app.banks, access.serviceId, params.bank, text, { format: query.format, signalType: query.signal_type }, actorOf(principal), requestId) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/banks/:bank/export',
    operationId: 'exportBank',
    summary: 'The bank as a file, streamed: our CSV (every entry, with its status) or HMA signal file (active entries)',
    tags,
    access: can('banks:read'),
    params: s.BankParams,
    query: ExportQuery,
    responses: { 200: { description: 'text/csv (format=vigie) or text/plain (format=hma)' } },
    handler: async ({ app, access, params, query }) => {
      const r = await exportBank(app.db, access.serviceId, params.bank, query.format);
      return { headers: r.headers, body: r.stream };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/banks/:bank/entries',
    operationId: 'listBankEntries',
    summary: 'Entries of a bank in the order they were added, optionally by status or signal type',
    tags,
    access: can('banks:read'),
    params: s.BankParams,
    query: s.EntriesQuery,
    responses: { 200: { description: 'A page of entries' } },
    handler: async ({ app, access, params, query }) => ({ body: await listEntries(app.db, access.serviceId, params.bank, query) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/:bank/entries/:entry/status',
    operationId: 'setBankEntryStatus',
    summary: 'Mark an entry disputed or retracted (stops matching at once), or active again (confirms a quarantined entry)',
    tags,
    access: can('banks:manage'),
    params: s.EntryParams,
    body: s.StatusBody,
    bodyExample: s.STATUS_EXAMPLE,
    responses: { 200: { description: 'The entry' } },
    handler: async ({ app, access, params, body, principal, requestId }) => ({
      body: await setEntryStatus(app.db, app.banks, access.serviceId, params.bank, params.entry, body.status, body.reason, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/lookup',
    operationId: 'lookupBanks',
    summary: 'Look a hash up in the banks the service can read (no match is counted; screening does that)',
    tags,
    access: can('banks:read'),
    params: s.ServiceParams,
    body: s.LookupBody,
    bodyExample: s.LOOKUP_EXAMPLE,
    responses: { 200: { description: "matches (the service's HMA's too, when it has one), the matches a negative bank suppressed, and remote_errors" } },
    async handler({ app, access, body }) {
      const r = await matchEverywhere(app.banks, app.remoteBanks, access.serviceId, [{ signalType: body.signal_type, hash: body.hash }], { radius: body.radius });
      return { body: { ...(r.results[0] as MatchResult), remote_errors: r.remote_errors } };
    },
  }),
];
