import crypto from 'node:crypto';
import { sql, type RawBuilder } from '../db/index.ts';

/**
 * The key of email notifier identities, derived from the link key (outside the database, like the appeal
 * tokens' key): someone who can read the database cannot test a guessed address against the HMACs.
 */
function emailIdentityKey(linkKey: Buffer): Buffer {
  return crypto.createHmac('sha256', linkKey).update('vigie/notifier-email-key/v1').digest();
}

/** Case and surrounding spaces do not make another person; dots and +tags may (we do not guess providers' rules). */
export function normaliseEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

/** The identity of a person notifying through the public form: `email:` + HMAC-SHA256 of the normalised address. */
export function emailIdentity(linkKey: Buffer, email: string): string {
  return `email:${crypto.createHmac('sha256', emailIdentityKey(linkKey)).update(normaliseEmail(email)).digest('hex')}`;
}

/** Who sent a notice, as intake knows it. */
export type NotifierSource =
  | { kind: 'api_key'; apiKeyId: string }
  | { kind: 'email'; identity: string }
  | { kind: 'anonymous' };

export interface NotifierIntakeInput {
  serviceId: string;
  source: NotifierSource;
  /** The notice's category: trusted only within the notifier's expertise. */
  category: string;
  /** A key with the trusted_flagger role whose notifier no admin has configured yet: trusted as before notifiers existed. */
  legacyTrusted: boolean;
}

export interface NotifierFragments {
  /** CTEs for the caller's WITH list, before anything that reads `<p>`. */
  ctes: RawBuilder<unknown>;
  /** A one-row CTE name with columns notifier_id uuid (null: anonymous), trusted boolean, blocked_until timestamptz (null: may notify). */
  name: RawBuilder<unknown>;
}

const COLUMNS = sql`id, trusted_flagger, expertise, trust_configured, status, suspended_until`;

/**
 * Finds the notice's notifier, or registers it on first sight, as CTEs of the intake statement (one round
 * trip). The usual case — a known notifier — only reads (no row lock, so one notifier's concurrent notices do
 * not queue behind each other); the insert runs only when none was found, and its ON CONFLICT returns the row
 * a concurrent first notice created. The notifiers domain owns this SQL; the notices domain composes it.
 */
export function notifierCte(p: string, n: NotifierIntakeInput): NotifierFragments {
  const found = sql.raw(`${p}_found`);
  const created = sql.raw(`${p}_new`);
  const all = sql.raw(`${p}_all`);
  const name = sql.raw(p);
  let lookup: RawBuilder<unknown>;
  if (n.source.kind === 'anonymous') {
    lookup = sql`${all} as (
      select null::uuid as id, false as trusted_flagger, '{}'::text[] as expertise, false as trust_configured, 'active'::text as status,
             null::timestamptz as suspended_until
      where false)`;
  } else {
    const identity = n.source.kind === 'api_key' ? `key:${n.source.apiKeyId}` : n.source.identity;
    const find =
      n.source.kind === 'api_key'
        ? sql`select n.id, n.trusted_flagger, n.expertise, n.trust_configured, n.status, n.suspended_until
              from notifier_keys k join notifiers n on n.id = k.notifier_id where k.api_key_id = ${n.source.apiKeyId}`
        : sql`select ${COLUMNS} from notifiers where service_id = ${n.serviceId} and identity = ${identity}`;
    const bindKey =
      n.source.kind === 'api_key'
        ? sql`, ${sql.raw(`${p}_key`)} as (
            insert into notifier_keys (api_key_id, notifier_id, service_id)
            select ${n.source.apiKeyId}, id, ${n.serviceId} from ${created}
            on conflict (api_key_id) do nothing)`
        : sql``;
    lookup = sql`${found} as (${find}), ${created} as (
        insert into notifiers (service_id, kind, identity)
        select ${n.serviceId}, ${n.source.kind}, ${identity} where not exists (select 1 from ${found})
        on conflict (service_id, identity) do update set updated_at = notifiers.updated_at
        returning ${COLUMNS}
      )${bindKey}, ${all} as (select * from ${found} union all select * from ${created})`;
  }
  const ctes = sql`${lookup}, ${name} as (
      select (select id from ${all} limit 1) as notifier_id,
             coalesce((select case when trust_configured then trusted_flagger and ${n.category}::text = any(expertise) else ${n.legacyTrusted} end
                       from ${all} limit 1), ${n.legacyTrusted}) as trusted,
             (select suspended_until from ${all} where status = 'suspended' and suspended_until > now() limit 1) as blocked_until
    )`;
  return { ctes, name };
}

/** The marker a suspended notifier's intake statement fails with (see {@link suspendedUntil}). */
export const SUSPENDED_MARKER = 'vigie:notifier_suspended:';

/** The SQL text expression that makes the intake statement fail when the notifier is suspended, else null. */
export function suspendedFailure(name: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`(select ${SUSPENDED_MARKER} || to_char(blocked_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') from ${name} where blocked_until is not null)`;
}

/** The end of the suspension an intake statement failed on, or undefined when it failed for another reason. */
export function suspendedUntil(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : '';
  const at = message.indexOf(SUSPENDED_MARKER);
  if (at < 0) return undefined;
  return message.slice(at + SUSPENDED_MARKER.length).match(/^[0-9T:-]+Z/)?.[0] ?? '';
}
