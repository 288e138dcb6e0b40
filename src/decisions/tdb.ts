/**
 * Statements of reasons in the DSA Transparency Database (TDB) API format, and the TDB's own
 * validation rules. Source: docs/reference/dsa-tdb.md (restated from the TDB's Laravel code:
 * `StatementStoreRequest.php`, `GroupedSubmissionsService.php`, the `Sanitizer` trait, commit 69e80a0).
 * Where the TDB's guide and its code differ, the code decides, and so does this module.
 *
 * `validateTdbStatement` applies the rules the way Laravel does:
 * - input is read first: every string trimmed, then `""` → `null`, in nested arrays/objects too
 *   (middleware `TrimStrings` + `ConvertEmptyStringsToNull`), so `"  "` counts as missing;
 * - each field's rules run in the code's order; a failed `required*` rule stops that field; other rules
 *   run only when the key is present, and not on `null` when the field is `nullable`;
 * - `exclude_*` rules drop a field from the result, but errors of rules listed before them stay
 *   (hence `decision_visibility_other`, `content_type_other` and `source_identity` are length-checked even
 *   when ignored, and `incompatible_content_illegal: null` is rejected under any ground);
 * - lengths count Unicode code points; enum matching is exact and case-sensitive.
 * Quirks kept on purpose (the TDB accepts them): the literal string `"null"` passes the enum rules of the four
 * decision fields, `account_type` and `category_specification` (never send it), and no rule compares dates.
 * Deliberately stricter than the TDB (it would coerce, or fail later with a 500): free-text fields must be JSON
 * strings (numbers are turned into strings); `decision_ground_reference_url` accepts only http, https, ftp and sftp
 * (Laravel's `url` rule knows ~300 schemes); `content_id.EAN-13` must be a string.
 * Error messages follow Laravel's English defaults and the TDB's custom ones; the contract is the keys.
 */
import {
  ACCOUNT_TYPES, AUTOMATED_DECISIONS, CATEGORIES, CONTENT_LANGUAGES, CONTENT_TYPES, DECISION_ACCOUNT, DECISION_GROUNDS,
  DECISION_MONETARY, DECISION_PROVISION, DECISION_VISIBILITY, KEYWORDS, SOURCE_TYPES, TERRITORIAL_SCOPE, YES_NO,
  type AccountType, type AutomatedDecision, type Category, type ContentLanguage, type ContentType, type DecisionAccount,
  type DecisionGround, type DecisionMonetary, type DecisionProvision, type DecisionVisibility, type Keyword,
  type SourceType, type TerritorialScope, type YesNo,
} from './tdb-enums.ts';

/** The string `"null"` passes the TDB's `in:null,…` rules (see the module comment); it is not a JSON null. */
type NullQuirk = 'null';

/** A statement of reasons as accepted by `POST /api/v1/statement` (keys and types of the README's field table). */
export interface TdbStatement {
  decision_visibility?: (DecisionVisibility | NullQuirk)[] | null;
  decision_visibility_other?: string | null;
  decision_monetary?: DecisionMonetary | NullQuirk | null;
  decision_monetary_other?: string | null;
  decision_provision?: DecisionProvision | NullQuirk | null;
  decision_account?: DecisionAccount | NullQuirk | null;
  account_type?: AccountType | NullQuirk | null;
  decision_ground: DecisionGround;
  decision_ground_reference_url?: string | null;
  illegal_content_legal_ground?: string | null;
  illegal_content_explanation?: string | null;
  incompatible_content_ground?: string | null;
  incompatible_content_explanation?: string | null;
  incompatible_content_illegal?: YesNo;
  content_type: ContentType[];
  content_type_other?: string | null;
  category: Category;
  category_addition?: Category[];
  category_specification?: (Keyword | NullQuirk)[] | null;
  category_specification_other?: string | null;
  territorial_scope?: TerritorialScope[] | null;
  content_language?: ContentLanguage | null;
  content_date: string;
  application_date: string;
  end_date_account_restriction?: string | null;
  end_date_monetary_restriction?: string | null;
  end_date_service_restriction?: string | null;
  end_date_visibility_restriction?: string | null;
  decision_facts: string;
  source_type: SourceType;
  source_identity?: string | null;
  automated_detection: YesNo;
  automated_decision: AutomatedDecision;
  puid: string;
  content_id?: { 'EAN-13'?: string } | null;
  content_id_ean?: string | null;
}

export type TdbErrors = Record<string, string[]>;
export type TdbValidation = { ok: true; value: TdbStatement } | { ok: false; errors: TdbErrors };
/** `single`: `POST /api/v1/statement`; `batch`: one item of `POST /api/v1/statements` (no `content_id_ean`). */
export interface TdbOptions { endpoint?: 'single' | 'batch' }

export const TDB_LIMITS = { puid: 500, text: 500, explanation: 2000, decision_facts: 5000, batch: 100 } as const;
export const PUID_RE = /^[a-zA-Z0-9_-]+$/;
const ILLEGAL = 'DECISION_GROUND_ILLEGAL_CONTENT';
const INCOMPATIBLE = 'DECISION_GROUND_INCOMPATIBLE_CONTENT';
const VOLUNTARY = 'SOURCE_VOLUNTARY';

// ---- reading input (Laravel middleware) ----

/** Laravel `Str::trim`: Unicode white space plus U+FEFF, U+200B, U+200E, at both ends. */
const TRIM_RE = /^[\s\u0085\u180e\u200b\u200e\ufeff]+|[\s\u0085\u180e\u200b\u200e\ufeff]+$/gu;

/** The body as the TDB's validator sees it: strings trimmed, then `""` → `null`, recursively. */
export function readTdbInput(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.replace(TRIM_RE, '');
    return t === '' ? null : t;
  }
  if (Array.isArray(v)) return v.map(readTdbInput);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, readTdbInput(x)]));
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** A PHP array: a JSON array or a JSON object (Laravel decodes both to arrays). */
const isPhpArray = (v: unknown): v is unknown[] | Record<string, unknown> => Array.isArray(v) || isObject(v);
const phpValues = (v: unknown): unknown[] => (Array.isArray(v) ? v : isObject(v) ? Object.values(v) : []);
const codePoints = (s: string) => [...s].length;
/** Laravel's `required`: not null, not a blank string, not an empty array. */
const filled = (v: unknown) => v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '') && !(isPhpArray(v) && phpValues(v).length === 0);
const attr = (field: string) => field.replaceAll('_', ' ');

// ---- dates ----

/** `DateTime::createFromFormat('!Y-m-d')`: loose digits, overflowing days/months roll over. */
function looseDate(v: unknown): number | null {
  const m = typeof v === 'string' ? /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/.exec(v) : null;
  if (!m) return null;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getTime();
}
/** `date_format:Y-m-d`: parses and formats back to the same string (so 2025-02-30 and 2025-9-1 fail). */
function strictDate(v: unknown): boolean {
  const t = looseDate(v);
  return t !== null && /^\d{4}-\d{2}-\d{2}$/.test(v as string) && new Date(t).toISOString().slice(0, 10) === v;
}
export function isTdbDate(v: unknown, min = '0000-01-01', max = '2038-01-01'): boolean {
  return strictDate(v) && (v as string) >= min && (v as string) <= max;
}

/** Laravel/Symfony `url` rule, restricted to four of its schemes (see the module comment). */
const URL_RE = new RegExp(
  '^(?:https?|s?ftp)://' +
    '(?:(?:[_.\\p{L}\\p{N}-]|%[0-9a-f]{2})+(?::(?:[_.\\p{L}\\p{N}-]|%[0-9a-f]{2})*)?@)?' +
    '(?:(?:[\\p{L}\\p{N}\\p{S}\\p{M}_-]+\\.)+[\\p{L}\\p{N}\\p{M}]+\\.?|[a-z0-9_-]+\\.?|\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9a-f:.]+\\])' +
    '(?::\\d+)?' +
    "(?:/(?:[\\p{L}\\p{N}\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*" +
    "(?:\\?(?:[\\p{L}\\p{N}\\-._~!$&'\\[\\]()*+,;=:@/?]|%[0-9a-f]{2})*)?" +
    "(?:#(?:[\\p{L}\\p{N}\\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$",
  'iu',
);

// ---- the rule engine (Laravel's Validator::passes, reduced to what the TDB uses) ----

type Data = Record<string, unknown>;
interface Rule {
  /** implicit rules (`required*`) run on absent and null values, and stop the field when they fail */
  implicit?: boolean;
  /** an `exclude*` rule: when `test` is true the field is dropped from the result and its remaining rules skipped */
  exclude?: boolean;
  test(v: unknown, d: Data): boolean;
  message(field: string, v: unknown): string;
}
interface Field { rules: Rule[]; nullable?: boolean; text?: boolean }

const required: Rule = { implicit: true, test: filled, message: (f) => `The ${attr(f)} field is required.` };
const requiredWhen = (cond: (d: Data) => boolean, msg?: string): Rule => ({
  implicit: true,
  test: (v, d) => !cond(d) || filled(v),
  message: (f) => msg ?? `The ${attr(f)} field is required.`,
});
const requiredWithoutAll = (...others: string[]): Rule => ({
  implicit: true,
  test: (v, d) => others.some((o) => filled(d[o])) || filled(v),
  message: (f) => `The ${attr(f)} field is required when none of ${others.map(attr).join(' / ')} are present.`,
});
const excludeWhen = (cond: (d: Data) => boolean): Rule => ({ exclude: true, test: (_v, d) => cond(d), message: () => '' });
const array: Rule = { test: isPhpArray, message: (f) => `The ${attr(f)} field must be an array.` };
/** Laravel `in`: for a field with the `array` rule every item must be listed; otherwise the value itself. */
const inList = (list: readonly string[], opts: { nullQuirk?: boolean; array?: boolean } = {}): Rule => {
  const allowed = new Set<unknown>(opts.nullQuirk ? ['null', ...list] : list);
  return {
    test: (v) => (opts.array && isPhpArray(v) ? phpValues(v).every((x) => allowed.has(x)) : allowed.has(v)),
    message: (f) => `The selected ${attr(f)} is invalid.`,
  };
};
const max = (n: number): Rule => ({
  test: (v) => (isPhpArray(v) ? phpValues(v).length : typeof v === 'string' || typeof v === 'number' ? codePoints(String(v)) : v === true ? 1 : 0) <= n,
  message: (f, v) => (isPhpArray(v) ? `The ${attr(f)} field must not have more than ${n} items.` : `The ${attr(f)} field must not be greater than ${n} characters.`),
});
const string: Rule = { test: (v) => typeof v === 'string' || v === null || (typeof v === 'number' && Number.isFinite(v)), message: (f) => `The ${attr(f)} field must be a string.` };
const pattern = (re: RegExp, message: (f: string) => string): Rule => ({ test: (v) => (typeof v === 'string' || typeof v === 'number') && re.test(String(v)), message });
const dateFormat = (label: string): Rule => ({ test: strictDate, message: () => `The ${label} does not match the format YYYY-MM-DD.` });
const dateBound = (op: 'after' | 'before', bound: string): Rule => ({
  test: (v) => {
    const t = looseDate(v);
    return t !== null && (op === 'after' ? t >= (looseDate(bound) as number) : t <= (looseDate(bound) as number));
  },
  message: (f) => `The ${attr(f)} field must be a date ${op} or equal to ${bound}.`,
});
const url: Rule = { test: (v) => typeof v === 'string' && URL_RE.test(v), message: (f) => `The ${attr(f)} field must be a valid URL.` };

const contains = (field: string, key: string) => (d: Data) => phpValues(d[field]).includes(key);
const equals = (field: string, key: string) => (d: Data) => d[field] === key;
const not = (cond: (d: Data) => boolean) => (d: Data) => !cond(d);
const ifVoluntaryOk = (r: Rule): Rule => ({ ...r, test: (v, d) => d.source_type === VOLUNTARY || r.test(v, d) });
const DECISIONS = ['decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account'];
const othersThan = (f: string) => DECISIONS.filter((x) => x !== f);
const illegalText = (n: number, msg: string): Field => ({
  text: true,
  rules: [requiredWhen(equals('decision_ground', ILLEGAL), msg), excludeWhen(not(equals('decision_ground', ILLEGAL))), max(n), string],
});
const incompatibleText = (n: number, msg: string): Field => ({
  text: true,
  rules: [requiredWhen(equals('decision_ground', INCOMPATIBLE), msg), excludeWhen(not(equals('decision_ground', INCOMPATIBLE))), max(n), string],
});
const contentDate = (label: string, min: string): Field => ({ rules: [required, dateFormat(label), dateBound('after', min), dateBound('before', '2038-01-01')] });
const endDate = (what: string): Field => ({ nullable: true, rules: [dateFormat(`end date of ${what} restriction`), dateBound('before', '2038-01-01')] });
const dependsOnGround = (ground: string, msgField: string) => `The ${msgField} field is required when decision ground is ${ground === ILLEGAL ? 'illegal' : 'incompatible'} content.`;

/** Every field's rules, in the TDB's order (the README's field table). */
const FIELDS: Record<string, Field> = {
  decision_visibility: { nullable: true, rules: [array, inList(DECISION_VISIBILITY, { nullQuirk: true, array: true }), requiredWithoutAll(...othersThan('decision_visibility'))] },
  decision_visibility_other: {
    text: true,
    rules: [max(500), requiredWhen(contains('decision_visibility', 'DECISION_VISIBILITY_OTHER')), excludeWhen(not(contains('decision_visibility', 'DECISION_VISIBILITY_OTHER'))), string],
  },
  decision_monetary: { nullable: true, rules: [inList(DECISION_MONETARY, { nullQuirk: true }), requiredWithoutAll(...othersThan('decision_monetary'))] },
  decision_monetary_other: {
    text: true,
    rules: [
      requiredWhen(equals('decision_monetary', 'DECISION_MONETARY_OTHER'), 'The decision monetary other field is required when decision monetary is other.'),
      excludeWhen(not(equals('decision_monetary', 'DECISION_MONETARY_OTHER'))),
      max(500),
      string,
    ],
  },
  decision_provision: { nullable: true, rules: [inList(DECISION_PROVISION, { nullQuirk: true }), requiredWithoutAll(...othersThan('decision_provision'))] },
  decision_account: { nullable: true, rules: [inList(DECISION_ACCOUNT, { nullQuirk: true }), requiredWithoutAll(...othersThan('decision_account'))] },
  account_type: { nullable: true, rules: [inList(ACCOUNT_TYPES, { nullQuirk: true })] },
  decision_ground: { rules: [required, inList(DECISION_GROUNDS)] },
  decision_ground_reference_url: { nullable: true, rules: [url, max(500)] },
  illegal_content_legal_ground: illegalText(500, dependsOnGround(ILLEGAL, 'illegal content legal ground')),
  illegal_content_explanation: illegalText(2000, dependsOnGround(ILLEGAL, 'illegal content explanation')),
  incompatible_content_ground: incompatibleText(500, dependsOnGround(INCOMPATIBLE, 'incompatible content ground')),
  incompatible_content_explanation: incompatibleText(2000, dependsOnGround(INCOMPATIBLE, 'incompatible content explanation')),
  incompatible_content_illegal: { rules: [inList(YES_NO), excludeWhen(not(equals('decision_ground', INCOMPATIBLE)))] },
  content_type: { rules: [array, required, inList(CONTENT_TYPES, { array: true })] },
  content_type_other: {
    text: true,
    rules: [max(500), requiredWhen(contains('content_type', 'CONTENT_TYPE_OTHER')), excludeWhen(not(contains('content_type', 'CONTENT_TYPE_OTHER'))), string],
  },
  category: { rules: [required, inList(CATEGORIES)] },
  category_addition: { rules: [array, inList(CATEGORIES, { array: true })] },
  category_specification: { nullable: true, rules: [array, inList(KEYWORDS, { nullQuirk: true, array: true })] },
  category_specification_other: { text: true, rules: [max(500), string] },
  territorial_scope: { nullable: true, rules: [array, inList(TERRITORIAL_SCOPE, { array: true })] },
  content_language: { nullable: true, rules: [inList(CONTENT_LANGUAGES)] },
  content_date: contentDate('content date', '2000-01-01'),
  application_date: contentDate('application date', '2020-01-01'),
  end_date_account_restriction: endDate('account'),
  end_date_monetary_restriction: endDate('monetary'),
  end_date_service_restriction: endDate('service'),
  end_date_visibility_restriction: endDate('visibility'),
  decision_facts: { text: true, rules: [required, max(5000), string] },
  source_type: { rules: [required, inList(SOURCE_TYPES)] },
  source_identity: { text: true, nullable: true, rules: [max(500), ifVoluntaryOk(string)] },
  automated_detection: { rules: [required, inList(YES_NO)] },
  automated_decision: { rules: [required, inList(AUTOMATED_DECISIONS)] },
  puid: { text: true, rules: [required, max(500), pattern(PUID_RE, () => 'The puid format is invalid.')] },
  content_id: { nullable: true, rules: [array] },
  content_id_ean: { text: true, nullable: true, rules: [pattern(/^\d{13}$/, (f) => `The ${attr(f)} field must be 13 digits.`)] },
};
const EAN_KEY = 'content_id.EAN-13';
const EAN_RULES: Rule[] = [
  { test: (v) => typeof v === 'string', message: () => `The ${EAN_KEY} field must be a string.` },
  pattern(/^\d{13}$/, () => `The ${EAN_KEY} field must be 13 digits.`),
];

/**
 * Validates a statement of reasons as the TDB would (see the module comment). On success, `value` holds what
 * Laravel's `validated()` returns: only known fields, present in the input, not excluded; arrays sent as JSON
 * objects become lists of their values. Use `normaliseForStorage` for what the TDB then stores and echoes.
 */
export function validateTdbStatement(input: unknown, opts: TdbOptions = {}): TdbValidation {
  const read = readTdbInput(input);
  const data: Data = isObject(read) ? read : {};
  const errors: TdbErrors = {};
  const fail = (key: string, message: string) => (errors[key] ??= []).push(message);
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(FIELDS)) {
    if (field === 'content_id_ean' && opts.endpoint === 'batch') continue;
    const present = Object.hasOwn(data, field);
    const v = data[field];
    let excluded = false;
    for (const rule of spec.rules) {
      if (rule.exclude) {
        if (rule.test(v, data)) {
          excluded = true;
          break;
        }
        continue;
      }
      if (!rule.implicit && (!present || (spec.nullable && v === null))) continue;
      if (rule.test(v, data)) continue;
      fail(field, rule.message(field, v));
      if (rule.implicit) break;
    }
    if (!present || excluded) continue;
    if (spec.text && typeof v === 'number') out[field] = String(v);
    else if (field === 'content_id') out[field] = isObject(v) && Object.hasOwn(v, 'EAN-13') ? { 'EAN-13': v['EAN-13'] } : v === null ? null : {};
    else out[field] = isObject(v) ? Object.values(v) : v;
  }
  const cid = data.content_id;
  if (isObject(cid) && Object.hasOwn(cid, 'EAN-13')) {
    for (const rule of EAN_RULES) if (!rule.test(cid['EAN-13'], data)) fail(EAN_KEY, rule.message(EAN_KEY, cid['EAN-13']));
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: out as unknown as TdbStatement };
}

/** Laravel's 422 `message`: the first error, then "(and N more error[s])". */
export function summariseTdbErrors(errors: TdbErrors): string {
  const all = Object.values(errors).flat();
  const rest = all.length - 1;
  return rest <= 0 ? (all[0] ?? 'The given data was invalid.') : `${all[0]} (and ${rest} more error${rest === 1 ? '' : 's'})`;
}

const uniqSorted = <T extends string>(xs: readonly T[]): T[] => [...new Set(xs)].sort();

/**
 * What the TDB stores and echoes after validation (`Sanitizer::sanitizeData` for the single endpoint,
 * `GroupedSubmissionsService` for batch items): fields that do not apply are dropped (`illegal_*` unless the
 * ground is illegal content, `incompatible_*` unless incompatible, `*_other` unless "other" is chosen,
 * `source_identity` for SOURCE_VOLUNTARY; batch also drops `category_specification_other` without KEYWORD_OTHER),
 * and `content_id_ean` is taken from `content_id` when not given. Single endpoint only: `content_type`,
 * `decision_visibility`, `category_specification` de-duplicated and sorted; `territorial_scope` de-duplicated,
 * filtered to the 30 codes and sorted (absent → `[]`); the main `category` removed from `category_addition`.
 */
export function normaliseForStorage(s: TdbStatement, opts: TdbOptions = {}): TdbStatement {
  const out: TdbStatement = { ...s };
  const drop = (...keys: (keyof TdbStatement)[]) => keys.forEach((k) => delete out[k]);
  if (s.decision_ground !== ILLEGAL) drop('illegal_content_legal_ground', 'illegal_content_explanation');
  if (s.decision_ground !== INCOMPATIBLE) drop('incompatible_content_ground', 'incompatible_content_explanation', 'incompatible_content_illegal');
  if (!(s.decision_visibility ?? []).includes('DECISION_VISIBILITY_OTHER')) drop('decision_visibility_other');
  if (s.decision_monetary !== 'DECISION_MONETARY_OTHER') drop('decision_monetary_other');
  if (!(s.content_type ?? []).includes('CONTENT_TYPE_OTHER')) drop('content_type_other');
  if (s.source_type === VOLUNTARY) drop('source_identity');
  if (opts.endpoint === 'batch') {
    if (!(s.category_specification ?? []).includes('KEYWORD_OTHER')) drop('category_specification_other');
    drop('content_id_ean');
  } else {
    const eea: readonly string[] = TERRITORIAL_SCOPE;
    out.territorial_scope = uniqSorted((s.territorial_scope ?? []).filter((c) => eea.includes(c)));
    out.content_type = uniqSorted(s.content_type);
    if (Array.isArray(s.decision_visibility)) out.decision_visibility = uniqSorted(s.decision_visibility);
    if (Array.isArray(s.category_specification)) out.category_specification = uniqSorted(s.category_specification);
    if (Array.isArray(s.category_addition)) out.category_addition = s.category_addition.filter((c) => c !== s.category);
  }
  const ean = s.content_id?.['EAN-13'];
  if ((out.content_id_ean === undefined || out.content_id_ean === null) && typeof ean === 'string') out.content_id_ean = ean;
  return out;
}
