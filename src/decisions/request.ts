import { actorOf } from '../audit/index.ts';
import type { Principal, ServiceAccess } from '../http/context.ts';
import type { DecisionRequest } from './take.ts';

/** The decision request of an authenticated route: who acts, for the audit log, and the link key. */
export function decisionRequest(ctx: { access: ServiceAccess; principal: Principal; requestId: string; app: { linkKey: Buffer } }): DecisionRequest {
  return { access: ctx.access, actor: actorOf(ctx.principal), requestId: ctx.requestId, linkKey: ctx.app.linkKey };
}
