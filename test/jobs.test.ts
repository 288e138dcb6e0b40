import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { inTransaction, sql } from '../src/db/index.ts';
import { defineJob, enqueue, startWorker } from '../src/jobs/index.ts';
import { silentLogger, startHarness, until, type Harness } from './helpers.ts';


describe('durable jobs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h.close());

  it('exist only if the transaction that queued them commits', async () => {
    await assert.rejects(
      inTransaction(h.db, async (tx) => {
        await enqueue(tx, { type: 'test.never', serviceId: h.serviceId, payload: {} });
        throw new Error('rolled back');
      }),
    );
    const n = await sql<{ n: number }>`select count(*)::int as n from jobs where type = 'test.never'`.execute(h.db);
    assert.equal(n.rows[0]?.n, 0);
  });

  it('run their handler, retry failures with backoff, and end dead after max attempts', async () => {
    const seen: string[] = [];
    let flaky = 0;
    const ok = defineJob({
      type: 'test.ok',
      payload: z.object({ word: z.string() }),
      handle: async (_db, p) => {
        seen.push(p.word);
      },
    });
    const retry = defineJob({
      type: 'test.flaky',
      payload: z.object({}),
      handle: async () => {
        flaky += 1;
        if (flaky < 2) throw new Error('transient');
      },
    });
    const dead = defineJob({
      type: 'test.dead',
      payload: z.object({}),
      maxAttempts: 2,
      handle: async () => {
        throw new Error('always fails');
      },
    });
    await enqueue(h.db, { type: 'test.ok', serviceId: h.serviceId, payload: { word: 'hello' } });
    await enqueue(h.db, { type: 'test.flaky', serviceId: h.serviceId, payload: {} });
    await enqueue(h.db, { type: 'test.dead', serviceId: h.serviceId, payload: {}, maxAttempts: 2 });
    await enqueue(h.db, { type: 'test.bad-payload', serviceId: h.serviceId, payload: {}, maxAttempts: 1 });
    const worker = startWorker({ db: h.db, jobs: [ok, retry, dead], periodic: [], pollMs: 50, log: silentLogger });
    try {
      await until('the ok job handled', async () => seen.includes('hello'));
      // Backoff puts failed jobs in the future; bring them forward instead of waiting seconds.
      for (let i = 0; i < 4; i++) {
        await sql`update jobs set run_at = now() where status = 'queued'`.execute(h.db);
        worker.poke();
        await new Promise((r) => setTimeout(r, 150));
      }
      await until('the retried and the dead jobs settled', async () => {
        const r = await sql<{ type: string; status: string; attempts: number }>`select type, status, attempts from jobs where type like 'test.%' order by type`.execute(h.db);
        const byType = Object.fromEntries(r.rows.map((x) => [x.type, x]));
        return byType['test.flaky']?.status === 'done' && byType['test.dead']?.status === 'dead' && byType['test.bad-payload']?.status === 'dead';
      });
      const r = await sql<{ type: string; status: string; attempts: number; last_error: string | null }>`
        select type, status, attempts, last_error from jobs where type like 'test.%' order by type`.execute(h.db);
      assert.deepEqual(
        r.rows.map((x) => [x.type, x.status, x.attempts]),
        [
          ['test.bad-payload', 'dead', 1],
          ['test.dead', 'dead', 2],
          ['test.flaky', 'done', 2],
          ['test.ok', 'done', 1],
        ],
      );
      assert.match(r.rows[1]?.last_error ?? '', /always fails/);
      const auditor = await h.user('auditor');
      const counts = await h.request('GET', '/v1/services/default/jobs', { auth: auditor });
      assert.equal(counts.statusCode, 200);
      assert.ok((counts.json() as { items: Array<{ status: string }> }).items.some((c) => c.status === 'dead'));
    } finally {
      await worker.stop();
    }
  });

  it('take over a job whose worker died (expired lease)', async () => {
    await sql`insert into jobs (service_id, type, payload, status, attempts, locked_until)
              values (${h.serviceId}, 'test.orphan', '{}'::jsonb, 'running', 1, now() - interval '1 second')`.execute(h.db);
    let ran = 0;
    const orphan = defineJob({ type: 'test.orphan', payload: z.object({}), handle: async () => void (ran += 1) });
    const worker = startWorker({ db: h.db, jobs: [orphan], periodic: [], pollMs: 50, log: silentLogger });
    try {
      await until('the orphan job run once', async () => ran === 1);
      await until('the orphan job done', async () => (await sql<{ status: string }>`select status from jobs where type = 'test.orphan'`.execute(h.db)).rows[0]?.status === 'done');
    } finally {
      await worker.stop();
    }
  });
});
