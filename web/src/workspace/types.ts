/** The API's shapes the workspace reads (as the server presents them). */
export interface QueueView {
  id: string;
  slug: string;
  name: string;
  kind: string;
  claimable: boolean;
  open: number;
  unclaimed: number;
  breached: number;
  next_deadline_at: string | null;
}

export interface CaseView {
  id: string;
  queue: string;
  category: string;
  subcategory: string | null;
  content: { url: string | null; content_id: string | null };
  status: string;
  tier: number;
  trusted: boolean;
  escalated: boolean;
  notice_count: number;
  mass_report_suspected: boolean;
  automated_detection: boolean;
  claimed_by: string | null;
  claim_expires_at: string | null;
  sla: { deadline_at: string; breached: boolean; seconds_left: number };
  created_at: string;
}

export interface CaseNotice {
  notice_id: string;
  reference: string;
  category: string;
  subcategory: string | null;
  explanation: string | null;
  language: string | null;
  notifier_type: string | null;
  trusted: boolean;
  url: string | null;
  content_id: string | null;
  created_at: string;
}

export interface CaseNote {
  id: string;
  author_id: string;
  author_name: string;
  body: string;
  created_at: string;
}

export interface CaseDetail extends CaseView {
  notices: CaseNotice[];
  notes: CaseNote[];
}

export interface ScreenedItem {
  id: string;
  kind: string;
  content_id: string | null;
  content_url: string | null;
  signals: Record<string, unknown>;
  rules: unknown;
  held: boolean;
  labels: unknown;
  screened_at: string;
}

/** One line of a case's history (GET …/cases/{id}/history). */
export interface AuditEvent {
  id: number;
  occurred_at: string;
  actor_type: string;
  actor_name: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
}

export interface Evidence {
  id: string;
  sha256: string;
  media_type: string;
  size_bytes: number;
}

export interface Rendered {
  locale: 'fr' | 'en';
  title: string;
  sections: Array<{ heading: string; text: string }>;
}

export interface Preview {
  valid: boolean;
  fields: Array<{ path: string; reason: string }>;
  statement: { fr: Rendered; en: Rendered } | null;
  tdb: Record<string, unknown> | null;
  affected_user_locale: 'fr' | 'en' | null;
  four_eyes_rules: string[];
  claimed_by_you: boolean;
}
