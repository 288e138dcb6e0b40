// Builds the migrated template the test files start from, through the project's own code, so the
// tests see exactly the schema `vigie migrate` produces. Run by scripts/test.mjs:
//   node --import tsx scripts/prepare-test-db.ts pglite <out.tar.gz>   in-memory PGlite → gzip dump
//   node --import tsx scripts/prepare-test-db.ts postgres <database-url>  migrate that database
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/db/index.ts';
import { migrate } from '../src/db/migrate.ts';

async function main(): Promise<void> {
  const [kind, target] = process.argv.slice(2);
  if ((kind !== 'pglite' && kind !== 'postgres') || !target) {
    console.error('usage: prepare-test-db.ts pglite <out.tar.gz> | postgres <database-url>');
    process.exit(2);
  }
  const started = Date.now();
  const database = await openDatabase(kind === 'postgres' ? { databaseUrl: target, poolSize: 1 } : {});
  try {
    const { applied } = await migrate(database.db);
    if (kind === 'pglite') {
      if (!database.pglite) throw new Error('openDatabase({}) did not return a PGlite instance');
      const dump = await database.pglite.dumpDataDir('gzip');
      const out = path.resolve(target);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      // Write then rename: a concurrent run reading the previous dump never sees half a file.
      const tmp = `${out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
      fs.renameSync(tmp, out);
    }
    const ms = Date.now() - started;
    console.log(`prepare ${kind}: ${applied.length} migration(s) applied in ${ms} ms`);
  } finally {
    await database.close();
  }
}

await main();
