-- Hash banks of known content (docs/banks.md): banks owned by a service, their entries (hashes with
-- provenance and a status), sharing with other services of the instance, and the hourly match counts
-- that flood protection compares with an entry's usual rate. Vocabulary after Meta's HMA
-- (hasher-matcher-actioner): bank, bank content (here: entry), signal type.

create table banks (
  id uuid primary key default gen_random_uuid(),
  -- The owning service: the only one that may change the bank or its entries.
  service_id uuid not null references services(id),
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null,
  description text,
  -- positive: known content to act on; negative: known false positives that suppress a match.
  kind text not null default 'positive' check (kind in ('positive', 'negative')),
  -- DSA Transparency Database category (src/taxonomy/categories.ts) of what the bank holds; null for negative banks.
  category text,
  -- What a match should lead to (read by rules): open a case, hold the item, label it, or nothing (record only).
  default_action text not null default 'open_case' check (default_action in ('open_case', 'hold', 'label', 'none')),
  -- Where the hashes come from: own moderation, an industry hash-sharing programme, an authority, other.
  source_kind text not null default 'own' check (source_kind in ('own', 'industry', 'authority', 'other')),
  source_description text,
  -- private: owner only (plus explicit bank_shares); instance: read-only to every service of the instance.
  sharing text not null default 'private' check (sharing in ('private', 'instance')),
  -- A disabled bank keeps its entries but matches nothing.
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (service_id, slug),
  check (kind = 'negative' or category is not null)
);

-- Explicit read-only shares with other services of the instance.
create table bank_shares (
  bank_id uuid not null references banks(id),
  service_id uuid not null references services(id),
  created_at timestamptz not null default now(),
  primary key (bank_id, service_id)
);
create index bank_shares_service_idx on bank_shares (service_id);

-- One hash in one bank. The id is an int4 because the matcher's in-memory indexes key entries by int32.
create table bank_entries (
  id integer generated always as identity primary key,
  bank_id uuid not null references banks(id),
  signal_type text not null check (signal_type in ('pdq', 'md5', 'sha256')),
  -- Lower-case hex: pdq and sha256 64 characters, md5 32.
  hash text not null check (
    (signal_type = 'md5' and hash ~ '^[0-9a-f]{32}$') or (signal_type in ('pdq', 'sha256') and hash ~ '^[0-9a-f]{64}$')
  ),
  -- {source, reference, added_by, imported_from, tags, original_signal_type, …}: where the entry came from.
  provenance jsonb not null default '{}',
  -- active: matches; disputed: matches, flagged (no automated action); retracted: known false positive or
  -- withdrawn, never matches; quarantined: stopped by flood protection until a person sets it active again.
  status text not null default 'active' check (status in ('active', 'disputed', 'retracted', 'quarantined')),
  status_reason text,
  -- +1 on every status change (under the row lock): the matcher ignores a state older than the one it holds,
  -- whatever order concurrent requests apply their commits in.
  version integer not null default 1,
  created_at timestamptz not null default now(),
  -- Every change sets it: the matchers of other processes poll on it (docs/banks.md, "refresh").
  updated_at timestamptz not null default now(),
  unique (bank_id, signal_type, hash)
);
-- Listing a bank's entries (keyset on id), optionally by status.
create index bank_entries_bank_idx on bank_entries (bank_id, id);
create index bank_entries_updated_idx on bank_entries (updated_at);

-- Matches per entry per hour (flood protection): the last hour against the usual hourly rate.
create table bank_entry_match_counts (
  entry_id integer not null references bank_entries(id),
  hour timestamptz not null,
  matches integer not null,
  primary key (entry_id, hour)
);
