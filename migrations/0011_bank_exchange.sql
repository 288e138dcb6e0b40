-- Partner exchange of hash banks between Vigie instances (docs/banks.md, "Partner exchange").
-- The owner of a bank grants a partner read access to it (one grant = one bank, revocable); the partner
-- pulls signed pages of entries with the grant's token. On the pulling side, a bank whose source is a
-- partner keeps the partner's URL, its token (encrypted) and the cursor of the last page applied.

-- A bank's source may now be a partner Vigie instance (set by PUT …/partner-source, not by the bank body).
alter table banks drop constraint banks_source_kind_check;
alter table banks add constraint banks_source_kind_check check (source_kind in ('own', 'industry', 'authority', 'other', 'partner'));

-- Grants given by a bank's owner: the token `vxg_<id>_<secret>` is shown once; only sha256(secret) is kept.
create table bank_exchange_grants (
  id uuid primary key default gen_random_uuid(),
  bank_id uuid not null references banks(id),
  -- Who the grant is for (free text: the partner's name), for the owner's lists and audit.
  partner text not null,
  secret_hash text not null,
  created_by jsonb not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index bank_exchange_grants_bank_idx on bank_exchange_grants (bank_id, created_at);

-- A pull reads one bank's entries in (updated_at, id) order after a cursor.
create index bank_entries_exchange_idx on bank_entries (bank_id, updated_at, id);

-- The pulling side: one partner source per bank.
create table bank_partner_sources (
  bank_id uuid primary key references banks(id),
  -- The partner's entries URL: https://partner.example/v1/exchange/banks/<their bank id>/entries
  url text not null,
  -- The grant token, AES-256-GCM encrypted with DATA_DIR/exchange.key (iv, tag and ciphertext, base64url);
  -- never returned by the API.
  token_encrypted text not null,
  -- The partner's opaque cursor after the last page applied (null: from the beginning).
  cursor text,
  last_synced_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
