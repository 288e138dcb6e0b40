import type { FastifyBaseLogger } from 'fastify';
import { inTransaction, type Db } from '../db/index.ts';
import { claimJobs, completeJob, failJob, type AnyJobType, type ClaimedJob } from './queue.ts';

export interface Worker {
  /** Look for work now (called after a commit that queued jobs). */
  poke(): void;
  /** Stops taking work and waits for the jobs in flight. */
  stop(): Promise<void>;
}

export interface PeriodicTask {
  name: string;
  intervalMs: number;
  run(): Promise<unknown>;
}

/**
 * One polling loop over the jobs table plus periodic tasks (e.g. sealing the audit log).
 * Each job's handler runs in its own transaction with the job's completion (after its `prepare` step, if any,
 * which runs outside any transaction).
 */
export function startWorker(opts: {
  db: Db;
  jobs: readonly AnyJobType[];
  periodic: readonly PeriodicTask[];
  pollMs: number;
  log: FastifyBaseLogger;
  batch?: number;
}): Worker {
  const types = new Map(opts.jobs.map((j) => [j.type, j]));
  let stopping = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const runJob = async (job: ClaimedJob) => {
    const type = types.get(job.type);
    try {
      if (!type) throw new Error(`no handler for job type ${job.type}`);
      const payload = type.payload.parse(job.payload);
      const info = { id: job.id, serviceId: job.service_id, attempts: job.attempts };
      const prepared = type.prepare ? await type.prepare(opts.db, payload as never, info) : undefined;
      await inTransaction(opts.db, async (tx) => {
        await type.handle(tx, payload as never, info, prepared);
        await completeJob(tx, job.id);
      });
    } catch (err) {
      const outcome = await failJob(opts.db, job, err instanceof Error ? err.message : String(err));
      opts.log.warn({ jobId: job.id, type: job.type, attempts: job.attempts, outcome }, 'job failed');
    }
  };

  const drain = async () => {
    do {
      again = false;
      for (;;) {
        if (stopping) return;
        const jobs = await claimJobs(opts.db, opts.batch ?? 20, 300);
        if (jobs.length === 0) break;
        for (const job of jobs) await runJob(job);
      }
    } while (again && !stopping);
  };

  const poke = () => {
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => opts.log.error({ err }, 'job loop failed'))
      .finally(() => {
        running = undefined;
      });
  };

  timer = setInterval(poke, opts.pollMs);
  const inflight = new Map<string, Promise<void>>();
  const periodicTimers = opts.periodic.map((task) =>
    setInterval(() => {
      if (inflight.has(task.name) || stopping) return;
      const p = task
        .run()
        .then(() => undefined)
        .catch((err: unknown) => opts.log.error({ err, task: task.name }, 'periodic task failed'))
        .finally(() => inflight.delete(task.name));
      inflight.set(task.name, p);
    }, task.intervalMs),
  );
  poke();

  return {
    poke,
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      periodicTimers.forEach(clearInterval);
      await running;
      await Promise.all(inflight.values());
    },
  };
}
