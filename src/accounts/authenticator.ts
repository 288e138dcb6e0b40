import type { FastifyRequest } from 'fastify';
import { ROLE_PERMISSIONS, isRole, type Permission } from '../access/roles.ts';
import type { Db } from '../db/index.ts';
import type { Authenticator, Principal, ServiceAccess } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { findServiceById, findServiceBySlug } from '../services/index.ts';
import { parseApiKey, safeEqualHex, sha256 } from './secrets.ts';
import { findApiKey, findSession, membershipWithTeams, touchApiKey } from './sql.ts';

export const SESSION_COOKIE = 'vigie_session';
const KEY_CACHE_MS = 5_000;
const NO_PERMISSIONS: ReadonlySet<Permission> = new Set();

/** Resolves sessions (cookie) and API keys (Bearer) to principals, and principals to service roles. */
export class DbAuthenticator implements Authenticator {
  /** Service slugs never change, so their ids are cached for the life of the process. */
  private readonly services = new Map<string, { id: string; slug: string }>();
  private readonly keyTouched = new Map<string, number>();
  /**
   * Verified API keys for a few seconds, so a burst of intake does not look the key up per request.
   * Revocation in this process clears the entry at once; other processes see it within KEY_CACHE_MS.
   */
  private readonly keyCache = new Map<string, { principal: Extract<Principal, { kind: 'apikey' }>; until: number; expiresAt: number | null }>();

  constructor(private readonly db: Db) {}

  async authenticate(req: FastifyRequest): Promise<Principal> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer (\S+)$/.exec(header);
      const token = m?.[1];
      const now = Date.now();
      const cached = token ? this.keyCache.get(token) : undefined;
      if (cached && cached.until > now && (cached.expiresAt === null || cached.expiresAt > now)) return cached.principal;
      const parsed = token ? parseApiKey(token) : null;
      const key = parsed ? await findApiKey(this.db, parsed.id) : undefined;
      if (!token || !parsed || !key || !safeEqualHex(sha256(parsed.secret), key.secret_hash) || !isRole(key.role)) {
        throw new AppError('UNAUTHENTICATED', 'Invalid, expired or revoked API key');
      }
      this.touch(key.id);
      const principal = { kind: 'apikey' as const, keyId: key.id, serviceId: key.service_id, role: key.role, authorityId: key.authority_id };
      if (this.keyCache.size > 10_000) this.keyCache.clear();
      this.keyCache.set(token, { principal, until: now + KEY_CACHE_MS, expiresAt: key.expires_at?.getTime() ?? null });
      return principal;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = await findSession(this.db, sha256(token));
      if (s) {
        return { kind: 'user', userId: s.id, email: s.email, instanceAdmin: s.instance_admin, sessionId: s.session_id, csrfToken: s.csrf_token };
      }
    }
    return { kind: 'anonymous' };
  }

  /** Last-use time is informative: written at most once a minute per key, off the request's path. */
  private touch(keyId: string) {
    const now = Date.now();
    if ((this.keyTouched.get(keyId) ?? 0) > now - 60_000) return;
    this.keyTouched.set(keyId, now);
    touchApiKey(this.db, keyId).catch(() => this.keyTouched.delete(keyId));
  }

  /** Forget a revoked key at once (this process). */
  forgetApiKey(keyId: string): void {
    for (const [token, entry] of this.keyCache) if (entry.principal.keyId === keyId) this.keyCache.delete(token);
  }

  private async service(slug: string) {
    const cached = this.services.get(slug);
    if (cached) return cached;
    if (!/^[a-z0-9-]{1,64}$/.test(slug)) return undefined;
    const row = await findServiceBySlug(this.db, slug);
    if (!row) return undefined;
    const s = { id: row.id, slug: row.slug };
    this.services.set(slug, s);
    return s;
  }

  async keyServiceSlug(principal: Principal): Promise<string | null> {
    if (principal.kind !== 'apikey') return null;
    return (await findServiceById(this.db, principal.serviceId))?.slug ?? null;
  }

  async publicService(slug: string): Promise<ServiceAccess | null> {
    const s = await this.service(slug);
    if (!s) return null;
    return { serviceId: s.id, slug: s.slug, role: null, permissions: NO_PERMISSIONS, teamIds: [], userId: undefined, apiKeyId: undefined, authorityId: undefined };
  }

  async serviceAccess(principal: Principal, slug: string): Promise<ServiceAccess | null> {
    const s = await this.service(slug);
    if (!s) return null;
    if (principal.kind === 'apikey') {
      if (principal.serviceId !== s.id) return null;
      return {
        serviceId: s.id,
        slug: s.slug,
        role: principal.role,
        permissions: new Set(ROLE_PERMISSIONS[principal.role]),
        teamIds: [],
        userId: undefined,
        apiKeyId: principal.keyId,
        authorityId: principal.authorityId ?? undefined,
      };
    }
    if (principal.kind !== 'user') return null;
    const m = await membershipWithTeams(this.db, s.id, principal.userId);
    // Instance administrators administer every service, but team-restricted queues still follow teams.
    const role = m.role && isRole(m.role) ? m.role : principal.instanceAdmin ? 'admin' : undefined;
    if (!role) return null;
    return {
      serviceId: s.id,
      slug: s.slug,
      role,
      permissions: new Set(ROLE_PERMISSIONS[role]),
      teamIds: m.team_ids,
      userId: principal.userId,
      apiKeyId: undefined,
      authorityId: undefined,
    };
  }
}
