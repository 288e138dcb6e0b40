import crypto from 'node:crypto';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type RawBuilder } from 'kysely';
import pg from 'pg';
import { acquireDataDirLock } from './lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';

/** Table typing is left to each domain's raw `sql<Row>` queries: the SQL stays explicit and readable. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Tables {}
/** A database handle; may be a transaction (see {@link inTransaction}). */
export type Db = Kysely<Tables>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The embedded instance, when kind is pglite (used for dumps in tests). */
  pglite?: PGlite;
  close(): Promise<void>;
}

// int8 (counts, bigserial ids) as number, as PGlite does; our ids stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface OpenOptions {
  databaseUrl?: string | undefined;
  poolSize?: number;
  /** Directory for PGlite; `undefined` with no databaseUrl = in memory. */
  dataDir?: string | undefined;
  /** Start PGlite from a dumped data directory (tests: migrate once, load per file). */
  loadDataDir?: Blob;
}

/** Opens PostgreSQL when a URL is given, else an embedded PGlite (locked to this process). */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const poolSize = opts.poolSize ?? 10;
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: poolSize });
    // Fail fast with a readable message rather than on the first request.
    const client = await pool.connect().catch(async (err: Error) => {
      await pool.end();
      throw new Error(`Cannot connect to DATABASE_URL: ${err.message}`);
    });
    client.release();
    pool.on('error', () => {
      /* idle client errors are reported on next use */
    });
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: preparedStatementPool(pool) }) });
    serverPools.set(db, poolSize);
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const release = opts.dataDir ? acquireDataDirLock(opts.dataDir) : () => {};
  try {
    const pglite = await PGlite.create(opts.dataDir ? path.join(opts.dataDir, 'pg') : undefined, {
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    });
    const db = new Kysely<Tables>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      pglite,
      close: async () => {
        await db.destroy();
        await pglite.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * Makes every parameterised query a named prepared statement (name = hash of its text), so PostgreSQL
 * parses and plans each distinct statement once per connection instead of on every call. Our SQL is
 * written as templates, so the set of distinct texts is small and bounded.
 */
function preparedStatementPool(pool: pg.Pool): pg.Pool {
  const connect = pool.connect.bind(pool);
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    const marked = client as pg.PoolClient & { vigiePrepared?: true };
    if (marked.vigiePrepared) return client;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, cb?: unknown) => {
      if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && cb === undefined) {
        const name = `v${crypto.createHash('sha1').update(text).digest('base64url')}`;
        return query({ name, text, values });
      }
      return query(text, values, cb);
    };
    marked.vigiePrepared = true;
    return client;
  };
  (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => wrap(await connect());
  return pool;
}

/** Handles on a PostgreSQL server's connection pool (not PGlite's single session, nor a transaction), with its size. */
const serverPools = new WeakMap<Db, number>();

/**
 * Runs read-only tasks that must all see the same data (one snapshot). On a PostgreSQL pool, each task gets a
 * connection of its own in a repeatable-read, read-only transaction, the others importing the first one's snapshot
 * (pg_export_snapshot / SET TRANSACTION SNAPSHOT), so that they run at the same time on several cores. On PGlite (one
 * session), with a pool of one, or when `concurrent` is false, one after the other in one such transaction; inside a
 * transaction, in it. With fewer connections than tasks, the tasks wait for one in turn (the pool serves other
 * requests too).
 * `setup` runs first in each transaction (e.g. `set local work_mem`). Every task ends before the snapshot is released.
 */
export async function onOneSnapshot<const T extends readonly unknown[]>(
  db: Db,
  opts: { concurrent: boolean; setup?: (tx: Db) => Promise<void> },
  tasks: { [K in keyof T]: (tx: Db) => Promise<T[K]> },
): Promise<T> {
  const setup = opts.setup ?? (async () => {});
  const list = tasks as readonly ((tx: Db) => Promise<unknown>)[];
  const inOrder = async (tx: Db) => {
    await setup(tx);
    const out: unknown[] = [];
    for (const task of list) out.push(await task(tx));
    return out as unknown as T;
  };
  if (db.isTransaction) return inOrder(db);
  const readOnly = () => db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only');
  // A pool of one connection could never give the others theirs while the first holds the snapshot.
  if (!opts.concurrent || (serverPools.get(db) ?? 1) < 2 || list.length < 2) return readOnly().execute(inOrder);
  return readOnly().execute(async (lead) => {
    await setup(lead);
    const id = (await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(lead)).rows[0]?.id ?? '';
    if (!/^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$/i.test(id)) throw new Error(`unexpected snapshot id ${JSON.stringify(id)}`);
    const runs = list.map((task, i) =>
      i === 0
        ? task(lead)
        : readOnly().execute(async (tx) => {
            // Must be the transaction's first statement; the id was checked above (SET takes no parameters).
            await sql.raw(`set transaction snapshot '${id}'`).execute(tx);
            await setup(tx);
            return task(tx);
          }),
    );
    // Wait for all before the lead transaction (which holds the snapshot) ends, even when one fails.
    const settled = await Promise.allSettled(runs);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
  });
}

/** Runs `fn` in one transaction; everything it writes commits together or not at all. */
export function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}

/** Guards use cases that are only correct inside a transaction. */
export function assertTransaction(db: Db): void {
  if (!db.isTransaction) throw new Error('this operation must run inside a transaction');
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

export { sql, type RawBuilder };
