-- Notifiers: trusted flaggers (DSA Art. 22), notifier accountability (Art. 23(2)).

-- Who sends notices, per service. `api_key`: an organisation (a trusted flagger, a platform) sending through
-- one or more API keys (notifier_keys). `email`: a person using the public form, known only by a keyed HMAC
-- of their normalised email (the address itself stays in notice_notifiers, protected identity).
create table notifiers (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  kind text not null check (kind in ('api_key', 'email')),
  -- How intake finds the notifier it first saw: 'email:<hmac hex>' or 'key:<api key id>'; 'org:<id>' for an
  -- organisation an admin registered (intake finds it through notifier_keys).
  identity text not null,
  display_name text,
  trusted_flagger boolean not null default false,
  -- TDB category codes (STATEMENT_CATEGORY_*) within which its notices count as trusted.
  expertise text[] not null default '{}',
  -- Set once an admin decided on trusted-flagger status; until then a key with the trusted_flagger role keeps
  -- the behaviour from before notifiers existed (every notice trusted). See docs/notifiers.md.
  trust_configured boolean not null default false,
  -- The designation (Art. 22(2)): awarding Digital Services Coordinator, its member state, date, reference.
  designation_coordinator text,
  designation_member_state text,
  designated_at date,
  designation_reference text,
  -- 'suspended' counts only until suspended_until (read as active afterwards).
  status text not null default 'active' check (status in ('active', 'warned', 'suspended')),
  suspended_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Only an authenticated sender can be trusted: an email typed in the public form is not verified.
  check (kind = 'api_key' or not trusted_flagger),
  check ((status = 'suspended') = (suspended_until is not null)),
  unique (service_id, identity)
);
-- Keyset listing, newest first.
create index notifiers_list_idx on notifiers (service_id, created_at desc, id desc);

-- The API keys an organisation notifier sends with (several per notifier; one notifier per key).
create table notifier_keys (
  api_key_id uuid primary key references api_keys(id),
  notifier_id uuid not null references notifiers(id),
  service_id uuid not null references services(id),
  bound_at timestamptz not null default now()
);
create index notifier_keys_notifier_idx on notifier_keys (notifier_id);

alter table notices add column notifier_id uuid references notifiers(id);
-- Per-notifier statistics walk a notifier's notices by date.
create index notices_notifier_idx on notices (notifier_id, created_at) where notifier_id is not null;

-- Notices already received through API keys get the notifier of their key (one per key); public-form
-- notices cannot be linked here (the email HMAC key is outside the database) and stay without notifier.
insert into notifiers (service_id, kind, identity)
select distinct service_id, 'api_key', 'key:' || api_key_id::text from notices where api_key_id is not null;
insert into notifier_keys (api_key_id, notifier_id, service_id)
select substr(identity, 5)::uuid, id, service_id from notifiers where identity like 'key:%';
update notices n set notifier_id = k.notifier_id from notifier_keys k where k.api_key_id = n.api_key_id;

-- A moderator's assessment of a decided notice (Art. 23(2)): manifestly unfounded, with the reason.
-- One per notice; a correction updates it (audited).
create table notice_assessments (
  notice_id uuid primary key references notices(id),
  service_id uuid not null references services(id),
  notifier_id uuid references notifiers(id),
  manifestly_unfounded boolean not null,
  reason text not null,
  assessed_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- Counting a notifier's manifestly unfounded notices over a window.
create index notice_assessments_notifier_idx on notice_assessments (notifier_id, created_at) where manifestly_unfounded;

-- Each decision about a notifier, append-only: warnings and suspensions (Art. 23(2)), lifts, and trusted-flagger
-- status granted or revoked. The transparency report counts kind = 'suspension' per period.
create table notifier_actions (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  notifier_id uuid not null references notifiers(id),
  kind text not null check (kind in ('warning', 'suspension', 'lifted', 'trusted_granted', 'trusted_revoked')),
  reason text not null,
  decided_by uuid references users(id),
  -- Suspensions: the period; a lift: when it ended the suspension.
  starts_at timestamptz,
  ends_at timestamptz,
  -- The suspension a lift ends.
  lifts_action_id uuid references notifier_actions(id),
  -- What the decision weighed (Art. 23(3)): manifestly unfounded notices and all notices in the window.
  unfounded_count integer,
  notices_count integer,
  window_days integer,
  -- trusted_granted: the expertise and designation granted.
  details jsonb not null default '{}',
  created_at timestamptz not null default now(),
  check (kind <> 'suspension' or (starts_at is not null and ends_at > starts_at)),
  check ((kind = 'lifted') = (lifts_action_id is not null))
);
create index notifier_actions_notifier_idx on notifier_actions (notifier_id, created_at, id);
-- The transparency report: suspensions per service and period.
create index notifier_actions_kind_idx on notifier_actions (service_id, kind, created_at);
create trigger notifier_actions_append_only before update or delete on notifier_actions
  for each row execute function audit_forbid_change();

-- Per-service thresholds for suspending a notifier (defaults in docs/notifiers.md).
create table notifier_policies (
  service_id uuid primary key references services(id),
  -- Manifestly unfounded notices needed within the window before a suspension may be decided.
  unfounded_threshold integer not null check (unfounded_threshold between 1 and 10000),
  window_days integer not null check (window_days between 1 and 3650),
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);
