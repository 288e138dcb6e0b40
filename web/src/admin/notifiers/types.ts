/** The notifiers API's shapes as the console reads them (src/notifiers/schemas.ts), and small helpers. */
import { currentLocale } from '../../i18n/index.ts';

export interface Notifier {
  id: string;
  kind: 'api_key' | 'email';
  display_name: string | null;
  trusted_flagger: boolean;
  expertise: string[];
  trust_configured: boolean;
  trusted_by_key_role: boolean;
  designation: { coordinator: string; member_state: string; designated_at: string; reference: string | null } | null;
  status: 'active' | 'warned' | 'suspended';
  suspended_until: string | null;
  api_key_ids: string[];
  notices_total: number;
  created_at: string;
  identity?: { hidden: true } | { name: string | null; email: string | null };
}
export interface NotifierDetail extends Notifier {
  statistics: {
    period: { from: string; to: string };
    notices: number;
    decided: number;
    with_action: number;
    precision: number | null;
    manifestly_unfounded: number;
    median_hours_to_decision: number | null;
  };
  accountability: { window_days: number; unfounded_threshold: number; notices_in_window: number; unfounded_in_window: number };
}
export interface Action {
  id: string;
  kind: 'warning' | 'suspension' | 'lifted' | 'trusted_granted' | 'trusted_revoked';
  reason: string;
  starts_at: string | null;
  ends_at: string | null;
  lifts_action_id: string | null;
  unfounded_count: number | null;
  notices_count: number | null;
  window_days: number | null;
  details: { expertise?: string[] };
  created_at: string;
  notified_by_email?: boolean;
}
export interface Key {
  id: string;
  name: string;
  role: string;
  prefix: string;
  revoked_at: string | null;
}
export interface Policy {
  unfounded_threshold: number;
  window_days: number;
}
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export const PAGE = 25;
/** A calendar day (YYYY-MM-DD, UTC) in the current locale, without shifting it to the browser's time zone. */
export const day = (d: string) => new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${d}T00:00:00Z`));
/** Keys that may send notices, hence be bound to a notifier (the server checks it too). */
export const notifyingKeys = (keys: Key[] | undefined) => (keys ?? []).filter((k) => k.revoked_at === null && (k.role === 'platform' || k.role === 'trusted_flagger'));
