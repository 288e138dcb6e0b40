-- Per-service decision policy (four-eyes rules, quality-review sampling, strikes), as one validated document.
create table decision_policies (
  service_id uuid primary key references services(id),
  policy jsonb not null,
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

-- Four-eyes rule: a decision that matches a rule of the policy is held as a proposal until a second,
-- senior person approves it; only then is it taken (a decision row, its statement, the events).
create table decision_proposals (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  case_id uuid not null references cases(id),
  -- Set when the proposal corrects an existing decision.
  supersedes_id uuid references decisions(id),
  proposed_by uuid not null references users(id),
  -- The decision as submitted (the same document a direct decision stores).
  details jsonb not null,
  -- Names of the rules that required approval.
  rules text[] not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  reviewed_by uuid references users(id),
  review_reason text,
  decision_id uuid references decisions(id),
  created_at timestamptz not null default now(),
  reviewed_at timestamptz,
  check ((status = 'pending') = (reviewed_by is null and reviewed_at is null)),
  check ((status = 'approved') = (decision_id is not null)),
  check (reviewed_by is null or reviewed_by <> proposed_by)
);
-- One pending proposal per case.
create unique index decision_proposals_pending_idx on decision_proposals (case_id) where status = 'pending';
create index decision_proposals_list_idx on decision_proposals (service_id, status, created_at, id);

-- Who approved a decision taken under the four-eyes rule (null when none was needed).
alter table decisions add column approved_by uuid references users(id);

-- Strikes (DSA Art. 23(1)): a decision that found manifestly illegal content posted by an account gives
-- that account a strike, which expires. Thresholds of the policy warn, then suspend, each step a decision.
create table account_strikes (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  -- The account on the platform (the affected user's platform reference).
  account_ref text not null,
  decision_id uuid not null unique references decisions(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  -- Set when the decision that gave the strike is corrected or reversed.
  revoked_at timestamptz,
  revoked_by_decision uuid references decisions(id)
);
create index account_strikes_active_idx on account_strikes (service_id, account_ref, expires_at) where revoked_at is null;

-- Each threshold step taken on an account: the decision (warning or suspension) and the strikes counted.
create table account_strike_steps (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  account_ref text not null,
  action text not null check (action in ('warning', 'suspension')),
  strikes integer not null,
  decision_id uuid not null unique references decisions(id),
  trigger_decision_id uuid not null references decisions(id),
  created_at timestamptz not null default now()
);
create index account_strike_steps_account_idx on account_strike_steps (service_id, account_ref, created_at);
