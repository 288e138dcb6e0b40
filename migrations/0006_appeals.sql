-- Internal complaint-handling (DSA Art. 20): the affected user of a decision, or a notifier whose notice
-- led to it, may contest it free of charge for six months. An appeal is decided by a person who did not
-- take the decision; a reversed or modified decision is corrected (a new decision supersedes it).

-- The affected user's appeal token: only its sha256 is kept; the token is returned once with the decision.
alter table decision_recipients add column appeal_token_hash text;

create table appeals (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  -- The decision contested (the current one when the appeal was lodged).
  decision_id uuid not null references decisions(id),
  appellant text not null check (appellant in ('affected_user', 'notifier')),
  -- The notifier's notice, when the notifier appeals.
  notice_id uuid references notices(id),
  explanation text not null,
  status text not null default 'open' check (status in ('open', 'decided')),
  outcome text check (outcome in ('upheld', 'reversed', 'modified')),
  reason text,
  decided_by uuid references users(id),
  -- The correction, when the appeal reversed or modified the decision.
  new_decision_id uuid references decisions(id),
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  check ((appellant = 'notifier') = (notice_id is not null)),
  check ((status = 'decided') = (outcome is not null and decided_by is not null and decided_at is not null)),
  check ((outcome in ('reversed', 'modified')) = (new_decision_id is not null))
);
-- At most one open appeal per decision.
create unique index appeals_one_open_idx on appeals (decision_id) where status = 'open';
-- Staff listing: by service and status, oldest first (keyset on created_at, id).
create index appeals_list_idx on appeals (service_id, status, created_at, id);

-- Outbox messages may belong to an appeal (acknowledgement, outcome to each party).
alter table outbox add column appeal_id uuid references appeals(id);
drop index outbox_message_key;
create unique index outbox_message_key on outbox (notice_id, template, decision_id, appeal_id) nulls not distinct;
