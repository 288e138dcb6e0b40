-- Orders from authorities (DSA Art. 9 and 10, TCO Regulation (EU) 2021/784 removal orders) and referrals.
-- A case opened for an order points to it (the foreign key is added with the orders table below).
alter table cases add column order_id uuid;

-- Authorities registered by a service: who may send it orders, of which types, for which categories.
create table authorities (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  name text not null,
  -- Issuing member state, Eurostat code (Greece = EL).
  member_state text not null,
  kind text not null check (kind in ('judicial', 'administrative', 'law_enforcement', 'digital_services_coordinator', 'other')),
  order_types text[] not null,
  -- NULL = any category.
  categories text[],
  contact_email text not null,
  callback_url text,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- The listing pages by (name, id).
create index authorities_service_idx on authorities (service_id, name, id);

-- An API key with role 'authority' acts for exactly one authority (and only such a key has one).
alter table api_keys add column authority_id uuid references authorities(id);
alter table api_keys add constraint api_keys_authority_bound check ((role = 'authority') = (authority_id is not null));

-- Where the service is established (TCO Art. 4: a removal order issued by another member state is cross-border).
create table order_settings (
  service_id uuid primary key references services(id),
  establishment_country text,
  updated_at timestamptz not null default now()
);

-- Orders are never deleted: the transparency report (Art. 15(1)(a)) is computed from these rows.
create table orders (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  authority_id uuid not null references authorities(id),
  type text not null check (type in ('removal_order', 'order_to_act', 'order_to_provide_information')),
  legal_basis text not null check (btrim(legal_basis) <> ''),
  issuing_member_state text not null,
  reference text not null,
  category text not null,
  keyword text,
  statement_of_reasons text,
  territorial_scope text[],
  -- Number of specific items of information (URLs / accounts): column H of the report's sheet 3.
  item_count integer not null check (item_count > 0),
  cross_border boolean not null default false,
  contested boolean not null default false,
  status text not null check (status in ('received', 'acknowledged', 'effect_given', 'impossible')),
  -- 'api': sent by the authority's key (acknowledged at once); 'registered': received by another channel, entered by staff.
  channel text not null check (channel in ('api', 'registered')),
  received_at timestamptz not null,
  deadline_at timestamptz,
  acknowledged_at timestamptz,
  effect_given_at timestamptz,
  effect_description text,
  effect_decision_ids uuid[],
  impossible_at timestamptz,
  impossibility_reason text check (impossibility_reason in ('force_majeure', 'de_facto_impossibility', 'manifest_errors', 'insufficient_information')),
  impossibility_explanation text,
  contested_at timestamptz,
  contest_grounds text,
  submitted_by_key uuid references api_keys(id),
  registered_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The authority's own reference identifies its order: a second submission with it is a duplicate.
  unique (authority_id, reference)
);
-- Staff listing (newest first, keyset) and the report's period scan.
create index orders_service_received_idx on orders (service_id, received_at, id);
create index orders_authority_received_idx on orders (authority_id, received_at, id);

create table order_items (
  order_id uuid not null references orders(id),
  position smallint not null,
  url text,
  content_id text,
  account_ref text,
  information_requested text,
  primary key (order_id, position)
);

alter table cases add constraint cases_order_fk foreign key (order_id) references orders(id);
-- One case per order; the order page finds it through this index.
create unique index cases_order_idx on cases (order_id) where order_id is not null;

-- What the service tells the authority (acknowledgement, effect, impossibility, contestation), read by its key.
create table order_messages (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  order_id uuid not null references orders(id),
  kind text not null check (kind in ('acknowledgement', 'effect', 'impossibility', 'contest')),
  body jsonb not null,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index order_messages_order_idx on order_messages (order_id, created_at, id);

-- The orders queue: top priority, open to every moderator, escalating to the senior queue.
insert into queues (service_id, slug, name, kind, escalation_queue_id)
select s.id, 'orders', 'Orders from authorities', 'standard', (select id from queues where service_id = s.id and slug = 'senior')
from services s
where not exists (select 1 from queues where service_id = s.id and slug = 'orders');

-- Referrals to authorities: suspected threats to life or safety (DSA Art. 18) and child sexual abuse material
-- sent to a national hotline (INHOPE member).
create table referrals (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references services(id),
  case_id uuid not null references cases(id),
  kind text not null check (kind in ('threat_to_life_or_safety', 'csam_hotline')),
  -- Id in the built-in directory (src/orders/referral-directory.ts), or NULL for a recipient named by hand.
  recipient_id text,
  recipient_name text not null,
  recipient_url text,
  -- The member state concerned (Eurostat code); NULL when unclear (then Europol, Art. 18(2)).
  member_state text,
  -- The information transmitted, as exported (never the notifier's identity).
  information jsonb not null,
  format text not null,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  sent_at timestamptz not null,
  their_reference text,
  acknowledged_at timestamptz,
  acknowledgement_recorded_at timestamptz
);
create index referrals_service_idx on referrals (service_id, created_at, id);
create index referrals_case_idx on referrals (case_id);
