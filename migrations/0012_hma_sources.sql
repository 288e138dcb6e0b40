-- A service that already runs Meta's Hasher-Matcher-Actioner (HMA) can have Vigie look hashes up in it at
-- screening and lookup time, beside Vigie's own banks (docs/banks.md, "HMA as a remote matcher").
-- One HMA per service.
create table hma_sources (
  service_id uuid primary key references services(id),
  -- HMA's root URL (where /m/lookup and /c/banks are served).
  base_url text not null,
  -- Bearer token for a proxy in front of HMA, AES-256-GCM encrypted with DATA_DIR/exchange.key; never returned.
  token_encrypted text,
  -- HMA's name of the MD5 signal type (video_md5 in HMA's defaults).
  md5_signal_type text not null default 'video_md5',
  -- HMA banks carry no category or action: what a match from this HMA means here.
  category text,
  default_action text not null default 'open_case' check (default_action in ('open_case', 'hold', 'label', 'none')),
  automated_action_allowed boolean not null default true,
  timeout_ms integer not null default 2000 check (timeout_ms between 100 and 10000),
  enabled boolean not null default true,
  last_ok_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
