/**
 * Test harness: a real Vigie (HTTP app + database) per test file, on the back end the runner chose.
 * - VIGIE_TEST_BACKEND=pglite: PGlite loaded from the migrated dump VIGIE_TEST_PGLITE_DUMP (fast start).
 * - VIGIE_TEST_BACKEND=postgres: a fresh database created from VIGIE_TEST_PG_TEMPLATE on VIGIE_TEST_PG_URL, dropped at the end.
 * Without the runner's variables (a file run alone), PGlite starts empty and is migrated.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { LightMyRequestResponse } from 'fastify';
import type { Role } from '../src/access/roles.ts';
import { addMember, createApiKey, promoteInstanceAdmin } from '../src/accounts/index.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase, sql, type Database, type Db } from '../src/db/index.ts';
import { createVigie, type Vigie } from '../src/server.ts';
import { findServiceBySlug } from '../src/services/index.ts';

export const BACKEND = (process.env.VIGIE_TEST_BACKEND ?? 'pglite') as 'pglite' | 'postgres';

export interface TestDatabase {
  database: Database;
  /** postgres:// URL of the per-file database (postgres back end only). */
  url: string | undefined;
  drop(): Promise<void>;
}

function serverUrl(dbName: string): string {
  const base = new URL(process.env.VIGIE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/${dbName}`;
  return base.toString();
}

/** A fresh migrated database on the chosen back end. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (BACKEND === 'postgres') {
    const name = `vigie_t_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl('postgres') });
    await admin.connect();
    const template = process.env.VIGIE_TEST_PG_TEMPLATE;
    await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
    await admin.end();
    const url = serverUrl(name);
    const database = await openDatabase({ databaseUrl: url, poolSize: 8 });
    return {
      database,
      url,
      async drop() {
        const c = new pg.Client({ connectionString: serverUrl('postgres') });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dump = process.env.VIGIE_TEST_PGLITE_DUMP;
  const loadDataDir = dump ? new Blob([fs.readFileSync(dump)]) : undefined;
  const database = await openDatabase(loadDataDir ? { loadDataDir } : {});
  return { database, url: undefined, drop: async () => {} };
}

export function tempDir(prefix = 'vigie-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const dataDir = tempDir();
  return loadConfig(
    {},
    {
      dataDir,
      blobDir: path.join(dataDir, 'blobs'),
      logLevel: 'silent',
      rateLimitPublicPerMinute: 100_000,
      rateLimitKeyPerMinute: 100_000,
      auditSealIntervalMs: 60_000,
      jobsPollIntervalMs: 60_000,
      // Test receivers listen on 127.0.0.1; test/webhook-ssrf.test.ts turns the guard back on.
      webhookAllowPrivateNetworks: true,
      ...overrides,
    },
  );
}

export interface Session {
  cookie: string;
  csrf: string;
  userId: string;
}

export type Auth = Session | { key: string } | undefined;

export interface Harness {
  vigie: Vigie;
  db: Db;
  config: Config;
  serviceId: string;
  request(method: string, url: string, opts?: { auth?: Auth; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** A member with this role (and these teams) in the service, signed in. */
  user(role: Role, opts?: { teams?: string[]; email?: string; service?: string }): Promise<Session>;
  apiKey(role: Role, service?: string): Promise<{ key: string }>;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<Config> = {}): Promise<Harness> {
  const tdb = await freshDatabase();
  const config = testConfig(overrides);
  const vigie = await createVigie(config, tdb.database, { logger: false, workers: false });
  const db = tdb.database.db;
  const service = await findServiceBySlug(db, 'default');
  if (!service) throw new Error('default service missing');

  const request: Harness['request'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const auth = opts.auth;
    if (auth && 'key' in auth) headers.authorization = `Bearer ${auth.key}`;
    if (auth && 'cookie' in auth) {
      headers.cookie = auth.cookie;
      headers['x-csrf-token'] ??= auth.csrf;
    }
    return vigie.fastify.inject({
      method: method as 'GET',
      url,
      headers,
      ...(opts.body === undefined ? {} : { payload: opts.body as object }),
    });
  };

  let n = 0;
  const user: Harness['user'] = async (role, opts = {}) => {
    const email = opts.email ?? `${role}-${++n}-${crypto.randomBytes(3).toString('hex')}@example.org`;
    const password = 'correct horse battery staple';
    const slug = opts.service ?? 'default';
    const svc = await findServiceBySlug(db, slug);
    if (!svc) throw new Error(`no service ${slug}`);
    const m = await addMember(db, svc.id, { email, role, password }, { type: 'system', id: null }, null);
    for (const team of opts.teams ?? []) {
      await sql`insert into team_members (team_id, user_id) select id, ${m.user_id} from teams where service_id = ${svc.id} and slug = ${team}`.execute(db);
    }
    if (role === 'admin' && slug === 'default' && opts.teams === undefined) await promoteInstanceAdmin(db, m.user_id);
    const res = await request('POST', '/v1/auth/login', { body: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    const setCookie = res.headers['set-cookie'];
    const cookieLine = (Array.isArray(setCookie) ? setCookie[0] : setCookie) ?? '';
    return { cookie: cookieLine.split(';')[0] as string, csrf: (res.json() as { csrf_token: string }).csrf_token, userId: m.user_id };
  };

  const apiKey: Harness['apiKey'] = async (role, slug = 'default') => {
    const svc = await findServiceBySlug(db, slug);
    if (!svc) throw new Error(`no service ${slug}`);
    const k = await createApiKey(db, svc.id, { name: `test ${role}`, role }, { type: 'system', id: null }, null);
    return { key: k.key };
  };

  return {
    vigie,
    db,
    config,
    serviceId: service.id,
    request,
    user,
    apiKey,
    async close() {
      await vigie.stop();
      await tdb.drop();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

/** A valid notice body, with overrides. */
export function notice(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
    subcategory: 'KEYWORD_HATE_SPEECH',
    locations: [{ url: `https://forum.example/t/${crypto.randomUUID()}` }],
    explanation: 'This post calls for violence against a religious group.',
    language: 'fr',
    notifier: { name: 'Camille Martin', email: 'camille@example.org' },
    good_faith: true,
    ...overrides,
  };
}

/** A logger that drops everything (workers started in a test). */
export const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, fatal() {}, trace() {}, child() { return silentLogger; }, level: 'silent', silent() {} } as never;

/** Polls `cond` every 25 ms until it holds; fails naming `what` after `ms`. */
export async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not reached in time: ${what}`);
}
