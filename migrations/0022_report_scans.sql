-- Transparency report over 10,000,000 decisions on PostgreSQL in under 10 s (src/transparency/compute-sql.ts;
-- bench/README.md, "bench/transparency.ts"). Fewer, narrower scans.

-- A notice's number of items (its locations), fixed at intake like the locations themselves (src/notices/sql.ts):
-- sheet 4 sums it from the notices of the period instead of joining their further locations.
alter table notices add column item_count integer not null default 1 check (item_count >= 1);
update notices n set item_count = x.items
from (select notice_id, count(*)::int as items from notice_locations group by notice_id having count(*) > 1) x
where x.notice_id = n.id;
drop index notices_report_idx;
create index notices_report_idx on notices (service_id, created_at) include (category, subcategory, trusted, item_count);
drop index notice_locations_extra_idx;

-- Sheet 4 reads notice_actions since 0021: the original decision of a notice's case is no longer looked up, and
-- every decision insert paid for this index.
drop index decisions_notice_case_idx;

-- Sheet 7, reinstatements: the corrections of a period (few: a decision superseded by another), without scanning the
-- period's decisions.
create index decisions_corrections_idx on decisions (service_id, created_at) include (supersedes_id, outcome)
  where supersedes_id is not null;

-- Sheets 5, 6 and 8 in one scan (compute-sql.ts decisionFine): every decision of the period with all that those
-- sheets count by. Replaces 0018's two report indexes (all decisions; own-initiative restrictions), which together
-- held 1.6 times these bytes, and which every decision insert maintained.
drop index decisions_report_idx;
drop index decisions_own_initiative_idx;
create index decisions_report_idx on decisions (service_id, created_at)
  include (basis, outcome, supersedes_id, ground, report_category, report_keyword, restriction_mask, solely_automated, automated_detection);
