import { sql, type Db } from '../db/index.ts';

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  created_at: Date;
  disabled_at: Date | null;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  attempted_at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** A delivery claimed for an attempt, with what the sender needs. */
export interface ClaimedDelivery {
  id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  url: string;
  secret: string;
  active: boolean;
}

export interface EventRow {
  id: string;
  type: string;
  payload: unknown;
  created_at: Date;
  feed_seq: number;
  effective_at: Date | null;
  confirmed_at: Date | null;
}

/** The event, and one delivery per active endpoint subscribed to its type: one statement. */
export async function insertEvent(db: Db, e: { id: string; serviceId: string; type: string; decisionId: string; payload: unknown }): Promise<number> {
  const r = await sql<{ n: number }>`
    with ev as (
      insert into platform_events (id, service_id, type, decision_id, payload)
      values (${e.id}, ${e.serviceId}, ${e.type}, ${e.decisionId}, ${JSON.stringify(e.payload)}::jsonb)
      returning id, service_id, type, payload
    ), pending as (
      insert into platform_event_pending (event_id, service_id) select id, service_id from ev
    ), d as (
      insert into webhook_deliveries (service_id, endpoint_id, event_id, event_type, payload)
      select ev.service_id, w.id, ev.id, ev.type, ev.payload
      from ev join webhook_endpoints w on w.service_id = ev.service_id and w.active and ev.type = any(w.events)
      returning 1
    )
    select count(*)::int as n from d`.execute(db);
  return r.rows[0]?.n ?? 0;
}

export async function insertEndpoint(db: Db, e: { serviceId: string; url: string; description: string | null; secret: string; events: string[] }): Promise<EndpointRow> {
  const r = await sql<EndpointRow>`
    insert into webhook_endpoints (service_id, url, description, secret, events)
    values (${e.serviceId}, ${e.url}, ${e.description}, ${e.secret},
            array(select jsonb_array_elements_text(${JSON.stringify(e.events)}::jsonb)))
    returning id, url, description, events, active, created_at, disabled_at`.execute(db);
  return r.rows[0] as EndpointRow;
}

export async function listEndpoints(db: Db, serviceId: string): Promise<EndpointRow[]> {
  const r = await sql<EndpointRow>`
    select id, url, description, events, active, created_at, disabled_at from webhook_endpoints
    where service_id = ${serviceId} order by created_at, id`.execute(db);
  return r.rows;
}

export async function findEndpoint(db: Db, serviceId: string, id: string): Promise<EndpointRow | undefined> {
  const r = await sql<EndpointRow>`
    select id, url, description, events, active, created_at, disabled_at from webhook_endpoints
    where service_id = ${serviceId} and id = ${id}`.execute(db);
  return r.rows[0];
}

export async function disableEndpoint(db: Db, serviceId: string, id: string): Promise<EndpointRow | undefined> {
  const r = await sql<EndpointRow>`
    update webhook_endpoints set active = false, disabled_at = coalesce(disabled_at, now())
    where service_id = ${serviceId} and id = ${id}
    returning id, url, description, events, active, created_at, disabled_at`.execute(db);
  return r.rows[0];
}

/** Newest first, keyset on (created_at, id); the cursor carries created_at as text with microseconds. */
export async function listDeliveries(
  db: Db,
  serviceId: string,
  endpointId: string,
  status: string | null,
  after: [string, string] | null,
  limit: number,
): Promise<Array<DeliveryRow & { created_key: string }>> {
  const r = await sql<DeliveryRow & { created_key: string }>`
    select id, endpoint_id, event_id, event_type, status, attempts, max_attempts, next_attempt_at, last_status_code,
           last_error, delivered_at, created_at, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
    from webhook_deliveries
    where service_id = ${serviceId} and endpoint_id = ${endpointId}
      and (${status}::text is null or status = ${status}::text)
      and (${after === null}::boolean or (created_at, id) < (${after?.[0] ?? null}::timestamptz, ${after?.[1] ?? null}::uuid))
    order by created_at desc, id desc
    limit ${limit + 1}`.execute(db);
  return r.rows;
}

export async function attemptsOf(db: Db, deliveryIds: string[]): Promise<AttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  const r = await sql<AttemptRow>`
    select delivery_id, attempt, attempted_at, status_code, error, duration_ms from webhook_delivery_attempts
    where delivery_id in (select (jsonb_array_elements_text(${JSON.stringify(deliveryIds)}::jsonb))::uuid)
    order by id`.execute(db);
  return r.rows;
}

/** dead or delivered → pending, due now, with a fresh attempt budget. */
export async function replayDelivery(db: Db, serviceId: string, id: string): Promise<{ found: boolean; replayed: DeliveryRow | undefined }> {
  const r = await sql<DeliveryRow>`
    update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = null, updated_at = now()
    where service_id = ${serviceId} and id = ${id} and status in ('dead', 'delivered')
    returning id, endpoint_id, event_id, event_type, status, attempts, max_attempts, next_attempt_at, last_status_code,
              last_error, delivered_at, created_at`.execute(db);
  if (r.rows[0]) return { found: true, replayed: r.rows[0] };
  const exists = await sql`select 1 from webhook_deliveries where service_id = ${serviceId} and id = ${id}`.execute(db);
  return { found: exists.rows.length > 0, replayed: undefined };
}

/**
 * Claims due deliveries for one attempt each: the attempt is counted and the delivery leased (its due
 * time moved past the lease) in one short statement; the HTTP call happens after, outside any transaction.
 */
export async function claimDue(db: Db, limit: number, leaseSeconds: number): Promise<ClaimedDelivery[]> {
  const r = await sql<ClaimedDelivery>`
    with due as (
      select id from webhook_deliveries where status = 'pending' and next_attempt_at <= now()
      order by next_attempt_at limit ${limit} for update skip locked
    ), claimed as (
      update webhook_deliveries d set attempts = d.attempts + 1, updated_at = now(),
             next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
      from due where d.id = due.id
      returning d.id, d.endpoint_id, d.event_id, d.event_type, d.payload, d.attempts, d.max_attempts
    )
    select c.id, c.event_id, c.event_type, c.payload, c.attempts, c.max_attempts, w.url, w.secret, w.active
    from claimed c join webhook_endpoints w on w.id = c.endpoint_id`.execute(db);
  return r.rows;
}

/**
 * Records an attempt and its outcome. Guarded on the attempt number: a sender whose lease ran out
 * (and whose delivery another sender took) does not overwrite the newer attempt's outcome.
 */
export async function finishAttempt(
  db: Db,
  d: ClaimedDelivery,
  o: { ok: boolean; giveUp?: boolean; statusCode: number | null; error: string | null; durationMs: number; retryInSeconds: number },
): Promise<'delivered' | 'pending' | 'dead' | 'stale'> {
  const r = await sql<{ status: 'delivered' | 'pending' | 'dead' }>`
    with a as (
      insert into webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms)
      values (${d.id}, ${d.attempts}, ${o.statusCode}, ${o.error}, ${o.durationMs})
    )
    update webhook_deliveries set
      status = case when ${o.ok}::boolean then 'delivered' when ${o.giveUp ?? false}::boolean or attempts >= max_attempts then 'dead' else 'pending' end,
      delivered_at = case when ${o.ok}::boolean then now() else null end,
      next_attempt_at = case when ${o.ok}::boolean then next_attempt_at else now() + make_interval(secs => ${o.retryInSeconds}) end,
      last_status_code = ${o.statusCode}, last_error = ${o.error}, updated_at = now()
    where id = ${d.id} and attempts = ${d.attempts} and status = 'pending'
    returning status`.execute(db);
  return r.rows[0]?.status ?? 'stale';
}

/**
 * Gives the committed events waiting in platform_event_pending their feed numbers, in event order, under
 * the service's head lock (call in a transaction). Events still uncommitted are invisible here and get a
 * later number once they commit, so a cursor over feed numbers never skips one.
 */
export async function sequenceFeed(tx: Db, serviceId: string): Promise<void> {
  await sql`insert into platform_feed_heads (service_id, feed_seq) values (${serviceId}, 0) on conflict do nothing`.execute(tx);
  await sql`
    with head as (
      select feed_seq from platform_feed_heads where service_id = ${serviceId} for update
    ), taken as (
      delete from platform_event_pending p where p.event_id in (
        select event_id from platform_event_pending where service_id = ${serviceId} for update skip locked)
      returning p.event_id
    ), numbered as (
      select e.id, (select feed_seq from head) + row_number() over (order by e.seq) as feed_seq
      from platform_events e join taken t on t.event_id = e.id
    ), fed as (
      insert into platform_event_feed (service_id, feed_seq, event_id)
      select ${serviceId}, feed_seq, id from numbered
    )
    update platform_feed_heads set feed_seq = coalesce((select max(feed_seq) from numbered), feed_seq)
    where service_id = ${serviceId}`.execute(tx);
}

/** The pull feed after a feed number, in order. */
export async function eventFeed(db: Db, serviceId: string, after: number | null, limit: number): Promise<EventRow[]> {
  const r = await sql<EventRow>`
    select e.id, e.type, e.payload, e.created_at, f.feed_seq, c.effective_at, c.confirmed_at
    from platform_event_feed f join platform_events e on e.id = f.event_id
    left join platform_event_confirmations c on c.event_id = e.id
    where f.service_id = ${serviceId} and f.feed_seq > ${after ?? 0}
    order by f.feed_seq
    limit ${limit + 1}`.execute(db);
  return r.rows.map((row) => ({ ...row, feed_seq: Number(row.feed_seq) }));
}

export interface ConfirmationRow {
  event_id: string;
  decision_id: string;
  type: string;
  effective_at: Date;
  confirmed_at: Date;
}

/** Records the platform's confirmation once; returns it and whether this call created it (`null`: no such event). */
export async function confirmEvent(
  db: Db,
  serviceId: string,
  eventId: string,
  effectiveAt: Date,
  by: { keyId: string | null; userId: string | null },
): Promise<{ row: ConfirmationRow; created: boolean } | null> {
  const inserted = await sql<{ event_id: string }>`
    insert into platform_event_confirmations (event_id, service_id, effective_at, confirmed_by_key, confirmed_by_user)
    select id, service_id, ${effectiveAt}, ${by.keyId}, ${by.userId} from platform_events where id = ${eventId} and service_id = ${serviceId}
    on conflict (event_id) do nothing
    returning event_id`.execute(db);
  const r = await sql<ConfirmationRow>`
    select c.event_id, e.decision_id, e.type, c.effective_at, c.confirmed_at
    from platform_event_confirmations c join platform_events e on e.id = c.event_id
    where c.event_id = ${eventId} and c.service_id = ${serviceId}`.execute(db);
  const row = r.rows[0];
  return row ? { row, created: inserted.rows.length > 0 } : null;
}
