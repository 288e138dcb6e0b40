/** The public transparency API's shapes (src/transparency/present.ts, figures.ts), as the pages use them. */
export interface Totals {
  notices: number;
  orders: number;
  decisions: number;
  restrictions: number;
  appeals: number;
  reinstatements: number;
  median_action_h: number | null;
  suspensions: number;
}
export interface Links {
  json: string;
  zip: string;
  xlsx: string;
  csv: Record<string, string>;
}
/** sha256 of each file: the workbook, the ZIP, the JSON, and each sheet's CSV (recorded at publication). */
export interface FileHashes {
  json: string;
  zip: string;
  xlsx: string;
  csv: Record<string, string>;
}
export interface PublicReportItem {
  id: string;
  period: { start: string; end: string };
  provider_name: string;
  service_name: string;
  provider_kind: string;
  version: number;
  supersedes_id: string | null;
  superseded_by: string | null;
  changes: Array<{ change: string; reason: string }> | null;
  published_at: string | null;
  file_hashes: FileHashes | null;
  totals: Totals | null;
  url: string;
  links: Links;
}
export interface CategoryRow {
  category: string;
  keyword: string | null;
}
export interface NoticeRow extends CategoryRow {
  received: number;
  received_tf: number;
  actions_law: number;
  actions_tc: number;
  median_action_h: number | null;
}
export interface OwnInitiativeRow extends CategoryRow {
  measures: number;
  solely_automated: number;
}
export interface OrderRow extends CategoryRow {
  scope: string;
  act_received: number;
  info_received: number;
  act_median_effect_h: number | null;
}
export interface ScopedValue {
  section: string;
  indicator: string;
  scope: string;
  value: number | null;
}
export interface Figures {
  period: { start: string; end: string };
  orders: OrderRow[];
  notices: NoticeRow[];
  own_initiative_illegal: OwnInitiativeRow[];
  own_initiative_tc: OwnInitiativeRow[];
  appeals: ScopedValue[];
  automated_means: ScopedValue[];
  totals: Totals;
}
export interface PublicReport extends PublicReportItem {
  figures: Figures;
}
