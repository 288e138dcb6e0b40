import { sql, type Db } from '../db/index.ts';

/** What an email to a notifier about a decision about them says (notifications domain, at send time). */
export interface NotifierActionMessageData {
  actionId: string;
  kind: 'warning' | 'suspension';
  reason: string;
  decidedAt: Date;
  /** Suspensions: the period. */
  startsAt: Date | null;
  endsAt: Date | null;
  /** What the decision weighed: manifestly unfounded notices and all notices in the window of days. */
  unfoundedCount: number | null;
  noticesCount: number | null;
  windowDays: number | null;
  /** A lift of this suspension, when one was decided before the message went out. */
  liftedAt: Date | null;
}

/** The templates of the messages to notifiers, by action kind. */
export const NOTIFIER_TEMPLATES = { warning: 'notifier_warning', suspension: 'notifier_suspension' } as const;

/**
 * Queues the email telling a person who notified through the public form about a warning or a suspension, in
 * the caller's transaction: to the address of their latest notice that left one (read from notice_notifiers at
 * send time), in that notice's language. Organisations sending with API keys have no contact address in
 * Vigie: nothing is queued for them (the action is recorded only). Returns whether a message was queued.
 * Writes the notifications domain's outbox table, as intake and decisions do.
 */
export async function queueNotifierMessage(
  tx: Db,
  m: { serviceId: string; notifierId: string; notifierKind: 'api_key' | 'email'; actionId: string; kind: 'warning' | 'suspension' },
): Promise<boolean> {
  if (m.notifierKind !== 'email') return false;
  const r = await sql`
    insert into outbox (service_id, kind, notice_id, notifier_action_id, template, locale)
    select ${m.serviceId}, 'email', x.id, ${m.actionId}, ${NOTIFIER_TEMPLATES[m.kind]}, case when x.language = 'fr' then 'fr' else 'en' end
    from notices x join notice_notifiers w on w.notice_id = x.id and w.email is not null
    where x.notifier_id = ${m.notifierId} and x.service_id = ${m.serviceId}
    order by x.created_at desc, x.id desc limit 1
    on conflict do nothing`.execute(tx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** A warning or suspension for its email (read at send time: a lift decided meanwhile is said). */
export async function notifierActionForMessage(db: Db, actionId: string): Promise<NotifierActionMessageData | undefined> {
  const r = await sql<{
    id: string;
    kind: string;
    reason: string;
    created_at: Date;
    starts_at: Date | null;
    ends_at: Date | null;
    unfounded_count: number | null;
    notices_count: number | null;
    window_days: number | null;
    lifted_at: Date | null;
  }>`
    select a.id, a.kind, a.reason, a.created_at, a.starts_at, a.ends_at, a.unfounded_count, a.notices_count, a.window_days,
           (select l.created_at from notifier_actions l where l.lifts_action_id = a.id limit 1) as lifted_at
    from notifier_actions a where a.id = ${actionId}`.execute(db);
  const row = r.rows[0];
  if (!row || (row.kind !== 'warning' && row.kind !== 'suspension')) return undefined;
  return {
    actionId: row.id,
    kind: row.kind,
    reason: row.reason,
    decidedAt: row.created_at,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    unfoundedCount: row.unfounded_count,
    noticesCount: row.notices_count,
    windowDays: row.window_days,
    liftedAt: row.lifted_at,
  };
}
