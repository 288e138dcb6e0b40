-- Transparency report over millions of decisions (src/transparency/compute-sql.ts; bench/README.md, "bench/transparency.ts").
-- Sheet 4 no longer joins notices × notice_locations × decisions, and sheet 7 no longer reads the contested decisions
-- from the decisions heap: what they need is recorded once, when it becomes known.

-- The action on a notice: the original decision (supersedes_id null, basis notice / trusted_notice) on the case of
-- the notice's first item (position 0), with what sheet 4 groups and counts by. Written with that decision, in the
-- same statement (src/decisions/sql.ts insertDecision). A notice's items are only added at intake, to an open case,
-- and a decided case is closed: a notice received after its case's decision never gets one.
create table notice_actions (
  notice_id uuid primary key references notices(id),
  service_id uuid not null references services(id),
  -- The notice's receipt, category, keyword and trusted flag (copied from notices).
  received_at timestamptz not null,
  category text not null,
  subcategory text,
  trusted boolean not null,
  decision_id uuid not null references decisions(id),
  decided_at timestamptz not null,
  outcome text not null,
  ground text,
  solely_automated boolean
);
-- Sheet 4: the decided notices received in a period, read by an index-only scan.
create index notice_actions_report_idx on notice_actions (service_id, received_at)
  include (decided_at, category, subcategory, trusted, outcome, ground, solely_automated);
-- Sheet 4: a notice's further items (the first is the notice itself), few: an index-only scan by service.
create index notice_locations_extra_idx on notice_locations (service_id, notice_id) where position > 0;

insert into notice_actions (notice_id, service_id, received_at, category, subcategory, trusted, decision_id, decided_at, outcome, ground, solely_automated)
select n.id, n.service_id, n.created_at, n.category, n.subcategory, n.trusted, d.id, d.created_at, d.outcome, d.ground, d.solely_automated
from notices n
join notice_locations l on l.notice_id = n.id and l.position = 0
join decisions d on d.case_id = l.case_id and d.supersedes_id is null and d.basis in ('notice', 'trusted_notice')
on conflict (notice_id) do nothing;

-- The contested decision's outcome, basis and restriction mask, copied onto the complaint when it is lodged
-- (src/decisions/appeals-sql.ts insertAppeal): sheet 7 reads the appeals only. Decisions are append-only, so the
-- copy never goes stale.
alter table appeals
  add column contested_outcome text,
  add column contested_basis text,
  add column contested_mask integer not null default 0;
update appeals a set contested_outcome = d.outcome, contested_basis = d.basis, contested_mask = d.restriction_mask
from decisions d where d.id = a.decision_id;
alter table appeals alter column contested_outcome set not null;
-- (No index: sheet 7 reads the appeals of the service sequentially; there are few, next to the decisions.)
