/**
 * Hash banks (docs/banks.md) through the real HTTP app: banks, entries, bulk add, imports (our CSV,
 * HMA's signal file, ThreatExchange's CSV) all-or-nothing, export round trip, statuses and matching,
 * negative banks, sharing between services, flood protection, permissions and pagination.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BankMatcher, bankMatcherOf } from '../src/banks/index.ts';
import { sql } from '../src/db/index.ts';
import { createService } from '../src/services/index.ts';
import { startHarness, type Auth, type Harness, type Session } from './helpers.ts';
import { flip, hamming, randomHex } from './support/hashes.ts';

const S = '/v1/services/default';
const F = '/v1/services/forum';

interface Bank {
  id: string;
  slug: string;
  read_only: boolean;
  shared_with?: string[];
  sharing: string;
}
interface Entry {
  id: number;
  hash: string;
  status: string;
  signal_type: string;
  provenance: Record<string, unknown>;
}
interface Lookup {
  matches: Array<{ entry_id: number; distance: number; status: string; automated_action_allowed: boolean; bank: { slug: string; owner_service: string }; provenance: Record<string, unknown> }>;
  suppressed: Array<{ entry_id: number; suppressed_by: { entry_id: number; bank: { slug: string } } }>;
}

describe('hash banks', () => {
  let h: Harness;
  let admin: Session;
  let mod: Session;
  let forumAdmin: Session;
  let seq = 0;

  before(async () => {
    h = await startHarness();
    await createService(h.db, { slug: 'forum', name: 'Forum' }, { type: 'system', id: null }, null);
    [admin, mod, forumAdmin] = await Promise.all([h.user('admin'), h.user('moderator'), h.user('admin', { service: 'forum' })]);
  });
  after(async () => h.close());

  async function newBank(overrides: Record<string, unknown> = {}, auth: Auth = admin, base = S): Promise<Bank> {
    const res = await h.request('POST', `${base}/banks`, {
      auth,
      body: { slug: `bank-${++seq}`, name: `Bank ${seq}`, category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', source: { kind: 'industry', description: 'TCAP' }, ...overrides },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as Bank;
  }
  async function add(bank: Bank, signal_type: string, hash: string, extra: Record<string, unknown> = {}): Promise<Entry> {
    const res = await h.request('POST', `${S}/banks/${bank.id}/entries`, { auth: admin, body: { signal_type, hash, ...extra } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as Entry;
  }
  async function lookup(signal_type: string, hash: string, auth: Auth = admin, base = S): Promise<Lookup> {
    const res = await h.request('POST', `${base}/banks/lookup`, { auth, body: { signal_type, hash } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Lookup;
  }
  async function entries(bank: Bank, query = ''): Promise<Entry[]> {
    const res = await h.request('GET', `${S}/banks/${bank.id}/entries?limit=200${query}`, { auth: admin });
    assert.equal(res.statusCode, 200, res.body);
    return (res.json() as { items: Entry[] }).items;
  }
  async function setStatus(bank: Bank, entry: number, status: string, auth: Auth = admin, base = S) {
    return h.request('POST', `${base}/banks/${bank.id}/entries/${entry}/status`, { auth, body: { status, reason: `set ${status} in a test` } });
  }
  // Alternately text/csv and text/plain: both carry the file as text.
  let importCount = 0;
  const importText = (bank: Bank, text: string, query = '') =>
    h.request('POST', `${S}/banks/${bank.id}/import${query}`, { auth: admin, body: text, headers: { 'content-type': importCount++ % 2 === 0 ? 'text/csv' : 'text/plain' } });

  it('creates, reads, lists and updates a bank; a positive bank needs a category; slugs are unique per service', async () => {
    const bank = await newBank({ default_action: 'hold' });
    assert.equal(bank.read_only, false);
    const got = await h.request('GET', `${S}/banks/${bank.id}`, { auth: mod });
    assert.equal(got.statusCode, 200);
    assert.equal((got.json() as { default_action: string }).default_action, 'hold');
    const dup = await h.request('POST', `${S}/banks`, { auth: admin, body: { slug: bank.slug, name: 'again', category: 'STATEMENT_CATEGORY_VIOLENCE' } });
    assert.equal(dup.statusCode, 409);
    const noCat = await h.request('POST', `${S}/banks`, { auth: admin, body: { slug: 'no-category', name: 'x' } });
    assert.equal(noCat.statusCode, 400);
    assert.deepEqual((noCat.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path), ['body.category']);
    const patched = await h.request('PATCH', `${S}/banks/${bank.id}`, { auth: admin, body: { name: 'Renamed', default_action: 'label' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((patched.json() as { name: string }).name, 'Renamed');
    const list = await h.request('GET', `${S}/banks`, { auth: mod });
    assert.ok((list.json() as { items: Bank[] }).items.some((b) => b.id === bank.id));
    const audit = await sql<{ action: string }>`select action from audit_events where subject_id = ${bank.id} order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((r) => r.action), ['bank.created', 'bank.updated']);
  });

  it('permissions: moderators read banks but cannot create or change them; platform keys cannot read', async () => {
    const bank = await newBank();
    assert.equal((await h.request('POST', `${S}/banks`, { auth: mod, body: { slug: 'm', name: 'm', category: 'STATEMENT_CATEGORY_VIOLENCE' } })).statusCode, 403);
    assert.equal((await h.request('POST', `${S}/banks/${bank.id}/entries`, { auth: mod, body: { signal_type: 'md5', hash: randomHex(16) } })).statusCode, 403);
    assert.equal((await h.request('GET', `${S}/banks/${bank.id}/entries`, { auth: mod })).statusCode, 200);
    const analyst = await h.user('analyst');
    assert.equal((await h.request('POST', `${S}/banks/lookup`, { auth: analyst, body: { signal_type: 'md5', hash: randomHex(16) } })).statusCode, 200);
    const platform = await h.apiKey('platform');
    assert.equal((await h.request('GET', `${S}/banks`, { auth: platform })).statusCode, 403);
  });

  it('adds an entry with provenance; refuses bad hashes with a clear 400; a second add of the same hash is a 200', async () => {
    const bank = await newBank();
    const hash = randomHex(32).toUpperCase();
    const e = await add(bank, 'pdq', hash, { tags: ['tcap'], reference: 'TCAP-1' });
    assert.equal(e.hash, hash.toLowerCase());
    assert.equal(e.status, 'active');
    assert.equal(e.provenance.reference, 'TCAP-1');
    assert.equal(e.provenance.source, 'TCAP');
    assert.equal(e.provenance.imported_from, 'api');
    assert.deepEqual(e.provenance.tags, ['tcap']);
    const again = await h.request('POST', `${S}/banks/${bank.id}/entries`, { auth: admin, body: { signal_type: 'pdq', hash } });
    assert.equal(again.statusCode, 200);
    assert.equal((again.json() as { id: number; already_present: boolean }).already_present, true);
    for (const [signal_type, bad, reason] of [
      ['pdq', randomHex(32).slice(1), /63 hex chars, expected 64 for pdq/],
      ['md5', randomHex(32), /64 hex chars, expected 32 for md5/],
      ['sha256', `${randomHex(31)}zz`, /not hexadecimal/],
    ] as const) {
      const res = await h.request('POST', `${S}/banks/${bank.id}/entries`, { auth: admin, body: { signal_type, hash: bad } });
      assert.equal(res.statusCode, 400, res.body);
      const f = (res.json() as { error: { fields: Array<{ path: string; reason: string }> } }).error.fields;
      assert.equal(f[0]?.path, 'body.hash');
      assert.match(f[0]?.reason ?? '', reason);
    }
    assert.equal((await entries(bank)).length, 1);
  });

  it('bulk add is all or nothing, and counts duplicates instead of failing on them', async () => {
    const bank = await newBank();
    const good = Array.from({ length: 5 }, () => ({ signal_type: 'md5', hash: randomHex(16) }));
    const bad = await h.request('POST', `${S}/banks/${bank.id}/entries/bulk`, {
      auth: admin,
      body: { entries: [...good, { signal_type: 'pdq', hash: 'abc' }] },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path, 'body.entries.5.hash');
    assert.equal((await entries(bank)).length, 0, 'nothing written');
    await add(bank, 'md5', good[0]?.hash as string);
    const ok = await h.request('POST', `${S}/banks/${bank.id}/entries/bulk`, { auth: admin, body: { entries: [...good, good[1]] } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { received: 6, added: 4, skipped_duplicates: 1, skipped_existing: 1 });
    assert.equal((await entries(bank)).length, 5);
  });

  it('imports our CSV all or nothing: a bad line 17 answers 400 with body.line.17 and writes nothing', async () => {
    const bank = await newBank();
    const rows = Array.from({ length: 20 }, (_, i) => `pdq,${randomHex(32)},tcap;still,REF-${i}`);
    rows[15] = `pdq,${randomHex(32).slice(1)},tcap,REF-15`; // line 17 (the header is line 1)
    rows[18] = `md5,${randomHex(16)}x,,REF-18`; // line 20
    const text = `signal_type,hash,tags,reference\n${rows.join('\n')}\n`;
    const res = await importText(bank, text);
    assert.equal(res.statusCode, 400, res.body);
    const err = (res.json() as { error: { code: string; message: string; fields: Array<{ path: string; reason: string }> } }).error;
    assert.equal(err.code, 'VALIDATION_FAILED');
    assert.deepEqual(err.fields, [
      { path: 'body.line.17', reason: 'hash: 63 hex chars, expected 64 for pdq' },
      { path: 'body.line.20', reason: 'hash: not hexadecimal (expected 32 hex chars for md5)' },
    ]);
    assert.equal((await entries(bank)).length, 0, 'nothing written');

    rows[15] = `pdq,${randomHex(32)},tcap,REF-15`;
    rows[18] = `md5,${randomHex(16)},,REF-18`;
    const dupe = rows[3] as string;
    const okText = `signal_type,hash,tags,reference\n${rows.join('\n')}\n${dupe}\n`;
    const ok = await importText(bank, okText);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { format: 'vigie', lines: 22, ignored_lines: 1, received: 21, added: 20, skipped_duplicates: 1, skipped_existing: 0 });
    const again = await h.request('POST', `${S}/banks/${bank.id}/import`, { auth: admin, body: { csv: okText } });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal((again.json() as { skipped_existing: number }).skipped_existing, 20);
    const listed = await entries(bank);
    assert.equal(listed.length, 20);
    assert.deepEqual(listed[0]?.provenance.tags, ['tcap', 'still']);
    assert.equal(listed[0]?.provenance.reference, 'REF-0');
    assert.equal(listed[0]?.provenance.imported_from, 'import:vigie');
  });

  it('caps the error list of a bad import and says how many more', async () => {
    const bank = await newBank();
    const text = `signal_type,hash\n${Array.from({ length: 150 }, () => 'pdq,nothex').join('\n')}`;
    const res = await importText(bank, text);
    assert.equal(res.statusCode, 400);
    const fields = (res.json() as { error: { fields: Array<{ path: string; reason: string }> } }).error.fields;
    assert.equal(fields.length, 101);
    assert.equal(fields[0]?.path, 'body.line.2');
    assert.deepEqual(fields[100], { path: 'body', reason: 'and 50 more invalid lines (not listed)' });
  });

  it("imports HMA's signal file (typed lines, or bare hashes with quality) and ThreatExchange's CSV", async () => {
    const bank = await newBank();
    const typed = `# from HMA\npdq ${randomHex(32)}\nvideo_md5 ${randomHex(16)}\nsha256 ${randomHex(32)}\n`;
    const r1 = await importText(bank, typed);
    assert.equal(r1.statusCode, 200, r1.body);
    assert.equal((r1.json() as { format: string; added: number }).format, 'hma');
    assert.equal((r1.json() as { added: number }).added, 3);
    const md5 = (await entries(bank, '&signal_type=md5'))[0];
    assert.equal(md5?.provenance.original_signal_type, 'video_md5');

    const bare = `${randomHex(32)},100,photo.jpg\n${randomHex(32)},87\n`;
    const missingType = await importText(bank, bare);
    assert.equal(missingType.statusCode, 400, 'bare hashes need signal_type');
    const r2 = await importText(bank, `${randomHex(32)},100\n${randomHex(32)},87\n`, '?signal_type=pdq');
    assert.equal(r2.statusCode, 200, r2.body);
    assert.equal((r2.json() as { added: number }).added, 2);
    assert.ok((await entries(bank, '&signal_type=pdq')).some((e) => e.provenance.quality === 87));

    const te = [
      'td_id,td_raw_indicator,td_indicator_type,td_status,td_subjective_tags,td_owner_name',
      `1234567,${randomHex(32)},HASH_PDQ,MALICIOUS,terrorism;tcap,Example Owner`,
      `1234568,"${randomHex(16)}",HASH_MD5,MALICIOUS,,Example Owner`,
    ].join('\r\n');
    const r3 = await importText(bank, te);
    assert.equal(r3.statusCode, 200, r3.body);
    assert.deepEqual(r3.json(), { format: 'threatexchange', lines: 3, ignored_lines: 1, received: 2, added: 2, skipped_duplicates: 0, skipped_existing: 0 });
    const teEntry = (await entries(bank)).find((e) => e.provenance.reference === 'threatexchange:1234567');
    assert.deepEqual(teEntry?.provenance.tags, ['terrorism', 'tcap']);
    assert.equal(teEntry?.provenance.te_status, 'MALICIOUS');

    const teBad = await importText(bank, `td_raw_indicator,td_indicator_type\n${randomHex(32)},HASH_SHA1\n`);
    assert.equal(teBad.statusCode, 400);
    assert.equal((teBad.json() as { error: { fields: Array<{ path: string }> } }).error.fields[0]?.path, 'body.line.2');
  });

  it('imports a multipart upload', async () => {
    const bank = await newBank();
    const boundary = '----vigie-test';
    const file = `signal_type,hash\nmd5,${randomHex(16)}\n`;
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bank.csv"\r\nContent-Type: text/csv\r\n\r\n${file}\r\n--${boundary}--\r\n`;
    const res = await h.request('POST', `${S}/banks/${bank.id}/import`, { auth: admin, body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((res.json() as { added: number }).added, 1);
  });

  it('exports a bank as CSV (streamed) that imports back to the same entries; HMA export lists active entries', async () => {
    const a = await newBank();
    const csv = ['signal_type,hash,tags,reference,note', `pdq,${randomHex(32)},"a b",R1,"a note, with a comma"`, `md5,${randomHex(16)},,R2,`, `sha256,${randomHex(32)},x,,`].join('\n');
    assert.equal((await importText(a, csv)).statusCode, 200);
    const retractMe = (await entries(a, '&signal_type=md5'))[0] as Entry;
    assert.equal((await setStatus(a, retractMe.id, 'retracted')).statusCode, 200);
    const exp = await h.request('GET', `${S}/banks/${a.id}/export`, { auth: mod });
    assert.equal(exp.statusCode, 200, exp.body);
    assert.match(String(exp.headers['content-type']), /^text\/csv/);
    assert.match(String(exp.headers['content-disposition']), /attachment; filename="default-bank-\d+\.csv"/);
    const lines = exp.body.trim().split('\n');
    assert.equal(lines[0], 'signal_type,hash,tags,reference,note,source,status');
    assert.equal(lines.length, 4);

    const b = await newBank();
    const imp = await importText(b, exp.body);
    assert.equal(imp.statusCode, 200, imp.body);
    const exp2 = await h.request('GET', `${S}/banks/${b.id}/export`, { auth: admin });
    const norm = (t: string) => t.trim().split('\n').slice(1).sort();
    assert.deepEqual(norm(exp2.body), norm(exp.body));
    assert.equal((await entries(b, '&status=retracted')).length, 1, 'the status travels');

    const hma = await h.request('GET', `${S}/banks/${a.id}/export?format=hma`, { auth: admin });
    assert.equal(hma.statusCode, 200);
    assert.equal(hma.body.trim().split('\n').length, 2);
    assert.match(hma.body, /^(pdq|sha256) [0-9a-f]{64}$/m);
  });

  it('matches PDQ hashes within the radius and MD5 exactly; a retracted entry stops matching at once; disputed still matches, flagged', async () => {
    const bank = await newBank();
    const base = randomHex(32);
    const pdq = await add(bank, 'pdq', base, { reference: 'P-1' });
    const md5 = await add(bank, 'md5', randomHex(16));
    const near = flip(base, 5);
    assert.equal(hamming(base, near), 5);
    let r = await lookup('pdq', near);
    assert.equal(r.matches.length, 1);
    assert.equal(r.matches[0]?.entry_id, pdq.id);
    assert.equal(r.matches[0]?.distance, 5);
    assert.equal(r.matches[0]?.provenance.reference, 'P-1');
    assert.equal(r.matches[0]?.bank.slug, bank.slug);
    assert.equal(hamming(base, flip(base, 32)), 32);
    assert.equal((await lookup('pdq', flip(base, 31))).matches[0]?.distance, 31, 'at the radius');
    assert.equal((await lookup('pdq', flip(base, 32))).matches.length, 0, 'just beyond the radius');
    assert.equal((await lookup('md5', md5.hash.toUpperCase())).matches[0]?.entry_id, md5.id);

    assert.equal((await setStatus(bank, pdq.id, 'disputed')).statusCode, 200);
    r = await lookup('pdq', near);
    assert.equal(r.matches[0]?.status, 'disputed');
    assert.equal(r.matches[0]?.automated_action_allowed, false);

    const retracted = await setStatus(bank, pdq.id, 'retracted');
    assert.equal(retracted.statusCode, 200);
    assert.equal((retracted.json() as Entry).status, 'retracted');
    assert.equal((await lookup('pdq', near)).matches.length, 0, 'retracted: no match, at once');
    const m = bankMatcherOf(h.db) as BankMatcher;
    assert.equal((await m.match(h.serviceId, { signalType: 'pdq', hash: base })).matches.length, 0);

    assert.equal((await setStatus(bank, pdq.id, 'active')).statusCode, 200);
    assert.equal((await lookup('pdq', near)).matches.length, 1);
    const bad = await h.request('POST', `${S}/banks/${bank.id}/entries/${pdq.id}/status`, { auth: admin, body: { status: 'quarantined', reason: 'x' } });
    assert.equal(bad.statusCode, 400, 'quarantine is flood protection’s');
    const audit = await sql<{ data: { from: string; to: string } }>`
      select data from audit_events where action = 'bank.entry_status_changed' and subject_id = ${String(pdq.id)} order by id`.execute(h.db);
    assert.deepEqual(audit.rows.map((x) => `${x.data.from}>${x.data.to}`), ['active>disputed', 'disputed>retracted', 'retracted>active']);

    // A disabled bank matches nothing.
    assert.equal((await h.request('PATCH', `${S}/banks/${bank.id}`, { auth: admin, body: { enabled: false } })).statusCode, 200);
    assert.equal((await lookup('pdq', near)).matches.length, 0);
  });

  it('a negative bank (known false positives) suppresses matches within the radius, and says so', async () => {
    const pos = await newBank();
    const neg = await newBank({ kind: 'negative', category: undefined, default_action: 'none' });
    const base = randomHex(32);
    const entry = await add(pos, 'pdq', base);
    const query = flip(base, 3);
    assert.equal((await lookup('pdq', query)).matches.length, 1);
    const fp = await add(neg, 'pdq', flip(base, 6)); // 3 bits from the query
    const r = await lookup('pdq', query);
    assert.equal(r.matches.length, 0);
    assert.equal(r.suppressed.length, 1);
    assert.equal(r.suppressed[0]?.entry_id, entry.id);
    assert.equal(r.suppressed[0]?.suppressed_by.entry_id, fp.id);
    assert.equal(r.suppressed[0]?.suppressed_by.bank.slug, neg.slug);
    // Retracting the false positive brings the match back.
    assert.equal((await setStatus(neg, fp.id, 'retracted')).statusCode, 200);
    assert.equal((await lookup('pdq', query)).matches.length, 1);
  });

  it('shares a bank read-only with another service, then instance-wide; the other service cannot change it', async () => {
    const bank = await newBank();
    const hash = randomHex(16);
    const entry = await add(bank, 'md5', hash);
    assert.equal((await h.request('GET', `${F}/banks/${bank.id}`, { auth: forumAdmin })).statusCode, 404, 'private: invisible');
    assert.equal((await lookup('md5', hash, forumAdmin, F)).matches.length, 0);

    const badTarget = await h.request('POST', `${S}/banks/${bank.id}/shares`, { auth: admin, body: { service: 'nope' } });
    assert.equal(badTarget.statusCode, 400);
    const shared = await h.request('POST', `${S}/banks/${bank.id}/shares`, { auth: admin, body: { service: 'forum' } });
    assert.equal(shared.statusCode, 200, shared.body);
    assert.deepEqual((shared.json() as Bank).shared_with, ['forum']);

    const seen = await h.request('GET', `${F}/banks/${bank.id}`, { auth: forumAdmin });
    assert.equal(seen.statusCode, 200);
    assert.equal((seen.json() as Bank).read_only, true);
    assert.equal((seen.json() as Bank).shared_with, undefined, 'shares are the owner’s business');
    const listed = (await h.request('GET', `${F}/banks`, { auth: forumAdmin })).json() as { items: Bank[] };
    assert.ok(listed.items.some((b) => b.id === bank.id && b.read_only));
    const r = await lookup('md5', hash, forumAdmin, F);
    assert.equal(r.matches[0]?.bank.owner_service, 'default');
    assert.equal((await h.request('GET', `${F}/banks/${bank.id}/entries`, { auth: forumAdmin })).statusCode, 200);
    assert.equal((await h.request('GET', `${F}/banks/${bank.id}/export`, { auth: forumAdmin })).statusCode, 200);

    for (const res of [
      await h.request('PATCH', `${F}/banks/${bank.id}`, { auth: forumAdmin, body: { enabled: false } }),
      await h.request('POST', `${F}/banks/${bank.id}/entries`, { auth: forumAdmin, body: { signal_type: 'md5', hash: randomHex(16) } }),
      await setStatus(bank, entry.id, 'retracted', forumAdmin, F),
      await h.request('POST', `${F}/banks/${bank.id}/shares`, { auth: forumAdmin, body: { service: 'default' } }),
      await h.request('POST', `${F}/banks/${bank.id}/import`, { auth: forumAdmin, body: { csv: `md5 ${randomHex(16)}` } }),
    ]) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'BANK_READ_ONLY');
    }
    assert.equal((await entries(bank))[0]?.status, 'active');

    const unshared = await h.request('DELETE', `${S}/banks/${bank.id}/shares/forum`, { auth: admin });
    assert.equal(unshared.statusCode, 200, unshared.body);
    assert.equal((await lookup('md5', hash, forumAdmin, F)).matches.length, 0, 'unshared: no match at once');

    assert.equal((await h.request('PATCH', `${S}/banks/${bank.id}`, { auth: admin, body: { sharing: 'instance' } })).statusCode, 200);
    assert.equal((await lookup('md5', hash, forumAdmin, F)).matches.length, 1, 'instance-wide');
    assert.equal((await h.request('GET', `${F}/banks/${bank.id}`, { auth: forumAdmin })).statusCode, 200);

    // The forum's own bank is private to the forum.
    const own = await newBank({}, forumAdmin, F);
    assert.equal((await h.request('GET', `${S}/banks/${own.id}`, { auth: admin })).statusCode, 404);
  });

  it('flood protection quarantines an entry that suddenly matches far more than usual; a person re-enables it', async () => {
    const m = bankMatcherOf(h.db) as BankMatcher;
    const saved = { ...m.flood };
    Object.assign(m.flood, { minMatches: 5, factor: 10 });
    try {
      const bank = await newBank();
      const base = randomHex(32);
      const busy = await add(bank, 'pdq', base);
      const steady = await add(bank, 'pdq', randomHex(32));
      // The steady entry usually matches 2/h over the last week: its threshold is 20, not 5.
      await sql`insert into bank_entry_match_counts (entry_id, hour, matches)
        select ${steady.id}, date_trunc('hour', now()) - make_interval(hours => g), 2 from generate_series(2, 169) g`.execute(h.db);
      assert.deepEqual(await m.recordMatches([busy.id, busy.id, busy.id, steady.id]), []);
      const q = await m.recordMatches([busy.id, busy.id, busy.id, ...Array<number>(10).fill(steady.id)]);
      assert.deepEqual(q.map((x) => x.entry_id), [busy.id]);
      assert.equal(q[0]?.threshold, 5);
      assert.ok((q[0]?.last_hour ?? 0) >= 6);

      assert.equal((await lookup('pdq', base)).matches.length, 0, 'quarantined: stops matching at once');
      const e = (await entries(bank, '&status=quarantined'))[0];
      assert.equal(e?.id, busy.id);
      assert.match(String((e as unknown as { status_reason: string }).status_reason), /^flood protection: 6 matches in the last hour/);
      const audit = await sql<{ actor_type: string }>`select actor_type from audit_events where action = 'bank.entry_quarantined' and subject_id = ${String(busy.id)}`.execute(h.db);
      assert.deepEqual(audit.rows, [{ actor_type: 'system' }]);

      assert.equal((await setStatus(bank, busy.id, 'active')).statusCode, 200);
      assert.equal((await lookup('pdq', base)).matches.length, 1, 'confirmed by a person: matches again');
      // Steady: 11 so far this hour; 10 more make 21, over its own threshold of 20.
      assert.deepEqual(await m.recordMatches(Array<number>(10).fill(steady.id)), [{ entry_id: steady.id, last_hour: 21, usual: 2, threshold: 20 }]);
    } finally {
      Object.assign(m.flood, saved);
    }
  });

  it('a second matcher (another process) catches up by polling the change cursor', async () => {
    const bank = await newBank();
    const pdqHash = randomHex(32);
    const pdq = await add(bank, 'pdq', pdqHash);
    const other = new BankMatcher(h.db, { lookbackMs: 60_000 });
    await other.load(); // the PDQ index built in one go from the database
    assert.ok(other.stats().entries.pdq > 0);
    assert.equal((await other.match(h.serviceId, { signalType: 'pdq', hash: flip(pdqHash, 9) })).matches[0]?.entry_id, pdq.id);
    const hash = randomHex(32);
    const entry = await add(bank, 'sha256', hash);
    assert.equal((await other.match(h.serviceId, { signalType: 'sha256', hash })).matches.length, 0, 'not yet seen');
    await other.refresh();
    assert.equal((await other.match(h.serviceId, { signalType: 'sha256', hash })).matches[0]?.entry_id, entry.id);
    const before = other.stats().entries.sha256;
    await setStatus(bank, entry.id, 'retracted');
    assert.equal((await other.match(h.serviceId, { signalType: 'sha256', hash })).matches.length, 0, 'the database says retracted');
    await other.refresh();
    assert.equal(other.stats().entries.sha256, before - 1, 'and the index drops it at the next poll');
    // A stale state applied late (an older version) does not bring it back.
    other.apply({ id: entry.id, bank_id: bank.id, signal_type: 'sha256', hash, status: 'active', version: 1 });
    assert.equal(other.stats().entries.sha256, before - 1);
    other.stop();
  });

  it('pages entries with a keyset cursor and filters by status', async () => {
    const bank = await newBank();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await add(bank, 'md5', randomHex(16))).id);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.request('GET', `${S}/banks/${bank.id}/entries?limit=2${cursor ? `&after=${cursor}` : ''}`, { auth: mod });
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json() as { items: Entry[]; next_cursor: string | null };
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ids);
    assert.equal((await h.request('GET', `${S}/banks/${bank.id}/entries?after=garbage`, { auth: mod })).statusCode, 400);
    await setStatus(bank, ids[2] as number, 'retracted');
    assert.deepEqual((await entries(bank, '&status=retracted')).map((e) => e.id), [ids[2]]);
  });
});
