-- Vigie initial schema. PostgreSQL 15 syntax (also runs on PGlite's PostgreSQL 18).
-- Every record belongs to one service (tenant) except instance-level accounts.

create table services (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique,
  name text not null,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  display_name text not null,
  password_hash text not null,
  instance_admin boolean not null default false,
  locale text not null default 'en',
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);
-- Emails compare case-insensitively.
create unique index users_email_key on users (lower(email));

create table memberships (
  user_id uuid not null references users(id),
  service_id uuid not null references services(id),
  role text not null,
  created_at timestamptz not null default now(),
  primary key (service_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique,
  csrf_token text not null,
  user_id uuid not null references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  name text not null,
  role text not null,
  secret_hash text not null,
  prefix text not null,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index api_keys_service_idx on api_keys (service_id, created_at, id);

create table setup_tokens (
  token_hash text primary key,
  expires_at timestamptz not null,
  used_at timestamptz
);

create table teams (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  slug text not null,
  name text not null,
  created_at timestamptz not null default now(),
  unique (service_id, slug)
);

create table team_members (
  team_id uuid not null references teams(id),
  user_id uuid not null references users(id),
  primary key (team_id, user_id)
);
create index team_members_user_idx on team_members (user_id);

create table queues (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  slug text not null,
  name text not null,
  -- 'standard' or 'senior' (escalations; only senior moderators and admins claim from it)
  kind text not null default 'standard',
  -- NULL = open to every moderator of the service; else only members of this team see its cases
  team_id uuid references teams(id),
  escalation_queue_id uuid references queues(id),
  created_at timestamptz not null default now(),
  unique (service_id, slug)
);

-- Per-category triage policy. subcategory '*' = any; category '*' = the service default.
create table sla_policies (
  service_id uuid not null references services(id),
  category text not null,
  subcategory text not null default '*',
  tier smallint not null,
  deadline_minutes integer not null,
  queue_id uuid not null references queues(id),
  primary key (service_id, category, subcategory)
);

create table notices (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  reference text not null,
  tracking_token_hash text not null,
  source text not null,               -- 'public' | 'api'
  notifier_type text not null,        -- 'individual' | 'organisation' | 'trusted_flagger' | 'platform' | 'anonymous'
  trusted boolean not null default false,
  api_key_id uuid references api_keys(id),
  submitted_by uuid references users(id),
  category text not null,
  subcategory text,
  subcategory_other text,
  explanation text not null,
  legal_provision text,
  language text not null,
  content_language text,
  country text,
  good_faith boolean not null,
  status text not null default 'received',
  created_at timestamptz not null default now(),
  unique (service_id, reference)
);
-- Keyset listing, newest first.
create index notices_list_idx on notices (service_id, created_at desc, id desc);

-- Notifier identity is kept apart so that only roles allowed to see it ever read this table.
create table notice_notifiers (
  notice_id uuid primary key references notices(id),
  name text,
  email text
);

create table notice_evidence (
  id uuid primary key default gen_random_uuid(),
  notice_id uuid not null references notices(id),
  sha256 text not null,
  media_type text not null,
  size_bytes integer not null,
  filename text,
  created_at timestamptz not null default now()
);
create index notice_evidence_notice_idx on notice_evidence (notice_id);

create table cases (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  content_key text not null,
  content_url text,
  content_id text,
  queue_id uuid not null references queues(id),
  category text not null,
  subcategory text,
  tier smallint not null,
  -- 0 when any notice came from a trusted flagger: sorts first within a tier
  trust_rank smallint not null default 1,
  deadline_at timestamptz not null,
  status text not null default 'open',
  escalated boolean not null default false,
  claimed_by uuid references users(id),
  claim_expires_at timestamptz,
  notice_count integer not null default 1,
  burst_started_at timestamptz not null default now(),
  burst_count integer not null default 1,
  mass_report_suspected boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One open case per content item: concurrent notices on the same item upsert into it.
create unique index cases_open_content_key on cases (service_id, content_key) where status = 'open';
-- "Claim next" and queue listings walk this index in priority order, per queue.
create index cases_queue_priority_idx on cases (queue_id, tier, trust_rank, deadline_at, id) where status = 'open';
create index cases_claimed_by_idx on cases (claimed_by) where claimed_by is not null;
-- Claims and releases update rows at the head of the priority index; with the default scale factor
-- (20% of a million-row table) dead versions would pile up there between vacuums.
alter table cases set (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000);

create table notice_locations (
  notice_id uuid not null references notices(id) deferrable initially deferred,
  position smallint not null,
  service_id uuid not null references services(id),
  url text,
  content_id text,
  content_key text not null,
  case_id uuid not null references cases(id),
  primary key (notice_id, position)
);
create index notice_locations_case_idx on notice_locations (case_id);

create table case_notes (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id),
  service_id uuid not null references services(id),
  author_id uuid not null references users(id),
  body text not null,
  created_at timestamptz not null default now()
);
create index case_notes_case_idx on case_notes (case_id, created_at);

create table idempotency_keys (
  service_id uuid not null references services(id),
  scope text not null,                 -- 'public' or 'key:<api key id>' / 'user:<id>'
  key text not null,
  request_hash text not null,
  status_code integer not null,
  response jsonb not null,
  created_at timestamptz not null default now(),
  primary key (service_id, scope, key)
);
create index idempotency_keys_created_idx on idempotency_keys (created_at);

-- Durable background work. Rows are written in the same transaction as the state change that needs them.
create table jobs (
  id bigserial primary key,
  service_id uuid references services(id),
  type text not null,
  payload jsonb not null,
  status text not null default 'queued',   -- queued | running | done | dead
  attempts integer not null default 0,
  max_attempts integer not null default 8,
  run_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Workers pick due jobs in run_at order.
create index jobs_due_idx on jobs (run_at) where status = 'queued';
create index jobs_running_idx on jobs (locked_until) where status = 'running';

-- Queued messages (acknowledgements, outcomes), written in the transaction of the change they report.
-- The outbox is itself the durable queue; delivery channels (email, webhooks) come with notifications.
create table outbox (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  kind text not null,
  notice_id uuid references notices(id),
  template text not null,
  locale text not null,
  status text not null default 'pending',
  created_at timestamptz not null default now()
);
-- One message per template per notice; the delivery worker walks pending messages in order.
create unique index outbox_notice_template_key on outbox (notice_id, template);
create index outbox_pending_idx on outbox (created_at) where status = 'pending';

-- Append-only audit log. Writers only insert; the sealer hashes each committed event and chains it (below).
create table audit_events (
  id bigserial primary key,
  service_id uuid not null references services(id),
  occurred_at timestamptz not null,
  actor_type text not null,
  actor_id text,
  action text not null,
  subject_type text not null,
  subject_id text not null,
  data jsonb not null,
  request_id text
);
create index audit_events_subject_idx on audit_events (service_id, subject_type, subject_id, id);
create index audit_events_list_idx on audit_events (service_id, id desc);

-- Events written but not yet sealed into the chain: a small work queue for the sealer.
create table audit_pending (
  event_id bigint primary key references audit_events(id),
  service_id uuid not null references services(id)
);
create index audit_pending_service_idx on audit_pending (service_id, event_id);

-- The per-service hash chain, in sealing order. event_hash = SHA-256 of the event's canonical content;
-- chain_hash = HMAC(key, prev_hash | seq | event_id | event_hash).
create table audit_chain (
  service_id uuid not null references services(id),
  seq bigint not null,
  event_id bigint not null unique references audit_events(id),
  event_hash text not null,
  chain_hash text not null,
  sealed_at timestamptz not null default now(),
  primary key (service_id, seq)
);

create table audit_heads (
  service_id uuid primary key references services(id),
  seq bigint not null,
  head_hash text not null,
  updated_at timestamptz not null default now()
);

-- Append-only means append-only: the application never updates or deletes audit rows.
create function audit_forbid_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit rows are append-only (% on %)', tg_op, tg_table_name;
end $$;
create trigger audit_events_append_only before update or delete on audit_events
  for each row execute function audit_forbid_change();
create trigger audit_chain_append_only before update or delete on audit_chain
  for each row execute function audit_forbid_change();
