export { decisionRoutes } from './routes.ts';
export { decisionForMessage, recipientDecisionBefore, type AppealTokenCheck, type DecisionMessageData } from './messages.ts';
export { tdbRoutes } from './tdb-routes.ts';
export { tdbPeriodicTasks, submitDueStatements } from './tdb-submit.ts';
export { appealRoutes } from './appeals-routes.ts';
export { publicDecisionRoutes } from './public-routes.ts';
export { appealForMessage, type AppealMessageData } from './appeals-sql.ts';
export { qualityRoutes } from './quality-routes.ts';
export { sampleForQualityReview, skipQualityReviewOfSuperseded } from './quality.ts';
export { governanceRoutes } from './governance-routes.ts';
// Orders from authorities give effect through a decision on the order's case, in their own transaction.
export { decide, type DecisionRequest } from './service.ts';
export { DecisionBody } from './schemas.ts';
