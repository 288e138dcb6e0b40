import { sql, type Db } from '../db/index.ts';

export interface ReferralRow {
  id: string;
  service_id: string;
  case_id: string;
  kind: string;
  recipient_id: string | null;
  recipient_name: string;
  recipient_url: string | null;
  member_state: string | null;
  information: Record<string, unknown>;
  format: string;
  created_by: string | null;
  created_at: Date;
  sent_at: Date;
  their_reference: string | null;
  acknowledged_at: Date | null;
  acknowledgement_recorded_at: Date | null;
  /** created_at as PostgreSQL text (keyset cursor). */
  created_key: string;
}

const COLUMNS = sql`r.*, r.created_at::text as created_key`;

export async function insertReferral(
  db: Db,
  r: { id: string; serviceId: string; caseId: string; kind: string; recipientId: string | null; recipientName: string; recipientUrl: string | null; memberState: string | null; information: unknown; format: string; createdBy: string | null; sentAt: Date },
): Promise<ReferralRow> {
  const res = await sql<ReferralRow>`
    insert into referrals as r (id, service_id, case_id, kind, recipient_id, recipient_name, recipient_url, member_state, information, format, created_by, sent_at)
    values (${r.id}, ${r.serviceId}, ${r.caseId}, ${r.kind}, ${r.recipientId}, ${r.recipientName}, ${r.recipientUrl}, ${r.memberState},
            ${JSON.stringify(r.information)}::jsonb, ${r.format}, ${r.createdBy}, ${r.sentAt})
    returning ${COLUMNS}`.execute(db);
  return res.rows[0] as ReferralRow;
}

export async function findReferral(db: Db, serviceId: string, id: string, lock = false): Promise<ReferralRow | undefined> {
  const r = await sql<ReferralRow>`select ${COLUMNS} from referrals r where r.id = ${id} and r.service_id = ${serviceId} ${lock ? sql`for update` : sql``}`.execute(db);
  return r.rows[0];
}

export async function listReferrals(
  db: Db,
  serviceId: string,
  f: { caseId?: string | undefined; kind?: string | undefined; after?: readonly [string, string] | undefined; limit: number },
): Promise<ReferralRow[]> {
  const r = await sql<ReferralRow>`
    select ${COLUMNS} from referrals r where r.service_id = ${serviceId}
      ${f.caseId ? sql`and r.case_id = ${f.caseId}` : sql``}
      ${f.kind ? sql`and r.kind = ${f.kind}` : sql``}
      ${f.after ? sql`and (r.created_at, r.id) < (${f.after[0]}::timestamptz, ${f.after[1]}::uuid)` : sql``}
    order by r.created_at desc, r.id desc limit ${f.limit + 1}`.execute(db);
  return r.rows;
}

export async function acknowledgeReferral(db: Db, id: string, theirReference: string | null, receivedAt: Date): Promise<void> {
  await sql`update referrals set their_reference = ${theirReference}, acknowledged_at = ${receivedAt}, acknowledgement_recorded_at = now()
            where id = ${id}`.execute(db);
}
