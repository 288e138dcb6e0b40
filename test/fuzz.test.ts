/**
 * Property tests of the public intake, POST /v1/public/services/default/notices, through the real
 * app (fastify.inject) on the real database:
 *   (a) arbitrary JSON values as the body;
 *   (b) mutations of valid notices (dropped fields, wrong values, unknown keys, extreme strings,
 *       NUL characters, 20 kB strings, huge location arrays, weird URLs);
 *   (c) raw non-JSON payloads as application/json (c1), and random content types (c2);
 *   (d) malformed multipart bodies over a real socket; (e) odd URLs.
 * Properties: never a 5xx; every 4xx is `{ error: { code, message, fields: [{ path, reason }] } }`
 * with a code of ERROR_CODES and that code's status; every 201 is a receipt with a reference
 * N-XXXX-XXXX-XXXX. For (a) and (b) the outcome is also predicted exactly: 201 when the route's
 * own zod schema accepts the body (after the JSON round trip), else 400 VALIDATION_FAILED.
 * Seeded (FUZZ_SEED overrides) and bounded by numRuns.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { ERROR_CODES } from '../src/http/errors.ts';
import { NoticeBody, Receipt } from '../src/notices/schemas.ts';
import { CATEGORIES, CATEGORY_KEYWORDS, type Category } from '../src/taxonomy/categories.ts';
import { LANGUAGES } from '../src/taxonomy/languages.ts';
import { startHarness, type Harness } from './helpers.ts';

const URL_PATH = '/v1/public/services/default/notices';
const REFERENCE = /^N-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const SEED = Number(process.env.FUZZ_SEED ?? 16_2_2024);
const RUNS = { json: 3000, mutations: 2000, raw: 300, urls: 300 };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Stats {
  tried: number;
  statuses: Map<number, number>;
  codes: Map<string, number>;
}
const newStats = (): Stats => ({ tried: 0, statuses: new Map(), codes: new Map() });
const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

function report(t: TestContext, name: string, seed: number, s: Stats) {
  const statuses = [...s.statuses].sort(([a], [b]) => a - b).map(([k, v]) => `${k}: ${v}`).join(', ');
  const codes = [...s.codes].sort(([, a], [, b]) => b - a).map(([k, v]) => `${k}: ${v}`).join(', ');
  t.diagnostic(`${name}: ${s.tried} bodies tried (seed ${seed}); statuses { ${statuses} }; error codes { ${codes} }`);
}

/** The invariants every answer of the intake must satisfy, whatever it was sent. */
function checkResponse(res: LightMyRequestResponse, stats: Stats): void {
  stats.tried++;
  bump(stats.statuses, res.statusCode);
  assert.ok(res.statusCode < 500, `server error ${res.statusCode}: ${res.body.slice(0, 500)}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, `content-type of a ${res.statusCode}`);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  if (res.statusCode === 201) {
    const receipt = Receipt.parse(body);
    assert.match(receipt.reference, REFERENCE);
    assert.equal(receipt.status, 'received');
    assert.deepEqual(receipt.evidence, []);
    return;
  }
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `unexpected status ${res.statusCode}: ${res.body.slice(0, 300)}`);
  assert.deepEqual(Object.keys(body), ['error'], `error envelope: ${res.body.slice(0, 300)}`);
  const error = body.error as Record<string, unknown>;
  assert.deepEqual(Object.keys(error).sort(), ['code', 'fields', 'message']);
  assert.equal(typeof error.code, 'string');
  assert.ok((error.code as string) in ERROR_CODES, `unknown code ${String(error.code)}`);
  assert.equal(ERROR_CODES[error.code as keyof typeof ERROR_CODES], res.statusCode, `status of ${String(error.code)}`);
  assert.equal(typeof error.message, 'string');
  assert.ok((error.message as string).length > 0);
  assert.ok(Array.isArray(error.fields));
  for (const f of error.fields as unknown[]) {
    assert.ok(f !== null && typeof f === 'object', 'a field error is an object');
    const fe = f as Record<string, unknown>;
    assert.deepEqual(Object.keys(fe).sort(), ['path', 'reason']);
    assert.equal(typeof fe.path, 'string');
    assert.equal(typeof fe.reason, 'string');
  }
  if (error.code === 'VALIDATION_FAILED') assert.ok((error.fields as unknown[]).length > 0, 'a validation error names its fields');
  bump(stats.codes, error.code as string);
}

/** Fastify refuses prototype-poisoning keys (`__proto__`, `constructor.prototype`) anywhere in a JSON body. */
function poisoned(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(poisoned);
  if (Object.hasOwn(value, '__proto__')) return true;
  const ctor = (value as Record<string, unknown>).constructor;
  if (Object.hasOwn(value, 'constructor') && ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return true;
  return Object.values(value).some(poisoned);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string anywhere in the value holds U+0000 or a lone surrogate. */
function unstorable(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || LONE_SURROGATE.test(value);
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(unstorable);
}

/**
 * What the route must answer for a JSON body: 400 MALFORMED_JSON for prototype poisoning, else its
 * own schema decides, after the JSON round trip.
 */
function checkPrediction(res: LightMyRequestResponse, text: string): void {
  const value: unknown = JSON.parse(text);
  if (poisoned(value)) {
    assert.equal(res.statusCode, 400, res.body.slice(0, 300));
    assert.equal((res.json() as { error: { code: string } }).error.code, 'MALFORMED_JSON');
    return;
  }
  const parsed = NoticeBody.safeParse(value);
  if (parsed.success && unstorable(value)) {
    // NUL characters and lone surrogates cannot be stored as they are (PostgreSQL text and jsonb):
    // the route may refuse them or clean them, never fail.
    assert.ok(res.statusCode === 201 || res.statusCode === 400, `text the database cannot store: ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (res.statusCode === 400) assert.equal((res.json() as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
  } else if (parsed.success) {
    assert.equal(res.statusCode, 201, `the schema accepts this body, the route answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
  } else {
    assert.equal(res.statusCode, 400, `the schema rejects this body, the route answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
    const error = (res.json() as { error: { code: string; fields: Array<{ path: string }> } }).error;
    assert.equal(error.code, 'VALIDATION_FAILED');
    for (const f of error.fields) assert.ok(f.path === 'body' || f.path.startsWith('body.'), `field path ${f.path} is under body`);
  }
}

// ── generators ────────────────────────────────────────────────────────────────────────────────

const FILLED: Category[] = CATEGORIES.filter((c) => CATEGORY_KEYWORDS[c].length > 0);

const location = fc.oneof(
  { weight: 4, arbitrary: fc.uuid().map((id) => ({ url: `https://forum.example/t/${id}` })) },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }).map((url) => ({ url })) },
  { weight: 1, arbitrary: fc.uuid().map((id) => ({ content_id: `post:${id}` })) },
  { weight: 1, arbitrary: fc.tuple(fc.uuid(), fc.uuid()).map(([a, b]) => ({ url: `https://video.example/v/${a}`, content_id: b })) },
);

/** Mostly valid notices (the oracle decides: fc.emailAddress and fc.webUrl may produce some the schema refuses). */
const validNotice = fc
  .constantFrom(...FILLED)
  .chain((category) =>
    fc.record(
      {
        category: fc.constant(category),
        subcategory: fc.constantFrom(...(CATEGORY_KEYWORDS[category] as readonly string[])),
        locations: fc.array(location, { minLength: 1, maxLength: 3 }),
        explanation: fc.lorem({ maxCount: 30 }).map((t) => `Illegal content: ${t}`),
        legal_provision: fc.constantFrom('Art. 24 loi 1881', 'StGB § 130', 'Art. 5 DSA'),
        country: fc.constantFrom('FR', 'DE', 'IT', 'US', 'PL'),
        language: fc.constantFrom(...LANGUAGES),
        content_language: fc.constantFrom(...LANGUAGES),
        notifier: fc.record({
          name: fc.constantFrom('Camille Martin', 'Zoë Łukasiewicz', '山田太郎', 'O’Brien'),
          email: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('camille@example.org', 'x.y+z@mail.example.fr') }, { weight: 1, arbitrary: fc.emailAddress() }),
        }),
        notifier_type: fc.constantFrom('individual', 'organisation'),
        good_faith: fc.constant(true),
      },
      { requiredKeys: ['category', 'locations', 'explanation', 'language', 'notifier', 'good_faith'] },
    ),
  );

const weirdUrl = fc.constantFrom(
  'javascript:alert(1)',
  'JAVASCRIPT:alert(document.cookie)',
  'http://[::1',
  'http://[::1]/x',
  'http://[fe80::1%25eth0]/',
  'https://xn--nxasmq6b.example/',
  'https://例え.テスト/パス?q=値',
  'https://😀.example/',
  'https://xn--/',
  'http://',
  'http:///path',
  'https://:443/',
  'file:///etc/passwd',
  'data:text/html,<script>alert(1)</script>',
  'ftp://example.org/x',
  'mailto:a@b.c',
  '//example.org/x',
  'example.org',
  'https://user:pass@example.org/',
  'http://0x7f.1/',
  'http://127.0.0.1:99999/',
  'http://2130706433/',
  'https://example.org/%00',
  'https://example.org/\u0000',
  'https://exa mple.org/',
  'https://example.org/' + 'a'.repeat(2100),
  '  https://padded.example/  ',
  'https://example.org/?utm_source=x&utm_medium=y',
  'https://WWW.EXAMPLE.ORG:443/A/B/?b=2&a=1#frag',
  'https://example.org/\ud800',
  'https://.example.org/',
  'https://example..org/',
  'http://%65xample.org/',
  'https://example.org:0/',
);

const specialChars = fc.constantFrom(
  '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u00a0', '\u200b', '\u200d', '\u202e', '\u2028', '\ufeff', '\ufffd', '\uffff',
  '\ud800', '\udfff', 'é', 'e\u0301', '𝕏', '👩‍👩‍👧', '\n', '\r', '\t', ' ', '"', '\\', '/', '<', '>', '&', '%', "'", '{', '}', 'a', 'Z', '0',
);

/** Extreme strings: any unicode, lone surrogates, NUL characters, up to 20 kB. */
const extremeString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: specialChars, minLength: 1, maxLength: 300 }),
  fc
    .tuple(fc.string({ unit: specialChars, minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 20_000 }))
    .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n)),
  fc.tuple(fc.lorem({ maxCount: 5 }), fc.constantFrom('\u0000', '\u0000\u0000', '\ud800', '\u0000\ufeff')).map(([t, c]) => `Valid words ${t} ${c} and more`),
  fc.constantFrom('', ' ', ' '.repeat(30), '\u0000'.repeat(12), 'x'.repeat(20_000), 'é'.repeat(10_000), '\u{1F600}'.repeat(5_000)),
);

type Path = Array<string | number>;
const TOP_FIELDS = [
  'category', 'subcategory', 'subcategory_other', 'locations', 'explanation', 'legal_provision', 'country',
  'language', 'content_language', 'notifier', 'notifier_type', 'good_faith',
];
const STRING_PATHS: Path[] = [
  ['explanation'], ['legal_provision'], ['subcategory_other'], ['country'], ['language'], ['content_language'],
  ['category'], ['subcategory'], ['notifier_type'], ['notifier', 'name'], ['notifier', 'email'],
  ['locations', 0, 'url'], ['locations', 0, 'content_id'],
];
const ANY_PATHS: Path[] = [...TOP_FIELDS.map((f) => [f]), ...STRING_PATHS, ['locations', 0], ['locations', 1]];

type Mutation =
  | { op: 'drop'; path: Path }
  | { op: 'set'; path: Path; value: Json }
  | { op: 'addKeys'; at: Path; keys: Record<string, Json> }
  | { op: 'locations'; count: number; item: 'valid' | 'same' | 'empty' | 'weird' }
  | { op: 'url'; index: number; url: string };

const unknownKey = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'id', 'status', 'trusted', 'reference', ''));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), path: fc.constantFrom(...ANY_PATHS) }),
  fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...ANY_PATHS), value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> }),
  fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...STRING_PATHS), value: extremeString }),
  fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...STRING_PATHS), value: extremeString }),
  fc.record({
    op: fc.constant('addKeys' as const),
    at: fc.constantFrom<Path>([], ['notifier'], ['locations', 0]),
    keys: fc.dictionary(unknownKey, fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { minKeys: 1, maxKeys: 4 }),
  }),
  fc.record({
    op: fc.constant('locations' as const),
    count: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 50, max: 20_000 })),
    item: fc.constantFrom('valid' as const, 'same' as const, 'empty' as const, 'weird' as const),
  }),
  fc.record({ op: fc.constant('url' as const), index: fc.nat({ max: 2 }), url: weirdUrl }),
);

function setAt(root: Record<string, Json>, path: Path, value: Json | undefined): void {
  let node: Json = root;
  for (const [i, key] of path.entries()) {
    if (node === null || typeof node !== 'object') return; // the parent was replaced by a scalar: nothing to set
    const last = i === path.length - 1;
    const container = node as Record<string | number, Json>;
    if (last) {
      if (value === undefined) {
        if (Array.isArray(container) && typeof key === 'number') container.splice(key, 1);
        else delete container[key];
      } else {
        container[key] = value;
      }
      return;
    }
    if (container[key] === undefined || container[key] === null) {
      if (value === undefined) return;
      container[key] = typeof path[i + 1] === 'number' ? [] : {};
    }
    node = container[key] as Json;
  }
}

function applyMutation(notice: Record<string, Json>, m: Mutation): void {
  switch (m.op) {
    case 'drop':
      setAt(notice, m.path, undefined);
      break;
    case 'set':
      setAt(notice, m.path, m.value);
      break;
    case 'addKeys': {
      let node: Json = notice;
      for (const key of m.at) node = node !== null && typeof node === 'object' ? ((node as Record<string | number, Json>)[key] ?? null) : null;
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
        // defineProperty: a "__proto__" key must become an own property, as JSON.parse would make it.
        for (const [k, v] of Object.entries(m.keys)) Object.defineProperty(node, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      break;
    }
    case 'locations': {
      const make = (i: number): Json =>
        m.item === 'valid'
          ? { url: `https://many.example/item/${i}` }
          : m.item === 'same'
            ? { url: 'https://many.example/same' }
            : m.item === 'empty'
              ? {}
              : { url: `javascript:void(${i})` };
      notice.locations = Array.from({ length: m.count }, (_, i) => make(i));
      break;
    }
    case 'url':
      if (Array.isArray(notice.locations) && notice.locations.length > m.index) setAt(notice, ['locations', m.index, 'url'], m.url);
      else setAt(notice, ['locations', m.index], { url: m.url });
      break;
  }
}

const mutatedNotice = fc
  .tuple(validNotice, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([base, mutations]) => {
    const notice = structuredClone(base) as Record<string, Json>;
    for (const m of mutations) applyMutation(notice, m);
    return notice;
  });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json;',
  'application/json; foo="bar',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data; boundary=',
  'multipart/mixed; boundary=xyz',
  'text/plain',
  'text/json',
  'text/html',
  'application/xml',
  'application/octet-stream',
  'image/png',
  '*/*',
  '',
  ';;;',
  'json',
];

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });

const rawText = fc.oneof(
  validNotice.map((n) => JSON.stringify(n)), // valid JSON: the content type decides
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  validNotice.chain((n) => {
    const text = JSON.stringify(n);
    return fc.nat({ max: text.length - 1 }).map((k) => text.slice(0, k)); // truncated JSON
  }),
  validNotice.chain((n) => fc.string({ minLength: 1, maxLength: 10 }).map((junk) => JSON.stringify(n) + junk)), // trailing garbage
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    '0',
    '"a string"',
    '[]',
    '{}',
    'NaN',
    'Infinity',
    'undefined',
    "{'single': 'quotes'}",
    '{"a":1,}',
    '{"a":01}',
    '\ufeff{}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"category":"x","__proto__":{"isAdmin":true}}',
    '['.repeat(10_000) + ']'.repeat(10_000),
    '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
    '{"locations":[' + '{"url":"https://x.example"},'.repeat(40_000) + '{}]}',
    '"' + 'x'.repeat(1_100_000) + '"',
    '{"explanation":"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000"}',
    '{"explanation":"\\ud800\\ud800"}',
  ),
);

/** Whether Fastify's JSON parser would read this body (it skips a leading byte-order mark). */
function parsesAsJson(payload: string | Buffer): boolean {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  try {
    JSON.parse(text.replace(/^\uFEFF/, ''));
    return true;
  } catch {
    return false;
  }
}

const rawBody = fc.oneof(
  { weight: 4, arbitrary: rawText.map((text) => ({ payload: text as string | Buffer })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ payload: Buffer.from(bytes) as string | Buffer })) },
);

const contentType = fc.oneof(
  { weight: 3, arbitrary: fc.constant<string | undefined>('application/json') },
  { weight: 3, arbitrary: fc.constantFrom<string | undefined>(...CONTENT_TYPES, undefined) },
  { weight: 1, arbitrary: printable as fc.Arbitrary<string | undefined> },
);

/** Any JSON: fast-check's JSON values, `fc.anything()` through JSON, and objects with the notice's keys and arbitrary values. */
const anyJson: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<Json>,
  fc
    .anything({ withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true, withObjectString: true })
    .map((v) => JSON.parse(JSON.stringify(v) ?? 'null') as Json),
  fc.dictionary(fc.constantFrom(...TOP_FIELDS), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { minKeys: 1, maxKeys: 12 }),
);

// ── tests ─────────────────────────────────────────────────────────────────────────────────────

describe('fuzz: public notice intake', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });

  after(async () => {
    await h?.close();
  });

  const postJson = (text: string) =>
    h.vigie.fastify.inject({ method: 'POST', url: URL_PATH, headers: { 'content-type': 'application/json' }, payload: text });

  test(`(a) ${RUNS.json} arbitrary JSON values`, async (t) => {
    const stats = newStats();
    await fc.assert(
      fc.asyncProperty(anyJson, async (value) => {
        const text = JSON.stringify(value);
        const res = await postJson(text);
        checkResponse(res, stats);
        checkPrediction(res, text);
      }),
      { seed: SEED, numRuns: RUNS.json, includeErrorInReport: true },
    );
    report(t, '(a) arbitrary JSON', SEED, stats);
    assert.ok(stats.tried >= RUNS.json);
  });

  test(`(b) ${RUNS.mutations} mutations of valid notices`, async (t) => {
    const stats = newStats();
    // The generator itself: unmutated notices are mostly accepted, so mutations start from valid input.
    const bases = fc.sample(validNotice, { seed: SEED, numRuns: 200 });
    const accepted = bases.filter((n) => NoticeBody.safeParse(n).success).length;
    assert.ok(accepted >= 150, `only ${accepted}/200 generated notices are valid`);

    await fc.assert(
      fc.asyncProperty(mutatedNotice, async (notice) => {
        const text = JSON.stringify(notice);
        const res = await postJson(text);
        checkResponse(res, stats);
        checkPrediction(res, text);
      }),
      { seed: SEED + 1, numRuns: RUNS.mutations, includeErrorInReport: true },
    );
    report(t, '(b) mutated notices', SEED + 1, stats);
    assert.ok(stats.tried >= RUNS.mutations);
    // Both outcomes were reached: the mutations are neither all fatal nor all harmless.
    assert.ok((stats.statuses.get(201) ?? 0) >= 100, 'some mutated notices were still valid');
    assert.ok((stats.statuses.get(400) ?? 0) >= 500, 'most mutations were refused');
  });

  test(`(c1) ${RUNS.raw} non-JSON payloads sent as application/json`, async (t) => {
    const stats = newStats();
    const nonJson = rawBody.filter(({ payload }) => !parsesAsJson(payload));
    await fc.assert(
      fc.asyncProperty(nonJson, fc.constantFrom('application/json', 'application/json; charset=utf-8'), async ({ payload }, type) => {
        const res = await h.vigie.fastify.inject({ method: 'POST', url: URL_PATH, headers: { 'content-type': type }, payload });
        checkResponse(res, stats);
        const code = (res.json() as { error: { code: string } }).error.code;
        // Not JSON: refused as such (or as too large), never validated as something else.
        assert.ok(code === 'MALFORMED_JSON' || code === 'PAYLOAD_TOO_LARGE', `${res.statusCode} ${code}`);
      }),
      { seed: SEED + 2, numRuns: RUNS.raw, includeErrorInReport: true },
    );
    report(t, '(c1) non-JSON payloads', SEED + 2, stats);
    assert.ok(stats.tried >= RUNS.raw);
  });

  test(`(c2) ${RUNS.raw} payloads with random content types`, async (t) => {
    const stats = newStats();
    await fc.assert(
      fc.asyncProperty(rawBody, contentType, async ({ payload }, type) => {
        const res = await h.vigie.fastify.inject({
          method: 'POST',
          url: URL_PATH,
          headers: type === undefined ? {} : { 'content-type': type },
          payload,
        });
        checkResponse(res, stats);
        assert.ok([201, 400, 413, 415].includes(res.statusCode), `status ${res.statusCode}: ${res.body.slice(0, 300)}`);
      }),
      { seed: SEED + 3, numRuns: RUNS.raw, includeErrorInReport: true },
    );
    report(t, '(c2) random content types', SEED + 3, stats);
    assert.ok(stats.tried >= RUNS.raw);
    for (const code of ['MALFORMED_JSON', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED']) assert.ok((stats.codes.get(code) ?? 0) > 0, `${code} was reached`);
    assert.ok((stats.statuses.get(201) ?? 0) > 0, 'some valid notices with a JSON content type were received');
  });

  test(`(e) ${RUNS.urls} odd URLs on the public notice routes`, async (t) => {
    const stats = newStats();
    const urlChar = fc.constantFrom(...'abcXYZ019-._~%/?=&:@!$()*+,;'.split(''), '%00', '%2F', '%2e%2e', '%ff', '%E0%A4%A', '%', '%%', '%zz', '..');
    const segment = fc.string({ unit: urlChar, maxLength: 20 });
    const url = fc.oneof(
      segment.map((s) => `/v1/public/services/${s}/notices`),
      segment.map((s) => `/v1/public/services/default/notices/${s}`),
      fc.tuple(segment, segment).map(([a, b]) => `/v1/public/services/default/notices/N-AAAA-BBBB-CCCC?token=${a}&${b}`),
      segment.map((s) => `/v1/public/${s}`),
    );
    await fc.assert(
      fc.asyncProperty(url, fc.constantFrom('GET' as const, 'POST' as const), async (u, method) => {
        const res = await h.vigie.fastify.inject({ method, url: u, ...(method === 'POST' ? { payload: {} } : {}) });
        checkResponse(res, stats);
        assert.notEqual(res.statusCode, 201, 'an empty body is never a notice');
      }),
      { seed: SEED + 4, numRuns: RUNS.urls, includeErrorInReport: true },
    );
    report(t, '(e) odd URLs', SEED + 4, stats);
    assert.ok(stats.tried >= RUNS.urls);
  });

  // Over a real socket (loopback): light-my-request never closes the request, so a multipart body
  // cut short inside a file part would wait forever under inject instead of failing as it does here.
  test('(d) malformed multipart bodies over HTTP answer 400, not 500', async (t) => {
    const address = await h.vigie.fastify.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.vigie.fastify.server.address() as AddressInfo;
    t.diagnostic(`listening on ${address}`);
    const part = (headers: string, data: string) => `--xyz\r\n${headers}\r\n\r\n${data}`;
    const cases: Array<{ name: string; type: string; body: string; code: string }> = [
      { name: 'no boundary', type: 'multipart/form-data', body: part('Content-Disposition: form-data; name="notice"', '{}'), code: 'MALFORMED_MULTIPART' },
      { name: 'boundary longer than 256', type: `multipart/form-data; boundary=${'b'.repeat(300)}`, body: `--${'b'.repeat(300)}\r\n`, code: 'MALFORMED_MULTIPART' },
      {
        name: 'file part cut short',
        type: 'multipart/form-data; boundary=xyz',
        body: part('Content-Disposition: form-data; name="evidence"; filename="a.txt"\r\nContent-Type: text/plain', 'hello'),
        code: 'MALFORMED_MULTIPART',
      },
      // busboy drops an unfinished field: the notice is then missing.
      { name: 'notice field cut short', type: 'multipart/form-data; boundary=xyz', body: part('Content-Disposition: form-data; name="notice"', '{"category"'), code: 'VALIDATION_FAILED' },
    ];
    for (const c of cases) {
      const payload = Buffer.from(c.body);
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: URL_PATH, headers: { 'content-type': c.type, 'content-length': payload.length } },
          (r) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (chunk: string) => (text += chunk));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
          },
        );
        req.setTimeout(5_000, () => req.destroy(new Error(`${c.name}: no answer within 5 s`)));
        req.on('error', reject);
        req.end(payload);
      });
      assert.equal(res.status, 400, `${c.name}: ${res.status} ${res.body.slice(0, 300)}`);
      const error = (JSON.parse(res.body) as { error: { code: string; message: string; fields: unknown[] } }).error;
      assert.equal(error.code, c.code, `${c.name}: ${error.message}`);
      assert.ok(Array.isArray(error.fields));
    }
  });
});
