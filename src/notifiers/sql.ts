import { sql, type Db } from '../db/index.ts';

export interface NotifierRow {
  id: string;
  service_id: string;
  kind: 'api_key' | 'email';
  display_name: string | null;
  trusted_flagger: boolean;
  expertise: string[];
  trust_configured: boolean;
  legacy_trusted: boolean;
  designation_coordinator: string | null;
  designation_member_state: string | null;
  designated_at: string | null;
  designation_reference: string | null;
  /** Effective status: a suspension whose end passed reads as active. */
  status: 'active' | 'warned' | 'suspended';
  suspended_until: Date | null;
  created_at: Date;
  updated_at: Date;
  /** created_at as PostgreSQL text (microseconds), for keyset cursors. */
  created_key: string;
  api_key_ids: string[];
  notices_total: number;
  /** Name and email of the latest notice's notifier (email notifiers, only when asked for). */
  identity_name?: string | null;
  identity_email?: string | null;
}

const EFFECTIVE = sql`case when n.status = 'suspended' and n.suspended_until <= now() then 'active' else n.status end`;
/** Not configured by an admin yet, and sends with a trusted_flagger-role key: trusted as before notifiers existed (read-only over api_keys). */
const LEGACY_TRUSTED = sql`(not n.trust_configured and exists (
  select 1 from notifier_keys k join api_keys a on a.id = k.api_key_id where k.notifier_id = n.id and a.role = 'trusted_flagger'))`;

/**
 * A notifier with its keys and notice count. The identity columns read the protected notice_notifiers
 * table (notices domain, read-only) and only when the caller may see identities.
 */
function selectNotifiers(withIdentity: boolean) {
  return sql`
    select n.id, n.service_id, n.kind, n.display_name, n.trusted_flagger, n.expertise, n.trust_configured, ${LEGACY_TRUSTED} as legacy_trusted,
           n.designation_coordinator,
           n.designation_member_state, to_char(n.designated_at, 'YYYY-MM-DD') as designated_at, n.designation_reference,
           ${EFFECTIVE} as status, case when ${EFFECTIVE} = 'suspended' then n.suspended_until end as suspended_until,
           n.created_at, n.updated_at, n.created_at::text as created_key,
           array(select k.api_key_id::text from notifier_keys k where k.notifier_id = n.id order by k.bound_at, k.api_key_id) as api_key_ids,
           (select count(*)::int from notices x where x.notifier_id = n.id) as notices_total
           ${withIdentity ? sql`, who.name as identity_name, who.email as identity_email` : sql``}
    from notifiers n
    ${withIdentity ? sql`left join lateral (
        select w.name, w.email from notices x join notice_notifiers w on w.notice_id = x.id
        where x.notifier_id = n.id and n.kind = 'email' order by x.created_at desc limit 1) who on true` : sql``}`;
}

export async function findNotifier(db: Db, serviceId: string, id: string, withIdentity = false): Promise<NotifierRow | undefined> {
  const r = await sql<NotifierRow>`${selectNotifiers(withIdentity)} where n.id = ${id} and n.service_id = ${serviceId}`.execute(db);
  return r.rows[0];
}

export interface ListFilter {
  trusted?: boolean | undefined;
  suspended?: boolean | undefined;
  kind?: 'api_key' | 'email' | undefined;
  before?: readonly [string, string] | undefined;
  limit: number;
}

export async function listNotifiers(db: Db, serviceId: string, f: ListFilter, withIdentity: boolean): Promise<NotifierRow[]> {
  const r = await sql<NotifierRow>`${selectNotifiers(withIdentity)}
    where n.service_id = ${serviceId}
      ${f.trusted === undefined ? sql`` : sql`and n.trusted_flagger = ${f.trusted}`}
      ${f.suspended === undefined ? sql`` : sql`and (n.status = 'suspended' and n.suspended_until > now()) = ${f.suspended}`}
      ${f.kind === undefined ? sql`` : sql`and n.kind = ${f.kind}`}
      ${f.before ? sql`and (n.created_at, n.id) < (${f.before[0]}::timestamptz, ${f.before[1]}::uuid)` : sql``}
    order by n.created_at desc, n.id desc limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

/** The notifier row locked for a change (stored status, not the effective one). */
export async function lockNotifier(tx: Db, serviceId: string, id: string) {
  const r = await sql<{ id: string; kind: 'api_key' | 'email'; trusted_flagger: boolean; expertise: string[]; trust_configured: boolean; legacy_trusted: boolean; status: string; suspended_until: Date | null; effective: 'active' | 'warned' | 'suspended' }>`
    select n.id, n.kind, n.trusted_flagger, n.expertise, n.trust_configured, ${LEGACY_TRUSTED} as legacy_trusted, n.status, n.suspended_until, ${EFFECTIVE} as effective
    from notifiers n where n.id = ${id} and n.service_id = ${serviceId} for update`.execute(tx);
  return r.rows[0];
}

export interface PeriodStats {
  notices: number;
  decided: number;
  with_action: number;
  manifestly_unfounded: number;
  median_seconds_to_decision: number | null;
}

/**
 * Statistics of a notifier's notices received in [from, to) (read model over the notices, cases and decisions
 * tables, read-only). Decided: a decision was taken on one of its items; with action: one of its items is
 * restricted by the decision now in force; time to decision: from receipt to the first decision on its items.
 */
export async function periodStats(db: Db, notifierId: string, from: Date, to: Date): Promise<PeriodStats> {
  const r = await sql<PeriodStats>`
    with mine as (
      select n.id, n.created_at from notices n where n.notifier_id = ${notifierId} and n.created_at >= ${from} and n.created_at < ${to}
    ), per as (
      select m.id, m.created_at,
             (select min(d.created_at) from notice_locations l join decisions d on d.case_id = l.case_id where l.notice_id = m.id) as first_decided_at,
             exists (select 1 from notice_locations l join decisions d on d.case_id = l.case_id
                     where l.notice_id = m.id and d.outcome = 'restriction'
                       and not exists (select 1 from decisions s where s.supersedes_id = d.id)) as restricted,
             exists (select 1 from notice_assessments a where a.notice_id = m.id and a.manifestly_unfounded) as unfounded
      from mine m
    )
    select count(*)::int as notices, count(first_decided_at)::int as decided, (count(*) filter (where restricted))::int as with_action,
           (count(*) filter (where unfounded))::int as manifestly_unfounded,
           percentile_cont(0.5) within group (order by extract(epoch from first_decided_at - created_at)) as median_seconds_to_decision
    from per`.execute(db);
  const row = r.rows[0] as PeriodStats;
  return { ...row, median_seconds_to_decision: row.median_seconds_to_decision === null ? null : Number(row.median_seconds_to_decision) };
}

/** Manifestly unfounded notices among a notifier's notices received in the last `windowDays` days, and all its notices then. */
export async function unfoundedInWindow(db: Db, notifierId: string, windowDays: number) {
  const r = await sql<{ notices: number; unfounded_ids: string[] }>`
    select count(*)::int as notices,
           coalesce(array_agg(n.id::text order by n.created_at) filter (where a.notice_id is not null), '{}') as unfounded_ids
    from notices n left join notice_assessments a on a.notice_id = n.id and a.manifestly_unfounded
    where n.notifier_id = ${notifierId} and n.created_at > now() - make_interval(days => ${windowDays})`.execute(db);
  const row = r.rows[0] ?? { notices: 0, unfounded_ids: [] };
  return { notices: row.notices, unfoundedIds: row.unfounded_ids };
}

export interface ActionRow {
  id: string;
  kind: string;
  reason: string;
  decided_by: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  lifts_action_id: string | null;
  unfounded_count: number | null;
  notices_count: number | null;
  window_days: number | null;
  details: Record<string, unknown>;
  created_at: Date;
  created_key: string;
}

export async function insertAction(
  tx: Db,
  a: {
    serviceId: string;
    notifierId: string;
    kind: 'warning' | 'suspension' | 'lifted' | 'trusted_granted' | 'trusted_revoked';
    reason: string;
    decidedBy: string | null;
    startsAt?: Date | null;
    endsAt?: Date | null;
    liftsActionId?: string | null;
    unfoundedCount?: number | null;
    noticesCount?: number | null;
    windowDays?: number | null;
    details?: Record<string, unknown>;
  },
): Promise<ActionRow> {
  const r = await sql<ActionRow>`
    insert into notifier_actions (service_id, notifier_id, kind, reason, decided_by, starts_at, ends_at, lifts_action_id,
                                  unfounded_count, notices_count, window_days, details)
    values (${a.serviceId}, ${a.notifierId}, ${a.kind}, ${a.reason}, ${a.decidedBy}, ${a.startsAt ?? null}, ${a.endsAt ?? null},
            ${a.liftsActionId ?? null}, ${a.unfoundedCount ?? null}, ${a.noticesCount ?? null}, ${a.windowDays ?? null},
            ${JSON.stringify(a.details ?? {})}::jsonb)
    returning *, created_at::text as created_key`.execute(tx);
  return r.rows[0] as ActionRow;
}

export async function listActions(db: Db, notifierId: string, f: { after?: readonly [string, string] | undefined; limit: number }): Promise<ActionRow[]> {
  const r = await sql<ActionRow>`
    select *, created_at::text as created_key from notifier_actions where notifier_id = ${notifierId}
      ${f.after ? sql`and (created_at, id) > (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by created_at, id limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

export async function findAction(db: Db, notifierId: string, id: string): Promise<ActionRow | undefined> {
  const r = await sql<ActionRow>`select *, created_at::text as created_key from notifier_actions where id = ${id} and notifier_id = ${notifierId}`.execute(db);
  return r.rows[0];
}

export async function liftOf(db: Db, suspensionId: string): Promise<string | undefined> {
  const r = await sql<{ id: string }>`select id from notifier_actions where lifts_action_id = ${suspensionId}`.execute(db);
  return r.rows[0]?.id;
}

export async function getPolicy(db: Db, serviceId: string): Promise<{ unfounded_threshold: number; window_days: number } | undefined> {
  const r = await sql<{ unfounded_threshold: number; window_days: number }>`
    select unfounded_threshold, window_days from notifier_policies where service_id = ${serviceId}`.execute(db);
  return r.rows[0];
}

/**
 * API keys of the service that may send notices (read-only over the accounts domain's table): a notifier
 * binds only those, unrevoked.
 */
export async function notifyingKeys(db: Db, serviceId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await sql<{ id: string }>`
    select id::text as id from api_keys
    where service_id = ${serviceId} and id = any(${[...ids]}::uuid[]) and revoked_at is null and role in ('platform', 'trusted_flagger')`.execute(db);
  return new Set(r.rows.map((x) => x.id));
}

/**
 * A notice for its assessment, with what its items' decisions say (read-only over notices, cases and
 * decisions): how many items, how many still undecided, how many restricted by the decision now in force.
 */
export async function noticeForAssessment(db: Db, serviceId: string, noticeId: string) {
  const r = await sql<{ id: string; notifier_id: string | null; items: number; undecided: number; restricted: number }>`
    select n.id, n.notifier_id,
           (select count(*)::int from notice_locations l where l.notice_id = n.id) as items,
           (select count(*)::int from notice_locations l
             where l.notice_id = n.id and not exists (select 1 from decisions d where d.case_id = l.case_id)) as undecided,
           (select count(*)::int from notice_locations l
             where l.notice_id = n.id and exists (
               select 1 from decisions d where d.case_id = l.case_id and d.outcome = 'restriction'
                 and not exists (select 1 from decisions s where s.supersedes_id = d.id))) as restricted
    from notices n where n.id = ${noticeId} and n.service_id = ${serviceId}`.execute(db);
  return r.rows[0];
}

/** Binds an API key to a notifier (moving it from another); returns the notifier it was bound to before, if any. */
export async function bindKey(tx: Db, serviceId: string, notifierId: string, keyId: string): Promise<string | null> {
  const r = await sql<{ previous: string | null }>`
    with prev as (select notifier_id from notifier_keys where api_key_id = ${keyId})
    insert into notifier_keys (api_key_id, notifier_id, service_id) values (${keyId}, ${notifierId}, ${serviceId})
    on conflict (api_key_id) do update set notifier_id = excluded.notifier_id, bound_at = now()
    returning (select notifier_id::text from prev) as previous`.execute(tx);
  return r.rows[0]?.previous ?? null;
}

/** A new organisation notifier (identified by its keys: identity `org:<id>`); returns its id. */
export async function insertOrganisation(tx: Db, serviceId: string, displayName: string): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into notifiers (id, service_id, kind, identity, display_name)
    select x.id, ${serviceId}, 'api_key', 'org:' || x.id::text, ${displayName} from (select gen_random_uuid() as id) x
    returning id`.execute(tx);
  return (r.rows[0] as { id: string }).id;
}

export async function upsertPolicy(tx: Db, serviceId: string, p: { unfounded_threshold: number; window_days: number }, updatedBy: string | null): Promise<void> {
  await sql`
    insert into notifier_policies (service_id, unfounded_threshold, window_days, updated_by)
    values (${serviceId}, ${p.unfounded_threshold}, ${p.window_days}, ${updatedBy})
    on conflict (service_id) do update set unfounded_threshold = excluded.unfounded_threshold, window_days = excluded.window_days,
      updated_by = excluded.updated_by, updated_at = now()`.execute(tx);
}

/**
 * Trusted-flagger status and expertise, and optionally the display name and the designation (undefined: unchanged;
 * designation null: cleared). `trustConfigured` once set stays set.
 */
export async function updateTrust(
  tx: Db,
  id: string,
  t: {
    displayName: string | null | undefined;
    trusted: boolean;
    expertise: readonly string[];
    trustConfigured: boolean;
    designation: { coordinator: string; member_state: string; designated_at: string; reference?: string | null | undefined } | null | undefined;
  },
): Promise<void> {
  const d = t.designation;
  await sql`
    update notifiers set
      display_name = ${t.displayName === undefined ? sql`display_name` : sql`${t.displayName}`},
      trusted_flagger = ${t.trusted}, expertise = ${t.expertise}::text[],
      trust_configured = trust_configured or ${t.trustConfigured},
      ${d === undefined ? sql`` : sql`designation_coordinator = ${d?.coordinator ?? null}, designation_member_state = ${d?.member_state ?? null},
        designated_at = ${d?.designated_at ?? null}::date, designation_reference = ${d?.reference ?? null},`}
      updated_at = now()
    where id = ${id}`.execute(tx);
}

/** A notifier's standing: active, warned, or suspended until a time. */
export async function setStatus(tx: Db, id: string, status: 'active' | 'warned' | 'suspended', suspendedUntil: Date | null): Promise<void> {
  await sql`update notifiers set status = ${status}, suspended_until = ${suspendedUntil}, updated_at = now() where id = ${id}`.execute(tx);
}

/** Records (or corrects) the assessment of a notice; `created` says which. */
export async function upsertAssessment(
  tx: Db,
  a: { noticeId: string; serviceId: string; notifierId: string | null; manifestlyUnfounded: boolean; reason: string; assessedBy: string | null },
): Promise<{ created: boolean; created_at: Date; updated_at: Date }> {
  const r = await sql<{ created: boolean; created_at: Date; updated_at: Date }>`
    insert into notice_assessments (notice_id, service_id, notifier_id, manifestly_unfounded, reason, assessed_by)
    values (${a.noticeId}, ${a.serviceId}, ${a.notifierId}, ${a.manifestlyUnfounded}, ${a.reason}, ${a.assessedBy})
    on conflict (notice_id) do update set manifestly_unfounded = excluded.manifestly_unfounded, reason = excluded.reason,
      assessed_by = excluded.assessed_by, updated_at = now()
    returning (xmax = 0) as created, created_at, updated_at`.execute(tx);
  return r.rows[0] as { created: boolean; created_at: Date; updated_at: Date };
}
