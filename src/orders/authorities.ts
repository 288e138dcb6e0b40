import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { notFound, validationError } from '../http/errors.ts';
import { newEndpointSecret, type NetGuard } from '../webhooks/index.ts';
import type { AuthorityInput, AuthorityPatchInput } from './schemas.ts';
import * as q from './sql.ts';

export function presentAuthority(a: q.AuthorityRow) {
  return {
    id: a.id,
    name: a.name,
    member_state: a.member_state,
    kind: a.kind,
    order_types: a.order_types,
    categories: a.categories,
    contact_email: a.contact_email,
    callback_url: a.callback_url,
    // Whether pushes can be signed (the secret itself is shown once: at creation and at rotation).
    callback_secret_set: a.callback_secret !== null,
    disabled: a.disabled,
    created_at: a.created_at.toISOString(),
    updated_at: a.updated_at.toISOString(),
  };
}

/** The callback URL follows the webhooks' outbound rule (no private networks, no credentials). */
function checkCallback(guard: NetGuard, url: string | null | undefined) {
  if (!url) return;
  const refused = guard.checkEndpointUrl(url);
  if (refused) throw validationError([{ path: 'body.callback_url', reason: refused }]);
}

/** An authority key sees its own authority only; staff see them all. */
export async function listAuthorities(db: Db, access: ServiceAccess) {
  return (await q.listAuthorities(db, access.serviceId, access.authorityId)).map(presentAuthority);
}

export async function getAuthority(db: Db, access: ServiceAccess, id: string) {
  const a = await q.findAuthority(db, access.serviceId, id);
  if (!a || (access.authorityId !== undefined && access.authorityId !== a.id)) throw notFound('Authority');
  return presentAuthority(a);
}

export async function createAuthority(db: Db, guard: NetGuard, serviceId: string, input: AuthorityInput, actor: AuditActor, requestId: string) {
  checkCallback(guard, input.callback_url);
  // The callback signing secret, made now whether or not a callback URL is set, and shown only in this answer.
  const secret = newEndpointSecret();
  return inTransaction(db, async (tx) => {
    const a = await q.insertAuthority(tx, serviceId, { ...input, categories: input.categories ?? null, callback_url: input.callback_url ?? null }, secret);
    await recordAudit(tx, { serviceId, actor, action: 'authority.created', subjectType: 'authority', subjectId: a.id, data: auditData(a), requestId });
    return { ...presentAuthority(a), callback_secret: secret };
  });
}

/**
 * A new callback signing secret, shown only in this answer; the old one stops at once (pushes still pending are
 * signed with the new one at their next attempt). Never audited itself: the event says it was rotated.
 */
export async function rotateCallbackSecret(db: Db, serviceId: string, id: string, actor: AuditActor, requestId: string) {
  const secret = newEndpointSecret();
  return inTransaction(db, async (tx) => {
    if (!(await q.findAuthority(tx, serviceId, id, true))) throw notFound('Authority');
    const a = await q.setCallbackSecret(tx, id, secret);
    await recordAudit(tx, { serviceId, actor, action: 'authority.callback_secret_rotated', subjectType: 'authority', subjectId: id, requestId });
    return { ...presentAuthority(a), callback_secret: secret };
  });
}

export async function updateAuthority(db: Db, guard: NetGuard, serviceId: string, id: string, patch: AuthorityPatchInput, actor: AuditActor, requestId: string) {
  checkCallback(guard, patch.callback_url);
  return inTransaction(db, async (tx) => {
    const before = await q.findAuthority(tx, serviceId, id, true);
    if (!before) throw notFound('Authority');
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const a = await q.updateAuthority(tx, id, { ...before, ...defined });
    const changed = Object.keys(defined).filter((k) => JSON.stringify(before[k as keyof q.AuthorityRow]) !== JSON.stringify(a[k as keyof q.AuthorityRow]));
    await recordAudit(tx, { serviceId, actor, action: 'authority.updated', subjectType: 'authority', subjectId: id, data: { changed, ...auditData(a) }, requestId });
    return presentAuthority(a);
  });
}

/** What the audit log keeps of an authority: its scope, not its contact details. */
const auditData = (a: q.AuthorityRow) => ({
  name: a.name,
  member_state: a.member_state,
  kind: a.kind,
  order_types: a.order_types,
  categories: a.categories,
  callback: a.callback_url !== null,
  disabled: a.disabled,
});

export async function getOrderSettings(db: Db, serviceId: string) {
  return { establishment_country: await q.establishmentCountry(db, serviceId) };
}

export async function setOrderSettings(db: Db, serviceId: string, country: string | null, actor: AuditActor, requestId: string) {
  return inTransaction(db, async (tx) => {
    await q.setEstablishmentCountry(tx, serviceId, country);
    await recordAudit(tx, { serviceId, actor, action: 'order_settings.updated', subjectType: 'service', subjectId: serviceId, data: { establishment_country: country }, requestId });
    return { establishment_country: country };
  });
}
