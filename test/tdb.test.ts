/**
 * The DSA Transparency Database statement-of-reasons rules (src/decisions/tdb.ts) against
 * docs/reference/dsa-tdb.md, and the local TDB stand-in (test/support/tdb-server.ts). No database needed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normaliseForStorage, summariseTdbErrors, validateTdbStatement, type TdbStatement } from '../src/decisions/tdb.ts';
import * as E from '../src/decisions/tdb-enums.ts';
import { CATEGORY_KEYWORDS } from '../src/taxonomy/categories.ts';
import { PUID_NOT_UNIQUE_MULTIPLE, PUID_NOT_UNIQUE_SINGLE, RATE_LIMIT_BODY, startTdbServer, type TdbServer } from './support/tdb-server.ts';

const README = fs.readFileSync(fileURLToPath(new URL('../docs/reference/dsa-tdb.md', import.meta.url)), 'utf8');

/** Keys of the README table that follows the bold heading starting with `title`. */
function readmeKeys(title: string): string[] {
  const lines = README.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`**${title}`) || l.startsWith(`### ${title}`));
  assert.ok(start >= 0, `README section ${title}`);
  const keys: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('**') || line.startsWith('#')) break;
    const m = /^\| `([A-Za-z0-9_]+)` \|/.exec(line);
    if (m?.[1]) keys.push(m[1]);
  }
  return keys;
}
/** The comma-separated two-letter codes that follow `marker` in the README, up to the next paragraph or list item. */
const readmeCodeList = (marker: string) => {
  const rest = README.slice(README.indexOf(marker) + marker.length).replace(/^\s+/, '');
  return rest.split(/\n\s*\n|\n- /)[0]?.match(/\b[A-Z]{2}\b/g) ?? [];
};
const sorted = (xs: readonly string[]) => [...xs].sort();

/** A full, valid statement under an illegal-content ground. */
const illegal = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  decision_monetary: 'DECISION_MONETARY_SUSPENSION',
  decision_provision: 'DECISION_PROVISION_PARTIAL_SUSPENSION',
  decision_account: 'DECISION_ACCOUNT_SUSPENDED',
  account_type: 'ACCOUNT_TYPE_PRIVATE',
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  decision_ground_reference_url: 'https://example.org/terms#section-2',
  illegal_content_legal_ground: 'Loi du 29 juillet 1881, art. 24',
  illegal_content_explanation: 'Calls for violence against a religious group.',
  content_type: ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_IMAGE'],
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  category_addition: ['STATEMENT_CATEGORY_VIOLENCE'],
  category_specification: ['KEYWORD_HATE_SPEECH'],
  territorial_scope: ['FR', 'BE'],
  content_language: 'FR',
  content_date: '2025-06-01',
  application_date: '2025-06-03',
  end_date_account_restriction: '2025-07-03',
  end_date_monetary_restriction: null,
  end_date_service_restriction: '2025-07-03',
  end_date_visibility_restriction: null,
  decision_facts: 'The post names a religious group and calls for attacks on its places of worship.',
  source_type: 'SOURCE_ARTICLE_16',
  source_identity: 'Notifier (anonymised)',
  automated_detection: 'No',
  automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
  puid: 'vigie-0001',
  content_id: { 'EAN-13': '4006381333931' },
  ...over,
});
/** A full, valid statement under an incompatible-content ground. */
const incompatible = (over: Record<string, unknown> = {}): Record<string, unknown> => {
  const s = illegal({
    decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
    incompatible_content_ground: 'Terms of service, section 4.2 (spam)',
    incompatible_content_explanation: 'Repeated identical commercial posts.',
    incompatible_content_illegal: 'No',
    category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
    ...over,
  });
  for (const k of ['illegal_content_legal_ground', 'illegal_content_explanation']) if (!(k in over)) delete s[k];
  return s;
};
const without = (s: Record<string, unknown>, ...keys: string[]) => {
  const c = { ...s };
  for (const k of keys) delete c[k];
  return c;
};

function ok(input: unknown, endpoint?: 'single' | 'batch'): TdbStatement {
  const r = validateTdbStatement(input, { endpoint });
  assert.ok(r.ok, `expected valid, got ${JSON.stringify(r.ok ? null : r.errors)}`);
  return r.value;
}
function errs(input: unknown, endpoint?: 'single' | 'batch'): Record<string, string[]> {
  const r = validateTdbStatement(input, { endpoint });
  assert.ok(!r.ok, 'expected invalid');
  return r.errors;
}
/** Rejected, with errors on exactly these fields. */
function rejected(input: unknown, ...fields: string[]) {
  assert.deepEqual(Object.keys(errs(input)).sort(), fields.sort());
}

describe('TDB enums against the README', () => {
  it('every enum list equals the README table', () => {
    assert.deepEqual([...E.DECISION_VISIBILITY], readmeKeys('decision_visibility'));
    assert.deepEqual([...E.DECISION_MONETARY], readmeKeys('decision_monetary'));
    assert.deepEqual([...E.DECISION_PROVISION], readmeKeys('decision_provision'));
    assert.deepEqual([...E.DECISION_ACCOUNT], readmeKeys('decision_account'));
    assert.deepEqual([...E.ACCOUNT_TYPES], readmeKeys('account_type'));
    assert.deepEqual([...E.DECISION_GROUNDS], readmeKeys('decision_ground'));
    assert.deepEqual([...E.CONTENT_TYPES], readmeKeys('content_type'));
    assert.deepEqual([...E.SOURCE_TYPES], readmeKeys('source_type'));
    assert.deepEqual([...E.AUTOMATED_DECISIONS], readmeKeys('automated_decision'));
  });

  it('the repo taxonomy has the README 16 categories and 69 keywords, each keyword under some category', () => {
    assert.equal(E.CATEGORIES.length, 16);
    assert.deepEqual(sorted(E.CATEGORIES), sorted(readmeKeys('category / category_addition')));
    assert.equal(E.KEYWORDS.length, 69);
    assert.deepEqual(sorted(E.KEYWORDS), sorted(readmeKeys('Keywords')));
    const grouped = new Set(Object.values(CATEGORY_KEYWORDS).flat());
    assert.deepEqual(E.KEYWORDS.filter((k) => !grouped.has(k)), []);
  });

  it('30 territorial codes and 184 upper-case languages, as in the README (BH added to the repo list)', () => {
    assert.deepEqual(sorted(E.TERRITORIAL_SCOPE), sorted(readmeCodeList('**Greece is `GR`**):')));
    assert.equal(E.EU_MEMBER_STATES.length, 27);
    const langs = readmeCodeList('Full accepted list:');
    assert.equal(langs.length, 184);
    assert.deepEqual(sorted(E.CONTENT_LANGUAGES), sorted(langs));
    for (const old of ['IW', 'IN', 'JI']) assert.ok(!E.CONTENT_LANGUAGES.includes(old as E.ContentLanguage));
    for (const l of E.EU_LANGUAGES) assert.ok(E.CONTENT_LANGUAGES.includes(l));
  });
});

describe('validateTdbStatement', () => {
  it('accepts a full statement under each ground and returns only the validated fields', () => {
    const v = ok({ ...illegal(), platform_name: 'ignored', unknown_field: 1 });
    assert.equal(v.puid, 'vigie-0001');
    assert.equal((v as unknown as Record<string, unknown>).unknown_field, undefined);
    assert.equal((v as unknown as Record<string, unknown>).platform_name, undefined);
    assert.deepEqual(v.content_id, { 'EAN-13': '4006381333931' });
    const w = ok(incompatible());
    assert.equal(w.incompatible_content_illegal, 'No');
    assert.equal(w.illegal_content_explanation, undefined);
  });

  it('accepts a minimal statement (only the required fields)', () => {
    ok({
      decision_account: 'DECISION_ACCOUNT_TERMINATED',
      decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      incompatible_content_ground: 'ToS 3',
      incompatible_content_explanation: 'Fake account.',
      content_type: ['CONTENT_TYPE_OTHER'],
      content_type_other: 'Account',
      category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
      content_date: '2024-01-01',
      application_date: '2024-01-02',
      decision_facts: 'Bot network.',
      source_type: 'SOURCE_VOLUNTARY',
      automated_detection: 'Yes',
      automated_decision: 'AUTOMATED_DECISION_FULLY',
      puid: 'x',
    });
  });

  it('reports errors keyed by field with the TDB messages', () => {
    const e = errs(without(illegal({ automated_decision: 'AUTOMATED_DECISION_fully', puid: 'a.b', application_date: '2025/06/03' }), 'decision_ground'));
    assert.deepEqual(e.decision_ground, ['The decision ground field is required.']);
    assert.deepEqual(e.automated_decision, ['The selected automated decision is invalid.']);
    assert.deepEqual(e.puid, ['The puid format is invalid.']);
    assert.equal(e.application_date?.[0], 'The application date does not match the format YYYY-MM-DD.');
    const none = errs(without(illegal(), 'decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account'));
    assert.deepEqual(none.decision_visibility, ['The decision visibility field is required when none of decision monetary / decision provision / decision account are present.']);
    assert.match(summariseTdbErrors(e), /^The decision ground field is required\. \(and \d+ more errors\)$/);
    assert.equal(summariseTdbErrors({ puid: ['The puid format is invalid.'] }), 'The puid format is invalid.');
  });

  it('rejects a body that is not an object with the required-field errors', () => {
    for (const body of [null, 'x', [], 42]) {
      const e = errs(body);
      for (const f of ['decision_ground', 'content_type', 'category', 'content_date', 'application_date', 'decision_facts', 'source_type', 'automated_detection', 'automated_decision', 'puid', 'decision_visibility', 'decision_account']) {
        assert.ok(e[f], `${f} for ${JSON.stringify(body)}`);
      }
    }
  });

  describe('input reading: trim, then empty → null', () => {
    it('trims every string, nested ones included, before checking', () => {
      const v = ok(illegal({ puid: '  vigie-0001\t', content_type: [' CONTENT_TYPE_TEXT '], category: '\u00a0STATEMENT_CATEGORY_VIOLENCE\ufeff', content_id: { 'EAN-13': ' 4006381333931 ' } }));
      assert.equal(v.puid, 'vigie-0001');
      assert.deepEqual(v.content_type, ['CONTENT_TYPE_TEXT']);
      assert.equal(v.category, 'STATEMENT_CATEGORY_VIOLENCE');
      assert.deepEqual(v.content_id, { 'EAN-13': '4006381333931' });
    });
    it('treats "  " as missing', () => {
      assert.deepEqual(errs(illegal({ decision_facts: '   ' })).decision_facts, ['The decision facts field is required.']);
      rejected(illegal({ puid: ' \n ' }), 'puid');
      rejected(illegal({ illegal_content_explanation: '  ' }), 'illegal_content_explanation');
      assert.equal(ok(illegal({ source_identity: '   ' })).source_identity, null);
    });
    it('turns "" into null inside arrays too (then not an allowed key)', () => {
      rejected(illegal({ content_type: ['CONTENT_TYPE_TEXT', ''] }), 'content_type');
    });
  });

  describe('decision fields: at least one of four', () => {
    const bare = without(illegal(), 'decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account');
    it('none of them → an error on each of the four', () => {
      rejected(bare, 'decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account');
      rejected({ ...bare, decision_visibility: [], decision_monetary: '', decision_provision: null, decision_account: '  ' }, 'decision_visibility', 'decision_monetary', 'decision_provision', 'decision_account');
    });
    it('any one of them is enough', () => {
      ok({ ...bare, decision_visibility: ['DECISION_VISIBILITY_CONTENT_DEMOTED'] });
      ok({ ...bare, decision_monetary: 'DECISION_MONETARY_TERMINATION' });
      ok({ ...bare, decision_provision: 'DECISION_PROVISION_TOTAL_TERMINATION' });
      ok({ ...bare, decision_account: 'DECISION_ACCOUNT_TERMINATED', decision_visibility: null });
    });
    it('decision_visibility must be an array, even with one value', () => {
      assert.deepEqual(errs(illegal({ decision_visibility: 'DECISION_VISIBILITY_CONTENT_REMOVED' })).decision_visibility, ['The decision visibility field must be an array.']);
      rejected(illegal({ decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED', 'DECISION_VISIBILITY_BANNED'] }), 'decision_visibility');
      rejected(illegal({ decision_visibility: [['DECISION_VISIBILITY_CONTENT_REMOVED']] }), 'decision_visibility');
    });
    it('quirk: the literal string "null" passes these enum rules (and even counts as a decision) — never send it', () => {
      const v = ok({ ...bare, decision_account: 'null', account_type: 'null', category_specification: ['null'] });
      assert.equal(v.decision_account, 'null');
      ok(illegal({ decision_visibility: ['null'] }));
      rejected(illegal({ decision_ground: 'null' }), 'decision_ground'); // not on the other enums
      rejected(illegal({ content_language: 'null' }), 'content_language');
    });
  });

  describe('"other" fields: required iff the OTHER value is chosen', () => {
    const long = 'x'.repeat(501);
    it('decision_visibility_other', () => {
      const withOther = illegal({ decision_visibility: ['DECISION_VISIBILITY_OTHER'] });
      rejected(withOther, 'decision_visibility_other');
      assert.equal(ok({ ...withOther, decision_visibility_other: 'Shadow-banned' }).decision_visibility_other, 'Shadow-banned');
      assert.equal(ok(illegal({ decision_visibility_other: 'ignored' })).decision_visibility_other, undefined);
      rejected(illegal({ decision_visibility_other: long }), 'decision_visibility_other'); // length checked even when ignored
    });
    it('decision_monetary_other', () => {
      const withOther = illegal({ decision_monetary: 'DECISION_MONETARY_OTHER' });
      assert.deepEqual(errs(withOther).decision_monetary_other, ['The decision monetary other field is required when decision monetary is other.']);
      ok({ ...withOther, decision_monetary_other: 'Demonetised' });
      rejected({ ...withOther, decision_monetary_other: long }, 'decision_monetary_other');
      assert.equal(ok(illegal({ decision_monetary_other: long })).decision_monetary_other, undefined); // ignored, not checked
    });
    it('content_type_other', () => {
      const withOther = illegal({ content_type: ['CONTENT_TYPE_VIDEO', 'CONTENT_TYPE_OTHER'] });
      rejected(withOther, 'content_type_other');
      ok({ ...withOther, content_type_other: 'Livestream' });
      assert.equal(ok(illegal({ content_type_other: 'ignored' })).content_type_other, undefined);
      rejected(illegal({ content_type_other: long }), 'content_type_other');
    });
    it('category_specification_other is optional and kept as sent', () => {
      assert.equal(ok(illegal({ category_specification_other: 'detail' })).category_specification_other, 'detail');
      rejected(illegal({ category_specification_other: long }), 'category_specification_other');
    });
  });

  describe('grounds', () => {
    it('illegal_* are required iff the ground is illegal content, and dropped otherwise', () => {
      assert.deepEqual(errs(without(illegal(), 'illegal_content_legal_ground')).illegal_content_legal_ground, [
        'The illegal content legal ground field is required when decision ground is illegal content.',
      ]);
      rejected(without(illegal(), 'illegal_content_explanation'), 'illegal_content_explanation');
      const v = ok(incompatible({ illegal_content_legal_ground: 'x'.repeat(600), illegal_content_explanation: 'y' }));
      assert.equal(v.illegal_content_legal_ground, undefined);
      assert.equal(v.illegal_content_explanation, undefined);
    });
    it('incompatible_* are required iff the ground is incompatible content, and dropped otherwise', () => {
      rejected(without(incompatible(), 'incompatible_content_ground'), 'incompatible_content_ground');
      rejected(without(incompatible(), 'incompatible_content_explanation'), 'incompatible_content_explanation');
      const v = ok(illegal({ incompatible_content_ground: 'ToS', incompatible_content_explanation: 'x'.repeat(3000), incompatible_content_illegal: 'Yes' }));
      assert.equal(v.incompatible_content_ground, undefined);
      assert.equal(v.incompatible_content_illegal, undefined);
    });
    it('limits: 500 for grounds, 2000 for explanations', () => {
      ok(illegal({ illegal_content_legal_ground: 'g'.repeat(500), illegal_content_explanation: 'e'.repeat(2000) }));
      rejected(illegal({ illegal_content_legal_ground: 'g'.repeat(501) }), 'illegal_content_legal_ground');
      rejected(illegal({ illegal_content_explanation: 'e'.repeat(2001) }), 'illegal_content_explanation');
      rejected(incompatible({ incompatible_content_explanation: 'e'.repeat(2001) }), 'incompatible_content_explanation');
    });
    it('incompatible_content_illegal: Yes/No only; null and "" rejected under either ground; omitting is fine', () => {
      ok(incompatible({ incompatible_content_illegal: 'Yes' }));
      ok(without(incompatible(), 'incompatible_content_illegal'));
      for (const bad of ['yes', 'NO', true, null, '', ' ']) rejected(incompatible({ incompatible_content_illegal: bad }), 'incompatible_content_illegal');
      rejected(illegal({ incompatible_content_illegal: null }), 'incompatible_content_illegal');
      rejected(illegal({ decision_ground: 'DECISION_GROUND_ILLEGAL' }), 'decision_ground');
    });
  });

  describe('enums are case-sensitive keys', () => {
    const cases: [string, unknown][] = [
      ['decision_visibility', ['decision_visibility_content_removed']],
      ['decision_monetary', 'Decision_Monetary_Suspension'],
      ['decision_provision', 'decision_provision_partial_suspension'],
      ['decision_account', 'decision_account_suspended'],
      ['account_type', 'account_type_private'],
      ['decision_ground', 'decision_ground_illegal_content'],
      ['content_type', ['content_type_text']],
      ['category', 'statement_category_violence'],
      ['category_addition', ['statement_category_violence']],
      ['category_specification', ['keyword_hate_speech']],
      ['territorial_scope', ['fr']],
      ['content_language', 'fr'],
      ['source_type', 'source_article_16'],
      ['automated_detection', 'yes'],
      ['automated_decision', 'automated_decision_fully'],
    ];
    for (const [field, value] of cases) {
      it(`${field} rejects ${JSON.stringify(value)}`, () => {
        const e = errs(illegal({ [field]: value }));
        assert.deepEqual(Object.keys(e), [field]);
        assert.match(e[field]?.[0] ?? '', /^The selected .* is invalid\.$/);
      });
    }
    it('labels are not keys; booleans are not Yes/No; old schema keys are gone', () => {
      rejected(illegal({ decision_ground: 'Illegal Content' }), 'decision_ground');
      rejected(illegal({ automated_detection: false }), 'automated_detection');
      rejected(illegal({ category: 'STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE' }), 'category');
      rejected(illegal({ category_specification: ['KEYWORD_DISINFORMATION'] }), 'category_specification');
    });
    it('territorial_scope: the 30 EU/EEA codes, GR for Greece; [] and null accepted', () => {
      ok(illegal({ territorial_scope: [...E.TERRITORIAL_SCOPE] }));
      ok(illegal({ territorial_scope: [] }));
      ok(illegal({ territorial_scope: null }));
      ok(without(illegal(), 'territorial_scope'));
      for (const bad of [['EL'], ['UK'], ['CH'], 'FR']) rejected(illegal({ territorial_scope: bad }), 'territorial_scope');
    });
    it('content_language: upper-case ISO 639-1, BH included, old codes rejected', () => {
      for (const l of ['EN', 'GA', 'BH', 'HE', 'ID', 'YI']) ok(illegal({ content_language: l }));
      ok(illegal({ content_language: null }));
      for (const l of ['en', 'IW', 'IN', 'JI', 'ENG', 'en-GB']) rejected(illegal({ content_language: l }), 'content_language');
    });
    it('category_addition: null rejected (omit it), [] accepted; category_specification: null accepted', () => {
      const e = errs(illegal({ category_addition: null }));
      assert.deepEqual(Object.keys(e), ['category_addition']);
      ok(illegal({ category_addition: [] }));
      ok(without(illegal(), 'category_addition'));
      ok(illegal({ category_specification: null }));
    });
    it('array fields accept duplicates; content_type must be a non-empty array', () => {
      ok(illegal({ content_type: ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_TEXT'], territorial_scope: ['FR', 'FR'] }));
      assert.deepEqual(errs(illegal({ content_type: [] })).content_type, ['The content type field is required.']);
      rejected(illegal({ content_type: 'CONTENT_TYPE_TEXT' }), 'content_type');
      rejected(without(illegal(), 'content_type'), 'content_type');
    });
  });

  describe('dates', () => {
    it('rejects anything but a real YYYY-MM-DD', () => {
      for (const bad of ['2025-02-30', '2025-9-1', '18/05/2023', '2025-02-29', '2025-13-01', '2025-00-10', '2025-06-01T00:00:00Z', '2025-06-01 12:00', '20250601', '2025-06-1', 20250601]) {
        for (const field of ['content_date', 'application_date', 'end_date_account_restriction']) {
          assert.ok(errs(illegal({ [field]: bad }))[field], `${field}=${String(bad)}`);
        }
      }
      ok(illegal({ content_date: '2024-02-29' }));
      assert.equal(errs(illegal({ end_date_service_restriction: '2025-9-1' })).end_date_service_restriction?.[0], 'The end date of service restriction does not match the format YYYY-MM-DD.');
    });
    it('applies the bounds: content 2000-01-01…2038-01-01, application 2020-01-01…2038-01-01, end dates ≤ 2038-01-01', () => {
      ok(illegal({ content_date: '2000-01-01', application_date: '2020-01-01' }));
      ok(illegal({ content_date: '2038-01-01', application_date: '2038-01-01', end_date_visibility_restriction: '2038-01-01' }));
      rejected(illegal({ content_date: '1999-12-31' }), 'content_date');
      rejected(illegal({ content_date: '2038-01-02' }), 'content_date');
      rejected(illegal({ application_date: '2019-12-31' }), 'application_date');
      rejected(illegal({ application_date: '2038-01-02' }), 'application_date');
      rejected(illegal({ end_date_monetary_restriction: '2038-01-02' }), 'end_date_monetary_restriction');
      ok(illegal({ end_date_account_restriction: '1990-01-01' })); // no lower bound for end dates
    });
    it('compares no dates with each other (the code does not, whatever the guide says)', () => {
      ok(illegal({ content_date: '2030-01-01', application_date: '2025-01-01', end_date_account_restriction: '2021-01-01' }));
    });
    it('requires content_date and application_date; end dates may be null (indefinite) or omitted', () => {
      rejected(without(illegal(), 'content_date'), 'content_date');
      rejected(illegal({ application_date: '' }), 'application_date');
      ok(illegal({ end_date_account_restriction: null, end_date_service_restriction: '' }));
    });
  });

  describe('lengths count Unicode code points, after trimming', () => {
    const emoji = '😀'; // one code point, two UTF-16 units
    it('decision_facts: 5000', () => {
      ok(illegal({ decision_facts: emoji.repeat(5000) }));
      ok(illegal({ decision_facts: `  ${'a'.repeat(5000)}  ` }));
      assert.deepEqual(errs(illegal({ decision_facts: emoji.repeat(5001) })).decision_facts, ['The decision facts field must not be greater than 5000 characters.']);
    });
    it('500-character fields', () => {
      ok(illegal({ source_identity: emoji.repeat(500), category_specification_other: 'é'.repeat(500), decision_ground_reference_url: `https://example.org/${'a'.repeat(480)}` }));
      rejected(illegal({ source_identity: emoji.repeat(501) }), 'source_identity');
      rejected(illegal({ decision_ground_reference_url: `https://example.org/${'a'.repeat(481)}` }), 'decision_ground_reference_url');
    });
    it('source_identity: length checked even under SOURCE_VOLUNTARY (where it is dropped on storage)', () => {
      rejected(illegal({ source_type: 'SOURCE_VOLUNTARY', source_identity: 'x'.repeat(501) }), 'source_identity');
      const v = ok(illegal({ source_type: 'SOURCE_VOLUNTARY', source_identity: 'someone' }));
      assert.equal(normaliseForStorage(v).source_identity, undefined);
    });
  });

  describe('puid and content ids', () => {
    it('puid: ASCII letters, digits, - and _, at most 500', () => {
      for (const good of ['abc', 'A-b_9', '-', '_'.repeat(500)]) ok(illegal({ puid: good }));
      for (const bad of ['a.b', 'a b', 'é', 'a/b', 'a+b', 'a\nb', '_'.repeat(501)]) rejected(illegal({ puid: bad }), 'puid');
      rejected(without(illegal(), 'puid'), 'puid');
      assert.equal(ok(illegal({ puid: 12345 })).puid, '12345'); // PHP reads a number as its digits
    });
    it('content_id: {"EAN-13": 13 digits as a string}; errors under content_id.EAN-13', () => {
      ok(illegal({ content_id: null }));
      ok(without(illegal(), 'content_id'));
      for (const bad of ['400638133393', '40063813339312', '400638133393X', 4006381333931, null]) {
        assert.deepEqual(Object.keys(errs(illegal({ content_id: { 'EAN-13': bad } }))), ['content_id.EAN-13'], String(bad));
      }
      rejected(illegal({ content_id: '4006381333931' }), 'content_id');
      ok(illegal({ content_id: { 'EAN-13': '0000000000000' } })); // no check-digit test
    });
    it('content_id_ean: 13 digits on the single endpoint; ignored by the batch endpoint', () => {
      ok(illegal({ content_id_ean: '4006381333931' }));
      rejected(illegal({ content_id_ean: '12345' }), 'content_id_ean');
      const v = ok(illegal({ content_id_ean: '12345' }), 'batch');
      assert.equal(v.content_id_ean, undefined);
    });
    it('decision_ground_reference_url must be a URL', () => {
      ok(illegal({ decision_ground_reference_url: 'http://example.org' }));
      ok(illegal({ decision_ground_reference_url: null }));
      for (const bad of ['example.org/terms', 'https://', 'https://exa mple.org', 'javascript:alert(1)']) rejected(illegal({ decision_ground_reference_url: bad }), 'decision_ground_reference_url');
    });
    it('free text must be a string (Vigie is stricter than the TDB, which would coerce or fail later)', () => {
      rejected(illegal({ decision_facts: ['a'] }), 'decision_facts');
      rejected(illegal({ source_identity: { a: 1 } }), 'source_identity');
      assert.equal(ok(illegal({ decision_facts: 42 })).decision_facts, '42');
    });
  });
});

describe('normaliseForStorage', () => {
  it('single endpoint: de-duplicates and sorts arrays, filters the scope, removes the main category from the additions', () => {
    const v = ok(
      illegal({
        content_type: ['CONTENT_TYPE_VIDEO', 'CONTENT_TYPE_TEXT', 'CONTENT_TYPE_VIDEO'],
        decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED', 'DECISION_VISIBILITY_CONTENT_DEMOTED', 'DECISION_VISIBILITY_CONTENT_REMOVED'],
        category_specification: ['KEYWORD_HATE_SPEECH', 'KEYWORD_DEFAMATION', 'KEYWORD_HATE_SPEECH'],
        territorial_scope: ['SK', 'AT', 'SK'],
        category_addition: ['STATEMENT_CATEGORY_VIOLENCE', 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'STATEMENT_CATEGORY_VIOLENCE'],
      }),
    );
    const s = normaliseForStorage(v);
    assert.deepEqual(s.content_type, ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_VIDEO']);
    assert.deepEqual(s.decision_visibility, ['DECISION_VISIBILITY_CONTENT_DEMOTED', 'DECISION_VISIBILITY_CONTENT_REMOVED']);
    assert.deepEqual(s.category_specification, ['KEYWORD_DEFAMATION', 'KEYWORD_HATE_SPEECH']);
    assert.deepEqual(s.territorial_scope, ['AT', 'SK']);
    assert.deepEqual(s.category_addition, ['STATEMENT_CATEGORY_VIOLENCE', 'STATEMENT_CATEGORY_VIOLENCE']); // not de-duplicated by the TDB
    assert.equal(s.content_id_ean, '4006381333931'); // taken from content_id
    assert.deepEqual(normaliseForStorage(ok(without(illegal(), 'territorial_scope'))).territorial_scope, []);
    assert.deepEqual(v.content_type, ['CONTENT_TYPE_VIDEO', 'CONTENT_TYPE_TEXT', 'CONTENT_TYPE_VIDEO'], 'input untouched');
  });
  it('drops the fields that do not apply, even when built by hand', () => {
    const hand = {
      ...(illegal() as unknown as TdbStatement),
      incompatible_content_ground: 'x',
      incompatible_content_illegal: 'Yes',
      decision_visibility_other: 'x',
      decision_monetary_other: 'x',
      content_type_other: 'x',
    } as TdbStatement;
    const s = normaliseForStorage(hand);
    for (const k of ['incompatible_content_ground', 'incompatible_content_illegal', 'decision_visibility_other', 'decision_monetary_other', 'content_type_other'] as const) {
      assert.equal(s[k], undefined, k);
    }
    assert.equal(s.illegal_content_explanation, (illegal() as Record<string, unknown>).illegal_content_explanation);
    const t = normaliseForStorage(ok(incompatible()));
    assert.equal(t.illegal_content_legal_ground, undefined);
    assert.equal(t.incompatible_content_illegal, 'No');
  });
  it('batch endpoint: keeps the order, drops category_specification_other without KEYWORD_OTHER, derives content_id_ean', () => {
    const v = ok(illegal({ content_type: ['CONTENT_TYPE_VIDEO', 'CONTENT_TYPE_TEXT'], category_specification_other: 'x', content_id_ean: '1111111111111' }), 'batch');
    const s = normaliseForStorage(v, { endpoint: 'batch' });
    assert.deepEqual(s.content_type, ['CONTENT_TYPE_VIDEO', 'CONTENT_TYPE_TEXT']);
    assert.equal(s.category_specification_other, undefined);
    assert.equal(s.content_id_ean, '4006381333931');
    const o = normaliseForStorage(ok(illegal({ category_specification: ['KEYWORD_OTHER'], category_specification_other: 'x' }), 'batch'), { endpoint: 'batch' });
    assert.equal(o.category_specification_other, 'x');
  });
});

describe('TDB stand-in server', () => {
  let tdb: TdbServer;
  const other = { token: 'other-platform-token', name: 'Other Platform' };
  before(async () => {
    tdb = await startTdbServer({ platforms: [{ token: 'vigie-token', name: 'Vigie' }, other] });
  });
  after(async () => tdb.close());

  async function call(method: string, path: string, body?: unknown, token: string | null = tdb.token, signal?: AbortSignal) {
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${tdb.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual', signal });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* plain text */
    }
    return { status: res.status, json: json as Record<string, unknown>, text, headers: res.headers };
  }

  it('POST /api/v1/statement stores one SoR and answers 201 with the stored statement', async () => {
    const r = await call('POST', '/api/v1/statement', illegal({ puid: ' single-1 ', content_type: ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_TEXT'], extra: 'dropped' }));
    assert.equal(r.status, 201);
    assert.match(r.json.uuid as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(r.json.created_at as string, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(r.json.puid, 'single-1');
    assert.equal(r.json.platform_name, 'Vigie');
    assert.equal(r.json.permalink, `${tdb.url}/statement/${r.json.uuid as string}`);
    assert.equal(r.json.self, `${tdb.url}/api/v1/statement/${r.json.uuid as string}`);
    assert.equal(typeof r.json.id, 'number');
    assert.deepEqual(r.json.content_type, ['CONTENT_TYPE_TEXT']);
    assert.equal(r.json.extra, undefined);
    assert.equal(tdb.statements.at(-1)?.uuid, r.json.uuid);
    const back = await call('GET', `/api/v1/statement/${r.json.uuid as string}`);
    assert.equal(back.status, 200);
    assert.equal(back.json.puid, 'single-1');
  });

  it('answers 422 with the Laravel shape on invalid input, storing nothing', async () => {
    const before = tdb.statements.length;
    const r = await call('POST', '/api/v1/statement', without(illegal({ puid: 'bad.puid' }), 'decision_ground'));
    assert.equal(r.status, 422);
    assert.equal(r.json.message, 'The decision ground field is required. (and 1 more error)');
    assert.deepEqual(r.json.errors, { decision_ground: ['The decision ground field is required.'], puid: ['The puid format is invalid.'] });
    assert.equal(tdb.statements.length, before);
  });

  it('rejects a puid already used by the platform (single endpoint), but not one used by another platform', async () => {
    assert.equal((await call('POST', '/api/v1/statement', illegal({ puid: 'dup-1' }))).status, 201);
    const again = await call('POST', '/api/v1/statement', illegal({ puid: 'dup-1', decision_facts: 'different' }));
    assert.equal(again.status, 422);
    assert.deepEqual(again.json, { message: PUID_NOT_UNIQUE_SINGLE, errors: { puid: [PUID_NOT_UNIQUE_SINGLE] }, existing: { puid: 'dup-1' } });
    const elsewhere = await call('POST', '/api/v1/statement', illegal({ puid: 'dup-1' }), other.token);
    assert.equal(elsewhere.status, 201);
    assert.equal(elsewhere.json.platform_name, 'Other Platform');
  });

  it('GET existing-puid: 302 when the platform used it, else 404', async () => {
    const found = await call('GET', '/api/v1/statement/existing-puid/dup-1');
    assert.equal(found.status, 302);
    assert.deepEqual(found.json, { message: 'statement of reason found', puid: 'dup-1' });
    const missing = await call('GET', '/api/v1/statement/existing-puid/never-sent');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { message: 'statement of reason not found', puid: 'never-sent' });
    assert.equal((await call('GET', '/api/v1/statement/existing-puid/single-1', undefined, other.token)).status, 404);
  });

  it('POST /api/v1/statements stores 1–100 SoRs at once', async () => {
    const r = await call('POST', '/api/v1/statements', { statements: [illegal({ puid: 'batch-1' }), incompatible({ puid: 'batch-2' })] });
    assert.equal(r.status, 201);
    const out = r.json.statements as Record<string, unknown>[];
    assert.deepEqual(out.map((s) => s.puid), ['batch-1', 'batch-2']);
    for (const s of out) {
      for (const k of ['uuid', 'created_at', 'platform_name', 'puid', 'permalink', 'self']) assert.ok(s[k], k);
    }
    assert.equal(out[1]?.illegal_content_explanation, undefined);
    assert.equal((await call('GET', '/api/v1/statement/existing-puid/batch-2')).status, 302);
  });

  it('batch is all-or-nothing: errors keyed statement_N, no message', async () => {
    const before = tdb.statements.length;
    const r = await call('POST', '/api/v1/statements', {
      statements: [illegal({ puid: 'aon-0' }), illegal({ puid: 'aon-1', decision_ground: 'ILLEGAL' }), illegal({ puid: 'aon-2' }), without(illegal({ puid: 'aon-3' }), 'category')],
    });
    assert.equal(r.status, 422);
    assert.deepEqual(r.json, {
      errors: {
        statement_1: { decision_ground: ['The selected decision ground is invalid.'] },
        statement_3: { category: ['The category field is required.'] },
      },
    });
    assert.equal(tdb.statements.length, before);
    assert.equal((await call('GET', '/api/v1/statement/existing-puid/aon-0')).status, 404);
  });

  it('batch rejects a puid repeated inside the call, and one already used', async () => {
    const before = tdb.statements.length;
    const inCall = await call('POST', '/api/v1/statements', { statements: [illegal({ puid: 'rep' }), illegal({ puid: 'fresh' }), illegal({ puid: 'rep' })] });
    assert.equal(inCall.status, 422);
    assert.deepEqual(inCall.json, { message: PUID_NOT_UNIQUE_MULTIPLE, errors: { puid: [PUID_NOT_UNIQUE_MULTIPLE], existing_puids: ['rep'] } });
    const used = await call('POST', '/api/v1/statements', { statements: [illegal({ puid: 'fresh-2' }), illegal({ puid: 'batch-1' }), illegal({ puid: 'dup-1' })] });
    assert.equal(used.status, 422);
    assert.deepEqual(used.json, { message: PUID_NOT_UNIQUE_MULTIPLE, errors: { puid: [PUID_NOT_UNIQUE_MULTIPLE], existing_puids: ['batch-1', 'dup-1'] } });
    assert.equal(tdb.statements.length, before);
    assert.ok(!tdb.usedPuids().includes('fresh'));
  });

  it('batch size must be 1 to 100', async () => {
    const empty = await call('POST', '/api/v1/statements', { statements: [] });
    assert.equal(empty.status, 422);
    assert.deepEqual(empty.json.errors, { statements: ['The statements field is required.'] });
    assert.equal((await call('POST', '/api/v1/statements', {})).status, 422);
    const many = await call('POST', '/api/v1/statements', { statements: Array.from({ length: 101 }, (_, i) => illegal({ puid: `many-${i}` })) });
    assert.equal(many.status, 422);
    assert.deepEqual(many.json.errors, { statements: ['The statements field must have between 1 and 100 items.'] });
    const hundred = await call('POST', '/api/v1/statements', { statements: Array.from({ length: 100 }, (_, i) => illegal({ puid: `hundred-${i}` })) });
    assert.equal(hundred.status, 201);
  });

  it('answers 401 without a valid Bearer token', async () => {
    for (const token of [null, 'wrong']) {
      const r = await call('POST', '/api/v1/statement', illegal({ puid: 'unauth' }), token);
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { message: 'Unauthenticated.' });
    }
    assert.equal((await call('GET', '/api/v1/statement/existing-puid/dup-1', undefined, null)).status, 401);
    assert.ok(!tdb.usedPuids().includes('unauth'));
  });

  it('simulates rate limiting (429, plain text) and server errors, then recovers', async () => {
    tdb.failNext(2, 429);
    for (let i = 0; i < 2; i++) {
      const r = await call('POST', '/api/v1/statement', illegal({ puid: 'limited' }));
      assert.equal(r.status, 429);
      assert.equal(r.text, RATE_LIMIT_BODY);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(r.headers.get('retry-after'), '1');
    }
    assert.ok(!tdb.usedPuids().includes('limited'));
    tdb.failNext(1, 500);
    const down = await call('POST', '/api/v1/statement', illegal({ puid: 'limited' }));
    assert.equal(down.status, 500);
    assert.equal((await call('POST', '/api/v1/statement', illegal({ puid: 'limited' }))).status, 201);
    assert.deepEqual(tdb.requests.slice(-4).map((r) => r.status), [429, 429, 500, 201]);
  });

  it('simulates a lost response (stored, but the client sees 500): existing-puid tells, a resubmission is a duplicate', async () => {
    tdb.failNext(1, 500, { afterStore: true });
    assert.equal((await call('POST', '/api/v1/statement', illegal({ puid: 'lost' }))).status, 500);
    assert.equal((await call('GET', '/api/v1/statement/existing-puid/lost')).status, 302);
    assert.equal((await call('POST', '/api/v1/statement', illegal({ puid: 'lost' }))).status, 422);
  });

  it('delays responses on request', async () => {
    tdb.setDelay(300);
    try {
      await assert.rejects(call('GET', '/api/v1/statement/existing-puid/dup-1', undefined, tdb.token, AbortSignal.timeout(50)), /abort|timeout/i);
    } finally {
      tdb.setDelay(0);
    }
    assert.equal((await call('GET', '/api/v1/statement/existing-puid/dup-1')).status, 302);
  });
});
