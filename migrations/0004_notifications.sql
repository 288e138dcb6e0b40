-- Email delivery of the outbox. Each row is one message; the delivery worker claims due pending rows
-- (FOR UPDATE SKIP LOCKED), sends them and marks them sent in the same transaction, after the SMTP server
-- accepted the message. Failures back off exponentially; after max attempts a message is dead (an admin
-- can put it back to pending). A message whose recipient has no email address is skipped.
alter table outbox
  add column attempts int not null default 0,
  add column next_attempt_at timestamptz not null default now(),
  add column last_error text,
  add column sent_at timestamptz,
  add column message_id text,
  add column updated_at timestamptz not null default now(),
  add constraint outbox_status_check check (status in ('pending', 'sent', 'dead', 'skipped'));

-- The worker's claim: due pending messages of a channel, oldest due first.
drop index outbox_pending_idx;
create index outbox_due_idx on outbox (kind, next_attempt_at) where status = 'pending';
-- The admin listing: by service and status, newest first (keyset on created_at, id).
create index outbox_list_idx on outbox (service_id, status, created_at desc, id desc);
