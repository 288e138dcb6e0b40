export { defineJob, enqueue, jobCounts, type AnyJobType, type JobType } from './queue.ts';
export { startWorker, type Worker, type PeriodicTask } from './worker.ts';
