/**
 * Sheets 5, 6 and 8 from the decisions of the period counted once by everything they tell apart
 * (compute-sql.ts decisionFine): a few hundred groups, rolled up here. Three-valued as SQL would be: a null
 * automation flag counts neither as automated nor as not.
 */
import type { DecisionFineRow } from './compute-sql.ts';
import { RESTRICTION_COLUMNS, type OwnInitiativeRow } from './figures.ts';

export interface DecisionTotals {
  decisions: number;
  restrictions: number;
  /** Original restrictions (measures), all bases / own initiative, solely automated or not. */
  measures_solely: number;
  measures_not_solely: number;
  oi_measures_solely: number;
  oi_measures_not_solely: number;
  /** Original decisions taken by people on automatically detected cases, and of those the restrictions. */
  detected_reviewed: number;
  detected_confirmed: number;
  oi_detected_reviewed: number;
  oi_detected_confirmed: number;
}

export function decisionTotals(rows: readonly DecisionFineRow[]): DecisionTotals {
  const t: DecisionTotals = {
    decisions: 0,
    restrictions: 0,
    measures_solely: 0,
    measures_not_solely: 0,
    oi_measures_solely: 0,
    oi_measures_not_solely: 0,
    detected_reviewed: 0,
    detected_confirmed: 0,
    oi_detected_reviewed: 0,
    oi_detected_confirmed: 0,
  };
  for (const r of rows) {
    const restricts = r.outcome === 'restriction';
    const oi = r.basis === 'own_initiative';
    t.decisions += r.n;
    if (restricts) t.restrictions += r.n;
    if (restricts && r.original) {
      if (r.solely_automated === true) {
        t.measures_solely += r.n;
        if (oi) t.oi_measures_solely += r.n;
      } else if (r.solely_automated === false) {
        t.measures_not_solely += r.n;
        if (oi) t.oi_measures_not_solely += r.n;
      }
    }
    // Detected by automated means, decided by a person: the base of the precision indicator.
    if (r.original && r.automated_detection === true && r.solely_automated === false) {
      t.detected_reviewed += r.n;
      if (restricts) t.detected_confirmed += r.n;
      if (oi) {
        t.oi_detected_reviewed += r.n;
        if (restricts) t.oi_detected_confirmed += r.n;
      }
    }
  }
  return t;
}

type Counts = Omit<OwnInitiativeRow, 'category' | 'keyword'>;

/**
 * Own-initiative restrictions (original decisions) on one ground, rolled up by category: the TOTAL row, a parent row
 * per category, a keyword row per keyword (decisions without a keyword count in their parent only; without a category,
 * in TOTAL only). No rows at all when there is no such measure. Unordered.
 */
export function ownInitiativeRows(rows: readonly DecisionFineRow[], ground: 'illegal' | 'incompatible'): OwnInitiativeRow[] {
  const columns = Object.entries(RESTRICTION_COLUMNS) as [keyof typeof RESTRICTION_COLUMNS, number][];
  const out = new Map<string, OwnInitiativeRow>();
  const add = (category: string, keyword: string | null, r: DecisionFineRow) => {
    const id = `${category}\u0000${keyword ?? ''}`;
    let row = out.get(id);
    if (!row) {
      const zero = { measures: 0, solely_automated: 0 } as Counts;
      for (const [name] of columns) zero[name] = 0;
      row = { category, keyword, ...zero };
      out.set(id, row);
    }
    row.measures += r.n;
    if (r.automated_detection === true) row.solely_automated += r.n;
    for (const [name, mask] of columns) if ((r.restriction_mask & mask) !== 0) row[name] += r.n;
  };
  for (const r of rows) {
    if (r.basis !== 'own_initiative' || r.outcome !== 'restriction' || !r.original || r.ground !== ground) continue;
    add('TOTAL', null, r);
    if (r.category === null) continue;
    add(r.category, null, r);
    if (r.keyword !== null) add(r.category, r.keyword, r);
  }
  return [...out.values()];
}
