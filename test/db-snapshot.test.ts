/**
 * onOneSnapshot (src/db/index.ts), which the transparency report runs on: tasks that must see the same data. On
 * PostgreSQL they run on separate connections importing one exported snapshot, so a row committed meanwhile is seen by
 * none of them; on PGlite one after the other in one transaction. A failing task fails the whole, after the others end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onOneSnapshot, openDatabase, sql, type Db } from '../src/db/index.ts';
import { BACKEND, freshDatabase, type TestDatabase } from './helpers.ts';

describe('onOneSnapshot', () => {
  let t: TestDatabase;
  let db: Db;
  before(async () => {
    t = await freshDatabase();
    db = t.database.db;
    await sql`create table snapshot_probe (x int not null)`.execute(db);
    await sql`insert into snapshot_probe values (1), (2)`.execute(db);
  });
  after(async () => {
    await t.database.close();
    await t.drop();
  });

  const count = async (tx: Db) => (await sql<{ n: number }>`select count(*)::int as n from snapshot_probe`.execute(tx)).rows[0]!.n;
  const backend = async (tx: Db) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0]!.pid;
  const readOnly = async (tx: Db) => (await sql<{ ro: string }>`select current_setting('transaction_read_only') as ro`.execute(tx)).rows[0]!.ro;

  it('gives each task its result in order, each in a read-only transaction with the setup applied', async () => {
    const [a, b, c] = await onOneSnapshot(db, { concurrent: true, setup: async (tx) => void (await sql`set local work_mem = '5MB'`.execute(tx)) }, [
      async (tx) => ({ n: await count(tx), ro: await readOnly(tx), wm: (await sql<{ w: string }>`select current_setting('work_mem') as w`.execute(tx)).rows[0]!.w }),
      async (tx) => `${await count(tx)} rows`,
      async (tx) => (await sql<{ w: string }>`select current_setting('work_mem') as w`.execute(tx)).rows[0]!.w,
    ]);
    assert.deepEqual(a, { n: 2, ro: 'on', wm: '5MB' });
    assert.equal(b, '2 rows');
    assert.equal(c, '5MB');
    // set local ended with the transactions
    assert.notEqual((await sql<{ w: string }>`select current_setting('work_mem') as w`.execute(db)).rows[0]!.w, '5MB');
  });

  it('on PostgreSQL, runs the tasks on separate connections that all see one snapshot', async (ctx) => {
    if (BACKEND !== 'postgres') return ctx.skip('PGlite has one session: the tasks run one after the other');
    let committed!: () => void;
    const gate = new Promise<void>((resolve) => (committed = resolve));
    const [lead, other] = await onOneSnapshot(db, { concurrent: true }, [
      async (tx) => {
        const before = await count(tx);
        // Another connection commits a row after the snapshot was taken and shared.
        await sql`insert into snapshot_probe values (3)`.execute(db);
        committed();
        return { pid: await backend(tx), before, after: await count(tx) };
      },
      async (tx) => {
        await gate;
        return { pid: await backend(tx), n: await count(tx) };
      },
    ]);
    assert.notEqual(lead.pid, other.pid, 'two connections');
    assert.deepEqual([lead.before, lead.after, other.n], [2, 2, 2], 'neither sees the row committed after the snapshot');
    assert.equal(await count(db), 3);
    await sql`delete from snapshot_probe where x = 3`.execute(db);
  });

  it('on PostgreSQL, runs them one after the other with a pool of one connection (the others could never get one)', async (ctx) => {
    if (BACKEND !== 'postgres') return ctx.skip('PostgreSQL pools only');
    const single = await openDatabase({ databaseUrl: t.url, poolSize: 1 });
    try {
      const [p1, n, p2] = await onOneSnapshot(single.db, { concurrent: true }, [backend, count, backend]);
      assert.equal(p1, p2);
      assert.equal(n, 2);
    } finally {
      await single.close();
    }
  });

  it('runs one after the other on one connection when not concurrent, and in the caller\u2019s transaction when given one', async () => {
    const [p1, p2] = await onOneSnapshot(db, { concurrent: false }, [backend, backend]);
    assert.equal(p1, p2);
    await db.transaction().execute(async (tx) => {
      await sql`insert into snapshot_probe values (9)`.execute(tx);
      const [n, ro] = await onOneSnapshot(tx, { concurrent: true }, [count, readOnly]);
      assert.equal(n, 3, 'sees the transaction\u2019s own uncommitted row');
      assert.equal(ro, 'off');
      await sql`delete from snapshot_probe where x = 9`.execute(tx);
    });
  });

  it('fails with the failing task\u2019s error once every task has ended', async () => {
    let slowEnded = false;
    await assert.rejects(
      onOneSnapshot(db, { concurrent: true }, [
        async (tx) => {
          await sql`select pg_sleep(0.2)`.execute(tx);
          slowEnded = true;
          return 1;
        },
        async (tx) => (await sql<{ x: number }>`select x from no_such_table`.execute(tx)).rows,
      ]),
      /no_such_table/,
    );
    assert.equal(slowEnded, true);
    assert.equal(await count(db), 2, 'the pool still works');
  });
});
