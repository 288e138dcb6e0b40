/**
 * Idempotency-Key on API intake (notices, orders): the first response is recorded in `idempotency_keys` under
 * (service, scope, key) for 24 hours, and a retry with the same key gets it again — if its body is the same request
 * (same hash); another body under a used key is refused.
 */
import { sql, type Db } from '../db/index.ts';
import { AppError } from './errors.ts';

export interface IdempotentResponse {
  request_hash: string;
  status_code: number;
  response: unknown;
}

export async function findIdempotent(db: Db, serviceId: string, scope: string, key: string): Promise<IdempotentResponse | undefined> {
  const r = await sql<IdempotentResponse>`
    select request_hash, status_code, response from idempotency_keys
    where service_id = ${serviceId} and scope = ${scope} and key = ${key} and created_at > now() - interval '24 hours'`.execute(db);
  return r.rows[0];
}

/** Records a 201 response under the key (in the transaction that created what it answers). */
export async function recordIdempotent(db: Db, serviceId: string, scope: string, key: string, requestHash: string, response: unknown): Promise<void> {
  await sql`insert into idempotency_keys (service_id, scope, key, request_hash, status_code, response)
            values (${serviceId}, ${scope}, ${key}, ${requestHash}, 201, ${JSON.stringify(response)}::jsonb)`.execute(db);
}

/** The recorded answer to replay, or IDEMPOTENCY_KEY_REUSED when the key came with another request (`what`: "notice"). */
export function replayIdempotent(prior: IdempotentResponse, requestHash: string, what: string): { status: number; response: unknown } {
  if (prior.request_hash !== requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body', [
      { path: 'headers.idempotency-key', reason: `already used for another ${what}` },
    ]);
  }
  return { status: prior.status_code, response: prior.response };
}
