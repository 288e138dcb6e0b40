-- Transparency reports (DSA Art. 15/24/42, Implementing Regulation (EU) 2024/2835).
-- compute: begin (transparency-compute: decision reporting columns; the reports table follows below)
-- What a transparency report needs to know about a decision, fixed when it is taken (src/decisions/take.ts), so
-- that a report over millions of decisions is a scan of one narrow index instead of a walk through `details`
-- jsonb and the cases: where the case came from (basis), the report category (Annex II: notices and orders
-- follow the notifier's / authority's category, own-initiative measures the decision's own), the ground, the
-- restriction types as a bit mask (bits in src/transparency/figures.ts RESTRICTION_BITS), whether the decision
-- was solely automated and the detection automated, when the case's first notice / order / signal arrived,
-- and the content language. Null on decisions inserted outside take.ts (they are left out of the report).
alter table decisions
  add column basis text check (basis in ('notice', 'trusted_notice', 'order', 'own_initiative')),
  add column report_category text,
  add column report_keyword text,
  add column ground text check (ground in ('illegal', 'incompatible')),
  add column restriction_mask integer not null default 0,
  add column solely_automated boolean,
  add column automated_detection boolean,
  add column received_at timestamptz,
  add column content_language text;

-- Backfill from each decision's details and its case. Decisions are append-only (audit_forbid_change trigger
-- of 0002): the trigger is off for this one statement, inside this migration's transaction, and back on after.
-- No order can exist yet (0016 adds them in this same release), so the basis 'order' never applies here.
alter table decisions disable trigger decisions_append_only;
update decisions d set
  basis = case when c.order_id is not null then 'order'
               when c.notice_count = 0 then 'own_initiative'
               when c.trust_rank = 0 then 'trusted_notice'
               else 'notice' end,
  report_category = case when c.order_id is null and c.notice_count = 0 then coalesce(d.details->>'category', c.category) else c.category end,
  report_keyword = case when c.order_id is null and c.notice_count = 0
                        then coalesce(d.details->'category_specification'->>0,
                                      case when coalesce(d.details->>'category', c.category) = c.category then c.subcategory end)
                        else c.subcategory end,
  ground = case d.details->>'decision_ground' when 'DECISION_GROUND_ILLEGAL_CONTENT' then 'illegal'
                                               when 'DECISION_GROUND_INCOMPATIBLE_CONTENT' then 'incompatible' end,
  restriction_mask = case when d.outcome <> 'restriction' then 0 else
      (case when d.details->'decision_visibility' ? 'DECISION_VISIBILITY_CONTENT_REMOVED' then 1 else 0 end)
    | (case when d.details->'decision_visibility' ? 'DECISION_VISIBILITY_CONTENT_DISABLED' then 2 else 0 end)
    | (case when d.details->'decision_visibility' ? 'DECISION_VISIBILITY_CONTENT_DEMOTED' then 4 else 0 end)
    | (case when d.details->'decision_visibility' ? 'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED' then 8 else 0 end)
    | (case when d.details->'decision_visibility' ? 'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED' then 16 else 0 end)
    | (case when d.details->'decision_visibility' ? 'DECISION_VISIBILITY_CONTENT_LABELLED' then 32 else 0 end)
    | (case when d.details->'decision_visibility' ? 'DECISION_VISIBILITY_OTHER' then 64 else 0 end)
    | (case d.details->>'decision_monetary' when 'DECISION_MONETARY_SUSPENSION' then 128 when 'DECISION_MONETARY_TERMINATION' then 256
                                            when 'DECISION_MONETARY_OTHER' then 512 else 0 end)
    | (case d.details->>'decision_provision' when 'DECISION_PROVISION_PARTIAL_SUSPENSION' then 1024 when 'DECISION_PROVISION_TOTAL_SUSPENSION' then 2048
                                             when 'DECISION_PROVISION_PARTIAL_TERMINATION' then 4096 when 'DECISION_PROVISION_TOTAL_TERMINATION' then 8192 else 0 end)
    | (case d.details->>'decision_account' when 'DECISION_ACCOUNT_SUSPENDED' then 16384 when 'DECISION_ACCOUNT_TERMINATED' then 32768 else 0 end)
    end,
  solely_automated = coalesce(d.details->>'automated_decision' = 'AUTOMATED_DECISION_FULLY', false),
  automated_detection = coalesce((d.details->>'automated_detection')::boolean, false) or c.automated_detection,
  received_at = coalesce(
    (select min(n.created_at) from notice_locations l join notices n on n.id = l.notice_id where l.case_id = c.id),
    (select min(s.created_at) from screened_items s where s.case_id = c.id),
    c.created_at),
  content_language = d.details->>'content_language'
from cases c
where c.id = d.case_id;
alter table decisions enable trigger decisions_append_only;

-- Report indexes (src/transparency/compute-sql.ts; bench/transparency.ts, bench/README.md). Sheets 4, 5, 6 and 8 read
-- narrow covering indexes with index-only scans, not the decisions heap (whose rows carry the details jsonb):
-- all decisions of a period (sheet 8, totals),
create index decisions_report_idx on decisions (service_id, created_at)
  include (basis, outcome, supersedes_id, solely_automated, automated_detection);
-- own-initiative restrictions of a period by ground and category (sheets 5 and 6),
create index decisions_own_initiative_idx on decisions (service_id, created_at)
  include (ground, report_category, report_keyword, restriction_mask, automated_detection)
  where basis = 'own_initiative' and outcome = 'restriction' and supersedes_id is null;
-- the first (original) decision of a notice's case (sheet 4): a hash join builds on these rows only.
create index decisions_notice_case_idx on decisions (case_id)
  include (created_at, outcome, ground, solely_automated)
  where supersedes_id is null and basis in ('notice', 'trusted_notice');
-- Notices of a period with what sheet 4 groups them by.
create index notices_report_idx on notices (service_id, created_at) include (id, category, subcategory, trusted);
-- compute: end


-- export: begin (transparency reports: lifecycle draft → frozen → published; src/transparency/sql.ts)
-- One row per report version. A correction of a published report is a new row (version + 1, supersedes_id,
-- changes) — the published one is never touched: Annex II asks that every version stays public.
create table transparency_reports (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  period_start date not null,
  period_end date not null,
  provider_name text not null,
  service_name text not null,
  provider_kind text not null check (provider_kind in ('intermediary', 'hosting', 'online_platform', 'vlop')),
  status text not null default 'draft' check (status in ('draft', 'frozen', 'published')),
  version integer not null default 1 check (version >= 1),
  supersedes_id uuid references transparency_reports(id),
  -- [{change, reason}]: required for a correction (checked by the service).
  changes jsonb not null default '[]'::jsonb,
  -- Admin inputs: human resources, AMAR, qualitative texts, contextual notes, KEYWORD_OTHER descriptions.
  inputs jsonb not null default '{}'::jsonb,
  -- ReportFigures (src/transparency/figures.ts) stored at freeze; null while a draft (drafts show live figures).
  figures jsonb,
  computed_at timestamptz,
  frozen_at timestamptz,
  published_at timestamptz,
  -- sha256 of each export's bytes, recorded at publication: {json, zip, xlsx, csv: {<sheet>: sha256}}.
  file_hashes jsonb,
  created_by_type text not null,
  created_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (period_end >= period_start),
  check (status = 'draft' or (figures is not null and frozen_at is not null)),
  check (status <> 'published' or (published_at is not null and file_hashes is not null))
);
-- Listing a service's reports by period (admin list and public list).
create index transparency_reports_service_period on transparency_reports (service_id, period_start desc, version desc, id);
-- A published report is corrected at most once (further corrections correct the correction).
create unique index transparency_reports_one_published_correction on transparency_reports (supersedes_id)
  where status = 'published' and supersedes_id is not null;

-- A published report is immutable: no update, no delete (like audit_forbid_change in 0001). Drafts and frozen
-- reports change freely through the API.
create function transparency_report_forbid_change() returns trigger language plpgsql as $$
begin
  if old.status = 'published' then
    raise exception 'a published transparency report is immutable (% on %)', tg_op, tg_table_name;
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end $$;
create trigger transparency_reports_published_immutable before update or delete on transparency_reports
  for each row execute function transparency_report_forbid_change();
-- export: end
