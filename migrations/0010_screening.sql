-- Screening: rules as data (versioned, per service, live or shadow), and every screened item with the
-- signals it produced and what the rules did — the record backtests replay.

create table screening_rules (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  slug text not null,
  name text not null,
  -- live: its actions apply; shadow: evaluated and logged, no action; disabled: not evaluated.
  mode text not null check (mode in ('live', 'shadow', 'disabled')),
  version integer not null,
  definition jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (service_id, slug)
);

-- Every version of every rule, as it was (the screened items name the version that ran).
create table screening_rule_versions (
  rule_id uuid not null references screening_rules(id),
  version integer not null,
  name text not null,
  mode text not null,
  definition jsonb not null,
  created_by uuid references users(id),
  api_key_id uuid references api_keys(id),
  created_at timestamptz not null default now(),
  primary key (rule_id, version)
);
create trigger screening_rule_versions_append_only before update or delete on screening_rule_versions
  for each row execute function audit_forbid_change();

create table screened_items (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  kind text not null check (kind in ('image', 'video', 'text')),
  -- The platform's reference of the content (never fetched).
  content_id text,
  content_url text,
  -- sha256 of the bytes screened (image, video) or of the text.
  content_sha256 text not null,
  signals jsonb not null,
  -- Rule results: [{rule, version, mode, matched, reasons, actions}].
  rule_results jsonb not null,
  held boolean not null default false,
  labels text[] not null default '{}',
  case_id uuid references cases(id),
  api_key_id uuid references api_keys(id),
  created_at timestamptz not null default now()
);
create index screened_items_service_created_idx on screened_items (service_id, created_at, id);
create index screened_items_case_idx on screened_items (case_id) where case_id is not null;

-- A case opened or joined by automated screening: its statement of reasons says the detection was automated.
alter table cases add column automated_detection boolean not null default false;
