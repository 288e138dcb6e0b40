-- Quality review (docs/quality-review.md): a share of decisions (decision policy `quality_review.sample_rate`)
-- is sampled, inside the decision's transaction, for a blind second review by another person. The reviewer
-- sees the case and its notices, never the decision; they record their own judgement, and the server
-- compares it with the decision. Agreement rates are computed from these rows.
create table quality_reviews (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  -- The decision reviewed (one review per decision) and its case.
  decision_id uuid not null unique references decisions(id),
  case_id uuid not null references cases(id),
  -- The moderator who took the decision.
  decided_by uuid not null references users(id),
  -- The decision's statement category, or the case's category when it had none (no action).
  category text not null,
  -- What the review is compared with, copied from the decision when it is sampled.
  original_outcome text not null check (original_outcome in ('restriction', 'no_action')),
  original_ground text,
  -- {"visibility": [...], "monetary": "...", "provision": "...", "account": "..."}: the scales present only.
  original_restrictions jsonb not null default '{}',
  status text not null default 'pending' check (status in ('pending', 'done', 'skipped')),
  sampled_at timestamptz not null default now(),
  -- A reviewer's claim (claim-next), so that two reviewers do not work the same review.
  claimed_by uuid references users(id),
  claim_expires_at timestamptz,
  reviewer_id uuid references users(id),
  -- The reviewer's independent judgement: {outcome, category, decision_ground, restrictions, notes}.
  review jsonb,
  -- Same outcome and, for restrictions, same ground, category and restriction scales (docs/quality-review.md).
  agreed boolean,
  -- Agreed, and also the same values on every scale.
  exact_match boolean,
  -- Dimensions that broke agreement: outcome, ground, category, scales.
  disagreements text[],
  -- Values that differ on a scale both used (visibility, monetary, provision, account): recorded, still agreement.
  value_differences text[],
  reviewed_at timestamptz,
  -- A pending review whose decision was corrected before it was reviewed is skipped, not reviewed:
  -- the correction is a decision of its own (and may itself be sampled).
  skipped_at timestamptz,
  skip_reason text check (skip_reason in ('superseded')),
  check (reviewer_id is null or reviewer_id <> decided_by),
  check (claimed_by is null or claimed_by <> decided_by),
  check ((status = 'done') = (reviewer_id is not null and review is not null and agreed is not null and exact_match is not null
                               and disagreements is not null and value_differences is not null and reviewed_at is not null)),
  check ((status = 'skipped') = (skipped_at is not null and skip_reason is not null))
);
-- The queue: pending reviews of a service, oldest first (keyset on sampled_at, id).
create index quality_reviews_queue_idx on quality_reviews (service_id, status, sampled_at, id);
-- Agreement reports: reviews done in a period.
create index quality_reviews_report_idx on quality_reviews (service_id, reviewed_at);
