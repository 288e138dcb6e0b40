import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { keywordAllowed, type Category } from '../taxonomy/categories.ts';
import { listQueueRows } from './sql.ts';

export interface PolicyInput {
  category: string;
  subcategory: string;
  tier: number;
  deadline_minutes: number;
  queue: string;
}

export async function listPolicies(db: Db, serviceId: string): Promise<PolicyInput[]> {
  const r = await sql<PolicyInput>`
    select p.category, p.subcategory, p.tier, p.deadline_minutes, q.slug as queue
    from sla_policies p join queues q on q.id = p.queue_id
    where p.service_id = ${serviceId} order by p.category, p.subcategory`.execute(db);
  return r.rows;
}

/** Replaces the whole triage policy of a service at once (a partial policy would leave notices unrouted). */
export async function replacePolicies(db: Db, serviceId: string, policies: PolicyInput[], actor: AuditActor, requestId: string): Promise<PolicyInput[]> {
  const queues = new Map((await listQueueRows(db, serviceId)).map((q) => [q.slug, q]));
  const errors: Array<{ path: string; reason: string }> = [];
  const seen = new Set<string>();
  policies.forEach((p, i) => {
    const q = queues.get(p.queue);
    if (!q) errors.push({ path: `body.policies.${i}.queue`, reason: `no queue "${p.queue}"` });
    else if (q.kind !== 'standard') errors.push({ path: `body.policies.${i}.queue`, reason: 'notices go to standard queues, not senior ones' });
    if (p.category === '*' && p.subcategory !== '*') errors.push({ path: `body.policies.${i}.subcategory`, reason: 'the default row has subcategory "*"' });
    if (p.category !== '*' && p.subcategory !== '*' && !keywordAllowed(p.category as Category, p.subcategory)) {
      errors.push({ path: `body.policies.${i}.subcategory`, reason: `not a sub-category of ${p.category}` });
    }
    const key = `${p.category}/${p.subcategory}`;
    if (seen.has(key)) errors.push({ path: `body.policies.${i}`, reason: 'duplicate category/subcategory' });
    seen.add(key);
  });
  if (!seen.has('*/*')) errors.push({ path: 'body.policies', reason: 'a default row (category "*", subcategory "*") is required' });
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', `${errors.length} invalid field(s)`, errors);
  return inTransaction(db, async (tx) => {
    await sql`delete from sla_policies where service_id = ${serviceId}`.execute(tx);
    for (const p of policies) {
      await sql`insert into sla_policies (service_id, category, subcategory, tier, deadline_minutes, queue_id)
                values (${serviceId}, ${p.category}, ${p.subcategory}, ${p.tier}, ${p.deadline_minutes}, ${queues.get(p.queue)?.id ?? null})`.execute(tx);
    }
    await recordAudit(tx, { serviceId, actor, action: 'policy.replaced', subjectType: 'service', subjectId: serviceId, data: { policies }, requestId });
    return listPolicies(tx, serviceId);
  });
}

async function teamId(db: Db, serviceId: string, slug: string | null, path: string): Promise<string | null> {
  if (slug === null) return null;
  const r = await sql<{ id: string }>`select id from teams where service_id = ${serviceId} and slug = ${slug}`.execute(db);
  const id = r.rows[0]?.id;
  if (!id) throw new AppError('VALIDATION_FAILED', 'Unknown team', [{ path, reason: `no team "${slug}"` }]);
  return id;
}

async function queueId(db: Db, serviceId: string, slug: string | null, path: string): Promise<string | null> {
  if (slug === null) return null;
  const q = (await listQueueRows(db, serviceId)).find((x) => x.slug === slug);
  if (!q) throw new AppError('VALIDATION_FAILED', 'Unknown queue', [{ path, reason: `no queue "${slug}"` }]);
  return q.id;
}

export interface QueueInput {
  slug: string;
  name: string;
  kind: 'standard' | 'senior';
  team: string | null;
  escalation_queue: string | null;
}

export async function createQueue(db: Db, serviceId: string, input: QueueInput, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    const team = await teamId(tx, serviceId, input.team, 'body.team');
    const esc = await queueId(tx, serviceId, input.escalation_queue, 'body.escalation_queue');
    const r = await sql<{ id: string }>`
      insert into queues (service_id, slug, name, kind, team_id, escalation_queue_id)
      values (${serviceId}, ${input.slug}, ${input.name}, ${input.kind}, ${team}, ${esc})
      on conflict (service_id, slug) do nothing returning id`.execute(tx);
    const id = r.rows[0]?.id;
    if (!id) throw new AppError('CONFLICT', `A queue "${input.slug}" already exists`);
    await recordAudit(tx, { serviceId, actor, action: 'queue.created', subjectType: 'queue', subjectId: id, data: { ...input }, requestId });
    return { id, ...input };
  });
}

export async function updateQueue(
  db: Db,
  serviceId: string,
  slug: string,
  patch: { name?: string | undefined; team?: string | null | undefined; escalation_queue?: string | null | undefined },
  actor: AuditActor,
  requestId: string,
) {
  return inTransaction(db, async (tx) => {
    const queue = (await listQueueRows(tx, serviceId)).find((x) => x.slug === slug);
    if (!queue) throw new AppError('NOT_FOUND', `Queue "${slug}" not found`);
    const team = patch.team === undefined ? queue.team_id : await teamId(tx, serviceId, patch.team, 'body.team');
    const esc = patch.escalation_queue === undefined ? queue.escalation_queue_id : await queueId(tx, serviceId, patch.escalation_queue, 'body.escalation_queue');
    if (esc === queue.id) throw new AppError('VALIDATION_FAILED', 'Invalid escalation', [{ path: 'body.escalation_queue', reason: 'a queue cannot escalate to itself' }]);
    await sql`update queues set name = ${patch.name ?? queue.name}, team_id = ${team}, escalation_queue_id = ${esc} where id = ${queue.id}`.execute(tx);
    await recordAudit(tx, { serviceId, actor, action: 'queue.updated', subjectType: 'queue', subjectId: queue.id, data: { ...patch }, requestId });
    return { id: queue.id, slug, name: patch.name ?? queue.name, kind: queue.kind, team_id: team, escalation_queue_id: esc };
  });
}
