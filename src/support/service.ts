import { auditInsertCte, type AuditActor } from '../audit/index.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import { notFound } from '../http/errors.ts';
import { HARMS, type Harm, type ResourceInput } from './schemas.ts';
import * as q from './sql.ts';

/** The public form of a resource (no ordering or bookkeeping columns). */
export function presentPublic(r: q.HelpResourceRow) {
  return {
    id: r.id,
    country: r.country,
    harms: r.harms,
    kind: r.kind,
    name: r.name,
    description: r.description,
    url: r.url,
    phone: r.phone,
    hours: r.hours,
    source_url: r.source_url,
    verified_at: r.verified_at,
  };
}

export function presentAdmin(r: q.HelpResourceRow) {
  return { ...presentPublic(r), position: r.position, created_at: r.created_at.toISOString(), updated_at: r.updated_at.toISOString() };
}

export async function publicHelpResources(db: Db, f: { country?: string | undefined; harm?: Harm | undefined }) {
  const [items, countries] = await Promise.all([q.listPublic(db, f), q.listCountries(db)]);
  return { items: items.map(presentPublic), countries, harms: [...HARMS] };
}

/**
 * Audits an instance-level change. Audit events belong to a service's hash chain (audit_events.service_id
 * is not null) and there is no instance chain; the established pattern for a change that concerns every
 * service — making someone instance administrator, `grantAdminEverywhere` in accounts — records one event
 * in each service's chain. Help resources are instance-wide (every service's public pages show them), so
 * each change is recorded the same way, in every service, here in one statement. There is always at least
 * one service (`prepareDatabase` creates `default`).
 */
async function auditEverywhere(
  tx: Db,
  e: { actor: AuditActor; action: string; subjectId: string; data: Record<string, unknown>; requestId: string | null },
): Promise<void> {
  const rows = sql`select s.id, ${e.actor.type}::text, ${e.actor.id}::text, ${e.action}::text, 'help_resource'::text,
                          ${e.subjectId}::text, ${JSON.stringify(e.data)}::jsonb, ${e.requestId}::text
                   from services s`;
  await sql`with ${auditInsertCte('a', rows)} select 1`.execute(tx);
}

/** What an audit event keeps of a resource: the whole public document (public information, no personal data). */
const facts = (r: q.HelpResourceRow) => {
  const { id: _id, ...doc } = presentPublic(r);
  return { ...doc, position: r.position };
};

export async function createHelpResource(db: Db, input: ResourceInput, actor: AuditActor, requestId: string | null) {
  return inTransaction(db, async (tx) => {
    const row = await q.insertResource(tx, input);
    await auditEverywhere(tx, { actor, action: 'help_resource.created', subjectId: row.id, data: facts(row), requestId });
    return presentAdmin(row);
  });
}

export async function replaceHelpResource(db: Db, id: string, input: ResourceInput, actor: AuditActor, requestId: string | null) {
  return inTransaction(db, async (tx) => {
    const row = await q.replaceResource(tx, id, input);
    if (!row) throw notFound('Help resource');
    await auditEverywhere(tx, { actor, action: 'help_resource.updated', subjectId: row.id, data: facts(row), requestId });
    return presentAdmin(row);
  });
}

export async function deleteHelpResource(db: Db, id: string, actor: AuditActor, requestId: string | null): Promise<void> {
  await inTransaction(db, async (tx) => {
    const row = await q.deleteResource(tx, id);
    if (!row) throw notFound('Help resource');
    // The deleted document stays in the audit trail.
    await auditEverywhere(tx, { actor, action: 'help_resource.deleted', subjectId: row.id, data: facts(row), requestId });
  });
}

export async function listHelpResources(db: Db) {
  return (await q.listAll(db)).map(presentAdmin);
}
