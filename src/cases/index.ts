export { caseRoutes } from './routes.ts';
export { seedTriageDefaults } from './policy.ts';
export { attachCte, type AttachInput, type AuditContext } from './intake.ts';
export { caseVisibleTo, closeCase, holdCaseForApproval, lockCaseForDecision, openAccountCase, openCaseFromSignal, returnCaseToQueue, type CaseForDecision } from './decide.ts';
