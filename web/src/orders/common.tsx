/** Shapes, enums and small pieces shared by the orders pages and the referral form. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describedBy as hintAndError } from '../admin/instance/fields.ts';
import { fmt } from '../i18n/index.ts';
import { CATEGORIES } from '../public/taxonomy.ts';
import { dueLabel } from '../workspace/shared.tsx';

export const ORDER_TYPES = ['removal_order', 'order_to_act', 'order_to_provide_information'] as const;
export const ORDER_STATUSES = ['received', 'acknowledged', 'effect_given', 'impossible'] as const;
export const AUTHORITY_KINDS = ['judicial', 'administrative', 'law_enforcement', 'digital_services_coordinator', 'other'] as const;
export const IMPOSSIBILITY_REASONS = ['force_majeure', 'de_facto_impossibility', 'manifest_errors', 'insufficient_information'] as const;
export const REFERRAL_KINDS = ['threat_to_life_or_safety', 'csam_hotline'] as const;
/** Eurostat codes of the 27 member states (Greece is EL), as the API names them. */
export const MEMBER_STATES = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK'] as const;
/** The options of a member-state select: "France (FR)", in code order. */
export function MemberStateOptions() {
  return (
    <>
      {MEMBER_STATES.map((s) => (
        <option key={s} value={s}>
          {fmt.region(s)} ({s})
        </option>
      ))}
    </>
  );
}
export const NOT_SPECIFIED_ORDER = 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER';
/** The categories of an order: those of illegal content, or "not specified" (orders have their own). */
export const ORDER_CATEGORIES = [NOT_SPECIFIED_ORDER, ...CATEGORIES.filter((c) => c !== 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' && c !== 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE')];

/** Who may do what (src/access/roles.ts). */
const ROLES_WITH: Record<string, readonly string[]> = {
  'orders:read': ['admin', 'senior_moderator', 'legal', 'auditor'],
  'orders:manage': ['admin', 'senior_moderator', 'legal'],
  'authorities:manage': ['admin', 'legal'],
  'referrals:create': ['admin', 'senior_moderator', 'moderator', 'legal'],
  'referrals:read': ['admin', 'senior_moderator', 'legal', 'auditor'],
};
export const roleCan = (role: string | null | undefined, permission: keyof typeof ROLES_WITH | string): boolean => !!role && (ROLES_WITH[permission] ?? []).includes(role);

export const base = (service: string) => `/v1/services/${encodeURIComponent(service)}`;

export interface Authority {
  id: string;
  name: string;
  member_state: string;
  kind: string;
  order_types: string[];
  categories: string[] | null;
  contact_email: string;
  callback_url: string | null;
  disabled: boolean;
  created_at: string;
}

export interface OrderView {
  id: string;
  authority: { id: string; name: string };
  type: string;
  reference: string;
  legal_basis: string;
  issuing_member_state: string;
  category: string;
  keyword: string | null;
  statement_of_reasons: string | null;
  territorial_scope: string[] | null;
  item_count: number;
  cross_border: boolean;
  contested: boolean;
  status: string;
  channel: string;
  received_at: string;
  deadline_at: string | null;
  overdue: boolean;
  acknowledged_at: string | null;
  effect: { given_at: string; description: string; decision_ids: string[] } | null;
  impossibility: { at: string; reason: string; explanation: string } | null;
  contest: { at: string; grounds: string } | null;
}

export interface OrderMessage {
  id: string;
  kind: string;
  body: Record<string, unknown>;
  created_at: string;
  delivered_at: string | null;
}

export interface OrderDetail extends OrderView {
  case_id?: string | null;
  items: Array<{ position?: number; url?: string; content_id?: string; account_ref?: string; information_requested?: string }>;
  messages: OrderMessage[];
}

/** An open order is still due (received or acknowledged). */
export const isOpen = (o: { status: string }) => o.status === 'received' || o.status === 'acknowledged';

/** Re-renders every `ms` (a live countdown). */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * The deadline of an order: a live countdown while it is open ("Due in 42 minutes"), then an "Overdue: was due …"
 * badge (in words, never colour alone); once closed, the date only.
 */
export function Deadline({ order }: { order: Pick<OrderView, 'deadline_at' | 'status'> }) {
  const { t } = useTranslation();
  const now = useNow(1000);
  if (!order.deadline_at) return <>—</>;
  const iso = order.deadline_at;
  if (!isOpen(order)) return <time dateTime={iso}>{fmt.dateTime(iso)}</time>;
  const d = dueLabel(t, (v) => fmt.relative(v, now), iso);
  return (
    <time dateTime={iso} title={fmt.dateTime(iso)} className={d.overdue ? 'badge overdue' : undefined}>
      {d.text}
    </time>
  );
}

/** aria-describedby for an input with an optional hint and error (ids as the admin Field makes them). */
export function describedBy(id: string, opts: { hint?: boolean; error?: string | undefined }): { 'aria-describedby'?: string; 'aria-invalid'?: true } {
  const ids = hintAndError(id, opts);
  return { ...(ids ? { 'aria-describedby': ids } : {}), ...(opts.error ? { 'aria-invalid': true as const } : {}) };
}

/** A `datetime-local` value (the browser's time zone) as an ISO instant, or undefined when empty. */
export const localToIso = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);
