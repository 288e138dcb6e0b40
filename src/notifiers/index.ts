// Notifiers: trusted flaggers (DSA Art. 22), notifier accountability (Art. 23(2)).
export { notifierRoutes } from './routes.ts';
export { emailIdentity, notifierCte, suspendedFailure, suspendedUntil, type NotifierSource } from './intake.ts';
export { notifierActionForMessage, NOTIFIER_TEMPLATES, type NotifierActionMessageData } from './messages.ts';
