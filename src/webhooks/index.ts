export { webhookRoutes } from './routes.ts';
export { queueDecisionEvent, type DecisionEvent, type DecisionFacts } from './service.ts';
export { configureWebhookNetwork, deliverDue, sendSigned, WEBHOOK_TIMEOUT_MS, type SendOutcome } from './deliver.ts';
export { newEndpointSecret } from './signature.ts';
export { EVENT_TYPES, type EventType } from './schemas.ts';
export { netGuardOf, type NetGuard } from './net-guard.ts';
