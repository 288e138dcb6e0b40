import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Permission, Role } from '../access/roles.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { AuditKeyring } from '../audit/chain.ts';
import type { BankMatcher, RemoteSources } from '../banks/index.ts';

/** Who is calling. Resolved once per request by the {@link Authenticator}. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; email: string; instanceAdmin: boolean; sessionId: string; csrfToken: string }
  | { kind: 'apikey'; keyId: string; serviceId: string; role: Role; authorityId: string | null };

/** What the caller may do in the service named by the URL. */
export interface ServiceAccess {
  serviceId: string;
  slug: string;
  /** `null` on public routes: the service is known, the caller is not. */
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  /** Teams the user belongs to (empty for API keys): team-restricted queues follow them. */
  teamIds: readonly string[];
  userId: string | undefined;
  apiKeyId: string | undefined;
  /** The authority an `authority` API key acts for (orders domain); undefined for everyone else. */
  authorityId: string | undefined;
}

export interface Authenticator {
  authenticate(req: FastifyRequest): Promise<Principal>;
  /** `null` when the service does not exist or the principal has no role in it. */
  serviceAccess(principal: Principal, serviceSlug: string): Promise<ServiceAccess | null>;
  /** The service named by a public URL, or `null`. */
  publicService(serviceSlug: string): Promise<ServiceAccess | null>;
  /** The slug of an API key's own service (routes without a service in the URL, e.g. POST /v1/screen). */
  keyServiceSlug(principal: Principal): Promise<string | null>;
  /** Drops any cached verification of a revoked key. */
  forgetApiKey(keyId: string): void;
}

/** What every handler can reach: configuration, the database, the log, and hooks to wake workers. */
export interface AppContext {
  config: Config;
  db: Db;
  dbKind: 'pglite' | 'postgres';
  log: FastifyBaseLogger;
  auth: Authenticator;
  /** HMAC key of the audit chain and where its heads are witnessed (both outside the database). */
  auditKey: AuditKeyring;
  /** Key from which the tokens in links sent to people are derived (appeal links); outside the database. */
  linkKey: Buffer;
  /** The hash-bank matcher of this process (docs/banks.md). */
  banks: BankMatcher;
  /** Remote matchers of the services (an HMA per service), asked beside the banks. */
  remoteBanks: RemoteSources;
  /** Wakes the job workers after a commit that queued jobs (they also poll). */
  wakeWorkers(): void;
  /** Set once the workers and database are ready; /readyz reports it. */
  isReady(): boolean;
}
