/**
 * Hashed sparse features of a normalised text, written into caller-owned buffers (no allocation per
 * feature): word unigrams and bigrams, character 2–5-grams inside each word (1–3-grams inside Han runs,
 * where words are not space-separated), a language feature, and structural cue features.
 *
 * Scope namespaces: a word or character n-gram inside a negation scope (a negator, then up to 4 words
 * or 3 Han characters, stopped by punctuation or "but") or inside quotation marks is hashed with a
 * different seed from the same n-gram in plain text. So "i don't hate muslims" and "« les X sont des
 * rats », c'est raciste" do not fire the plain-text n-grams of the negated or quoted words; the model
 * learns separate (usually small) weights for them.
 */
import { DENOUNCE, GROUP_ATTRIBUTES, GROUP_WORDS, HAN_NEGATORS, NEGATORS, SCOPE_BREAKERS, SELF_ID } from './lexicon.ts';

export const DEFAULT_BITS = 18;

export const FEATURE_CONFIG = {
  bits: DEFAULT_BITS,
  word: [1, 2],
  charLatin: [2, 5],
  charHan: [1, 3],
  negationScopeWords: 4,
  negationScopeHan: 3,
  scopes: ['plain', 'negated', 'quoted'],
  cues: ['denounce', 'self_id', 'quote', 'negation', 'group:<attr>', 'group×cue', 'cue×lang'],
};

const PLAIN = 0;
const NEGATED = 1;
const QUOTED = 2;

const TOKEN = /[\p{L}\p{M}\p{N}_#*@]+|[.,;:!?…؟،。，！？；：]+|["“”«»„「」『』]/gu;
const HAN = /^\p{Script=Han}+$/u;
const PUNCT = /^[.,;:!?…؟،。，！？；：]+$/u;
const QUOTE = /^["“”«»„「」『』]$/u;

function fnv(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEED_WORD = [0x1001, 0x1002, 0x1003];
const SEED_BIGRAM = [0x2001, 0x2002, 0x2003];
const SEED_CHAR = [0x3001, 0x3002, 0x3003];
const SEED_CUE = 0x4001;

/** Output buffers for one text; reuse across calls. */
export class FeatureBuffer {
  readonly idx: Int32Array;
  readonly val: Float32Array;
  n = 0;
  constructor(capacity = 8192) {
    this.idx = new Int32Array(capacity);
    this.val = new Float32Array(capacity);
  }
}

/** Which cues fired (for reports and tests). */
export interface Cues {
  negation: boolean;
  quote: boolean;
  denounce: boolean;
  selfId: boolean;
  groups: number; // bit set over GROUP_ATTRIBUTES
}

function phraseHit(s: string, phrases: readonly string[]): boolean {
  for (const p of phrases) {
    let from = 0;
    for (;;) {
      const at = s.indexOf(p, from);
      if (at < 0) break;
      const before = at === 0 ? ' ' : s[at - 1]!;
      // Latin/Cyrillic cues must start a word; Arabic and Han cues may follow a clitic or sit inside a run.
      if (!/[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u.test(before) || !/^[\p{Script=Latin}]/u.test(p)) return true;
      from = at + 1;
    }
  }
  return false;
}

const HAN_GROUP_TERMS: Array<[string, number]> = [...GROUP_WORDS].filter(([t]) => /\p{Script=Han}/u.test(t));

/**
 * Writes the features of `norm` (the output of `normalise`) for language `lang` into `buf`; returns the cues.
 * Values: n-gram features 1/sqrt(count) (L2-normalised bag), cue features 1.
 */
export function extract(norm: string, lang: string, buf: FeatureBuffer, bits = DEFAULT_BITS): Cues {
  const mask = (1 << bits) - 1;
  const idx = buf.idx;
  const cap = idx.length - 64; // room for cue features
  let n = 0;
  const s = norm.replace(/n't\b/gu, ' not').replace(/\b([nN])'/gu, 'ne ');
  const toks = s.match(TOKEN) ?? [];

  // scopes
  let scope = PLAIN;
  let negLeft = 0;
  let inQuote = false;
  let sawNeg = false;
  let sawQuote = false;
  let groups = 0;
  let prevHash = 0;
  let prevScope = -1;
  for (const t of toks) {
    if (QUOTE.test(t)) {
      inQuote = !inQuote;
      sawQuote = true;
      prevScope = -1;
      continue;
    }
    if (PUNCT.test(t)) {
      negLeft = 0;
      prevScope = -1;
      continue;
    }
    if (SCOPE_BREAKERS.has(t)) negLeft = 0;
    const isNeg = NEGATORS.has(t);
    const g = GROUP_WORDS.get(t);
    if (g !== undefined) groups |= 1 << g;
    const han = HAN.test(t);
    scope = inQuote ? QUOTED : negLeft > 0 ? NEGATED : PLAIN;
    // word unigram + bigram
    const wh = fnv(t, 0);
    if (n < cap) idx[n++] = mix(wh ^ SEED_WORD[scope]!) & mask;
    if (prevScope >= 0 && n < cap) idx[n++] = mix(Math.imul(prevHash, 31) ^ wh ^ SEED_BIGRAM[prevScope]!) & mask;
    prevHash = wh;
    prevScope = scope;
    if (han) {
      // Han run: 1–3-grams, per-character negation scope.
      let hanNeg = negLeft > 0 ? 99 : 0;
      for (let i = 0; i < t.length; i++) {
        const c = t[i]!;
        const sc = inQuote ? QUOTED : hanNeg > 0 ? NEGATED : PLAIN;
        let h = (0x811c9dc5 ^ SEED_CHAR[sc]!) >>> 0;
        for (let j = i; j < t.length && j < i + 3; j++) {
          h = Math.imul(h ^ t.charCodeAt(j), 0x01000193);
          if (n < cap) idx[n++] = mix(h) & mask;
        }
        if (HAN_NEGATORS.has(c)) {
          hanNeg = 4; // this char + 3 following
          sawNeg = true;
        }
        if (hanNeg > 0 && hanNeg < 99) hanNeg--;
      }
    } else {
      // character 2–5-grams of "<" + token + ">", boundaries included
      const L = t.length + 2;
      const seed = SEED_CHAR[scope]!;
      for (let i = 0; i < L; i++) {
        let h = (0x811c9dc5 ^ seed) >>> 0;
        for (let j = i; j < L && j < i + 5; j++) {
          const code = j === 0 ? 60 : j === L - 1 ? 62 : t.charCodeAt(j - 1);
          h = Math.imul(h ^ code, 0x01000193);
          if (j > i && n < cap) idx[n++] = mix(h) & mask;
        }
      }
    }
    if (negLeft > 0) negLeft--;
    if (isNeg) {
      negLeft = 4;
      sawNeg = true;
    }
  }
  for (const [term, gi] of HAN_GROUP_TERMS) if (s.includes(term)) groups |= 1 << gi;

  const val = buf.val;
  const w = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < n; i++) val[i] = w;

  const denounce = phraseHit(s, DENOUNCE);
  const selfId = phraseHit(s, SELF_ID);
  const cue = (name: string) => {
    idx[n] = mix(fnv(name, SEED_CUE)) & mask;
    val[n++] = 1;
    idx[n] = mix(fnv(`${name}|${lang}`, SEED_CUE)) & mask;
    val[n++] = 1;
  };
  cue('bias');
  if (denounce) cue('denounce');
  if (selfId) cue('self');
  if (sawQuote) cue('quote');
  if (sawNeg) cue('neg');
  if (sawQuote && denounce) cue('quote×denounce');
  for (let a = 0; a < GROUP_ATTRIBUTES.length; a++) {
    if (!(groups & (1 << a))) continue;
    const name = GROUP_ATTRIBUTES[a]!;
    cue(`g:${name}`);
    if (denounce) cue(`g:${name}×denounce`);
    if (sawNeg) cue(`g:${name}×neg`);
    if (selfId) cue(`g:${name}×self`);
    if (sawQuote) cue(`g:${name}×quote`);
  }
  buf.n = n;
  return { negation: sawNeg, quote: sawQuote, denounce, selfId, groups };
}
