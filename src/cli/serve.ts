import type { Config } from '../config.ts';
import { createVigie, openConfiguredDatabase } from '../server.ts';

/** `vigie serve`: opens the database, listens, prints the URL and first-run instructions, stops cleanly. */
export async function serve(config: Config): Promise<void> {
  const database = await openConfiguredDatabase(config);
  const vigie = await createVigie(config, database);
  const address = await vigie.fastify.listen({ host: config.host, port: config.port });
  const url = config.publicUrl ?? address.replace('[::1]', 'localhost');
  const where = database.kind === 'pglite' ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)';
  // Plain stdout, not the structured log: these lines are for the person who started Vigie.
  console.log(`\nVigie is running at ${url}  (database: ${where})`);
  console.log(`  Web console (French / English): ${url}/   moderators sign in at ${url}/login`);
  console.log(`  API docs: ${url}/docs   OpenAPI: ${url}/openapi.json`);
  console.log(`  Public notice intake: POST ${url}/v1/public/services/default/notices`);
  if (vigie.setupToken) {
    console.log('\nFirst start: no administrator yet. Create one with either:');
    console.log(`  curl -X POST ${url}/v1/setup -H 'content-type: application/json' \\`);
    console.log(`    -d '{"token":"${vigie.setupToken}","email":"you@example.org","display_name":"Admin","password":"<12+ characters>"}'`);
    console.log('  or: npx vigie user create --instance-admin --role admin --email you@example.org --password-stdin   (with the server stopped, for PGlite)');
    console.log('  The setup token works once and expires in 24 hours.\n');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Vigie…`);
    vigie
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
