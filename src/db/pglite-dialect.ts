import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely dialect over an in-process PGlite. PGlite is one session, so the driver hands out its single
 * connection to one caller at a time (a FIFO mutex): a transaction owns the session from BEGIN to COMMIT.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pg: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pg);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

const ACQUIRE_TIMEOUT_MS = 20_000;

class PGliteDriver implements Driver {
  private readonly connection: PGliteConnection;
  private tail: Promise<void> = Promise.resolve();
  private releaseCurrent: (() => void) | undefined;

  constructor(pg: PGlite) {
    this.connection = new PGliteConnection(pg);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    // PGlite is one session: code that awaits the outer handle while holding a transaction would wait
    // forever. Turn that bug into an error instead of a silent hang.
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`PGlite connection busy for ${ACQUIRE_TIMEOUT_MS} ms: a query outside a transaction is waiting for that transaction (use its handle)`)), ACQUIRE_TIMEOUT_MS);
      timer.unref();
    });
    try {
      await Promise.race([previous, stuck]);
    } catch (err) {
      // Keep the queue consistent: this slot is released as soon as the previous holder finishes.
      void previous.then(release);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    this.releaseCurrent = release;
    return this.connection;
  }
  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await conn.executeQuery(CompiledQuery.raw(`begin${level}`));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {
    const release = this.releaseCurrent;
    this.releaseCurrent = undefined;
    release?.();
  }
  async destroy(): Promise<void> {}
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}
  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Parameterless text may hold several statements (migrations, BEGIN/COMMIT): use the simple protocol.
    const result =
      compiled.parameters.length === 0
        ? lastResult(await this.pg.exec(compiled.sql))
        : await this.pg.query<R>(compiled.sql, compiled.parameters as unknown[]);
    const rows = result.rows.map(normaliseRow) as R[];
    const affected = result.affectedRows;
    return affected === undefined ? { rows } : { rows, numAffectedRows: BigInt(affected) };
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on PGlite; page with keyset cursors instead');
  }
}

function lastResult<R>(results: Array<{ rows: unknown[]; affectedRows?: number }>): { rows: R[]; affectedRows?: number } {
  const last = results[results.length - 1];
  return last ? { rows: last.rows as R[], ...(last.affectedRows === undefined ? {} : { affectedRows: last.affectedRows }) } : { rows: [] };
}

/** Makes PGlite rows look like node-postgres rows: bytea as Buffer (PGlite gives Uint8Array). */
function normaliseRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const record = row as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      record[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return record;
}
