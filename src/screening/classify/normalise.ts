/**
 * Text normalisation against spelling obfuscation, applied identically at training and inference time:
 * NFKC, zero-width/control stripping, case folding, homoglyph folding (Cyrillic/Greek look-alikes to
 * Latin, only when the text is mostly Latin script), leet mapping inside words that contain letters,
 * joining of spaced-out single letters ("h a t e", "k.i.l.l"), and collapsing of every run of a repeated
 * letter to one letter ("haaaate" → "hate"; "kill" → "kil" too: the same rule on both sides, so
 * n-grams still match). URLs become " URL ", @handles become " @USER ".
 */

const ZERO_WIDTH_1 = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]|\u034F/u;
const ZERO_WIDTH = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]|\u034F/gu;

/** Cyrillic and Greek letters that look like Latin ones (lower case after folding). */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', з: '3', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ɡ: 'g', ı: 'i',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', μ: 'u',
};
const HOMOGLYPH_RE = new RegExp(`[${Object.keys(HOMOGLYPHS).join('')}]`, 'gu');

/** Leet-speak substitutions, applied only inside a token that also has a letter. */
const LEET: Record<string, string> = { '4': 'a', '3': 'e', '0': 'o', '1': 'i', '!': 'i', '5': 's', '7': 't', '@': 'a', $: 's', '€': 'e', '|': 'l', '8': 'b', '9': 'g' };

const LATIN_1 = /\p{Script=Latin}/u;
const WORD = /[\p{L}\p{M}]+/gu;
const HAS_CYRILLIC_GREEK = /[\u0370-\u052f\u0131\u0261]/u;
const HAS_LEET = /[0-9@$€|!]/u;
const HAS_SPACED = /(?<![\p{L}\p{N}])\p{L}[ .\-_*·•]\p{L}[ .\-_*·•]\p{L}(?![\p{L}\p{N}])/u;

function mostlyLatin(s: string): boolean {
  // Counting loop (no match arrays): Latin letters vs Cyrillic/Greek letters.
  let latin = 0;
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) latin++;
    else if (c >= 0x370 && c <= 0x52f) other++;
  }
  return latin > 0 && latin >= other;
}

// A "word" for leet mapping: letters mixed with leet characters (not a pure number, not a handle).
const LEETABLE = /[\p{L}\p{M}0-9@$€|!]+/gu;
const HAS_LETTER = /\p{L}/u;
// Three or more single letters separated by one space or . - _ * (e.g. "h a t e", "k.i.l.l").
const SPACED = /(?<![\p{L}\p{N}])(\p{L})(?:[ .\-_*·•]\p{L}(?![\p{L}\p{N}])){2,}/gu;
const REPEATS = /(\p{L})\1+/gu;
const URL = /\b(?:https?:\/\/|www\.)\S+/giu;
const HANDLE = /(?<![\p{L}\p{N}_])@[\p{L}\p{N}_]{1,30}/gu;

function leetWord(w: string): string {
  if (!HAS_LETTER.test(w)) return w; // "2024", "!!!"
  let letters = 0;
  let leet = 0;
  for (const ch of w) {
    if (LEET[ch] !== undefined) leet++;
    else letters++;
  }
  // "!!!" trailing punctuation on a word is not leet: strip it from both ends before mapping.
  const m = /^([!|]*)(.*?)([!|]*)$/su.exec(w);
  const core = m?.[2] ?? w;
  if (leet === 0 || letters === 0) return w;
  let out = '';
  for (const ch of core) out += LEET[ch] ?? ch;
  return (m?.[1] ?? '') + out + (m?.[3] ?? '');
}

/** The normalised form that features are computed from. Pure; the same function runs in training. */
export function normalise(text: string): string {
  // Each pass runs only when its trigger is present: most texts need few of them (fewer strings to collect).
  let s = text.normalize('NFKC');
  if (ZERO_WIDTH_1.test(s)) s = s.replace(ZERO_WIDTH, '');
  if (s.includes('http') || s.includes('www.')) s = s.replace(URL, ' URL ');
  if (s.includes('|LBR|')) s = s.replace(/\|LBR\|/g, ' ');
  if (s.includes('@')) s = s.replace(HANDLE, ' @USER ');
  s = s.toLowerCase();
  if (HAS_CYRILLIC_GREEK.test(s)) {
    if (mostlyLatin(s)) s = s.replace(HOMOGLYPH_RE, (c) => HOMOGLYPHS[c] ?? c);
    else s = s.replace(WORD, (w) => (LATIN_1.test(w) ? w.replace(HOMOGLYPH_RE, (c) => HOMOGLYPHS[c] ?? c) : w)); // mixed-script word
  }
  if (HAS_LEET.test(s)) s = s.replace(LEETABLE, (w) => (w === '@user' ? w : leetWord(w)));
  if (HAS_SPACED.test(s)) s = s.replace(SPACED, (m) => m.replace(/[ .\-_*·•]/gu, ''));
  s = s.replace(REPEATS, '$1');
  s = s.replace(/\s+/gu, ' ').trim();
  return s;
}
