import crypto from 'node:crypto';
import path from 'node:path';
import type { Config } from '../config.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import { loadOrCreateKeyFile } from '../keys.ts';
import { eventHash, STORED_EVENT_COLUMNS, type StoredEvent } from './record.ts';
import { readWitness, writeWitness, type Witness } from './witness.ts';

const GENESIS = '0'.repeat(64);
/**
 * Events sealed per transaction. Small enough that on PGlite (one session shared with the requests) a
 * batch holds the database for a few milliseconds, not a latency spike; the sealer loops until done.
 */
const SEAL_BATCH = 200;

export interface AuditKeyring {
  key: Buffer;
  /** Where the last sealed head of each chain is copied, outside the database (see witness.ts). */
  witnessFile: string | null;
}

/**
 * The chain key lives outside the database (env AUDIT_KEY or DATA_DIR/audit.key), so someone who can
 * only write to the database cannot recompute the chain after editing a row.
 */
export function loadAuditKey(config: Pick<Config, 'auditKey' | 'dataDir'>): AuditKeyring {
  const witnessFile = path.join(config.dataDir, 'audit-heads.json');
  if (config.auditKey) return { key: Buffer.from(config.auditKey, 'utf8'), witnessFile };
  return { key: loadOrCreateKeyFile(config.dataDir, 'audit.key'), witnessFile };
}

export function chainHash(key: Buffer, prev: string, seq: number, eventId: number, evHash: string): string {
  return crypto.createHmac('sha256', key).update(`${prev}|${seq}|${eventId}|${evHash}`).digest('hex');
}

/**
 * Seals committed events into each service's chain, in batches. Writers never wait on this:
 * they only append to audit_events/audit_pending; only sealers of one service serialise on its head row.
 * Returns how many events were sealed.
 */
export async function sealPending(db: Db, keyring: AuditKeyring): Promise<number> {
  const services = await sql<{ service_id: string }>`select distinct service_id from audit_pending`.execute(db);
  let sealed = 0;
  for (const { service_id } of services.rows) {
    for (;;) {
      const { count, head } = await sealBatch(db, keyring.key, service_id);
      sealed += count;
      if (head && keyring.witnessFile) writeWitness(keyring.witnessFile, service_id, head);
      if (count < SEAL_BATCH) break;
      // Let queued requests use the database between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return sealed;
}

async function sealBatch(db: Db, key: Buffer, serviceId: string): Promise<{ count: number; head: Witness | null }> {
  return inTransaction(db, async (tx) => {
    await sql`insert into audit_heads (service_id, seq, head_hash) values (${serviceId}, 0, ${GENESIS}) on conflict do nothing`.execute(tx);
    const head = await sql<{ seq: number; head_hash: string }>`
      select seq, head_hash from audit_heads where service_id = ${serviceId} for update`.execute(tx);
    const taken = await sql<{ event_id: number }>`
      delete from audit_pending where event_id in (
        select event_id from audit_pending where service_id = ${serviceId}
        order by event_id limit ${SEAL_BATCH} for update skip locked)
      returning event_id`.execute(tx);
    if (taken.rows.length === 0) return { count: 0, head: null };
    const ids = taken.rows.map((r) => Number(r.event_id));
    const events = await sql<StoredEvent>`select ${STORED_EVENT_COLUMNS} from audit_events e where e.id = any(${ids}::bigint[]) order by e.id`.execute(tx);
    let seq = Number(head.rows[0]?.seq ?? 0);
    let prev = head.rows[0]?.head_hash ?? GENESIS;
    const rows: Array<{ seq: number; id: number; ev: string; hash: string }> = [];
    for (const e of events.rows) {
      seq += 1;
      const ev = eventHash(e);
      prev = chainHash(key, prev, seq, Number(e.id), ev);
      rows.push({ seq, id: Number(e.id), ev, hash: prev });
    }
    await sql`
      insert into audit_chain (service_id, seq, event_id, event_hash, chain_hash)
      select ${serviceId}::uuid, s, e, v, h
      from unnest(${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.ev)}::text[],
                  ${rows.map((r) => r.hash)}::text[]) as t(s, e, v, h)`.execute(tx);
    await sql`update audit_heads set seq = ${seq}, head_hash = ${prev}, updated_at = now() where service_id = ${serviceId}`.execute(tx);
    return { count: rows.length, head: { seq, hash: prev } };
  });
}

export interface ChainProblem {
  seq: number | null;
  eventId: number | null;
  problem: string;
}

export interface ServiceVerification {
  serviceId: string;
  slug: string;
  sealed: number;
  pending: number;
  headSeq: number;
  headHash: string;
  problems: ChainProblem[];
}

export interface VerifyReport {
  ok: boolean;
  /** False when no copy of the heads was found outside the database (truncation of a chain's end is then undetectable). */
  witnessed: boolean;
  services: ServiceVerification[];
}

const MAX_PROBLEMS = 100;

/**
 * Walks every chain from its first link: detects edited events (their hash changes), deleted events or
 * links (a gap), reordered or forged links (the HMAC breaks), events that bypassed the log's path, and —
 * against the copy of the heads kept outside the database — a chain whose end was cut off.
 */
export async function verifyChains(db: Db, keyring: AuditKeyring, onlyService?: string): Promise<VerifyReport> {
  const services = await sql<{ id: string; slug: string }>`
    select id, slug from services where ${onlyService ?? null}::text is null or slug = ${onlyService ?? null} order by slug`.execute(db);
  const witness = keyring.witnessFile ? readWitness(keyring.witnessFile) : null;
  const report: VerifyReport = { ok: true, witnessed: witness !== null, services: [] };
  for (const s of services.rows) {
    const v = await verifyService(db, keyring.key, s.id, s.slug, witness?.[s.id]);
    if (v.problems.length > 0) report.ok = false;
    report.services.push(v);
  }
  if (witness && !onlyService) {
    const known = new Set(services.rows.map((s) => s.id));
    for (const id of Object.keys(witness)) {
      if (!known.has(id)) {
        report.ok = false;
        report.services.push({ serviceId: id, slug: '(deleted)', sealed: 0, pending: 0, headSeq: 0, headHash: GENESIS, problems: [{ seq: null, eventId: null, problem: 'a service with a sealed audit chain was deleted' }] });
      }
    }
  }
  return report;
}

type ChainRow = StoredEvent & { seq: number; chain_event_id: number; stored_event_hash: string; chain_hash: string; e_id: number | null };

async function verifyService(db: Db, key: Buffer, serviceId: string, slug: string, witness: Witness | undefined): Promise<ServiceVerification> {
  const problems: ChainProblem[] = [];
  const add = (p: ChainProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(p);
  };
  let prev = GENESIS;
  let expectedSeq = 1;
  let sealed = 0;
  let afterSeq = 0;
  let witnessSeen = false;
  for (;;) {
    const page = await sql<ChainRow>`
      select c.seq, c.event_id as chain_event_id, c.event_hash as stored_event_hash, c.chain_hash, e.id as e_id, ${STORED_EVENT_COLUMNS}
      from audit_chain c left join audit_events e on e.id = c.event_id
      where c.service_id = ${serviceId} and c.seq > ${afterSeq}
      order by c.seq limit 2000`.execute(db);
    if (page.rows.length === 0) break;
    for (const row of page.rows) {
      const seq = Number(row.seq);
      const eventId = Number(row.chain_event_id);
      if (seq !== expectedSeq) add({ seq, eventId, problem: `links ${expectedSeq}–${seq - 1} are missing (deleted)` });
      if (row.e_id === null) {
        add({ seq, eventId, problem: 'the event of this link was deleted' });
      } else {
        if (row.service_id !== serviceId) add({ seq, eventId, problem: 'the event was moved to another service' });
        if (eventHash(row) !== row.stored_event_hash) add({ seq, eventId, problem: 'the event was edited (its content no longer matches its sealed hash)' });
      }
      if (chainHash(key, prev, seq, eventId, row.stored_event_hash) !== row.chain_hash) {
        add({ seq, eventId, problem: 'the chain link does not match (reordered, forged, or chained with another key)' });
      }
      if (witness && seq === witness.seq) {
        witnessSeen = true;
        if (row.chain_hash !== witness.hash) add({ seq, eventId, problem: 'this link differs from the copy of the head kept outside the database' });
      }
      prev = row.chain_hash;
      expectedSeq = seq + 1;
      afterSeq = seq;
      sealed++;
    }
  }
  if (witness && !witnessSeen) {
    add({ seq: witness.seq, eventId: null, problem: `the chain ends at seq ${afterSeq} but seq ${witness.seq} was sealed before: its end was cut off` });
  }
  const head = await sql<{ seq: number; head_hash: string }>`select seq, head_hash from audit_heads where service_id = ${serviceId}`.execute(db);
  const headSeq = Number(head.rows[0]?.seq ?? 0);
  const headHash = head.rows[0]?.head_hash ?? GENESIS;
  if (headSeq !== afterSeq || headHash !== prev) {
    add({ seq: headSeq, eventId: null, problem: `the chain head (seq ${headSeq}) does not match the last link (seq ${afterSeq}): links were removed or added` });
  }
  const pending = await sql<{ n: number }>`select count(*)::int as n from audit_pending where service_id = ${serviceId}`.execute(db);
  const stray = await sql<{ id: number }>`
    select e.id from audit_events e
    where e.service_id = ${serviceId}
      and not exists (select 1 from audit_chain c where c.event_id = e.id)
      and not exists (select 1 from audit_pending p where p.event_id = e.id)
    order by e.id limit 10`.execute(db);
  for (const r of stray.rows) add({ seq: null, eventId: Number(r.id), problem: 'event neither sealed nor pending (inserted outside the application, or its pending mark was removed)' });
  return { serviceId, slug, sealed, pending: Number(pending.rows[0]?.n ?? 0), headSeq, headHash, problems };
}
