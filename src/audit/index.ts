export { recordAudit, canonicalJson, type AuditActor, type AuditEventInput } from './record.ts';
export { loadAuditKey, sealPending, verifyChains, type VerifyReport } from './chain.ts';
export { auditRoutes } from './routes.ts';
export { actorOf } from './actor.ts';
