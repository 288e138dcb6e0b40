import crypto from 'node:crypto';
import { parse, protocol, type PGlite } from '@electric-sql/pglite';
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
const { serialize } = protocol;

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
    const mode = settings.accessMode ? ` ${settings.accessMode}` : '';
    await conn.executeQuery(CompiledQuery.raw(`begin${level}${mode}`));
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
  /** Named prepared statements of this session: name → parameter type OIDs. */
  private readonly prepared = new Map<string, number[]>();

  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Parameterless text may hold several statements (migrations, BEGIN/COMMIT): use the simple protocol.
    const result =
      compiled.parameters.length === 0
        ? lastResult(await this.pg.exec(compiled.sql))
        : await this.preparedQuery<R>(compiled.sql, compiled.parameters);
    const rows = result.rows.map(normaliseRow) as R[];
    const affected = result.affectedRows;
    return affected === undefined ? { rows } : { rows, numAffectedRows: BigInt(affected) };
  }
  /**
   * Runs a parameterised query as a named prepared statement (name = hash of its text): PostgreSQL parses
   * and plans it once per session. PGlite's own query() re-parses and re-plans every time, which for our
   * larger statements (intake) costs more than executing them. Same protocol messages PGlite sends, plus a name.
   */
  private async preparedQuery<R>(text: string, params: readonly unknown[]): Promise<{ rows: R[]; affectedRows?: number }> {
    const name = `v${crypto.createHash('sha1').update(text).digest('base64url')}`;
    let types = this.prepared.get(name);
    if (!types) {
      try {
        const described = await this.pg.execProtocol(concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]));
        const description = described.messages.find((m) => m.name === 'parameterDescription') as { dataTypeIDs?: number[] } | undefined;
        types = description?.dataTypeIDs ?? [];
      } catch (err) {
        // Leave no half-prepared statement behind under this name.
        await this.pg.execProtocol(concat([serialize.close({ type: 'S', name }), serialize.sync()]), { throwOnError: false });
        throw err;
      }
      this.prepared.set(name, types);
    }
    const serializers = (this.pg as unknown as { serializers: Record<number, ((v: unknown) => string) | undefined> }).serializers;
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serialize = serializers[types[i] ?? 0];
      return serialize ? serialize(v) : String(v);
    });
    const run = await this.pg.execProtocol(
      concat([serialize.bind({ statement: name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]),
    );
    const parsers = (this.pg as unknown as { parsers: Parameters<typeof parse.parseResults>[1] }).parsers;
    const [result] = parse.parseResults(run.messages, parsers);
    return { rows: (result?.rows ?? []) as R[], ...(result?.affectedRows === undefined ? {} : { affectedRows: result.affectedRows }) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported on PGlite; page with keyset cursors instead');
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
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
