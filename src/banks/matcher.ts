/**
 * The matcher: per signal type, an in-memory index of the entries that match (status active or disputed)
 * of every bank of the instance — PDQ in a near-neighbour index (Hamming distance), MD5 and SHA-256 in a
 * map. Bank metadata (enabled, kind, owner, sharing) is kept beside it and applied at query time, so that
 * disabling or sharing a bank needs no rebuild. Built from the database at start; updated in this process
 * right after the commits that change entries; refreshed from the database by polling when several
 * processes share a PostgreSQL database (docs/banks.md).
 */
import { recordAudit } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import { defaultPdqIndex } from './pdq-index.ts';
import { MATCHING_STATUSES, type EntryStatus, type SignalType } from './schemas.ts';
import * as q from './sql.ts';

/** The near-neighbour index of src/screening/hash-index.ts (PDQ: 32-byte hashes, int32 ids). */
export interface HashIndex {
  readonly size: number;
  add(id: number, hash: Uint8Array): void;
  remove(id: number): boolean;
  has(id: number): boolean;
  query(hash: Uint8Array, radius?: number): Array<{ id: number; distance: number }>;
  memoryBytes(): number;
}
/** Makes PDQ indexes: empty (then `add`), or built in one go from many entries (the start-up load). */
export interface PdqIndexFactory {
  create(opts?: { radius?: number; expected?: number }): HashIndex;
  build(entries: Iterable<{ id: number; hash: Uint8Array }>, opts?: { radius?: number }): HashIndex;
}

/** ThreatExchange's PDQ_CONFIDENT_MATCH_THRESHOLD (HMA's default): Hamming distance ≤ 31 of 256 bits. */
export const DEFAULT_PDQ_RADIUS = 31;

export interface FloodRule {
  /** An entry is quarantined when its matches in the last hour exceed max(minMatches, factor × usual hourly rate). */
  minMatches: number;
  factor: number;
  /** Hours over which the usual hourly rate is averaged (before the previous hour). */
  baselineHours: number;
}
export const DEFAULT_FLOOD_RULE: FloodRule = { minMatches: 100, factor: 10, baselineHours: 168 };

export interface MatcherOptions {
  /** Poll the database for changes every `pollMs` (0: never; a single process keeps itself current). */
  pollMs?: number;
  /** How far back each poll re-reads changes, to catch transactions that committed after a later one (ms). */
  lookbackMs?: number;
  flood?: Partial<FloodRule>;
  pdqIndex?: PdqIndexFactory;
}

interface BankMeta {
  id: string;
  serviceId: string;
  serviceSlug: string;
  slug: string;
  name: string;
  kind: 'positive' | 'negative';
  category: string | null;
  defaultAction: string;
  sharing: 'private' | 'instance';
  enabled: boolean;
  shareIds: Set<string>;
}

interface EntryMeta {
  bankId: string;
  signalType: SignalType;
  hash: string;
  status: EntryStatus;
  version: number;
}

export interface BankRef {
  id: string;
  slug: string;
  name: string;
  kind: 'positive' | 'negative';
  category: string | null;
  default_action: string;
  owner_service: string;
}

export interface BankMatch {
  bank: BankRef;
  entry_id: number;
  signal_type: SignalType;
  hash: string;
  distance: number;
  status: EntryStatus;
  /** False for a disputed entry: a person should look before anything is done on its strength. */
  automated_action_allowed: boolean;
  provenance: Record<string, unknown>;
}

export interface MatchResult {
  matches: BankMatch[];
  /** Positive matches suppressed by an entry of a negative bank (a known false positive) within the radius. */
  suppressed: Array<BankMatch & { suppressed_by: { bank: BankRef; entry_id: number; distance: number } }>;
}

const isMatching = (status: EntryStatus) => MATCHING_STATUSES.includes(status);
const hexBytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));

export class BankMatcher {
  private banks = new Map<string, BankMeta>();
  private entries = new Map<number, EntryMeta>();
  private exact = new Map<string, Set<number>>();
  /** Version at which entries left the index (the few retracted or quarantined while this process ran). */
  private removed = new Map<number, number>();
  private pdq: HashIndex;
  private readonly pdqFactory: PdqIndexFactory;
  private timer: NodeJS.Timeout | undefined;
  private cursor: Date | undefined;
  private polling: Promise<void> | undefined;
  readonly flood: FloodRule;
  /** The last refresh error (polling goes on). */
  lastError: unknown;

  constructor(
    readonly db: Db,
    private readonly opts: MatcherOptions = {},
  ) {
    this.pdqFactory = opts.pdqIndex ?? defaultPdqIndex();
    this.pdq = this.pdqFactory.create({ radius: DEFAULT_PDQ_RADIUS });
    this.flood = { ...DEFAULT_FLOOD_RULE, ...opts.flood };
  }

  /** Entries in the index (those that match), per signal type. */
  stats(): { banks: number; entries: Record<SignalType, number>; pdq_memory_bytes: number } {
    const entries: Record<SignalType, number> = { pdq: 0, md5: 0, sha256: 0 };
    for (const e of this.entries.values()) entries[e.signalType]++;
    return { banks: this.banks.size, entries, pdq_memory_bytes: this.pdq.memoryBytes() };
  }

  /** Full load from the database (at start): the PDQ index is built in one go, not entry by entry. */
  async load(): Promise<void> {
    this.cursor = await q.dbNow(this.db);
    await this.reloadBanks();
    const pdq: Array<{ id: number; hash: Uint8Array }> = [];
    let after = 0;
    for (;;) {
      const rows = await q.indexPage(this.db, after, 10_000);
      for (const row of rows) this.apply(row, pdq);
      const last = rows[rows.length - 1];
      if (!last || rows.length < 10_000) break;
      after = last.id;
    }
    if (pdq.length > 0) {
      this.pdq = this.pdqFactory.build(pdq, { radius: DEFAULT_PDQ_RADIUS });
      // Live additions made while loading (none at start; kept for a reload).
      for (const [id, e] of this.entries) if (e.signalType === 'pdq' && !this.pdq.has(id)) this.pdq.add(id, hexBytes(e.hash));
    }
  }

  /** Re-reads every bank's metadata and shares (banks are few; entries are not touched). */
  async reloadBanks(): Promise<void> {
    const rows = await q.allBanks(this.db);
    const banks = new Map<string, BankMeta>();
    for (const b of rows) {
      banks.set(b.id, {
        id: b.id,
        serviceId: b.service_id,
        serviceSlug: b.service_slug,
        slug: b.slug,
        name: b.name,
        kind: b.kind,
        category: b.category,
        defaultAction: b.default_action,
        sharing: b.sharing,
        enabled: b.enabled,
        shareIds: new Set(b.share_ids),
      });
    }
    this.banks = banks;
  }

  /**
   * Brings one entry's state into the index (idempotent): matching statuses in, the others out. With
   * `pdqBatch`, new PDQ entries are collected there for a bulk build instead of being added one by one.
   */
  apply(row: { id: number; bank_id: string; signal_type: SignalType; hash: string; status: EntryStatus; version: number }, pdqBatch?: Array<{ id: number; hash: Uint8Array }>): void {
    const existing = this.entries.get(row.id);
    // An older state than the one held (two requests applying their commits out of order): ignore it.
    const known = existing?.version ?? this.removed.get(row.id);
    if (known !== undefined && row.version < known) return;
    if (!isMatching(row.status)) {
      if (!existing) return;
      this.entries.delete(row.id);
      this.removed.set(row.id, row.version);
      if (existing.signalType === 'pdq') this.pdq.remove(row.id);
      else {
        const key = `${existing.signalType}:${existing.hash}`;
        const set = this.exact.get(key);
        set?.delete(row.id);
        if (set && set.size === 0) this.exact.delete(key);
      }
      return;
    }
    if (existing) {
      existing.status = row.status;
      existing.version = row.version;
      return;
    }
    this.removed.delete(row.id);
    this.entries.set(row.id, { bankId: row.bank_id, signalType: row.signal_type, hash: row.hash, status: row.status, version: row.version });
    if (row.signal_type === 'pdq') {
      if (pdqBatch) pdqBatch.push({ id: row.id, hash: hexBytes(row.hash) });
      else this.pdq.add(row.id, hexBytes(row.hash));
    } else {
      const key = `${row.signal_type}:${row.hash}`;
      let set = this.exact.get(key);
      if (!set) this.exact.set(key, (set = new Set()));
      set.add(row.id);
    }
  }

  /** One poll: bank metadata, then entries changed since the previous poll (minus the lookback). */
  async refresh(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = (async () => {
      const since = new Date((this.cursor ?? new Date(0)).getTime() - (this.opts.lookbackMs ?? 30_000));
      await this.reloadBanks();
      const { rows, now } = await q.changedSince(this.db, since);
      for (const row of rows) this.apply(row);
      this.cursor = now;
    })().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  startPolling(ms: number): void {
    if (ms <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().then(
        () => (this.lastError = undefined),
        (err: unknown) => {
          this.lastError = err;
          // The database was closed under us (shutdown): stop.
          if (err instanceof Error && /destroyed|closed/i.test(err.message)) this.stop();
        },
      );
    }, ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private ref(b: BankMeta): BankRef {
    return { id: b.id, slug: b.slug, name: b.name, kind: b.kind, category: b.category, default_action: b.defaultAction, owner_service: b.serviceSlug };
  }

  private visible(b: BankMeta, serviceId: string): boolean {
    return b.enabled && (b.serviceId === serviceId || b.sharing === 'instance' || b.shareIds.has(serviceId));
  }

  /** Entry ids (and distances) in the index near a hash, before bank filtering. */
  private candidates(signalType: SignalType, hash: string, radius: number): Array<{ id: number; distance: number }> {
    if (signalType === 'pdq') return this.pdq.query(hexBytes(hash), radius);
    return [...(this.exact.get(`${signalType}:${hash}`) ?? [])].map((id) => ({ id, distance: 0 }));
  }

  /**
   * Matches of a hash in the banks the service owns or that are shared with it (enabled banks; entries
   * active or disputed), minus those a negative bank suppresses. Reads the matched entries' provenance
   * and current status from the database (an entry retracted by another process since the last poll is
   * dropped here). Does not count matches: the screening call does that with {@link recordMatches}.
   */
  async match(serviceId: string, input: { signalType: SignalType; hash: string }, opts: { radius?: number | undefined } = {}): Promise<MatchResult> {
    const hash = input.hash.toLowerCase();
    const radius = input.signalType === 'pdq' ? (opts.radius ?? DEFAULT_PDQ_RADIUS) : 0;
    const hits: Array<{ id: number; distance: number; bank: BankMeta }> = [];
    for (const c of this.candidates(input.signalType, hash, radius)) {
      const e = this.entries.get(c.id);
      const bank = e && this.banks.get(e.bankId);
      if (e && bank && isMatching(e.status) && this.visible(bank, serviceId)) hits.push({ ...c, bank });
    }
    if (hits.length === 0) return { matches: [], suppressed: [] };
    const rows = new Map((await q.entriesByIds(this.db, hits.map((h) => h.id))).map((r) => [r.id, r]));
    const live = hits.filter((h) => {
      const row = rows.get(h.id);
      return row !== undefined && isMatching(row.status);
    });
    const negatives = live.filter((h) => h.bank.kind === 'negative').sort((a, b) => a.distance - b.distance);
    const closestNegative = negatives[0];
    const result: MatchResult = { matches: [], suppressed: [] };
    for (const h of live.filter((x) => x.bank.kind === 'positive').sort((a, b) => a.distance - b.distance || a.id - b.id)) {
      const row = rows.get(h.id) as q.EntryRow;
      const m: BankMatch = {
        bank: this.ref(h.bank),
        entry_id: h.id,
        signal_type: row.signal_type,
        hash: row.hash,
        distance: h.distance,
        status: row.status,
        automated_action_allowed: row.status === 'active',
        provenance: row.provenance,
      };
      if (closestNegative) {
        result.suppressed.push({ ...m, suppressed_by: { bank: this.ref(closestNegative.bank), entry_id: closestNegative.id, distance: closestNegative.distance } });
      } else result.matches.push(m);
    }
    return result;
  }

  /**
   * The closest entry of a negative bank the service can read within the radius of a hash, or null: it
   * suppresses matches found elsewhere for that hash (a remote HMA's), as it does the local ones.
   */
  closestNegative(serviceId: string, input: { signalType: SignalType; hash: string }, opts: { radius?: number | undefined } = {}): { bank: BankRef; entry_id: number; distance: number } | null {
    const radius = input.signalType === 'pdq' ? (opts.radius ?? DEFAULT_PDQ_RADIUS) : 0;
    let best: { bank: BankMeta; id: number; distance: number } | null = null;
    for (const c of this.candidates(input.signalType, input.hash.toLowerCase(), radius)) {
      const e = this.entries.get(c.id);
      const bank = e && this.banks.get(e.bankId);
      if (!e || !bank || bank.kind !== 'negative' || !isMatching(e.status) || !this.visible(bank, serviceId)) continue;
      if (!best || c.distance < best.distance) best = { bank, id: c.id, distance: c.distance };
    }
    return best ? { bank: this.ref(best.bank), entry_id: best.id, distance: best.distance } : null;
  }

  /**
   * Counts matches (one per entry id given; an id may repeat) for flood protection, and quarantines the
   * entries of positive banks whose matches in the last hour exceed max(minMatches, factor × usual hourly
   * rate). Quarantine is audited in the bank owner's service and takes effect in this matcher at once.
   * Returns the entries quarantined.
   */
  async recordMatches(entryIds: readonly number[], requestId: string | null = null): Promise<Array<{ entry_id: number; last_hour: number; usual: number; threshold: number }>> {
    const n = new Map<number, number>();
    for (const id of entryIds) n.set(id, (n.get(id) ?? 0) + 1);
    const counts = [...n].map(([entry_id, k]) => ({ entry_id, n: k }));
    const { minMatches, factor, baselineHours } = this.flood;
    const quarantined = await inTransaction(this.db, async (tx) => {
      const rates = await q.countMatches(tx, counts, baselineHours);
      const out: Array<{ entry_id: number; last_hour: number; usual: number; threshold: number; row: q.EntryRow }> = [];
      for (const r of rates) {
        const meta = this.entries.get(r.entry_id);
        const bank = meta && this.banks.get(meta.bankId);
        if (bank?.kind === 'negative') continue;
        const threshold = Math.max(minMatches, factor * r.usual);
        if (r.last_hour <= threshold) continue;
        const reason = `flood protection: ${Math.round(r.last_hour)} matches in the last hour, over the threshold ${Math.round(threshold)} (usual ${r.usual.toFixed(2)}/h)`;
        const [row] = await q.quarantine(tx, [r.entry_id], reason);
        if (!row) continue;
        await recordAudit(tx, {
          serviceId: row.service_id,
          actor: { type: 'system', id: null },
          action: 'bank.entry_quarantined',
          subjectType: 'bank_entry',
          subjectId: String(row.id),
          data: { bank_id: row.bank_id, matches_last_hour: Math.round(r.last_hour), usual_per_hour: r.usual, threshold },
          requestId,
        });
        out.push({ ...r, threshold, row });
      }
      return out;
    });
    for (const x of quarantined) this.apply(x.row);
    return quarantined.map(({ row: _row, ...rest }) => rest);
  }
}

const byDb = new WeakMap<Db, BankMatcher>();

/** Builds the matcher from the database and, with `pollMs`, keeps it current with other processes' changes. */
export async function startBankMatcher(db: Db, opts: MatcherOptions = {}): Promise<BankMatcher> {
  const m = new BankMatcher(db, opts);
  await m.load();
  m.startPolling(opts.pollMs ?? 0);
  byDb.set(db, m);
  return m;
}

/** The matcher started on this database handle in this process (tests, CLI tools). */
export function bankMatcherOf(db: Db): BankMatcher | undefined {
  return byDb.get(db);
}

/** For the screening API: count matches and quarantine flooding entries (see {@link BankMatcher.recordMatches}). */
export function recordMatches(matcher: BankMatcher, entryIds: readonly number[], requestId: string | null = null) {
  return matcher.recordMatches(entryIds, requestId);
}
