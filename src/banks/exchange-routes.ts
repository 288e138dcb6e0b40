import { z } from 'zod';
import { actorOf } from '../audit/index.ts';
import { validationError } from '../http/errors.ts';
import { netGuardOf } from '../webhooks/index.ts';
import { can, defineRoute, PUBLIC, type AnyRoute } from '../http/route.ts';
import {
  createGrant,
  EXCHANGE_TOKEN_HEADER,
  ExchangeQuery,
  exchangePage,
  getPartnerSource,
  listGrants,
  PARTNER_SOURCE_EXAMPLE,
  PartnerSourceBody,
  revokeGrant,
  setPartnerSource,
  syncPartnerBank,
} from './exchange.ts';
import { BankParams } from './schemas.ts';

const tags = ['banks'];

const GRANT_EXAMPLE = { partner: 'Vigie of forum.example (trust & safety team)' };
const GrantBody = z.strictObject({ partner: z.string().trim().min(1).max(200) }).meta({ example: GRANT_EXAMPLE });
const GrantParams = z.object({ service: z.string(), bank: z.uuid(), grant: z.uuid() });
const ExchangeParams = z.object({ bank: z.uuid() });

/** Partner exchange between Vigie instances (docs/banks.md, "Partner exchange"). */
export const bankExchangeRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/:bank/exchange-grants',
    operationId: 'createBankExchangeGrant',
    summary: 'Let a partner Vigie instance pull this bank: the token is shown once',
    description: `The partner sends the token as \`${EXCHANGE_TOKEN_HEADER}\` to GET /v1/exchange/banks/{bank}/entries.`,
    tags,
    access: can('banks:manage'),
    params: BankParams,
    body: GrantBody,
    bodyExample: GRANT_EXAMPLE,
    responses: { 201: { description: 'The grant, with its token (vxg_<id>_<secret>), shown only here' } },
    handler: async ({ app, access, params, body, principal, requestId }) => ({
      status: 201,
      body: await createGrant(app.db, access.serviceId, params.bank, body.partner, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/banks/:bank/exchange-grants',
    operationId: 'listBankExchangeGrants',
    summary: 'Grants given on the bank (never their tokens)',
    tags,
    access: can('banks:manage'),
    params: BankParams,
    responses: { 200: { description: 'The grants' } },
    handler: async ({ app, access, params }) => ({ body: await listGrants(app.db, access.serviceId, params.bank) }),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/services/:service/banks/:bank/exchange-grants/:grant',
    operationId: 'revokeBankExchangeGrant',
    summary: 'Revoke a grant: its token stops working at once',
    tags,
    access: can('banks:manage'),
    params: GrantParams,
    responses: { 200: { description: 'The grant, revoked' } },
    handler: async ({ app, access, params, principal, requestId }) => ({
      body: await revokeGrant(app.db, access.serviceId, params.bank, params.grant, actorOf(principal), requestId),
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/exchange/banks/:bank/entries',
    operationId: 'pullExchangeEntries',
    summary: "A partner's pull: a signed page of the bank's entries changed after the cursor (every status)",
    description:
      `Authenticated by an exchange grant token in \`${EXCHANGE_TOKEN_HEADER}\` (an unknown, revoked or other bank's token answers 404). ` +
      'Entries in (updated_at, id) order; `next_cursor` goes on from the page; `has_more: false` on the last page. ' +
      'Signed: `Vigie-Signature: v1=<hex HMAC-SHA256(grant secret, "<Vigie-Timestamp>.<raw body>")>`.',
    tags,
    access: PUBLIC,
    rateLimit: 'public',
    params: ExchangeParams,
    query: ExchangeQuery,
    headers: [{ name: EXCHANGE_TOKEN_HEADER, description: 'The exchange grant token vxg_<id>_<secret>', required: true }],
    responses: { 200: { description: '{bank, items: [{signal_type, hash, status, provenance, updated_at}], next_cursor, has_more}' } },
    handler: async ({ app, req, params, query }) => {
      const sent = req.headers[EXCHANGE_TOKEN_HEADER];
      const r = await exchangePage(app.db, typeof sent === 'string' ? sent : undefined, params.bank, query);
      return { headers: r.headers, body: r.body };
    },
  }),
  defineRoute({
    method: 'PUT',
    url: '/v1/services/:service/banks/:bank/partner-source',
    operationId: 'setBankPartnerSource',
    summary: "Make a positive bank a mirror of a partner Vigie instance's bank (its entries URL and grant token)",
    description: 'The token is stored encrypted and never returned. Setting the source again restarts from the first page.',
    tags,
    access: can('banks:manage'),
    params: BankParams,
    body: PartnerSourceBody,
    bodyExample: PARTNER_SOURCE_EXAMPLE,
    responses: { 200: { description: 'The partner source (without the token)' } },
    async handler({ app, access, params, body, principal, requestId }) {
      // The same outbound rule as webhooks: no loopback, private, link-local or metadata addresses.
      const blocked = netGuardOf(app.config).checkEndpointUrl(body.url);
      if (blocked) throw validationError([{ path: 'body.url', reason: blocked }]);
      return { body: await setPartnerSource(app.db, app.banks, app.config.dataDir, access.serviceId, params.bank, body, actorOf(principal), requestId) };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/services/:service/banks/:bank/partner-source',
    operationId: 'getBankPartnerSource',
    summary: "The bank's partner source: URL, cursor, last sync and last error (never the token)",
    tags,
    access: can('banks:read'),
    params: BankParams,
    responses: { 200: { description: 'The partner source' } },
    handler: async ({ app, access, params }) => ({ body: await getPartnerSource(app.db, access.serviceId, params.bank) }),
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/services/:service/banks/:bank/sync',
    operationId: 'syncBankFromPartner',
    summary: 'Pull every page the partner has since the stored cursor, check each signature, apply it (statuses included)',
    description: 'Answers 200 with a report; `ok: false` and `error` when the partner could not be read (the pages already applied stay).',
    tags,
    access: can('banks:manage'),
    params: BankParams,
    responses: { 200: { description: '{ok, pages, received, added, updated, cursor, error}' } },
    handler: async ({ app, access, params, principal, requestId }) => ({
      body: await syncPartnerBank(app.db, app.banks, app.config.dataDir, access.serviceId, params.bank, actorOf(principal), requestId),
    }),
  }),
];
