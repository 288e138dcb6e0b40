export { webhookRoutes } from './routes.ts';
export { queueDecisionEvent, type DecisionEvent, type DecisionFacts } from './service.ts';
export { configureWebhookNetwork, deliverDue, WEBHOOK_TIMEOUT_MS } from './deliver.ts';
export { EVENT_TYPES, type EventType } from './schemas.ts';
export { netGuardOf, type NetGuard } from './net-guard.ts';
