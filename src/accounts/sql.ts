import { sql, type Db } from '../db/index.ts';

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  instance_admin: boolean;
  locale: string;
  disabled: boolean;
  created_at: Date;
}

export interface ApiKeyRow {
  id: string;
  service_id: string;
  name: string;
  role: string;
  secret_hash: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  /** The authority a key with role `authority` acts for (orders domain). */
  authority_id: string | null;
}

export const findUserByEmail = async (db: Db, email: string) =>
  (await sql<UserRow>`select * from users where lower(email) = lower(${email})`.execute(db)).rows[0];

export const findUserById = async (db: Db, id: string) =>
  (await sql<UserRow>`select * from users where id = ${id}`.execute(db)).rows[0];

export const countUsers = async (db: Db) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from users`.execute(db)).rows[0]?.n ?? 0);

export async function insertUser(
  db: Db,
  u: { email: string; displayName: string; passwordHash: string; instanceAdmin: boolean; locale?: string },
): Promise<UserRow> {
  const r = await sql<UserRow>`
    insert into users (email, display_name, password_hash, instance_admin, locale)
    values (${u.email}, ${u.displayName}, ${u.passwordHash}, ${u.instanceAdmin}, ${u.locale ?? 'en'})
    returning *`.execute(db);
  return r.rows[0] as UserRow;
}

export async function upsertMembership(db: Db, serviceId: string, userId: string, role: string): Promise<void> {
  await sql`insert into memberships (service_id, user_id, role) values (${serviceId}, ${userId}, ${role})
            on conflict (service_id, user_id) do update set role = excluded.role`.execute(db);
}

export async function deleteMembership(db: Db, serviceId: string, userId: string): Promise<boolean> {
  const r = await sql`delete from memberships where service_id = ${serviceId} and user_id = ${userId}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export interface MemberRow {
  user_id: string;
  email: string;
  display_name: string;
  role: string;
  created_at: Date;
}

export async function listMembers(db: Db, serviceId: string): Promise<MemberRow[]> {
  const r = await sql<MemberRow>`
    select m.user_id, u.email, u.display_name, m.role, m.created_at
    from memberships m join users u on u.id = m.user_id
    where m.service_id = ${serviceId} order by lower(u.email)`.execute(db);
  return r.rows;
}

export async function membershipRole(db: Db, serviceId: string, userId: string): Promise<string | undefined> {
  const r = await sql<{ role: string }>`select role from memberships where service_id = ${serviceId} and user_id = ${userId}`.execute(db);
  return r.rows[0]?.role;
}

/** The user's role in a service and the ids of their teams there, in one query (every request needs both). */
export async function membershipWithTeams(db: Db, serviceId: string, userId: string): Promise<{ role: string | null; team_ids: string[] }> {
  const r = await sql<{ role: string | null; team_ids: string[] }>`
    select (select role from memberships where service_id = ${serviceId} and user_id = ${userId}) as role,
           coalesce((select array_agg(t.id::text) from team_members tm join teams t on t.id = tm.team_id
                     where tm.user_id = ${userId} and t.service_id = ${serviceId}), '{}') as team_ids`.execute(db);
  return r.rows[0] ?? { role: null, team_ids: [] };
}

export interface SessionUserRow extends UserRow {
  session_id: string;
  csrf_token: string;
}

export async function findSession(db: Db, tokenHash: string): Promise<SessionUserRow | undefined> {
  const r = await sql<SessionUserRow>`
    select u.*, s.id as session_id, s.csrf_token
    from sessions s join users u on u.id = s.user_id
    where s.token_hash = ${tokenHash} and s.revoked_at is null and s.expires_at > now() and not u.disabled`.execute(db);
  return r.rows[0];
}

export async function insertSession(db: Db, s: { tokenHash: string; csrfToken: string; userId: string; ttlHours: number }) {
  const r = await sql<{ id: string; expires_at: Date }>`
    insert into sessions (token_hash, csrf_token, user_id, expires_at)
    values (${s.tokenHash}, ${s.csrfToken}, ${s.userId}, now() + make_interval(secs => ${s.ttlHours * 3600}))
    returning id, expires_at`.execute(db);
  return r.rows[0] as { id: string; expires_at: Date };
}

export async function revokeSession(db: Db, sessionId: string): Promise<void> {
  await sql`update sessions set revoked_at = now() where id = ${sessionId}`.execute(db);
}

export async function findApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const r = await sql<ApiKeyRow>`
    select * from api_keys where id = ${id} and revoked_at is null and (expires_at is null or expires_at > now())`.execute(db);
  return r.rows[0];
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await sql`update api_keys set last_used_at = now() where id = ${id}`.execute(db);
}

export async function insertApiKey(
  db: Db,
  k: { id: string; serviceId: string; name: string; role: string; secretHash: string; prefix: string; createdBy: string | null; expiresAt: Date | null; authorityId: string | null },
): Promise<ApiKeyRow> {
  const r = await sql<ApiKeyRow>`
    insert into api_keys (id, service_id, name, role, secret_hash, prefix, created_by, expires_at, authority_id)
    values (${k.id}, ${k.serviceId}, ${k.name}, ${k.role}, ${k.secretHash}, ${k.prefix}, ${k.createdBy}, ${k.expiresAt}, ${k.authorityId})
    returning *`.execute(db);
  return r.rows[0] as ApiKeyRow;
}

export async function listApiKeys(db: Db, serviceId: string): Promise<ApiKeyRow[]> {
  const r = await sql<ApiKeyRow>`select * from api_keys where service_id = ${serviceId} order by created_at, id`.execute(db);
  return r.rows;
}

export async function revokeApiKey(db: Db, serviceId: string, id: string): Promise<boolean> {
  const r = await sql`update api_keys set revoked_at = now() where id = ${id} and service_id = ${serviceId} and revoked_at is null`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function insertSetupToken(db: Db, tokenHash: string, ttlHours: number): Promise<void> {
  await sql`insert into setup_tokens (token_hash, expires_at) values (${tokenHash}, now() + make_interval(secs => ${ttlHours * 3600}))`.execute(db);
}

/** Marks the setup token used; false if it is unknown, used or expired. */
export async function consumeSetupToken(db: Db, tokenHash: string): Promise<boolean> {
  const r = await sql`update setup_tokens set used_at = now()
                      where token_hash = ${tokenHash} and used_at is null and expires_at > now()`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export interface TeamRow {
  id: string;
  slug: string;
  name: string;
  member_ids: string[];
}

export async function listTeams(db: Db, serviceId: string): Promise<TeamRow[]> {
  const r = await sql<TeamRow>`
    select t.id, t.slug, t.name, coalesce(array_agg(tm.user_id::text order by tm.user_id) filter (where tm.user_id is not null), '{}') as member_ids
    from teams t left join team_members tm on tm.team_id = t.id
    where t.service_id = ${serviceId} group by t.id order by t.slug`.execute(db);
  return r.rows;
}

export async function insertTeam(db: Db, serviceId: string, slug: string, name: string): Promise<TeamRow | undefined> {
  const r = await sql<TeamRow>`
    insert into teams (service_id, slug, name) values (${serviceId}, ${slug}, ${name})
    on conflict (service_id, slug) do nothing
    returning id, slug, name, '{}'::text[] as member_ids`.execute(db);
  return r.rows[0];
}

export async function teamInService(db: Db, serviceId: string, teamId: string): Promise<boolean> {
  const r = await sql`select 1 from teams where id = ${teamId} and service_id = ${serviceId}`.execute(db);
  return r.rows.length > 0;
}

export async function addTeamMember(db: Db, teamId: string, userId: string): Promise<void> {
  await sql`insert into team_members (team_id, user_id) values (${teamId}, ${userId}) on conflict do nothing`.execute(db);
}

export async function removeTeamMember(db: Db, teamId: string, userId: string): Promise<boolean> {
  const r = await sql`delete from team_members where team_id = ${teamId} and user_id = ${userId}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}
