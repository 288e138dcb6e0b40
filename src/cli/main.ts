import { Command, InvalidArgumentError } from 'commander';
import { ROLES, isRole } from '../access/roles.ts';
import { addMember, createApiKey, findUserByEmail, promoteInstanceAdmin } from '../accounts/index.ts';
import { loadAuditKey, sealPending, verifyChains } from '../audit/index.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import { DataDirLockedError } from '../db/lock.ts';
import { createVigie, openConfiguredDatabase, prepareDatabase } from '../server.ts';
import { createService, findServiceBySlug } from '../services/index.ts';
import { HASH_ALGORITHMS, runHash, type HashAlgorithm } from './hash.ts';
import { classifyStream } from './classify.ts';
import { readPassword } from './password.ts';
import { serve } from './serve.ts';

const SYSTEM = { type: 'system' as const, id: null };

function role(value: string) {
  if (!isRole(value)) throw new InvalidArgumentError(`one of: ${ROLES.join(', ')}`);
  return value;
}

/** Opens the configured database, prepared, for one CLI command, and always closes it. */
async function withDatabase<T>(fn: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config);
  try {
    await prepareDatabase(database);
    return await fn(database, config);
  } finally {
    await database.close();
  }
}

async function serviceId(database: Database, slug: string): Promise<string> {
  const s = await findServiceBySlug(database.db, slug);
  if (!s) throw new CliError(`No service "${slug}". Create it with: vigie service create ${slug}`);
  return s.id;
}

class CliError extends Error {}

const program = new Command()
  .name('vigie')
  .description('Vigie: notices of illegal content, triage, decisions and transparency.\nConfiguration comes from the environment (see README: HOST, PORT, DATA_DIR, DATABASE_URL, …).')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the API and the background workers (embedded PGlite in DATA_DIR, or DATABASE_URL)')
  .action(async () => serve(loadConfig()));

program
  .command('migrate')
  .description('Apply pending database migrations (forward-only) and exit')
  .action(async () =>
    withDatabase(async (database) => {
      // prepareDatabase already migrated; report what is there.
      console.log(`Database (${database.kind}) is up to date.`);
    }),
  );

program
  .command('worker')
  .description('Run only the background workers (server mode, with DATABASE_URL), no HTTP')
  .action(async () => {
    const config = loadConfig();
    if (!config.databaseUrl) throw new CliError('`vigie worker` needs DATABASE_URL: with embedded PGlite, `vigie serve` runs the workers itself.');
    const database = await openConfiguredDatabase(config);
    const vigie = await createVigie(config, database, { workers: true });
    console.log('Vigie worker running. Ctrl-C to stop.');
    const stop = () => void vigie.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const service = program.command('service').description('Services (tenants)');
service
  .command('create <slug>')
  .description('Create a service with default teams, queues and triage policy')
  .option('--name <name>', 'display name')
  .action(async (slug: string, opts: { name?: string }) =>
    withDatabase(async (database) => {
      const s = await createService(database.db, { slug, name: opts.name ?? slug }, SYSTEM, null);
      console.log(`Created service ${s.slug} (${s.id}).`);
    }),
  );

const user = program.command('user').description('User accounts');
user
  .command('create')
  .description('Create a user (or add an existing one) with a role in a service')
  .requiredOption('--email <email>', 'login email')
  .option('--name <name>', 'display name')
  .option('--service <slug>', 'service to join', 'default')
  .option('--role <role>', `role in the service (${ROLES.join(', ')})`, role, 'moderator')
  .option('--instance-admin', 'also make the user an instance administrator (admin of every service)')
  .option('--password-stdin', 'read the password from standard input instead of generating one')
  .action(async (opts: { email: string; name?: string; service: string; role: (typeof ROLES)[number]; instanceAdmin?: boolean; passwordStdin?: boolean }) => {
    const password = opts.passwordStdin ? await readPassword() : undefined;
    if (password !== undefined && password.length < 12) throw new CliError('The password must have at least 12 characters.');
    await withDatabase(async (database) => {
      const sid = await serviceId(database, opts.service);
      const result = await addMember(database.db, sid, { email: opts.email, display_name: opts.name, role: opts.role, password }, SYSTEM, null);
      if (opts.instanceAdmin) {
        await promoteInstanceAdmin(database.db, result.user_id);
      }
      console.log(`User ${result.email} is ${result.role} of ${opts.service}${opts.instanceAdmin ? ' and instance administrator' : ''}.`);
      if (result.initial_password) console.log(`One-time password (shown once, change it after signing in): ${result.initial_password}`);
      else if (!password) console.log('(existing account: password unchanged)');
    });
  });

const apikey = program.command('apikey').description('API keys');
apikey
  .command('create')
  .description('Create an API key for a service; prints the key once')
  .option('--service <slug>', 'service', 'default')
  .option('--role <role>', `role of the key (${ROLES.join(', ')})`, role, 'platform')
  .requiredOption('--name <name>', 'what the key is for')
  .action(async (opts: { service: string; role: (typeof ROLES)[number]; name: string }) =>
    withDatabase(async (database) => {
      const sid = await serviceId(database, opts.service);
      const k = await createApiKey(database.db, sid, { name: opts.name, role: opts.role }, SYSTEM, null);
      console.error(`API key ${k.id} (${k.role}) for ${opts.service}. Store it now; it is not shown again:`);
      console.log(k.key);
    }),
  );

const audit = program.command('audit').description('The tamper-evident audit log');
audit
  .command('verify')
  .description('Verify every service audit chain; exits 1 if any row was edited, deleted or reordered')
  .option('--service <slug>', 'only this service')
  .option('--json', 'print the full report as JSON')
  .action(async (opts: { service?: string; json?: boolean }) =>
    withDatabase(async (database, config) => {
      const report = await verifyChains(database.db, loadAuditKey(config), opts.service);
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else {
        for (const s of report.services) {
          const state = s.problems.length === 0 ? 'OK' : 'TAMPERED';
          console.log(`${state}  ${s.slug}: ${s.sealed} sealed events, ${s.pending} awaiting seal, head ${s.headSeq}:${s.headHash.slice(0, 16)}…`);
          for (const p of s.problems) console.log(`   - seq ${p.seq ?? '-'} event ${p.eventId ?? '-'}: ${p.problem}`);
        }
        console.log(report.ok ? 'Audit log verified.' : 'Audit log verification FAILED.');
      }
      if (!report.ok) process.exitCode = 1;
    }),
  );
audit
  .command('seal')
  .description('Seal events awaiting their place in the chain (the server does this every second)')
  .action(async () =>
    withDatabase(async (database, config) => {
      const n = await sealPending(database.db, loadAuditKey(config));
      console.log(`Sealed ${n} events.`);
    }),
  );

program
  .command('whoami')
  .description('Show whether an account exists (for scripts)')
  .requiredOption('--email <email>')
  .action(async (opts: { email: string }) =>
    withDatabase(async (database) => {
      const u = await findUserByEmail(database.db, opts.email);
      console.log(u ? `${u.email} exists${u.instance_admin ? ' (instance admin)' : ''}` : 'no such user');
      if (!u) process.exitCode = 1;
    }),
  );

program
  .command('hash')
  .description('Hash files: <hash>,<quality>,<path> per line (pdq as Meta\'s pdq-photo-hasher; vpdq: one line per sampled frame). No database needed')
  .argument('<files...>', 'files to hash')
  .option('--algo <algo>', `algorithm (${HASH_ALGORITHMS.join(', ')})`, (v: string) => {
    if (!(HASH_ALGORITHMS as readonly string[]).includes(v)) throw new InvalidArgumentError(`one of: ${HASH_ALGORITHMS.join(', ')}`);
    return v as HashAlgorithm;
  }, 'pdq')
  .option('--dihedral', 'pdq: the eight dihedral hashes, then quality, then path (as --pdqdih-across)')
  .option('--max-pixels <n>', 'pdq: refuse images with more pixels than this (default 50000000)', (v: string) => positiveInt(v))
  .option('--fps <n>', 'vpdq: frames hashed per second of video (default 1)', (v: string) => {
    const n = Number(v);
    if (!(n > 0 && n <= 60)) throw new InvalidArgumentError('a number in (0, 60]');
    return n;
  })
  .action(async (files: string[], opts: { algo: HashAlgorithm; dihedral?: boolean; maxPixels?: number; fps?: number }) => {
    process.exitCode = await runHash(files, opts);
  });

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

program
  .command('classify')
  .description('Score JSON lines {"id","text"} from stdin for hate/abuse; writes {"id","lang","route","scores"} lines (docs/model-card.md)')
  .option('--model <dir>', 'model folder: the built-in format (manifest.json) or an ONNX export (config.json, tokenizer.json, model.onnx); default: models/text-harm')
  .action(async (opts: { model?: string }) => {
    const { errors } = await classifyStream({ modelDir: opts.model });
    if (errors) console.error(`${errors} malformed line(s): see the "error" lines in the output.`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof CliError) {
    console.error(err.message);
    process.exit(2);
  }
  const e = err as { code?: string; message?: string };
  if (e.code && typeof e.message === 'string' && /^[A-Z_]+$/.test(e.code)) {
    console.error(`${e.code}: ${e.message}`);
    process.exit(2);
  }
  throw err;
}
