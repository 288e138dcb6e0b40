import { sql, type Db } from '../db/index.ts';

export interface ServiceRow {
  id: string;
  slug: string;
  name: string;
  created_at: Date;
}

export const findServiceBySlug = async (db: Db, slug: string) =>
  (await sql<ServiceRow>`select * from services where slug = ${slug}`.execute(db)).rows[0];

export const findServiceById = async (db: Db, id: string) =>
  (await sql<ServiceRow>`select * from services where id = ${id}`.execute(db)).rows[0];

export async function insertService(db: Db, slug: string, name: string): Promise<ServiceRow | undefined> {
  const r = await sql<ServiceRow>`insert into services (slug, name) values (${slug}, ${name}) on conflict (slug) do nothing returning *`.execute(db);
  return r.rows[0];
}

export async function listServicesFor(db: Db, userId: string, all: boolean): Promise<Array<ServiceRow & { role: string | null }>> {
  const r = await sql<ServiceRow & { role: string | null }>`
    select s.*, m.role from services s left join memberships m on m.service_id = s.id and m.user_id = ${userId}
    where ${all} or m.user_id is not null order by s.slug`.execute(db);
  return r.rows;
}

export const countServices = async (db: Db) =>
  Number((await sql<{ n: number }>`select count(*)::int as n from services`.execute(db)).rows[0]?.n ?? 0);
