import { type Role } from '../access/roles.ts';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import { AppError, validationError } from '../http/errors.ts';
import { findAuthority } from '../orders/index.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, newApiKey, randomToken, sha256, verifyPassword } from './secrets.ts';
import * as q from './sql.ts';

const SYSTEM: AuditActor = { type: 'system', id: null };

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  instanceAdmin?: boolean;
  locale?: string;
}

/** Creates a user, or fails with CONFLICT when the email is taken. */
export async function createUser(db: Db, u: NewUser): Promise<q.UserRow> {
  if (await q.findUserByEmail(db, u.email)) throw new AppError('CONFLICT', 'A user with this email already exists');
  return q.insertUser(db, {
    email: u.email,
    displayName: u.displayName,
    passwordHash: await hashPassword(u.password),
    instanceAdmin: u.instanceAdmin ?? false,
    ...(u.locale ? { locale: u.locale } : {}),
  });
}

export async function login(db: Db, email: string, password: string, ttlHours: number) {
  const user = await q.findUserByEmail(db, email);
  // Always run the KDF, so response time does not reveal whether the account exists.
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok || user.disabled) throw new AppError('INVALID_CREDENTIALS', 'Wrong email or password');
  const token = randomToken();
  const csrfToken = randomToken(24);
  const session = await q.insertSession(db, { tokenHash: sha256(token), csrfToken, userId: user.id, ttlHours });
  return { token, csrfToken, expiresAt: session.expires_at, user };
}

export const logout = (db: Db, sessionId: string) => q.revokeSession(db, sessionId);

/** A one-time token for the first administrator, while no user exists. Only its hash is stored. */
export async function issueSetupTokenIfNoUsers(db: Db): Promise<string | null> {
  if ((await q.countUsers(db)) > 0) return null;
  const token = randomToken(18);
  await q.insertSetupToken(db, sha256(token), 24);
  return token;
}

/** Creates the first administrator: instance admin and admin of every existing service. */
export async function completeSetup(db: Db, token: string, u: Omit<NewUser, 'instanceAdmin'>, requestId: string) {
  return inTransaction(db, async (tx) => {
    await sql`lock table users in share row exclusive mode`.execute(tx);
    if ((await q.countUsers(tx)) > 0) throw new AppError('ALREADY_SET_UP', 'Vigie already has an administrator; sign in instead');
    if (!(await q.consumeSetupToken(tx, sha256(token)))) {
      throw new AppError('VALIDATION_FAILED', 'Invalid setup token', [{ path: 'body.token', reason: 'unknown, used or expired' }]);
    }
    const user = await createUser(tx, { ...u, instanceAdmin: true });
    await grantAdminEverywhere(tx, user.id, requestId);
    return user;
  });
}

/** Makes a user instance administrator: admin of every service, and may create services. */
/** A person's locale (console and emails). Not audited: a preference, not a state change of the service. */
export async function setLocale(db: Db, userId: string, locale: 'fr' | 'en'): Promise<q.UserRow> {
  const r = await sql<q.UserRow>`update users set locale = ${locale} where id = ${userId} returning *`.execute(db);
  const u = r.rows[0];
  if (!u) throw new AppError('UNAUTHENTICATED', 'Not signed in');
  return u;
}

export async function promoteInstanceAdmin(db: Db, userId: string): Promise<void> {
  await inTransaction(db, async (tx) => {
    await sql`update users set instance_admin = true where id = ${userId}`.execute(tx);
    await grantAdminEverywhere(tx, userId, null);
  });
}

export async function grantAdminEverywhere(tx: Db, userId: string, requestId: string | null): Promise<void> {
  const services = await sql<{ id: string }>`select id from services`.execute(tx);
  for (const s of services.rows) {
    await q.upsertMembership(tx, s.id, userId, 'admin');
    await recordAudit(tx, { serviceId: s.id, actor: SYSTEM, action: 'member.added', subjectType: 'user', subjectId: userId, data: { role: 'admin', instance_admin: true }, requestId });
  }
}

/** Adds a member (creating the account when needed). Returns a one-time password for new accounts without one. */
export async function addMember(
  db: Db,
  serviceId: string,
  input: { email: string; display_name?: string | undefined; role: Role; password?: string | undefined },
  actor: AuditActor,
  requestId: string | null,
) {
  return inTransaction(db, async (tx) => {
    let user = await q.findUserByEmail(tx, input.email);
    let initialPassword: string | null = null;
    if (!user) {
      const password = input.password ?? randomToken(12);
      if (!input.password) initialPassword = password;
      user = await createUser(tx, { email: input.email, displayName: input.display_name ?? input.email.split('@')[0] ?? input.email, password });
    }
    await q.upsertMembership(tx, serviceId, user.id, input.role);
    await recordAudit(tx, { serviceId, actor, action: 'member.added', subjectType: 'user', subjectId: user.id, data: { role: input.role }, requestId });
    return { user_id: user.id, email: user.email, display_name: user.display_name, role: input.role, initial_password: initialPassword };
  });
}

export async function setMemberRole(db: Db, serviceId: string, userId: string, role: Role, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    if (!(await q.membershipRole(tx, serviceId, userId))) throw new AppError('NOT_FOUND', 'Member not found');
    await q.upsertMembership(tx, serviceId, userId, role);
    await recordAudit(tx, { serviceId, actor, action: 'member.role_changed', subjectType: 'user', subjectId: userId, data: { role }, requestId });
  });
}

export async function removeMember(db: Db, serviceId: string, userId: string, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    if (!(await q.deleteMembership(tx, serviceId, userId))) throw new AppError('NOT_FOUND', 'Member not found');
    await recordAudit(tx, { serviceId, actor, action: 'member.removed', subjectType: 'user', subjectId: userId, data: {}, requestId });
  });
}

export async function createApiKey(
  db: Db,
  serviceId: string,
  input: { name: string; role: Role; expires_at?: Date | null | undefined; authority_id?: string | undefined },
  actor: AuditActor,
  requestId: string | null,
) {
  const key = newApiKey();
  const authorityId = input.authority_id ?? null;
  if ((input.role === 'authority') !== (authorityId !== null)) {
    throw validationError([{ path: 'body.authority_id', reason: input.role === 'authority' ? 'required for role authority: the registered authority this key acts for' : 'only for role authority' }]);
  }
  return inTransaction(db, async (tx) => {
    if (authorityId !== null) {
      const authority = await findAuthority(tx, serviceId, authorityId);
      if (!authority) throw validationError([{ path: 'body.authority_id', reason: 'no such authority in this service' }]);
      if (authority.disabled) throw validationError([{ path: 'body.authority_id', reason: 'this authority is disabled' }]);
    }
    const row = await q.insertApiKey(tx, {
      id: key.id,
      serviceId,
      name: input.name,
      role: input.role,
      secretHash: sha256(key.secret),
      prefix: key.prefix,
      createdBy: actor.type === 'user' ? actor.id : null,
      expiresAt: input.expires_at ?? null,
      authorityId,
    });
    await recordAudit(tx, { serviceId, actor, action: 'apikey.created', subjectType: 'apikey', subjectId: row.id, data: { name: input.name, role: input.role, authority_id: authorityId ?? undefined }, requestId });
    return { ...presentKey(row), key: key.token };
  });
}

export function presentKey(k: q.ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    authority_id: k.authority_id,
    prefix: k.prefix,
    created_at: k.created_at.toISOString(),
    expires_at: k.expires_at?.toISOString() ?? null,
    revoked_at: k.revoked_at?.toISOString() ?? null,
    last_used_at: k.last_used_at?.toISOString() ?? null,
  };
}

export async function revokeApiKey(db: Db, serviceId: string, keyId: string, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    if (!(await q.revokeApiKey(tx, serviceId, keyId))) throw new AppError('NOT_FOUND', 'API key not found (or already revoked)');
    await recordAudit(tx, { serviceId, actor, action: 'apikey.revoked', subjectType: 'apikey', subjectId: keyId, data: {}, requestId });
  });
}

export async function createTeam(db: Db, serviceId: string, slug: string, name: string, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    const team = await q.insertTeam(tx, serviceId, slug, name);
    if (!team) throw new AppError('CONFLICT', `A team "${slug}" already exists`);
    await recordAudit(tx, { serviceId, actor, action: 'team.created', subjectType: 'team', subjectId: team.id, data: { slug, name }, requestId });
    return team;
  });
}

export async function changeTeamMembership(
  db: Db,
  serviceId: string,
  teamId: string,
  userId: string,
  add: boolean,
  actor: AuditActor,
  requestId: string,
) {
  return inTransaction(db, async (tx) => {
    if (!(await q.teamInService(tx, serviceId, teamId))) throw new AppError('NOT_FOUND', 'Team not found');
    if (add) {
      if (!(await q.membershipRole(tx, serviceId, userId))) {
        throw new AppError('VALIDATION_FAILED', 'Not a member', [{ path: 'params.userId', reason: 'not a member of this service' }]);
      }
      await q.addTeamMember(tx, teamId, userId);
    } else if (!(await q.removeTeamMember(tx, teamId, userId))) {
      throw new AppError('NOT_FOUND', 'Not in this team');
    }
    await recordAudit(tx, { serviceId, actor, action: add ? 'team.member_added' : 'team.member_removed', subjectType: 'team', subjectId: teamId, data: { user_id: userId }, requestId });
  });
}
