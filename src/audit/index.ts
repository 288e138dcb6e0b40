export { recordAudit, canonicalJson, auditInsertCte, auditRow, type AuditActor, type AuditEventInput } from './record.ts';
export { loadAuditKey, sealPending, verifyChains, type AuditKeyring, type VerifyReport } from './chain.ts';
export { auditRoutes } from './routes.ts';
export { actorOf } from './actor.ts';
