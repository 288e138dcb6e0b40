import type { Principal } from '../http/context.ts';
import type { AuditActor } from './record.ts';

/** The audit actor for a request's principal (never an email or IP: ids only). */
export function actorOf(principal: Principal): AuditActor {
  switch (principal.kind) {
    case 'user':
      return { type: 'user', id: principal.userId };
    case 'apikey':
      return { type: 'apikey', id: principal.keyId };
    default:
      return { type: 'public', id: null };
  }
}
