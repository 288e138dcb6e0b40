export { notificationRoutes } from './routes.ts';
export { deliverPendingEmails, emailDeliveryTask, DEFAULT_MAX_ATTEMPTS, type DeliveryReport, type DeliveryLog } from './deliver.ts';
export { createMailer, type Mailer } from './mailer.ts';
