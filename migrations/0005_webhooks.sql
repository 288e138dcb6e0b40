-- Enforcement on the platform: decision events that the online service must act on, pushed to its
-- webhook endpoints (signed, retried) and available to pull.

-- Every event of a service, once, whatever the endpoints: the pull API's feed and the source of deliveries.
create table platform_events (
  id uuid primary key,
  seq bigserial not null,
  service_id uuid not null references services(id),
  type text not null,                 -- 'decision.taken' | 'decision.corrected'
  decision_id uuid not null references decisions(id),
  payload jsonb not null,
  created_at timestamptz not null default now()
);
create trigger platform_events_append_only before update or delete on platform_events
  for each row execute function audit_forbid_change();

-- The pull feed. Ids from a sequence commit out of order, so a cursor over them could skip an event whose
-- transaction committed late. Instead, committed events wait in platform_event_pending and are given
-- consecutive feed numbers when a platform pulls (under the service's head lock): a late commit simply
-- gets a later number. (The same pattern as the audit log's sealing.)
create table platform_event_pending (
  event_id uuid primary key references platform_events(id),
  service_id uuid not null references services(id)
);
create index platform_event_pending_service_idx on platform_event_pending (service_id);
create table platform_event_feed (
  service_id uuid not null references services(id),
  feed_seq bigint not null,
  event_id uuid not null unique references platform_events(id),
  primary key (service_id, feed_seq)
);
create table platform_feed_heads (
  service_id uuid primary key references services(id),
  feed_seq bigint not null
);

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
