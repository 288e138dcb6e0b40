/**
 * The HMA client (src/banks/hma-client.ts) against a local server that speaks HMA's REST API
 * (test/support/hma-server.ts): lookups in both answer shapes, remote matches shaped like the local
 * matcher's, bank listing, validation of HMA's answers, typed errors (HTTP, timeout, network).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HmaClient, HmaError, lookupRemote } from '../src/banks/hma-client.ts';
import { startHmaServer, type HmaServer } from './support/hma-server.ts';
import { flip, randomHex } from './support/hashes.ts';

async function rejectsWith(p: Promise<unknown>, kind: string, status?: number): Promise<HmaError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof HmaError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (status !== undefined) assert.equal(err.status, status);
    return err;
  }
  assert.fail(`expected an HmaError ${kind}`);
}

describe('HMA remote matcher', () => {
  const pdq = randomHex(32);
  const md5 = randomHex(16);
  let hma: HmaServer;
  let legacy: HmaServer;
  const token = 'hma-proxy-token';

  before(async () => {
    const banks = [
      { name: 'TCAP_TERROR', matching_enabled_ratio: 1 },
      { name: 'OWN_REMOVALS', matching_enabled_ratio: 1 },
      { name: 'DISABLED', matching_enabled_ratio: 0 },
    ];
    const contents = [
      { id: 11, bank: 'TCAP_TERROR', signal_type: 'pdq' as const, signal: pdq },
      { id: 12, bank: 'OWN_REMOVALS', signal_type: 'pdq' as const, signal: flip(pdq, 10) },
      { id: 13, bank: 'DISABLED', signal_type: 'pdq' as const, signal: pdq },
      { id: 14, bank: 'OWN_REMOVALS', signal_type: 'video_md5' as const, signal: md5 },
    ];
    hma = await startHmaServer({ banks, contents, token });
    legacy = await startHmaServer({ banks, contents, legacyLookup: true });
  });
  after(async () => {
    await hma.close();
    await legacy.close();
  });

  it('looks a PDQ hash up: near matches per bank with distances; disabled banks do not match', async () => {
    const client = new HmaClient({ baseUrl: `${hma.url}/`, token });
    const found = await client.lookup('pdq', flip(pdq, 3).toUpperCase());
    assert.deepEqual(
      found.sort((a, b) => a.bank.localeCompare(b.bank)),
      [
        { bank: 'OWN_REMOVALS', content_id: 12, distance: 7 },
        { bank: 'TCAP_TERROR', content_id: 11, distance: 3 },
      ],
    );
    const last = hma.requests[hma.requests.length - 1];
    assert.equal(last?.path, '/m/lookup');
    assert.equal(last?.query.signal_type, 'pdq');
    assert.equal(last?.query.signal, flip(pdq, 3), 'sent lower-case');
    assert.deepEqual(await client.lookup('pdq', randomHex(32)), []);
  });

  it('lookupRemote answers matches shaped like the local matcher, bank.slug "hma:<bank>"; md5 goes as video_md5', async () => {
    const client = new HmaClient({ baseUrl: hma.url, token });
    const matches = await lookupRemote(client, 'pdq', pdq, { defaultAction: 'hold', category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY' });
    const tcap = matches.find((m) => m.bank.slug === 'hma:TCAP_TERROR');
    assert.ok(tcap);
    assert.equal(tcap.entry_id, 11);
    assert.equal(tcap.distance, 0);
    assert.equal(tcap.status, 'active');
    assert.equal(tcap.automated_action_allowed, true);
    assert.equal(tcap.bank.default_action, 'hold');
    assert.equal(tcap.bank.owner_service, 'hma');
    assert.deepEqual(tcap.provenance, { source: 'hma', imported_from: 'remote:hma', hma_bank: 'TCAP_TERROR', hma_content_id: 11 });
    const byMd5 = await lookupRemote(client, 'md5', md5);
    assert.deepEqual(byMd5.map((m) => [m.bank.slug, m.entry_id, m.distance]), [['hma:OWN_REMOVALS', 14, 0]]);
    assert.equal(hma.requests[hma.requests.length - 1]?.query.signal_type, 'video_md5');
    await rejectsWith(lookupRemote(client, 'sha256', randomHex(32)), 'unsupported_signal_type');
  });

  it('older HMA answers bank names only: matches without content id or distance', async () => {
    const client = new HmaClient({ baseUrl: legacy.url });
    const matches = await lookupRemote(client, 'pdq', pdq);
    assert.deepEqual(matches.map((m) => [m.bank.slug, m.entry_id, m.distance]).sort(), [['hma:OWN_REMOVALS', 0, -1], ['hma:TCAP_TERROR', 0, -1]]);
  });

  it('raw lookup, bank list and bank by name', async () => {
    const client = new HmaClient({ baseUrl: hma.url, token });
    const raw = await client.rawLookup('pdq', pdq);
    assert.deepEqual(raw.map((r) => r.content_id).sort(), [11, 12, 13]);
    assert.equal(raw.find((r) => r.content_id === 12)?.distance, 10);
    const banks = await client.listBanks();
    assert.deepEqual(banks.map((b) => b.name), ['TCAP_TERROR', 'OWN_REMOVALS', 'DISABLED']);
    assert.equal((await client.getBank('DISABLED'))?.matching_enabled_ratio, 0);
    assert.equal(await client.getBank('NOPE'), null);
  });

  it('typed errors: HMA refusals (with its message), missing auth, malformed answers, timeouts, unreachable', async () => {
    const client = new HmaClient({ baseUrl: hma.url, token });
    const bad = await rejectsWith(client.lookup('pdq', 'abc'), 'http', 400);
    assert.match(bad.message, /invalid signal type/);
    await rejectsWith(new HmaClient({ baseUrl: hma.url }).listBanks(), 'http', 401);
    hma.failNext(1, 503);
    await rejectsWith(client.lookup('pdq', pdq), 'http', 503);
    hma.garbleNext('{"TCAP_TERROR": [{"distance": "3"}]}');
    await rejectsWith(client.lookup('pdq', pdq), 'invalid_response');
    hma.garbleNext('<html>oops</html>');
    await rejectsWith(client.listBanks(), 'invalid_response');
    hma.setDelay(300);
    await rejectsWith(new HmaClient({ baseUrl: hma.url, token, timeoutMs: 50 }).lookup('pdq', pdq), 'timeout');
    hma.setDelay(0);
    await rejectsWith(new HmaClient({ baseUrl: 'http://127.0.0.1:1' }).listBanks(), 'network');
    // After all that, it still works.
    assert.equal((await client.lookup('pdq', pdq)).length, 2);
  });
});
