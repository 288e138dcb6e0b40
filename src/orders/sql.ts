import { sql, type Db } from '../db/index.ts';

export interface AuthorityValues {
  name: string;
  member_state: string;
  kind: string;
  order_types: string[];
  categories: string[] | null;
  contact_email: string;
  callback_url: string | null;
  disabled: boolean;
}

export interface AuthorityRow extends AuthorityValues {
  id: string;
  service_id: string;
  /** The callback signing secret (never presented, never audited; shown once by createAuthority / rotateCallbackSecret). */
  callback_secret: string | null;
  created_at: Date;
  updated_at: Date;
}

export async function findAuthority(db: Db, serviceId: string, id: string, lock = false): Promise<AuthorityRow | undefined> {
  const r = await sql<AuthorityRow>`select * from authorities where id = ${id} and service_id = ${serviceId} ${lock ? sql`for update` : sql``}`.execute(db);
  return r.rows[0];
}

export async function listAuthorities(db: Db, serviceId: string, onlyId: string | undefined): Promise<AuthorityRow[]> {
  const r = await sql<AuthorityRow>`
    select * from authorities where service_id = ${serviceId} ${onlyId ? sql`and id = ${onlyId}` : sql``}
    order by name, id limit 1000`.execute(db);
  return r.rows;
}

export async function insertAuthority(db: Db, serviceId: string, a: AuthorityValues, callbackSecret: string): Promise<AuthorityRow> {
  const r = await sql<AuthorityRow>`
    insert into authorities (service_id, name, member_state, kind, order_types, categories, contact_email, callback_url, disabled, callback_secret)
    values (${serviceId}, ${a.name}, ${a.member_state}, ${a.kind}, ${a.order_types}::text[], ${a.categories}::text[], ${a.contact_email},
            ${a.callback_url}, ${a.disabled}, ${callbackSecret})
    returning *`.execute(db);
  return r.rows[0] as AuthorityRow;
}

export async function setCallbackSecret(db: Db, id: string, secret: string): Promise<AuthorityRow> {
  const r = await sql<AuthorityRow>`update authorities set callback_secret = ${secret}, updated_at = now() where id = ${id} returning *`.execute(db);
  return r.rows[0] as AuthorityRow;
}

export async function updateAuthority(db: Db, id: string, a: AuthorityValues): Promise<AuthorityRow> {
  const r = await sql<AuthorityRow>`
    update authorities set name = ${a.name}, member_state = ${a.member_state}, kind = ${a.kind}, order_types = ${a.order_types}::text[],
      categories = ${a.categories}::text[], contact_email = ${a.contact_email}, callback_url = ${a.callback_url}, disabled = ${a.disabled},
      updated_at = now()
    where id = ${id} returning *`.execute(db);
  return r.rows[0] as AuthorityRow;
}

export async function establishmentCountry(db: Db, serviceId: string): Promise<string | null> {
  const r = await sql<{ establishment_country: string | null }>`select establishment_country from order_settings where service_id = ${serviceId}`.execute(db);
  return r.rows[0]?.establishment_country ?? null;
}

export async function setEstablishmentCountry(db: Db, serviceId: string, country: string | null): Promise<void> {
  await sql`insert into order_settings (service_id, establishment_country) values (${serviceId}, ${country})
            on conflict (service_id) do update set establishment_country = excluded.establishment_country, updated_at = now()`.execute(db);
}

export interface OrderRow {
  id: string;
  service_id: string;
  authority_id: string;
  authority_name: string;
  type: string;
  legal_basis: string;
  issuing_member_state: string;
  reference: string;
  category: string;
  keyword: string | null;
  statement_of_reasons: string | null;
  territorial_scope: string[] | null;
  item_count: number;
  cross_border: boolean;
  contested: boolean;
  status: 'received' | 'acknowledged' | 'effect_given' | 'impossible';
  channel: 'api' | 'registered';
  received_at: Date;
  deadline_at: Date | null;
  acknowledged_at: Date | null;
  effect_given_at: Date | null;
  effect_description: string | null;
  effect_decision_ids: string[] | null;
  impossible_at: Date | null;
  impossibility_reason: string | null;
  impossibility_explanation: string | null;
  contested_at: Date | null;
  contest_grounds: string | null;
  submitted_by_key: string | null;
  registered_by: string | null;
  created_at: Date;
  /** received_at as PostgreSQL text: full microsecond precision for keyset cursors. */
  received_key: string;
}

const ORDER_COLUMNS = sql`o.*, a.name as authority_name, o.received_at::text as received_key`;

export async function findOrder(db: Db, serviceId: string, id: string, lock = false): Promise<OrderRow | undefined> {
  const r = await sql<OrderRow>`
    select ${ORDER_COLUMNS} from orders o join authorities a on a.id = o.authority_id
    where o.id = ${id} and o.service_id = ${serviceId} ${lock ? sql`for update of o` : sql``}`.execute(db);
  return r.rows[0];
}

export async function findOrderByReference(db: Db, authorityId: string, reference: string): Promise<{ id: string } | undefined> {
  const r = await sql<{ id: string }>`select id from orders where authority_id = ${authorityId} and reference = ${reference}`.execute(db);
  return r.rows[0];
}

export interface NewOrder {
  id: string;
  serviceId: string;
  authorityId: string;
  type: string;
  legalBasis: string;
  issuingMemberState: string;
  reference: string;
  category: string;
  keyword: string | null;
  statementOfReasons: string | null;
  territorialScope: string[] | null;
  itemCount: number;
  crossBorder: boolean;
  status: 'received' | 'acknowledged';
  channel: 'api' | 'registered';
  receivedAt: Date;
  deadlineAt: Date;
  acknowledgedAt: Date | null;
  submittedByKey: string | null;
  registeredBy: string | null;
}

export async function insertOrder(db: Db, o: NewOrder): Promise<void> {
  await sql`
    insert into orders (id, service_id, authority_id, type, legal_basis, issuing_member_state, reference, category, keyword,
      statement_of_reasons, territorial_scope, item_count, cross_border, status, channel, received_at, deadline_at, acknowledged_at,
      submitted_by_key, registered_by)
    values (${o.id}, ${o.serviceId}, ${o.authorityId}, ${o.type}, ${o.legalBasis}, ${o.issuingMemberState}, ${o.reference}, ${o.category},
      ${o.keyword}, ${o.statementOfReasons}, ${o.territorialScope}::text[], ${o.itemCount}, ${o.crossBorder}, ${o.status}, ${o.channel},
      ${o.receivedAt}, ${o.deadlineAt}, ${o.acknowledgedAt}, ${o.submittedByKey}, ${o.registeredBy})`.execute(db);
}

export interface ItemValues {
  url?: string | undefined;
  content_id?: string | undefined;
  account_ref?: string | undefined;
  information_requested?: string | undefined;
}

/** All the items of an order in one statement (up to 1000), in their order. */
export async function insertItems(db: Db, orderId: string, items: ItemValues[]): Promise<void> {
  const col = (k: keyof ItemValues) => items.map((i) => i[k] ?? null);
  await sql`
    insert into order_items (order_id, position, url, content_id, account_ref, information_requested)
    select ${orderId}, (t.n - 1)::smallint, t.url, t.content_id, t.account_ref, t.info
    from unnest(${col('url')}::text[], ${col('content_id')}::text[], ${col('account_ref')}::text[], ${col('information_requested')}::text[])
      with ordinality as t(url, content_id, account_ref, info, n)`.execute(db);
}

export interface ItemRow {
  position: number;
  url: string | null;
  content_id: string | null;
  account_ref: string | null;
  information_requested: string | null;
}

export async function listItems(db: Db, orderId: string): Promise<ItemRow[]> {
  const r = await sql<ItemRow>`
    select position, url, content_id, account_ref, information_requested from order_items where order_id = ${orderId} order by position`.execute(db);
  return r.rows;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface MessageRow {
  id: string;
  kind: string;
  body: Record<string, unknown>;
  created_at: Date;
  delivered_at: Date | null;
  delivery_status: DeliveryStatus | null;
  delivery_attempts: number;
  delivery_last_error: string | null;
}

/**
 * The message, `pending` push delivery when its authority has a callback URL and a signing secret (else it is
 * read by polling only): one statement, so the decision to push sees the authority as this transaction does.
 */
export async function insertMessage(
  db: Db,
  serviceId: string,
  orderId: string,
  kind: string,
  body: Record<string, unknown>,
): Promise<{ id: string; delivery_status: DeliveryStatus | null }> {
  const r = await sql<{ id: string; delivery_status: DeliveryStatus | null }>`
    insert into order_messages (service_id, order_id, kind, body, delivery_status)
    select ${serviceId}, o.id, ${kind}, ${JSON.stringify(body)}::jsonb,
           case when a.callback_url is not null and a.callback_secret is not null then 'pending' end
    from orders o join authorities a on a.id = o.authority_id
    where o.id = ${orderId} and o.service_id = ${serviceId}
    returning id, delivery_status`.execute(db);
  const row = r.rows[0];
  if (!row) throw new Error(`no order ${orderId} to message`);
  return row;
}

export async function listMessages(db: Db, orderId: string): Promise<MessageRow[]> {
  const r = await sql<MessageRow>`
    select id, kind, body, created_at, delivered_at, delivery_status, delivery_attempts, delivery_last_error
    from order_messages where order_id = ${orderId} order by created_at, id`.execute(db);
  return r.rows;
}

/** A message to push, with where to (the authority's callback URL and secret as they are now), locked. */
export interface OutgoingMessage {
  id: string;
  service_id: string;
  order_id: string;
  reference: string;
  kind: string;
  body: Record<string, unknown>;
  created_at: Date;
  delivery_status: DeliveryStatus | null;
  authority_id: string;
  callback_url: string | null;
  callback_secret: string | null;
}

/** A message to push with its authority's callback; `lock` (in the transaction that settles it) locks the message row. */
export async function findOutgoingMessage(db: Db, id: string, lock = false): Promise<OutgoingMessage | undefined> {
  const r = await sql<OutgoingMessage>`
    select m.id, m.service_id, m.order_id, o.reference, m.kind, m.body, m.created_at, m.delivery_status,
           a.id as authority_id, a.callback_url, a.callback_secret
    from order_messages m join orders o on o.id = m.order_id join authorities a on a.id = o.authority_id
    where m.id = ${id}
    ${lock ? sql`for update of m` : sql``}`.execute(db);
  return r.rows[0];
}

/** Where a push delivery ended: delivered (delivered_at now), failed, or not pushed after all (status NULL). */
export async function settleDelivery(db: Db, id: string, s: { status: DeliveryStatus | null; attempts: number; lastError: string | null }): Promise<void> {
  await sql`
    update order_messages set delivery_status = ${s.status}, delivery_attempts = ${s.attempts}, delivery_last_error = ${s.lastError?.slice(0, 1000) ?? null},
      delivered_at = case when ${s.status}::text = 'delivered' then now() else delivered_at end
    where id = ${id}`.execute(db);
}

/**
 * Read model (read-only) of the jobs table: the error the previous attempt of this delivery job left (the jobs
 * table keeps it; a failed attempt's own writes roll back with its transaction).
 */
export async function previousJobError(db: Db, jobId: number): Promise<string | null> {
  const r = await sql<{ last_error: string | null }>`select last_error from jobs where id = ${jobId}`.execute(db);
  return r.rows[0]?.last_error ?? null;
}

export interface OrderListFilter {
  authorityId?: string | undefined;
  status?: string | undefined;
  type?: string | undefined;
  overdue?: boolean | undefined;
  after?: readonly [string, string] | undefined;
  limit: number;
}

/** Orders newest first, keyset-paged on (received_at, id). Overdue: not yet given effect (nor impossible) past the deadline. */
export async function listOrders(db: Db, serviceId: string, f: OrderListFilter): Promise<OrderRow[]> {
  const open = sql`o.status in ('received', 'acknowledged')`;
  const r = await sql<OrderRow>`
    select ${ORDER_COLUMNS} from orders o join authorities a on a.id = o.authority_id
    where o.service_id = ${serviceId}
      ${f.authorityId ? sql`and o.authority_id = ${f.authorityId}` : sql``}
      ${f.status ? sql`and o.status = ${f.status}` : sql``}
      ${f.type ? sql`and o.type = ${f.type}` : sql``}
      ${f.overdue === undefined ? sql`` : f.overdue ? sql`and ${open} and o.deadline_at < now()` : sql`and not (${open} and o.deadline_at < now())`}
      ${f.after ? sql`and (o.received_at, o.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by o.received_at desc, o.id desc
    limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

export async function acknowledge(db: Db, id: string): Promise<Date> {
  const r = await sql<{ acknowledged_at: Date }>`
    update orders set status = 'acknowledged', acknowledged_at = now(), updated_at = now() where id = ${id} returning acknowledged_at`.execute(db);
  return (r.rows[0] as { acknowledged_at: Date }).acknowledged_at;
}

export async function setEffect(db: Db, id: string, e: { at: Date; description: string; decisionIds: string[] }): Promise<void> {
  await sql`update orders set status = 'effect_given', effect_given_at = ${e.at}, effect_description = ${e.description},
              effect_decision_ids = ${e.decisionIds}::uuid[], updated_at = now() where id = ${id}`.execute(db);
}

export async function setImpossible(db: Db, id: string, reason: string, explanation: string): Promise<Date> {
  const r = await sql<{ impossible_at: Date }>`
    update orders set status = 'impossible', impossible_at = now(), impossibility_reason = ${reason}, impossibility_explanation = ${explanation},
      updated_at = now() where id = ${id} returning impossible_at`.execute(db);
  return (r.rows[0] as { impossible_at: Date }).impossible_at;
}

export async function setContested(db: Db, id: string, grounds: string): Promise<Date> {
  const r = await sql<{ contested_at: Date }>`
    update orders set contested = true, contested_at = now(), contest_grounds = ${grounds}, updated_at = now() where id = ${id} returning contested_at`.execute(db);
  return (r.rows[0] as { contested_at: Date }).contested_at;
}

export interface CaseDecisionRow {
  id: string;
  outcome: string;
  superseded_by: string | null;
  created_at: Date;
}

/**
 * Read model (read-only): the decisions taken on the order's case, to check the ones named as giving
 * it effect. The decisions domain owns the table; nothing here writes it.
 */
export async function decisionsOnCase(db: Db, serviceId: string, caseId: string): Promise<CaseDecisionRow[]> {
  const r = await sql<CaseDecisionRow>`
    select d.id, d.outcome, (select n.id from decisions n where n.supersedes_id = d.id) as superseded_by, d.created_at
    from decisions d where d.service_id = ${serviceId} and d.case_id = ${caseId} order by d.created_at, d.id`.execute(db);
  return r.rows;
}
