/** Shapes of the banks, HMA source and screening rules API answers, and the values the forms offer. */
import dashboardEn from '../../dashboard/i18n/en.json';

export const CATEGORIES = Object.keys(dashboardEn.categories);
export const BANK_KINDS = ['positive', 'negative'] as const;
export const DEFAULT_ACTIONS = ['open_case', 'hold', 'label', 'none'] as const;
export const SOURCE_KINDS = ['own', 'industry', 'authority', 'other'] as const;
export const SHARING = ['private', 'instance'] as const;
export const SIGNAL_TYPES = ['pdq', 'md5', 'sha256'] as const;
export const SETTABLE_STATUSES = ['disputed', 'retracted', 'active'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];
export const RULE_MODES = ['live', 'shadow', 'disabled'] as const;

export interface Bank {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  kind: string;
  category: string | null;
  default_action: string;
  source: { kind: string; description: string | null };
  sharing: string;
  enabled: boolean;
  owner_service: string;
  read_only: boolean;
  entry_count?: number;
}

export interface Entry {
  id: number;
  signal_type: string;
  hash: string;
  status: string;
  status_reason: string | null;
  provenance: Record<string, unknown> | null;
  created_at: string;
}

export interface HmaSource {
  base_url: string;
  token: string | null;
  md5_signal_type: string;
  category: string | null;
  default_action: string;
  automated_action_allowed: boolean;
  timeout_ms: number;
  enabled: boolean;
  last_ok_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
}

export type HmaCheck = { ok: true; banks: Array<{ name: string; matching_enabled_ratio: number | null }> } | { ok: false; error: { kind: string; message: string } };

export interface Rule {
  slug: string;
  name: string;
  mode: string;
  version: number;
  definition: unknown;
  updated_at: string;
}

export const serviceBase = (service: string) => `/v1/services/${encodeURIComponent(service)}`;
