import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadAuditKey, sealPending, verifyChains } from '../src/audit/index.ts';
import { sql } from '../src/db/index.ts';
import { notice, startHarness, type Harness } from './helpers.ts';

describe('audit log', () => {
  let h: Harness;
  let key: ReturnType<typeof loadAuditKey>;
  before(async () => {
    h = await startHarness();
    key = loadAuditKey(h.config);
    for (let i = 0; i < 5; i++) await h.request('POST', '/v1/public/services/default/notices', { body: notice() });
  });
  after(async () => h.close());

  const verify = () => verifyChains(h.db, key, 'default');

  it('writes an audit event in the same transaction as each change', async () => {
    const r = await sql<{ action: string; n: number }>`
      select action, count(*)::int as n from audit_events where action in ('notice.received', 'case.opened') group by action order by action`.execute(h.db);
    assert.deepEqual(r.rows, [
      { action: 'case.opened', n: 5 },
      { action: 'notice.received', n: 5 },
    ]);
    const leak = await sql<{ n: number }>`select count(*)::int as n from audit_events where data::text like '%camille%'`.execute(h.db);
    assert.equal(leak.rows[0]?.n, 0, 'no notifier identity in the audit log');
  });

  it('refuses updates and deletes of audit rows', async () => {
    await assert.rejects(sql`update audit_events set action = 'x'`.execute(h.db), /append-only/);
    await assert.rejects(sql`delete from audit_events`.execute(h.db), /append-only/);
  });

  it('seals events into a chain that verifies', async () => {
    const before = await verify();
    assert.ok((before.services[0]?.pending ?? 0) > 0);
    const sealed = await sealPending(h.db, key);
    assert.ok(sealed >= 11, `sealed ${sealed}`);
    const report = await verify();
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.services[0]?.pending, 0);
    assert.equal(report.services[0]?.sealed, report.services[0]?.headSeq);
    const auditor = await h.user('auditor');
    const api = await h.request('GET', '/v1/services/default/audit/verify', { auth: auditor });
    assert.equal(api.statusCode, 200);
    assert.equal((api.json() as { ok: boolean }).ok, true);
  });

  it('detects an edited row', async () => {
    await tamper(async () => {
      await sql`update audit_events set data = '{"reference":"forged"}' where id = (select min(event_id) from audit_chain)`.execute(h.db);
    });
    const report = await verify();
    assert.equal(report.ok, false);
    assert.match(report.services[0]?.problems[0]?.problem ?? '', /edited/);
    // Repair for the next case: put the original content back.

  });

  it('detects an edited row whose hash was recomputed, a deleted row, and reordered rows', async () => {
    // Forge a consistent event hash: the keyed chain still breaks.
    await tamper(async () => {
      const e = await sql<{ id: number }>`select event_id as id from audit_chain order by seq offset 2 limit 1`.execute(h.db);
      const id = Number(e.rows[0]?.id);
      await sql`update audit_events set action = 'case.forged' where id = ${id}`.execute(h.db);
      const { eventHash, STORED_EVENT_COLUMNS } = await import('../src/audit/record.ts');
      const row = await sql<Parameters<typeof eventHash>[0]>`select ${STORED_EVENT_COLUMNS} from audit_events e where id = ${id}`.execute(h.db);
      await sql`update audit_chain set event_hash = ${eventHash(row.rows[0] as Parameters<typeof eventHash>[0])} where event_id = ${id}`.execute(h.db);
    });
    let report = await verify();
    assert.ok(report.services[0]?.problems.some((p) => /chain link/.test(p.problem)), JSON.stringify(report.services[0]?.problems));

    await tamper(async () => {
      await sql`delete from audit_chain where seq = 4`.execute(h.db);
    });
    report = await verify();
    assert.ok(report.services[0]?.problems.some((p) => /missing/.test(p.problem)));

    await tamper(async () => {
      await sql`update audit_chain set seq = -seq where seq in (6, 7)`.execute(h.db);
      await sql`update audit_chain set seq = case seq when -6 then 7 else 6 end where seq in (-6, -7)`.execute(h.db);
    });
    report = await verify();
    assert.ok(report.services[0]?.problems.some((p) => p.seq === 6 && /chain link/.test(p.problem)));
  });

  it('detects a chain whose newest events were cut off, against the heads kept outside the database', async () => {
    const fresh = await startHarness();
    try {
      const k = loadAuditKey(fresh.config);
      for (let i = 0; i < 3; i++) await fresh.request('POST', '/v1/public/services/default/notices', { body: notice() });
      await sealPending(fresh.db, k);
      assert.equal((await verifyChains(fresh.db, k, 'default')).ok, true);
      const last = await sql<{ seq: number; event_id: number }>`select seq, event_id from audit_chain order by seq desc limit 1`.execute(fresh.db);
      const { seq, event_id } = last.rows[0] as { seq: number; event_id: number };
      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(fresh.db);
      await sql`alter table audit_chain disable trigger audit_chain_append_only`.execute(fresh.db);
      await sql`delete from audit_chain where seq = ${seq}`.execute(fresh.db);
      await sql`delete from audit_events where id = ${event_id}`.execute(fresh.db);
      await sql`update audit_heads set seq = c.seq, head_hash = c.chain_hash from audit_chain c where c.seq = ${Number(seq) - 1} and c.service_id = audit_heads.service_id`.execute(fresh.db);
      const report = await verifyChains(fresh.db, k, 'default');
      assert.equal(report.ok, false);
      assert.match(report.services[0]?.problems.map((p) => p.problem).join('; ') ?? '', /cut off/);
    } finally {
      await fresh.close();
    }
  });

  /** What an attacker with database access does: switch the append-only triggers off, change rows. */
  async function tamper(fn: () => Promise<void>) {
    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(h.db);
    await sql`alter table audit_chain disable trigger audit_chain_append_only`.execute(h.db);
    try {
      await fn();
    } finally {
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(h.db);
      await sql`alter table audit_chain enable trigger audit_chain_append_only`.execute(h.db);
    }
  }
});
