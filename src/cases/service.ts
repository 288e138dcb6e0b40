import { recordAudit, type AuditActor } from '../audit/index.ts';
import { inTransaction, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError, notFound } from '../http/errors.ts';
import * as q from './sql.ts';

export interface CaseView {
  id: string;
  queue: string;
  category: string;
  subcategory: string | null;
  content: { url: string | null; content_id: string | null };
  status: string;
  tier: number;
  trusted: boolean;
  escalated: boolean;
  notice_count: number;
  mass_report_suspected: boolean;
  /** Opened or joined by automated screening (see GET …/screened-items?case_id=). */
  automated_detection: boolean;
  claimed_by: string | null;
  claim_expires_at: string | null;
  sla: { deadline_at: string; breached: boolean; seconds_left: number };
  created_at: string;
  updated_at: string;
}

export function presentCase(c: q.CaseRow, now = Date.now()): CaseView {
  const claimActive = c.claimed_by !== null && c.claim_expires_at !== null && c.claim_expires_at.getTime() > now;
  const left = Math.round((c.deadline_at.getTime() - now) / 1000);
  return {
    id: c.id,
    queue: c.queue_slug,
    category: c.category,
    subcategory: c.subcategory,
    content: { url: c.content_url, content_id: c.content_id },
    status: c.status,
    tier: c.tier,
    trusted: c.trust_rank === 0,
    escalated: c.escalated,
    notice_count: c.notice_count,
    mass_report_suspected: c.mass_report_suspected,
    automated_detection: c.automated_detection,
    claimed_by: claimActive ? c.claimed_by : null,
    claim_expires_at: claimActive && c.claim_expires_at ? c.claim_expires_at.toISOString() : null,
    sla: { deadline_at: c.deadline_at.toISOString(), breached: left < 0, seconds_left: left },
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

/** Use cases of triage: queues, listing, claiming, reassigning, escalating and notes. Access follows teams. */
export class CaseService {
  constructor(
    private readonly db: Db,
    private readonly access: ServiceAccess,
    private readonly actor: AuditActor,
    private readonly requestId: string | null,
    private readonly claimTtlMinutes: number,
  ) {}

  /** Queues whose cases this caller may see: open queues, and team queues of the caller's teams. */
  async visibleQueues(db: Db = this.db): Promise<q.QueueRow[]> {
    const all = await q.listQueueRows(db, this.access.serviceId);
    return all.filter((queue) => queue.team_id === null || this.access.teamIds.includes(queue.team_id));
  }

  private canClaimFrom(queue: q.QueueRow): boolean {
    if (!this.access.permissions.has('cases:claim')) return false;
    return queue.kind === 'standard' || this.access.permissions.has('cases:claim_senior');
  }

  async listQueues() {
    const queues = await this.visibleQueues();
    const counts = new Map((await q.queueCounts(this.db, queues.map((x) => x.id))).map((c) => [c.queue_id, c]));
    return queues.map((queue) => {
      const c = counts.get(queue.id);
      return {
        id: queue.id,
        slug: queue.slug,
        name: queue.name,
        kind: queue.kind,
        restricted_to_team: queue.team_id,
        claimable: this.canClaimFrom(queue),
        open: c?.open ?? 0,
        unclaimed: c?.unclaimed ?? 0,
        breached: c?.breached ?? 0,
        next_deadline_at: c?.next_deadline_at ? c.next_deadline_at.toISOString() : null,
      };
    });
  }

  private async queuesFor(slug: string | undefined): Promise<q.QueueRow[]> {
    const visible = await this.visibleQueues();
    if (slug === undefined) return visible;
    const one = visible.filter((x) => x.slug === slug);
    if (one.length === 0) throw notFound(`Queue "${slug}"`);
    return one;
  }

  async list(f: Omit<q.CaseListFilter, 'queueIds'> & { queue?: string | undefined }) {
    const queues = await this.queuesFor(f.queue);
    const rows = await q.listCaseRows(this.db, this.access.serviceId, { ...f, queueIds: queues.map((x) => x.id) });
    return rows.map((r) => ({ row: r, view: presentCase(r) }));
  }

  /** A case the caller may see, or NOT_FOUND (team-restricted cases do not reveal that they exist). */
  private async visibleCase(db: Db, caseId: string, lock = false): Promise<{ c: q.CaseRow; queue: q.QueueRow }> {
    const c = await q.findCase(db, this.access.serviceId, caseId, lock);
    const queue = c ? (await this.visibleQueues(db)).find((x) => x.id === c.queue_id) : undefined;
    if (!c || !queue) throw notFound('Case');
    return { c, queue };
  }

  async get(caseId: string) {
    const { c } = await this.visibleCase(this.db, caseId);
    const [notices, notes] = await Promise.all([q.listCaseNotices(this.db, c.id, 100), q.listNotes(this.db, c.id)]);
    return {
      ...presentCase(c),
      notices: notices.map((n) => ({ ...n, created_at: n.created_at.toISOString() })),
      notes: notes.map((n) => ({ ...n, created_at: n.created_at.toISOString() })),
    };
  }

  /** What happened to a case, from the audit log (who, what, when — not the events' data), for whoever may see it. */
  async history(caseId: string) {
    const { c } = await this.visibleCase(this.db, caseId);
    const rows = await q.caseHistory(this.db, this.access.serviceId, c.id, 500);
    return { items: rows.map((r) => ({ ...r, occurred_at: r.occurred_at.toISOString() })) };
  }

  private userId(): string {
    if (!this.access.userId) throw new AppError('FORBIDDEN', 'Only signed-in moderators can claim cases');
    return this.access.userId;
  }

  async claimNext(queueSlug: string | undefined): Promise<CaseView | null> {
    const userId = this.userId();
    const queues = (await this.queuesFor(queueSlug)).filter((x) => this.canClaimFrom(x));
    const c = await q.claimNextRow(this.db, this.access.serviceId, queues.map((x) => x.id), userId, this.claimTtlMinutes, {
      actorType: this.actor.type,
      actorId: this.actor.id,
      requestId: this.requestId,
    });
    return c ? presentCase(c) : null;
  }

  async claim(caseId: string): Promise<CaseView> {
    const userId = this.userId();
    return inTransaction(this.db, async (tx) => {
      const { c, queue } = await this.visibleCase(tx, caseId, true);
      if (!this.canClaimFrom(queue)) throw new AppError('FORBIDDEN', `You cannot claim cases from the queue "${queue.slug}"`);
      if (c.status !== 'open') throw new AppError('CASE_NOT_CLAIMABLE', 'The case is closed');
      const heldByOther = c.claimed_by !== null && c.claimed_by !== userId && (c.claim_expires_at?.getTime() ?? 0) > Date.now();
      if (heldByOther) throw new AppError('CASE_NOT_CLAIMABLE', 'Another moderator holds this case');
      await q.setClaim(tx, c.id, userId, this.claimTtlMinutes);
      await this.audit(tx, c.id, c.claimed_by === userId ? 'case.claim_renewed' : 'case.claimed', { queue: queue.slug });
      return presentCase((await q.findCase(tx, this.access.serviceId, c.id)) as q.CaseRow);
    });
  }

  async release(caseId: string): Promise<CaseView> {
    return inTransaction(this.db, async (tx) => {
      const { c } = await this.visibleCase(tx, caseId, true);
      const mine = c.claimed_by !== null && c.claimed_by === this.access.userId;
      if (!mine && !this.access.permissions.has('cases:assign')) {
        throw new AppError('CASE_NOT_CLAIMED_BY_YOU', 'Only the moderator holding the case (or a senior) can release it');
      }
      await q.setClaim(tx, c.id, null, this.claimTtlMinutes);
      await this.audit(tx, c.id, 'case.released', { previous_holder: c.claimed_by });
      return presentCase((await q.findCase(tx, this.access.serviceId, c.id)) as q.CaseRow);
    });
  }

  /** Hands a case to another moderator, who must be able to see and claim from its queue. */
  async assign(caseId: string, assigneeId: string): Promise<CaseView> {
    return inTransaction(this.db, async (tx) => {
      const { c, queue } = await this.visibleCase(tx, caseId, true);
      if (c.status !== 'open') throw new AppError('CASE_NOT_CLAIMABLE', 'The case is closed');
      const target = await q.userCanBeAssigned(tx, this.access.serviceId, assigneeId);
      if (!target) throw new AppError('VALIDATION_FAILED', 'Unknown assignee', [{ path: 'body.user_id', reason: 'not a member of this service' }]);
      const moderates = ['moderator', 'senior_moderator', 'admin'].includes(target.role);
      const seniorOk = queue.kind === 'standard' || ['senior_moderator', 'admin'].includes(target.role);
      const teamOk = queue.team_id === null || target.teamIds.includes(queue.team_id);
      if (!moderates || !seniorOk || !teamOk) {
        throw new AppError('VALIDATION_FAILED', 'The assignee cannot work this queue', [
          { path: 'body.user_id', reason: !moderates ? 'role cannot moderate' : !seniorOk ? 'queue needs a senior moderator' : 'not in the team that owns this queue' },
        ]);
      }
      await q.setClaim(tx, c.id, assigneeId, this.claimTtlMinutes);
      await this.audit(tx, c.id, 'case.assigned', { from: c.claimed_by, to: assigneeId });
      return presentCase((await q.findCase(tx, this.access.serviceId, c.id)) as q.CaseRow);
    });
  }

  /** Moves the case to its queue's senior queue and releases it, with the reason as an internal note. */
  async escalate(caseId: string, reason: string): Promise<CaseView> {
    const userId = this.userId();
    return inTransaction(this.db, async (tx) => {
      const { c, queue } = await this.visibleCase(tx, caseId, true);
      if (c.status !== 'open') throw new AppError('CASE_NOT_CLAIMABLE', 'The case is closed');
      if (!queue.escalation_queue_id) throw new AppError('CONFLICT', `The queue "${queue.slug}" has no escalation queue (already senior?)`);
      const heldByOther = c.claimed_by !== null && c.claimed_by !== userId && (c.claim_expires_at?.getTime() ?? 0) > Date.now();
      if (heldByOther && !this.access.permissions.has('cases:assign')) {
        throw new AppError('CASE_NOT_CLAIMED_BY_YOU', 'Another moderator holds this case');
      }
      await q.moveToQueue(tx, c.id, queue.escalation_queue_id, true);
      const note = await q.insertNote(tx, this.access.serviceId, c.id, userId, `Escalated: ${reason}`);
      await this.audit(tx, c.id, 'case.escalated', { from_queue: queue.slug, note_id: note.id });
      return presentCase((await q.findCase(tx, this.access.serviceId, c.id)) as q.CaseRow);
    });
  }

  async addNote(caseId: string, body: string) {
    const userId = this.userId();
    return inTransaction(this.db, async (tx) => {
      const { c } = await this.visibleCase(tx, caseId);
      const note = await q.insertNote(tx, this.access.serviceId, c.id, userId, body);
      await this.audit(tx, c.id, 'case.note_added', { note_id: note.id, length: body.length });
      return { ...note, created_at: note.created_at.toISOString() };
    });
  }

  private audit(tx: Db, caseId: string, action: string, data: Record<string, unknown>) {
    return recordAudit(tx, {
      serviceId: this.access.serviceId,
      actor: this.actor,
      action,
      subjectType: 'case',
      subjectId: caseId,
      data,
      requestId: this.requestId,
    });
  }
}
