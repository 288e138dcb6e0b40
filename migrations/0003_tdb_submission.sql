-- Submission of statements of reasons to the DSA Transparency Database (Art. 24(5)). One row per
-- statement, created in the transaction that stores the statement; a periodic task sends due rows in
-- batches (src/decisions/tdb-submit.ts).

create table tdb_submissions (
  statement_id uuid primary key references statements_of_reasons(id),
  service_id uuid not null references services(id),
  puid text not null,
  status text not null default 'pending' check (status in ('pending', 'submitted', 'dead')),
  -- Claims so far (each claim is one attempt); dead after TDB_MAX_ATTEMPTS failed attempts.
  attempts int not null default 0,
  -- When a pending row is due; while a worker holds it, the end of its lease (a dead worker's rows come back).
  next_attempt_at timestamptz not null default now(),
  -- A request carrying this puid may have reached the TDB without a definite answer (timeout, 5xx,
  -- network error, worker died): check GET existing-puid before sending it again.
  in_doubt boolean not null default false,
  last_error text,
  -- The TDB's uuid of the stored statement (null when found already stored through existing-puid).
  tdb_uuid text,
  submitted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (service_id, puid)
);
-- The worker's claim: due pending rows, oldest due first.
create index tdb_submissions_due_idx on tdb_submissions (next_attempt_at) where status = 'pending';
-- Admin listing (keyset), with and without a status filter.
create index tdb_submissions_status_idx on tdb_submissions (service_id, status, created_at, statement_id);
create index tdb_submissions_service_idx on tdb_submissions (service_id, created_at, statement_id);
