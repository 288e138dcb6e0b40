/**
 * Lays a report (computed figures + admin inputs) out on the 11 sheets of the harmonised template. Every sheet
 * starts from the template's own rows (template.ts); only values, `Service`, `Reporting period`, the
 * `KEYWORD_OTHER` descriptions and contextual cells are written, and the placeholder blocks (`AT, […], SE`,
 * `bg` / `[...]` / `sv`) are replaced by real per-member-state and per-language rows where they apply.
 */
import type { CategoryKey, OrderRow, NoticeRow, OwnInitiativeRow, ReportFigures, ScopedValue } from './figures.ts';
import type { ReportInputs } from './schemas.ts';
import {
  applies,
  EU_LANGUAGES,
  MEMBER_STATES,
  OTHER_PLACEHOLDER,
  QUALITATIVE_KEYS,
  SHEET_NAMES,
  TEMPLATE,
  type ProviderKind,
  type SheetName,
} from './template.ts';

/** A cell: text, a number, or blank (`null`). */
export type Cell = string | number | null;
export interface Sheet {
  name: SheetName;
  header: string[];
  rows: Cell[][];
}

/** Everything a report's exports are made of. Published reports rebuild it from stored values only. */
export interface ReportDocument {
  service_name: string;
  provider_name: string;
  provider_kind: ProviderKind;
  period: { start: string; end: string };
  /** YYYY-MM-DD of publication (blank before publication). */
  published_on: string | null;
  /** YYYY-MM-DD of the latest report of the service published before this one. */
  previous_published_on: string | null;
  figures: ReportFigures;
  inputs: ReportInputs;
}

/** A contextual note that matched no row or column of its sheet (reported as a 400 on PATCH). */
export interface UnplacedNote {
  index: number;
  reason: string;
}

/** Hours and FTE: decimals rounded to 2 places; rates in [0,1]: 4 places; counts stay integers. */
const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

type NumericKeys<T> = { [K in keyof T]: T[K] extends number | null ? K : never }[keyof T];

/** Value columns of sheets 3–6 in template column order; `h` marks medians in hours. */
const ORDER_FIELDS: Array<NumericKeys<OrderRow>> = ['act_received', 'act_items', 'act_median_ack_h', 'act_median_effect_h', 'info_received', 'info_median_ack_h', 'info_median_effect_h'];
const NOTICE_FIELDS: Array<NumericKeys<NoticeRow>> = [
  'received', 'received_tf', 'items', 'items_tf', 'median_action_h', 'median_action_tf_h', 'actions_law', 'actions_law_tf', 'actions_tc', 'actions_tc_tf',
];
const OWN_FIELDS: Array<NumericKeys<OwnInitiativeRow>> = [
  'measures', 'solely_automated', 'vis_removal', 'vis_disable', 'vis_demoted', 'vis_age', 'vis_interaction', 'vis_labelled', 'vis_other',
  'mon_suspension', 'mon_termination', 'mon_other', 'prov_suspension', 'prov_termination', 'acc_suspension', 'acc_termination',
];
const MONETARY_FIELDS = new Set<string>(['mon_suspension', 'mon_termination', 'mon_other']);

class Notes {
  private readonly used = new Set<number>();
  constructor(private readonly notes: NonNullable<ReportInputs['contextual_notes']>) {}
  /** The text of the notes for this cell, joined; marks them placed. */
  take(match: (n: NonNullable<ReportInputs['contextual_notes']>[number]) => boolean): string | null {
    const texts: string[] = [];
    this.notes.forEach((n, i) => {
      if (match(n)) {
        this.used.add(i);
        texts.push(n.text);
      }
    });
    return texts.length > 0 ? texts.join('\n') : null;
  }
  unplaced(): UnplacedNote[] {
    return this.notes.flatMap((n, i) => (this.used.has(i) ? [] : [{ index: i, reason: `no row "${n.row}"${n.scope ? ` / scope "${n.scope}"` : ''}${n.column ? ` / column "${n.column}"` : ''} in sheet ${n.sheet}` }]));
  }
}

const same = (a: string | undefined, b: string) => a !== undefined && a.trim() === b.trim();

interface Ctx {
  doc: ReportDocument;
  kind: ProviderKind;
  period: string;
  notes: Notes;
}

/** Builds all 11 sheets; `unplaced` lists contextual notes that fit no cell. */
export function buildSheets(doc: ReportDocument): { sheets: Sheet[]; unplaced: UnplacedNote[] } {
  const ctx: Ctx = { doc, kind: doc.provider_kind, period: `${doc.period.start}/${doc.period.end}`, notes: new Notes(doc.inputs.contextual_notes ?? []) };
  const f = doc.figures;
  const sheets: Sheet[] = [
    identification(ctx),
    categoriesNames(ctx),
    orders(ctx, f.orders),
    categoryMatrix(ctx, '4_notices', f.notices, NOTICE_FIELDS),
    categoryMatrix(ctx, '5_own_initiative_illegal', f.own_initiative_illegal, OWN_FIELDS),
    categoryMatrix(ctx, '6_own_initiative_TC', f.own_initiative_tc, OWN_FIELDS),
    scopedList(ctx, '7_appeals_and_recidivism', f.appeals),
    automatedMeans(ctx, f.automated_means),
    humanResources(ctx),
    amar(ctx),
    qualitative(ctx),
  ];
  if (sheets.map((s) => s.name).join() !== SHEET_NAMES.join()) throw new Error('sheet order differs from the template');
  return { sheets, unplaced: ctx.notes.unplaced() };
}

function identification(ctx: Ctx): Sheet {
  const t = TEMPLATE['1_report_identification'];
  const d = ctx.doc;
  const values = [d.provider_name, d.published_on, d.previous_published_on, d.period.start, d.period.end];
  return { name: t.name, header: t.header, rows: t.rows.map((r, i) => [r[0] as string, d.service_name, r[2] as string, values[i] ?? null]) };
}

function categoriesNames(ctx: Ctx): Sheet {
  const t = TEMPLATE['2_categories_names'];
  const context = ctx.doc.inputs.category_context ?? {};
  return { name: t.name, header: t.header, rows: t.rows.map((r) => [r[0] as string, r[1] as string, r[2] as string, context[r[0] as string] ?? null]) };
}

const keyOf = (k: CategoryKey, scope = 'TOTAL') => `${scope}|${k.category}|${k.keyword ?? ''}`;

/** The template rows of a category sheet with the category key of each (parent tracked from the row order). */
function categoryRows(rows: string[][], codeCol: number): Array<{ row: string[]; key: CategoryKey; parent: string | null }> {
  let parent: string | null = null;
  return rows.map((row) => {
    const code = row[codeCol] as string;
    if (code === 'TOTAL') return { row, key: { category: 'TOTAL', keyword: null }, parent: null };
    if (code.startsWith('STATEMENT_CATEGORY_')) {
      parent = code;
      return { row, key: { category: code, keyword: null }, parent: null };
    }
    if (!parent) throw new Error(`template keyword row before any category: ${code}`);
    return { row, key: { category: parent, keyword: code }, parent };
  });
}

/** Formats one value cell of sheets 3–6. */
function valueCell(field: string, value: number | null | undefined, applicable: boolean, monetisation: boolean): Cell {
  if (!applicable || (!monetisation && MONETARY_FIELDS.has(field))) return null;
  if (field.endsWith('_h')) return value === null || value === undefined ? null : round(value, 2);
  return value ?? 0;
}

/** Fills one row of sheets 3–6: columns up to `firstValue`, then values, then their contextual cells. */
function fillCategoryRow<R extends CategoryKey>(
  ctx: Ctx,
  sheet: SheetName,
  header: string[],
  t: { row: string[]; key: CategoryKey; parent: string | null },
  firstValue: number,
  fields: Array<NumericKeys<R>>,
  data: R | undefined,
  scope: string | null,
): Cell[] {
  const applicable = applies(t.row[0] as string, ctx.kind);
  const monetisation = ctx.doc.inputs.monetisation !== false;
  const code = t.row[3] as string;
  const out: Cell[] = [t.row[0] as string, ctx.doc.service_name, ctx.period, code];
  const isOther = code === 'KEYWORD_OTHER';
  out.push(isOther ? (ctx.doc.inputs.keyword_other?.[t.parent as string] ?? null) : t.row[4] === OTHER_PLACEHOLDER ? null : (t.row[4] ?? null));
  if (scope !== null) out.push(scope);
  const values = fields.map((f) => valueCell(String(f), data ? (data[f] as number | null) : undefined, applicable, monetisation));
  out.push(...values);
  fields.forEach((_f, i) => {
    const column = header[firstValue + i] as string;
    out.push(
      ctx.notes.take(
        (n) =>
          n.sheet === sheet &&
          n.row === code &&
          (!isOther || n.parent === t.parent) &&
          same(n.column, column) &&
          (scope === null || (n.scope ?? 'TOTAL') === scope),
      ),
    );
  });
  return out;
}

function categoryMatrix<R extends CategoryKey>(ctx: Ctx, name: '4_notices' | '5_own_initiative_illegal' | '6_own_initiative_TC', data: R[], fields: Array<NumericKeys<R>>): Sheet {
  const t = TEMPLATE[name];
  if (t.header.length !== 5 + 2 * fields.length) throw new Error(`template ${name} has ${t.header.length} columns, expected ${5 + 2 * fields.length}`);
  const byKey = new Map(data.map((r) => [keyOf(r), r]));
  const rows = categoryRows(t.rows, 3).map((r) => fillCategoryRow(ctx, name, t.header, r, 5, fields, byKey.get(keyOf(r.key)), null));
  return { name, header: t.header, rows };
}

/**
 * Sheet 3: the TOTAL block, then one block per member state that sent orders, replacing the template's
 * `AT, […], SE` placeholder block. Member-state blocks reuse the TOTAL block's category list, which (unlike the
 * template's placeholder block) includes KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE.
 */
function orders(ctx: Ctx, data: OrderRow[]): Sheet {
  const t = TEMPLATE['3_member_states_orders'];
  if (t.header.length !== 6 + 2 * ORDER_FIELDS.length) throw new Error('template 3_member_states_orders changed shape');
  const totalBlock = categoryRows(t.rows.filter((r) => r[5] === 'TOTAL'), 3);
  const byKey = new Map(data.map((r) => [keyOf(r, r.scope), r]));
  const order = new Map<string, number>(MEMBER_STATES.map((m, i) => [m, i]));
  const states = [...new Set(data.map((r) => r.scope).filter((s) => s !== 'TOTAL'))].sort(
    (a, b) => (order.get(a) ?? 99) - (order.get(b) ?? 99) || a.localeCompare(b),
  );
  const rows: Cell[][] = [];
  for (const scope of ['TOTAL', ...states]) {
    for (const r of totalBlock) rows.push(fillCategoryRow(ctx, t.name, t.header, r, 6, ORDER_FIELDS, byKey.get(keyOf(r.key, scope)), scope));
  }
  return { name: t.name, header: t.header, rows };
}

const isRate = (indicator: string, scope: string) => /^Accuracy of the automated means/.test(indicator) || /^Percentage/.test(scope.trim());
const isHours = (scope: string) => scope.trim() === 'Median time';

/** One row of sheets 7–9: [Applicability, Service, Reporting period, Section, Indicator, Scope, Value, Contextual]. */
function scopedRow(ctx: Ctx, sheet: SheetName, tRow: string[], scope: string, found: ScopedValue | undefined, fallback: number | null, extraContext: string | null = null): Cell[] {
  const [applicability, , , section, indicator] = tRow as [string, string, string, string, string];
  const applicable = applies(applicability, ctx.kind);
  let value: Cell = null;
  if (applicable) {
    const raw = found ? found.value : fallback;
    if (raw !== null) value = isRate(indicator, scope) ? round(raw, 4) : isHours(scope) ? round(raw, 2) : raw;
  }
  const monetary = indicator.includes('monetise') && ctx.doc.inputs.monetisation === false;
  if (monetary) value = null;
  const note = ctx.notes.take((n) => n.sheet === sheet && same(n.row, indicator) && same(n.scope ?? 'Total number', scope));
  const context = [applicable ? (found?.context ?? null) : null, extraContext, note].filter((x): x is string => !!x).join('\n') || null;
  return [applicability, ctx.doc.service_name, ctx.period, section, indicator, scope, value, context];
}

/** The value a missing row gets when it applies: 0 for counts; blank for medians and rates (nothing to compute). */
const missingDefault = (indicator: string, scope: string) => (isRate(indicator, scope) || isHours(scope) ? null : 0);

function findScoped(data: ScopedValue[], tRow: string[], scope: string): ScopedValue | undefined {
  const [, , , section, indicator] = tRow as [string, string, string, string, string];
  return (
    data.find((v) => v.section === section && v.indicator === indicator && v.scope === scope) ??
    data.find((v) => same(v.section, section) && same(v.indicator, indicator) && same(v.scope, scope))
  );
}

function scopedList(ctx: Ctx, name: SheetName, data: ScopedValue[]): Sheet {
  const t = TEMPLATE[name];
  const rows = t.rows.map((r) => scopedRow(ctx, name, r, r[5] as string, findScoped(data, r, r[5] as string), missingDefault(r[4] as string, r[5] as string)));
  return { name, header: t.header, rows };
}

const isPlaceholderLanguage = (scope: string) => scope === 'bg' || scope === '[...]' || scope === 'sv';

/**
 * Sheet 8: the template rows; for VLOPs the `bg` / `[...]` / `sv` placeholder rows become each of the five
 * indicators for each of the 24 official languages (Art. 42(2)(c)); for other providers they stay as in the
 * template, blank.
 */
function automatedMeans(ctx: Ctx, data: ScopedValue[]): Sheet {
  const t = TEMPLATE['8_automated_means'];
  const rows: Cell[][] = [];
  let languagesDone = false;
  for (const r of t.rows) {
    const scope = r[5] as string;
    if (!isPlaceholderLanguage(scope) || ctx.kind !== 'vlop') {
      rows.push(scopedRow(ctx, t.name, r, scope, isPlaceholderLanguage(scope) ? undefined : findScoped(data, r, scope), missingDefault(r[4] as string, scope)));
      continue;
    }
    if (languagesDone) continue;
    languagesDone = true;
    // The five indicators of the "Total number" block, with their exact labels.
    const indicators = t.rows.filter((x) => x[5] === 'Total number');
    for (const ind of indicators) {
      const base = [t.rows.find((x) => isPlaceholderLanguage(x[5] as string))?.[0] as string, ...ind.slice(1)];
      for (const lang of EU_LANGUAGES) rows.push(scopedRow(ctx, t.name, base, lang, findScoped(data, base, lang), missingDefault(base[4] as string, lang)));
    }
  }
  return { name: t.name, header: t.header, rows };
}

/** Sheet 9 (VLOPs): FTE totals from the inputs; per language, the FTE of moderators at CEFR B2 or above. */
function humanResources(ctx: Ctx): Sheet {
  const t = TEMPLATE['9_human_resources'];
  const hr = ctx.doc.inputs.human_resources ?? {};
  const groups = hr.moderators ?? [];
  const totals = [hr.internal_fte, hr.external_fte, hr.linguistic_expertise_fte];
  const rows: Cell[][] = [];
  let languagesDone = false;
  t.rows.forEach((r, i) => {
    const scope = r[5] as string;
    if (!isPlaceholderLanguage(scope)) {
      const v = totals[i];
      rows.push(scopedRow(ctx, t.name, r, scope, undefined, v === undefined ? null : round(v, 2)));
      return;
    }
    if (ctx.kind !== 'vlop') {
      rows.push(scopedRow(ctx, t.name, r, scope, undefined, null));
      return;
    }
    if (languagesDone) return;
    languagesDone = true;
    for (const lang of EU_LANGUAGES) {
      const mine = groups.filter((g) => g.language === lang && ['B2', 'C1', 'C2'].includes(g.cefr_level));
      const value = mine.length === 0 ? (groups.length === 0 ? null : 0) : round(mine.reduce((s, g) => s + g.internal_fte + g.external_fte, 0), 2);
      const quals = groups.filter((g) => g.language === lang && g.qualifications).map((g) => `${g.cefr_level}: ${g.qualifications as string}`);
      rows.push(scopedRow(ctx, t.name, r, lang, undefined, value, quals.length > 0 ? quals.join('\n') : null));
    }
  });
  return { name: t.name, header: t.header, rows };
}

/** Sheet 10 (VLOPs/VLOSEs): TOTAL then the 27 member states, from the inputs; blank where not entered. */
function amar(ctx: Ctx): Sheet {
  const t = TEMPLATE['10_AMAR'];
  const a = ctx.doc.inputs.amar ?? {};
  const [first, placeholder] = t.rows as [string[], string[]];
  const vlop = ctx.kind === 'vlop';
  const row = (r: string[], scope: string, v: number | undefined): Cell[] => [r[0] as string, ctx.doc.service_name, ctx.period, r[3] as string, r[4] as string, scope, vlop && v !== undefined ? v : null];
  if (!vlop) return { name: t.name, header: t.header, rows: t.rows.map((r) => row(r, r[5] as string, undefined)) };
  return { name: t.name, header: t.header, rows: [row(first, 'TOTAL', a.total), ...MEMBER_STATES.map((m) => row(placeholder, m, a.member_states?.[m]))] };
}

/** Sheet 11: the template's `Free text` placeholder replaced by the admin's text (blank where it does not apply). */
function qualitative(ctx: Ctx): Sheet {
  const t = TEMPLATE['11_qualitative'];
  const texts = ctx.doc.inputs.qualitative ?? {};
  const rows = t.rows.map((r, i): Cell[] => {
    const key = QUALITATIVE_KEYS[i] as (typeof QUALITATIVE_KEYS)[number];
    const text = applies(r[0] as string, ctx.kind) ? (texts[key] ?? null) : null;
    return [r[0] as string, ctx.doc.service_name, ctx.period, r[3] as string, text];
  });
  return { name: t.name, header: t.header, rows };
}
