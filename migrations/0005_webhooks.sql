-- Enforcement on the platform: decision events that the online service must act on, pushed to its
-- webhook endpoints (signed, retried) and available to pull.

-- Every event of a service, once, whatever the endpoints: the pull API's feed and the source of deliveries.
create table platform_events (
  id uuid primary key,
  seq bigserial not null,
  -- The inserting transaction. The feed lists only events of transactions older than every running one
  -- (pg_snapshot_xmin) in (tx_id, seq) order, so a poller's cursor never skips an event whose
  -- transaction committed after a later-numbered one.
  tx_id bigint not null default (pg_current_xact_id()::text::bigint),
  service_id uuid not null references services(id),
  type text not null,                 -- 'decision.taken' | 'decision.corrected'
  decision_id uuid not null references decisions(id),
  payload jsonb not null,
  created_at timestamptz not null default now()
);
-- The pull feed: keyset on (tx_id, seq) within a service.
create index platform_events_feed_idx on platform_events (service_id, tx_id, seq);
create trigger platform_events_append_only before update or delete on platform_events
  for each row execute function audit_forbid_change();

-- The platform's acknowledgement that it gave effect to an event (one per event).
create table platform_event_confirmations (
  event_id uuid primary key references platform_events(id),
  service_id uuid not null references services(id),
  effective_at timestamptz not null,
  confirmed_at timestamptz not null default now(),
  confirmed_by_key uuid,
  confirmed_by_user uuid
);

create table webhook_endpoints (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  url text not null,
  description text,
  -- The signing secret itself (HMAC needs it, a hash would not do); shown once at creation, never listed.
  secret text not null,
  events text[] not null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  disabled_at timestamptz
);
create index webhook_endpoints_service_idx on webhook_endpoints (service_id, created_at, id);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  endpoint_id uuid not null references webhook_endpoints(id),
  event_id uuid not null references platform_events(id),
  event_type text not null,
  payload jsonb not null,
  status text not null default 'pending',   -- pending | delivered | dead
  attempts integer not null default 0,
  max_attempts integer not null default 12,
  -- Due time while pending; while an attempt is in flight, the end of its lease (a sender that dies
  -- leaves the delivery due again after the lease).
  next_attempt_at timestamptz not null default now(),
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (endpoint_id, event_id)
);
-- The sender picks due deliveries in next_attempt_at order.
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status = 'pending';
-- Listing an endpoint's deliveries, newest first, optionally by status.
create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, created_at desc, id desc);

-- One row per HTTP attempt: the delivery log.
create table webhook_delivery_attempts (
  id bigserial primary key,
  delivery_id uuid not null references webhook_deliveries(id),
  attempt integer not null,
  attempted_at timestamptz not null default now(),
  status_code integer,
  error text,
  duration_ms integer not null
);
create index webhook_delivery_attempts_idx on webhook_delivery_attempts (delivery_id, id);
