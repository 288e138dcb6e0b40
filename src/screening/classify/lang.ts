/**
 * Language identification with eld (small database). Behaviour on short or ambiguous text:
 * - URLs, @handles, #hashtags and RT marks are removed first; the first 2,000 characters are used;
 * - no letter at all (emoji, numbers, URLs only) → `und`;
 * - eld's best language is used when it is a covered language;
 * - otherwise, when the text is short (< 20 letters) and a covered language scores at least 0.7 × the best
 *   score, that covered language is used (eld small often calls short English "no"/"cs");
 * - otherwise eld's language (uncovered) or `und` when eld has no answer. Uncovered and `und` texts get no
 *   automated score and are routed to human review.
 */
import { eld } from 'eld/small';

export const SHORT_TEXT_LETTERS = 20;
export const COVERED_RATIO = 0.7;
const LETTER = /\p{L}/gu;

export interface LangResult {
  lang: string;
  reliable: boolean;
}

const NOT_LANGUAGE = /\b(?:https?:\/\/|www\.)\S+|(?<![\p{L}\p{N}_])[@#][\p{L}\p{N}_]+|\|LBR\||\bRT\b/giu;

export function detectLanguage(text: string, covered: ReadonlySet<string>): LangResult {
  // URLs, @handles, #hashtags and retweet marks say nothing about the language.
  const t = text.length > 2000 ? text.slice(0, 2000) : text;
  const clean = t.includes('@') || t.includes('#') || t.includes('http') || t.includes('www.') || t.includes('RT') || t.includes('|LBR|') ? t.replace(NOT_LANGUAGE, ' ') : t;
  const letters = clean.match(LETTER)?.length ?? 0;
  if (letters === 0) return { lang: 'und', reliable: false };
  const r = eld.detect(clean);
  const top = r.language;
  if (top && covered.has(top)) return { lang: top, reliable: r.isReliable() };
  const scores = r.getScores();
  if (letters < SHORT_TEXT_LETTERS || !top) {
    const best = top ? (scores[top] ?? 0) : 0;
    let pick = '';
    let pickScore = 0;
    for (const [l, sc] of Object.entries(scores)) {
      if (covered.has(l) && sc > pickScore) {
        pick = l;
        pickScore = sc;
      }
    }
    if (pick && pickScore >= COVERED_RATIO * best) return { lang: pick, reliable: false };
  }
  return { lang: top || 'und', reliable: top ? r.isReliable() : false };
}
