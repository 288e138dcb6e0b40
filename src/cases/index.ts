export { caseRoutes } from './routes.ts';
export { seedTriageDefaults } from './policy.ts';
export { attachCte, type AttachInput, type AuditContext } from './intake.ts';
export { closeCase, holdCaseForApproval, lockCaseForDecision, openAccountCase, returnCaseToQueue, type CaseForDecision } from './decide.ts';
