import type { ZodType } from 'zod';
import { sql, type Db } from '../db/index.ts';

export interface JobInfo {
  id: number;
  serviceId: string | null;
  attempts: number;
}

/**
 * A job type: a name, a payload schema and an idempotent handler (it may run more than once). `prepare`, when
 * given, runs first and outside any transaction — the place for slow outside calls (an HTTP POST), which must
 * not hold a connection (on PGlite, the only one) — and its result is handed to `handle`, which runs in the
 * transaction that completes the job.
 */
export interface JobType<P, R = undefined> {
  type: string;
  payload: ZodType<P>;
  maxAttempts?: number;
  prepare?(db: Db, payload: P, job: JobInfo): Promise<R>;
  handle(db: Db, payload: P, job: JobInfo, prepared: R): Promise<void>;
}

export type AnyJobType = JobType<never, unknown>;

export function defineJob<P, R = undefined>(job: JobType<P, R>): AnyJobType {
  return job as unknown as AnyJobType;
}

/** Queues a job in the caller's transaction: it exists only if the change that needs it commits. */
export async function enqueue(db: Db, job: { type: string; serviceId: string | null; payload: unknown; maxAttempts?: number; runAt?: Date }): Promise<void> {
  await sql`insert into jobs (service_id, type, payload, max_attempts, run_at)
            values (${job.serviceId}, ${job.type}, ${JSON.stringify(job.payload)}::jsonb, ${job.maxAttempts ?? 8}, ${job.runAt ?? new Date()})`.execute(db);
}

export interface ClaimedJob {
  id: number;
  service_id: string | null;
  type: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

/**
 * Claims due jobs, and jobs whose worker died (lease expired). SKIP LOCKED lets several worker
 * processes share the table on PostgreSQL.
 */
export async function claimJobs(db: Db, limit: number, leaseSeconds: number): Promise<ClaimedJob[]> {
  // Two index-backed CTEs (an OR in one WHERE would scan the whole table, done jobs included).
  const r = await sql<ClaimedJob>`
    with due as (
      select id from jobs where status = 'queued' and run_at <= now()
      order by run_at limit ${limit} for update skip locked
    ), orphaned as (
      select id from jobs where status = 'running' and locked_until < now()
      order by locked_until limit ${limit} for update skip locked
    )
    update jobs set status = 'running', attempts = attempts + 1,
                    locked_until = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
    where id in (select id from due union all select id from orphaned)
    returning id, service_id, type, payload, attempts, max_attempts`.execute(db);
  return r.rows.map((j) => ({ ...j, id: Number(j.id) }));
}

export async function completeJob(db: Db, id: number): Promise<void> {
  await sql`update jobs set status = 'done', locked_until = null, updated_at = now() where id = ${id}`.execute(db);
}

/** Exponential backoff (2^attempts seconds, capped at an hour); dead after max_attempts. */
export async function failJob(db: Db, job: ClaimedJob, error: string): Promise<'retry' | 'dead'> {
  const dead = job.attempts >= job.max_attempts;
  const delay = Math.min(3600, 2 ** job.attempts);
  await sql`update jobs set status = ${dead ? 'dead' : 'queued'}, last_error = ${error.slice(0, 2000)}, locked_until = null,
              run_at = now() + make_interval(secs => ${delay}), updated_at = now()
            where id = ${job.id}`.execute(db);
  return dead ? 'dead' : 'retry';
}

export interface JobCounts {
  type: string;
  status: string;
  n: number;
}

export async function jobCounts(db: Db, serviceId: string): Promise<JobCounts[]> {
  const r = await sql<JobCounts>`select type, status, count(*)::int as n from jobs where service_id = ${serviceId} group by type, status order by type, status`.execute(db);
  return r.rows;
}
