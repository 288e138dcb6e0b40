import type { Db } from '../db/index.ts';
import { signatureHeader } from './signature.ts';
import { claimDue, finishAttempt, type ClaimedDelivery } from './sql.ts';

export const WEBHOOK_TIMEOUT_MS = 5000;

/** Exponential backoff: 30 s, 1 min, 2 min… capped at 6 h; with 12 attempts a delivery is retried for about a day. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(6 * 3600, 30 * 2 ** Math.max(0, attempts - 1));
}

async function attempt(db: Db, d: ClaimedDelivery, timeoutMs: number): Promise<string> {
  const started = Date.now();
  const finish = (ok: boolean, statusCode: number | null, error: string | null, giveUp = false) =>
    finishAttempt(db, d, { ok, giveUp, statusCode, error: error?.slice(0, 1000) ?? null, durationMs: Date.now() - started, retryInSeconds: retryDelaySeconds(d.attempts) });
  // A disabled endpoint gets nothing more: its pending deliveries end dead (an admin may replay them).
  if (!d.active) return finish(false, null, 'endpoint disabled', true);
  const body = JSON.stringify(d.payload);
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Vigie-Webhooks/1',
        'vigie-event-id': d.event_id,
        'vigie-event-type': d.event_type,
        'vigie-timestamp': String(timestamp),
        'vigie-signature': signatureHeader(d.secret, timestamp, body),
      },
      body,
    });
    // Drain (bounded by the same timeout) so the connection can be reused; the content is not kept.
    await res.arrayBuffer().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return finish(true, res.status, null);
    return finish(false, res.status, `HTTP ${res.status}`);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const message = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timeout after ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return finish(false, null, message);
  }
}

/**
 * Sends the due deliveries (a batch, concurrently), after the commits that queued them and outside any
 * transaction: a slow receiver holds no lock and no connection, and costs at most `timeoutMs`.
 * Returns how many were attempted.
 */
export async function deliverDue(db: Db, opts: { timeoutMs?: number; batch?: number } = {}): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const leaseSeconds = Math.max(60, Math.ceil((timeoutMs * 3) / 1000));
  const claimed = await claimDue(db, opts.batch ?? 20, leaseSeconds);
  await Promise.all(claimed.map((d) => attempt(db, d, timeoutMs)));
  return claimed.length;
}
