export { caseRoutes } from './routes.ts';
export { seedTriageDefaults } from './policy.ts';
export { attachNoticeToCase, type AttachResult } from './intake.ts';
