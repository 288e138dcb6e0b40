import type { FastifyInstance } from 'fastify';
import { DbAuthenticator, issueSetupTokenIfNoUsers } from './accounts/index.ts';
import { loadAuditKey, sealPending } from './audit/index.ts';
import { RemoteSources, startBankMatcher, syncAllPartnerBanks } from './banks/index.ts';
import type { Config } from './config.ts';
import { tdbPeriodicTasks } from './decisions/index.ts';
import { openDatabase, type Database } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { loadLinkKey } from './keys.ts';
import { loadTextClassifier } from './screening/index.ts';
import { buildApp } from './http/app.ts';
import { startWorker, type AnyJobType, type Worker } from './jobs/index.ts';
import { emailDeliveryTask } from './notifications/index.ts';
import { orderMessageDeliveryJob } from './orders/index.ts';
import { ALL_ROUTES } from './routes.ts';
import { countServices, createService } from './services/index.ts';
import { configureWebhookNetwork, deliverDue, netGuardOf } from './webhooks/index.ts';

/** Job types the workers run (background work that fits a job row; delivery loops are periodic tasks below). */
export const JOB_TYPES: AnyJobType[] = [];

export interface Vigie {
  fastify: FastifyInstance;
  database: Database;
  /** One-time token for POST /v1/setup, when no user exists yet. */
  setupToken: string | null;
  stop(): Promise<void>;
}

/** Opens the database for this configuration: PostgreSQL with DATABASE_URL, else PGlite in DATA_DIR. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize, dataDir: config.dataDir });
}

/** Migrates and creates the `default` service on a fresh database. */
export async function prepareDatabase(database: Database): Promise<{ applied: string[] }> {
  const result = await migrate(database.db);
  if ((await countServices(database.db)) === 0) {
    await createService(database.db, { slug: 'default', name: 'Default service' }, { type: 'system', id: null }, null);
  }
  return result;
}

/**
 * Assembles Vigie on an open database: migrations, HTTP app, job worker and audit sealer.
 * Does not listen; `serve` (or a test) decides where.
 */
export async function createVigie(
  config: Config,
  database: Database,
  opts: { logger?: boolean; workers?: boolean; logStream?: { write(line: string): void } } = {},
): Promise<Vigie> {
  await prepareDatabase(database);
  // Outbound webhooks: which addresses endpoints may point to (WEBHOOK_ALLOW_PRIVATE_NETWORKS, docs/webhooks.md).
  configureWebhookNetwork(database.db, config);
  const setupToken = await issueSetupTokenIfNoUsers(database.db);
  const auditKey = loadAuditKey(config);
  const linkKey = loadLinkKey(config);
  // An operator's model that does not load stops the start, with the reason (the built-in one loads lazily).
  if (config.textModelDir) await loadTextClassifier(config.textModelDir);
  let worker: Worker | undefined;
  let ready = false;
  const { fastify, context } = await buildApp({
    context: {
      config,
      db: database.db,
      dbKind: database.kind,
      auditKey,
      linkKey,
      banks: await startBankMatcher(database.db, { pollMs: database.kind === 'postgres' ? 3000 : 0 }),
      // HMA lookups follow the webhooks' outbound rule (no private addresses unless allowed).
      remoteBanks: new RemoteSources(database.db, { dataDir: config.dataDir, checkUrl: (u) => netGuardOf(config).checkEndpointUrl(u) }),
      wakeWorkers: () => worker?.poke(),
      isReady: () => ready,
    },
    auth: new DbAuthenticator(database.db),
    routes: ALL_ROUTES,
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
    ...(opts.logStream ? { logStream: opts.logStream } : {}),
  });
  if (opts.workers ?? config.workersInProcess) {
    worker = startWorker({
      db: database.db,
      // Messages to authorities' callback URLs: signed by the webhooks' scheme, through this database's outbound guard.
      jobs: [...JOB_TYPES, orderMessageDeliveryJob(database.db)],
      periodic: [
        { name: 'audit-seal', intervalMs: config.auditSealIntervalMs, run: () => sealPending(database.db, auditKey) },
        // Submission of statements of reasons to the DSA Transparency Database (off without TDB_API_URL/TOKEN).
        ...tdbPeriodicTasks(database.db, config),
        // Email delivery of the outbox (off without SMTP_URL: messages stay pending).
        ...[emailDeliveryTask(database.db, config, context.log, linkKey)].filter((t) => t !== null),
        // Enforcement webhooks to the platform: signed POSTs after commit, retried with backoff (docs/webhooks.md).
        { name: 'webhook-deliver', intervalMs: config.jobsPollIntervalMs, run: () => deliverDue(database.db) },
        // Partner banks: pull what partner Vigie instances added or retracted since the last cursor.
        ...(config.bankSyncIntervalMs > 0
          ? [{ name: 'bank-partner-sync', intervalMs: config.bankSyncIntervalMs, run: () => syncAllPartnerBanks(database.db, context.banks, config.dataDir) }]
          : []),
      ],
      pollMs: config.jobsPollIntervalMs,
      log: context.log,
    });
  }
  ready = true;
  let stopped = false;
  return {
    fastify,
    database,
    setupToken,
    async stop() {
      if (stopped) return;
      stopped = true;
      ready = false;
      await fastify.close();
      await worker?.stop();
      // Seal what was written before leaving, so `vigie audit verify` sees a complete chain.
      await sealPending(database.db, auditKey).catch((err: unknown) => context.log.error({ err }, 'final audit seal failed'));
      await database.close();
    },
  };
}
