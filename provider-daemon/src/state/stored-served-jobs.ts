import type { ServedJob, ServedJobs } from './types.js';

/** What Activity (src/observe/activity.ts) writes to the served jobs it is given. */
export interface ServedJobsSink {
  record(job: Pick<ServedJob, 'jobId' | 'earnedWei'>): void;
  settle(jobId: string, earnedWei: bigint): void;
}

/**
 * The database as the admin /status's served jobs, so the list and the counts survive a
 * restart. The node writes each job's end to the database itself (before it tells its
 * observer); what Activity records adds only the earnings it knows better: what the flow really
 * paid once the market's PaymentStopped is seen, which may come before or after the end.
 */
export function storedServedJobs(
  store: ServedJobs & { earned(jobId: bigint, earnedWei: bigint): void },
): ServedJobs & ServedJobsSink {
  return {
    recent: (limit) => store.recent(limit),
    counts: () => store.counts(),
    record: (job) => store.earned(BigInt(job.jobId), BigInt(job.earnedWei)),
    settle: (jobId, earnedWei) => store.earned(BigInt(jobId), earnedWei),
  };
}
