import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Db } from '../db/index.ts';
import { bareHost, BlockedAddressError, netGuardOf, STRICT_GUARD, type NetGuard } from './net-guard.ts';
import { signatureHeader } from './signature.ts';
import { claimDue, finishAttempt, type ClaimedDelivery } from './sql.ts';

export const WEBHOOK_TIMEOUT_MS = 5000;

/** The outbound guard of each open database, set by createVigie from the configuration; unset = STRICT_GUARD. */
const guards = new WeakMap<Db, { guard: NetGuard; agents: Agents }>();

interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/**
 * Keep-alive agents whose sockets resolve host names through the guard's lookup: a pooled socket was
 * checked when it connected, and a new one connects only to an address that passed the check.
 */
function agentsOf(guard: NetGuard): Agents {
  const opts = { keepAlive: true, maxSockets: 20, lookup: guard.lookup };
  return { http: new http.Agent(opts), https: new https.Agent(opts) };
}

const strict = { guard: STRICT_GUARD, agents: agentsOf(STRICT_GUARD) };

/** Applies WEBHOOK_ALLOW_PRIVATE_NETWORKS / WEBHOOK_ALLOWED_HOSTS to the deliveries sent from this database. */
export function configureWebhookNetwork(db: Db, config: Parameters<typeof netGuardOf>[0]): NetGuard {
  const guard = netGuardOf(config);
  guards.set(db, { guard, agents: agentsOf(guard) });
  return guard;
}

/** The guard that applies to endpoint URLs and deliveries of this database. */
export function webhookNetGuard(db: Db): NetGuard {
  return (guards.get(db) ?? strict).guard;
}

/**
 * One POST, through the guard: an IP literal is checked here (sockets do no lookup for those), a host
 * name by the agent's lookup at connect time. Redirects are not followed (a 3xx is a failed attempt).
 * The response body is drained (so the socket can be reused) and not kept; the timeout covers it all.
 */
function post(target: string, headers: Record<string, string>, body: string, timeoutMs: number, g: { guard: NetGuard; agents: Agents }): Promise<number> {
  const u = new URL(target);
  const host = bareHost(u.hostname);
  if (net.isIP(host)) {
    const blocked = g.guard.checkAddress(host, host);
    if (blocked) return Promise.reject(blocked);
  }
  const isHttps = u.protocol === 'https:';
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise<number>((resolve, reject) => {
    const req = (isHttps ? https : http).request(
      {
        protocol: u.protocol,
        hostname: host,
        port: u.port || (isHttps ? 443 : 80),
        path: u.pathname + u.search,
        method: 'POST',
        agent: isHttps ? g.agents.https : g.agents.http,
        lookup: g.guard.lookup,
        signal,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Exponential backoff: 30 s, 1 min, 2 min… capped at 6 h; with 12 attempts a delivery is retried for about a day. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(6 * 3600, 30 * 2 ** Math.max(0, attempts - 1));
}

/** One signed POST's outcome: a 2xx, or why not (`final`: the guard refused the address; retrying will not help). */
export type SendOutcome = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string; final: boolean };

/**
 * POSTs `body` as JSON signed with `secret` (Vigie-Timestamp, Vigie-Signature: docs/webhooks.md) through the guard.
 * Network failures are an outcome, never thrown.
 */
async function send(g: { guard: NetGuard; agents: Agents }, url: string, secret: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<SendOutcome> {
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const status = await post(
      url,
      { 'content-type': 'application/json', ...headers, 'vigie-timestamp': String(timestamp), 'vigie-signature': signatureHeader(secret, timestamp, body) },
      body,
      timeoutMs,
      g,
    );
    if (status >= 200 && status < 300) return { ok: true, statusCode: status };
    return { ok: false, statusCode: status, error: `HTTP ${status}`, final: false };
  } catch (err) {
    // The guard refused every address of the host: this will not change without a configuration change
    // (WEBHOOK_ALLOW_PRIVATE_NETWORKS / WEBHOOK_ALLOWED_HOSTS), so the sender gives up at once.
    const blocked = err instanceof BlockedAddressError ? err : (err as { cause?: unknown }).cause instanceof BlockedAddressError ? ((err as { cause: BlockedAddressError }).cause) : null;
    if (blocked) return { ok: false, statusCode: null, error: blocked.message, final: true };
    const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    const message = timedOut ? `timeout after ${timeoutMs} ms` : (e.code ?? e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, statusCode: null, error: message, final: false };
  }
}

/**
 * The webhooks' signed, SSRF-guarded POST for other domains' callbacks (orders: messages to authorities), through
 * the guard configured for `db` by configureWebhookNetwork — pass that root handle: a transaction has none (then
 * STRICT_GUARD applies). `headers` add to content-type and the signature headers.
 */
export function sendSigned(db: Db, url: string, secret: string, body: string, headers: Record<string, string>, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<SendOutcome> {
  return send(guards.get(db) ?? strict, url, secret, body, headers, timeoutMs);
}

async function attempt(db: Db, d: ClaimedDelivery, timeoutMs: number, g: { guard: NetGuard; agents: Agents }): Promise<string> {
  const started = Date.now();
  const finish = (ok: boolean, statusCode: number | null, error: string | null, giveUp = false) =>
    finishAttempt(db, d, { ok, giveUp, statusCode, error: error?.slice(0, 1000) ?? null, durationMs: Date.now() - started, retryInSeconds: retryDelaySeconds(d.attempts) });
  // A disabled endpoint gets nothing more: its pending deliveries end dead (an admin may replay them).
  if (!d.active) return finish(false, null, 'endpoint disabled', true);
  const headers = { 'user-agent': 'Vigie-Webhooks/1', 'vigie-event-id': d.event_id, 'vigie-event-type': d.event_type };
  const r = await send(g, d.url, d.secret, JSON.stringify(d.payload), headers, timeoutMs);
  // A blocked address ends the delivery dead at once; an admin can replay it after fixing the endpoint or the configuration.
  return r.ok ? finish(true, r.statusCode, null) : finish(false, r.statusCode, r.error, r.final);
}

/**
 * Sends the due deliveries (a batch, concurrently), after the commits that queued them and outside any
 * transaction: a slow receiver holds no lock and no connection, and costs at most `timeoutMs`.
 * Returns how many were attempted.
 */
export async function deliverDue(db: Db, opts: { timeoutMs?: number; batch?: number } = {}): Promise<number> {
  const g = guards.get(db) ?? strict;
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const leaseSeconds = Math.max(60, Math.ceil((timeoutMs * 3) / 1000));
  const claimed = await claimDue(db, opts.batch ?? 20, leaseSeconds);
  await Promise.all(claimed.map((d) => attempt(db, d, timeoutMs, g)));
  return claimed.length;
}
