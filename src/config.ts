import path from 'node:path';
import { z } from 'zod';

/** Boolean env var: accepts true/false/1/0/yes/no. */
const envBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** postgres://… to run on a PostgreSQL server; unset = embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  BLOB_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Public base URL used in links (tracking pages, setup). */
  PUBLIC_URL: z.string().url().optional(),
  COOKIE_SECURE: envBool.default(false),
  TRUST_PROXY: envBool.default(false),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  CLAIM_TTL_MINUTES: z.coerce.number().positive().default(15),
  /** Requests per minute per client IP on public (unauthenticated) endpoints. */
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Requests per minute per API key / session on authenticated write endpoints. */
  RATE_LIMIT_KEY_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  EVIDENCE_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  EVIDENCE_MAX_FILES: z.coerce.number().int().min(0).max(20).default(5),
  /** Notices on one item within MASS_REPORT_WINDOW_MINUTES that flag a possible mass-report campaign. */
  MASS_REPORT_THRESHOLD: z.coerce.number().int().min(2).default(20),
  MASS_REPORT_WINDOW_MINUTES: z.coerce.number().positive().default(10),
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  JOBS_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(1000),
  /** How often the worker pulls the partner banks (docs/banks.md, "Partner exchange"); 0 = never (sync by API only). */
  BANK_SYNC_INTERVAL_MS: z.coerce.number().int().min(0).default(15 * 60_000),
  /** An operator's ONNX text classifier folder (docs/model-card.md); unset = the built-in model. */
  TEXT_MODEL_DIR: z.string().min(1).optional(),
  /** Run background workers inside `serve` (default) — set false when running `vigie worker` separately. */
  WORKERS_IN_PROCESS: envBool.default(true),
  /** HMAC key for the audit chain (hex or base64, ≥ 32 bytes); default: DATA_DIR/audit.key, created on first start. */
  AUDIT_KEY: z.string().min(32).optional(),
  /** Key of the links sent to people (appeal tokens are derived from it, never stored); default: DATA_DIR/link.key. */
  LINK_KEY: z.string().min(32).optional(),
  /** DSA Transparency Database API base URL (e.g. https://transparency.dsa.ec.europa.eu); unset = submission off. */
  TDB_API_URL: z.string().url().optional(),
  /** Bearer token of the platform in the Transparency Database; unset = submission off. */
  TDB_API_TOKEN: z.string().min(1).optional(),
  /** Statements per batch call (the TDB takes 1 to 100). */
  TDB_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(100),
  /** Failed attempts before a submission is dead (replayable by an admin). */
  TDB_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  TDB_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  TDB_SUBMIT_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  /** smtp://user:pass@host:587 (or smtps://…:465) for email delivery; unset = delivery off, messages stay pending. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  /** Sender of notification emails. */
  MAIL_FROM: z.string().min(3).default('Vigie <no-reply@localhost>'),
  /** Let webhook endpoints point to loopback, private, link-local… addresses (single-box installs, tests); default: blocked. */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: envBool.default(false),
  /** Comma-separated host names, IP addresses or CIDR ranges that webhooks may reach even when private (e.g. hooks.internal,10.0.5.0/24). */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((h) => h.trim()).filter((h) => h !== '')),
});

export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  dataDir: string;
  blobDir: string;
  logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
  publicUrl: string | undefined;
  cookieSecure: boolean;
  trustProxy: boolean;
  sessionTtlHours: number;
  claimTtlMinutes: number;
  rateLimitPublicPerMinute: number;
  rateLimitKeyPerMinute: number;
  evidenceMaxBytes: number;
  evidenceMaxFiles: number;
  massReportThreshold: number;
  massReportWindowMinutes: number;
  auditSealIntervalMs: number;
  jobsPollIntervalMs: number;
  bankSyncIntervalMs: number;
  textModelDir: string | undefined;
  workersInProcess: boolean;
  auditKey: string | undefined;
  linkKey: string | undefined;
  tdbApiUrl: string | undefined;
  tdbApiToken: string | undefined;
  tdbBatchSize: number;
  tdbMaxAttempts: number;
  tdbTimeoutMs: number;
  tdbSubmitIntervalMs: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  webhookAllowPrivateNetworks: boolean;
  webhookAllowedHosts: string[];
}

export class ConfigError extends Error {}

/** Reads and validates the environment once; the rest of the code never reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(c.DATA_DIR);
  return {
    host: c.HOST,
    port: c.PORT,
    databaseUrl: c.DATABASE_URL,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    dataDir,
    blobDir: path.resolve(c.BLOB_DIR ?? path.join(dataDir, 'blobs')),
    logLevel: c.LOG_LEVEL,
    publicUrl: c.PUBLIC_URL,
    cookieSecure: c.COOKIE_SECURE,
    trustProxy: c.TRUST_PROXY,
    sessionTtlHours: c.SESSION_TTL_HOURS,
    claimTtlMinutes: c.CLAIM_TTL_MINUTES,
    rateLimitPublicPerMinute: c.RATE_LIMIT_PUBLIC_PER_MINUTE,
    rateLimitKeyPerMinute: c.RATE_LIMIT_KEY_PER_MINUTE,
    evidenceMaxBytes: c.EVIDENCE_MAX_BYTES,
    evidenceMaxFiles: c.EVIDENCE_MAX_FILES,
    massReportThreshold: c.MASS_REPORT_THRESHOLD,
    massReportWindowMinutes: c.MASS_REPORT_WINDOW_MINUTES,
    auditSealIntervalMs: c.AUDIT_SEAL_INTERVAL_MS,
    jobsPollIntervalMs: c.JOBS_POLL_INTERVAL_MS,
    bankSyncIntervalMs: c.BANK_SYNC_INTERVAL_MS,
    textModelDir: c.TEXT_MODEL_DIR ? path.resolve(c.TEXT_MODEL_DIR) : undefined,
    workersInProcess: c.WORKERS_IN_PROCESS,
    auditKey: c.AUDIT_KEY,
    linkKey: c.LINK_KEY,
    tdbApiUrl: c.TDB_API_URL,
    tdbApiToken: c.TDB_API_TOKEN,
    tdbBatchSize: c.TDB_BATCH_SIZE,
    tdbMaxAttempts: c.TDB_MAX_ATTEMPTS,
    tdbTimeoutMs: c.TDB_TIMEOUT_MS,
    tdbSubmitIntervalMs: c.TDB_SUBMIT_INTERVAL_MS,
    smtpUrl: c.SMTP_URL,
    mailFrom: c.MAIL_FROM,
    webhookAllowPrivateNetworks: c.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    webhookAllowedHosts: c.WEBHOOK_ALLOWED_HOSTS,
    ...overrides,
  };
}
