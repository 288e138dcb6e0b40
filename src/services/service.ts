import { recordAudit, type AuditActor } from '../audit/index.ts';
import { seedTriageDefaults } from '../cases/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { AppError } from '../http/errors.ts';
import { insertService, type ServiceRow } from './sql.ts';

/** Creates a service (tenant) with its default teams, queues and triage policy, in one transaction. */
export async function createService(db: Db, input: { slug: string; name: string }, actor: AuditActor, requestId: string | null): Promise<ServiceRow> {
  return inTransaction(db, async (tx) => {
    const service = await insertService(tx, input.slug, input.name);
    if (!service) throw new AppError('CONFLICT', `A service "${input.slug}" already exists`);
    await seedTriageDefaults(tx, service.id);
    await recordAudit(tx, { serviceId: service.id, actor, action: 'service.created', subjectType: 'service', subjectId: service.id, data: { slug: input.slug, name: input.name }, requestId });
    return service;
  });
}
