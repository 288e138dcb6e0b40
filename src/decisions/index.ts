export { decisionRoutes } from './routes.ts';
export { decisionForMessage, type DecisionMessageData } from './messages.ts';
export { tdbRoutes } from './tdb-routes.ts';
export { tdbPeriodicTasks, submitDueStatements } from './tdb-submit.ts';
export { appealRoutes } from './appeals-routes.ts';
export { appealForMessage, type AppealMessageData } from './appeals-sql.ts';
