-- Decisions on cases and their statements of reasons (DSA Art. 17). Decisions are immutable:
-- a correction is a new decision that supersedes the old one; both stay in the history.

create table decisions (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  case_id uuid not null references cases(id),
  -- The decision this one corrects (at most one correction per decision).
  supersedes_id uuid unique references decisions(id),
  decided_by uuid not null references users(id),
  outcome text not null,            -- 'restriction' | 'no_action'
  -- Every field of the decision as submitted (TDB-aligned names), for the record and the statement.
  details jsonb not null,
  created_at timestamptz not null default now()
);
create index decisions_case_idx on decisions (case_id, created_at);
-- Keyset listing and export by date.
create index decisions_service_created_idx on decisions (service_id, created_at, id);

create table statements_of_reasons (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  decision_id uuid not null unique references decisions(id),
  -- Platform unique identifier in the DSA Transparency Database: never reused.
  puid text not null,
  -- The statement in the Transparency Database API format, validated before it was stored.
  tdb jsonb not null,
  created_at timestamptz not null default now(),
  unique (service_id, puid)
);
create index statements_export_idx on statements_of_reasons (service_id, created_at, id);

-- The affected user's contact, kept apart like notifier identities (personal data).
create table decision_recipients (
  decision_id uuid primary key references decisions(id),
  email text,
  locale text not null default 'en',
  platform_user_ref text
);

-- Decisions and statements are append-only, like the audit log.
create trigger decisions_append_only before update or delete on decisions
  for each row execute function audit_forbid_change();
create trigger statements_append_only before update or delete on statements_of_reasons
  for each row execute function audit_forbid_change();

-- Outbox messages may now belong to a decision (outcome to the notifier, statement to the affected user):
-- one message per notice, template and decision.
alter table outbox add column decision_id uuid references decisions(id);
drop index outbox_notice_template_key;
create unique index outbox_message_key on outbox (notice_id, template, decision_id) nulls not distinct;
