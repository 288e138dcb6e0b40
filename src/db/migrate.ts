import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Db } from './index.ts';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface MigrationResult {
  applied: string[];
}

/**
 * Forward-only migrations: every `migrations/NNNN_name.sql` runs once, in order, each in its own
 * transaction, recorded in `schema_migrations`. An advisory lock keeps two servers from racing.
 */
export async function migrate(db: Db): Promise<MigrationResult> {
  const files = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  await sql`create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`.execute(db);
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(7193001)`.execute(conn);
    try {
      const done = await sql<{ name: string }>`select name from schema_migrations`.execute(conn);
      const seen = new Set(done.rows.map((r) => r.name));
      for (const file of files) {
        if (seen.has(file)) continue;
        const text = fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
        await conn.transaction().execute(async (tx) => {
          await sql.raw(text).execute(tx);
          await sql`insert into schema_migrations (name) values (${file})`.execute(tx);
        });
        applied.push(file);
      }
    } finally {
      await sql`select pg_advisory_unlock(7193001)`.execute(conn);
    }
  });
  return { applied };
}
