import { END_STATES, type EndState } from './job-observer.js';

/** A job this provider served, as /status lists it. */
export interface ServedJob {
  jobId: string;
  state: EndState;
  /** Unix seconds. */
  endedAt: number;
  runSeconds: number;
  /**
   * What it earned, decimal wei: what the payment flow really paid once the market's
   * PaymentStopped is seen; until then run seconds x the job's rate.
   */
  earnedWei: string;
}

/**
 * The jobs served and how many ended each way. Kept in memory here; the daemon's database
 * (provider-daemon/src/state/) can implement the same interface to keep them across restarts.
 */
export interface ServedJobs {
  /** Newest first, at most `limit`. */
  recent(limit: number): ServedJob[];
  counts(): Record<EndState, number>;
}

/** The in-memory ServedJobs: the newest `keep` jobs, and counts since the daemon started. */
export class MemoryServedJobs implements ServedJobs {
  private readonly jobs: ServedJob[] = [];
  private readonly tally = Object.fromEntries(END_STATES.map((s) => [s, 0])) as Record<
    EndState,
    number
  >;

  constructor(private readonly keep = 50) {}

  record(job: ServedJob): void {
    this.jobs.unshift(job);
    this.jobs.length = Math.min(this.jobs.length, this.keep);
    this.tally[job.state]++;
  }

  /** The job's earnings as the flow really paid them (the market's PaymentStopped). */
  settle(jobId: string, earnedWei: bigint): void {
    const job = this.jobs.find((j) => j.jobId === jobId);
    if (job) job.earnedWei = earnedWei.toString();
  }

  recent(limit: number): ServedJob[] {
    return this.jobs.slice(0, limit).map((j) => ({ ...j }));
  }

  counts(): Record<EndState, number> {
    return { ...this.tally };
  }
}
