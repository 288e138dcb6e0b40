export { caseRoutes } from './routes.ts';
export { seedTriageDefaults } from './policy.ts';
export { attachCte, type AttachInput, type AuditContext } from './intake.ts';
export { caseVisibleTo, closeCase, holdCaseForApproval, lockCaseForDecision, openAccountCase, openCaseFromSignal, returnCaseToQueue, type CaseForDecision } from './decide.ts';
export { closeOrderCase, findOrderCase, openOrderCase, ORDERS_QUEUE } from './order-case.ts';
