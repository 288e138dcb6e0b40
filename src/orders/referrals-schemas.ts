import { z } from 'zod';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { httpUrl } from '../http/validators.ts';
import { RECIPIENT_IDS } from './referral-directory.ts';
import { memberState } from './schemas.ts';

export const REFERRAL_KINDS = ['threat_to_life_or_safety', 'csam_hotline'] as const;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const datetime = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset' }).transform((v) => new Date(v));

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const ReferralBody = z
  .strictObject({
    case_id: z.uuid({ message: 'must be a case id (UUID)' }),
    kind: z.enum(REFERRAL_KINDS),
    /** A body of the built-in directory (GET …/referral-recipients) … */
    recipient_id: z.enum(RECIPIENT_IDS).optional(),
    /** … or one named by hand. */
    recipient: z.strictObject({ name: text(200), url: httpUrl(2000).optional(), member_state: memberState.optional() }).optional(),
    /** The member state concerned (where the offence is, or the suspect or victim is); null when unclear (DSA Art. 18(2)). */
    member_state: memberState.nullable(),
    /** What is suspected and why: the facts the recipient needs. */
    facts: text(10_000),
    /** When it happened or was seen, with the time zone of the place (IANA name, e.g. Europe/Paris). */
    occurred_at: datetime.optional(),
    timezone: z.string().max(64).refine(isTimeZone, 'an IANA time zone, e.g. Europe/Paris').default('UTC'),
    /** The accounts of the suspected offenders (platform references). Never the notifier. */
    suspect_accounts: z.array(text(200)).max(100).optional(),
    /** Default: the content of the case. */
    content_locations: z.array(z.strictObject({ url: httpUrl(2000).optional(), content_id: text(500).optional() })).min(1).max(1000).optional(),
    /** When it was sent to the recipient (default: now). */
    sent_at: datetime.optional(),
  })
  .superRefine(
    (b, ctx) => {
      if ((b.recipient_id === undefined) === (b.recipient === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['recipient_id'], message: 'name the recipient: recipient_id (directory) or recipient (by hand), one of them' });
      }
      (b.content_locations ?? []).forEach((l, i) => {
        if (typeof l === 'object' && l !== null && !l.url && !l.content_id) ctx.addIssue({ code: 'custom', path: ['content_locations', i], message: 'url and/or content_id' });
      });
    },
    { when: (p) => typeof p.value === 'object' && p.value !== null && !Array.isArray(p.value) },
  )
  .meta({
    example: {
      case_id: '3b9d7a52-6f0e-4c1a-9d2b-7e8f9a0b1c2d',
      kind: 'threat_to_life_or_safety',
      recipient_id: 'fr-pharos',
      member_state: 'FR',
      facts: 'A user announces, with a date and a place, an attack on a named school in Lyon.',
      occurred_at: '2026-11-20T22:14:00+01:00',
      timezone: 'Europe/Paris',
      suspect_accounts: ['user:88121'],
    },
  });
export type ReferralInput = z.output<typeof ReferralBody>;

export const AcknowledgementBody = z
  .strictObject({ their_reference: text(200).optional(), received_at: datetime })
  .meta({ example: { their_reference: 'PHAROS-2026-11-000481', received_at: '2026-11-20T23:02:00+01:00' } });

export const ReferralListQuery = z.strictObject({
  case_id: z.uuid().optional(),
  kind: z.enum(REFERRAL_KINDS).optional(),
  cursor: cursorParam(z.tuple([z.string(), z.uuid()])).optional(),
  limit: limitParam,
});
