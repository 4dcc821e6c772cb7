import type { JobView } from '@orange-cloud/sdk';
import { END_STATES, type EndState, type JobEnd, type JobObserver } from './job-observer.js';
import { MemoryServedJobs, type ServedJobs } from './served-jobs.js';

/** A job running now, as /status lists it. */
export interface RunningJob {
  jobId: string;
  requester: string;
  /** Unix seconds of its mined start (as seen here). */
  startedAt: number;
  /** cores x the agreed price per core-second, decimal wei. */
  ratePerSecondWei: string;
  runtime: string;
}

/** What the daemon did since it started: the metrics' counters read these. */
export interface ActivityTotals {
  jobs: Record<EndState, number>;
  runSeconds: number;
  /** What the flows of ended jobs really paid (PaymentStopped), wei. */
  settledWei: bigint;
  rpcErrors: number;
}

const rateOf = (job: JobView) => job.pricePerCoreSecond * BigInt(job.cores);

/**
 * What the provider is doing and did, as its node tells it (a JobObserver): the jobs running,
 * those served and their earnings, the incoming flow, and totals for the metrics. Only ever
 * grows its totals, so the counters built on it never go back.
 */
export class Activity implements JobObserver {
  private readonly runningJobs = new Map<string, RunningJob>();
  private readonly totals: ActivityTotals = {
    jobs: Object.fromEntries(END_STATES.map((s) => [s, 0])) as Record<EndState, number>,
    runSeconds: 0,
    settledWei: 0n,
    rpcErrors: 0,
  };
  /** Jobs whose payment was settled: a PaymentStopped seen twice (a reorg) counts once. */
  private readonly settled = new Map<string, bigint>();
  private flow = { rateWei: 0n, atMs: 0 };

  constructor(
    readonly served: ServedJobs &
      Pick<MemoryServedJobs, 'record' | 'settle'> = new MemoryServedJobs(),
    private readonly clock: { nowMs(): number } = { nowMs: Date.now },
  ) {}

  jobRunning(job: JobView, startedAtMs: number): void {
    this.runningJobs.set(job.jobId.toString(), {
      jobId: job.jobId.toString(),
      requester: job.requester,
      startedAt: Math.floor(startedAtMs / 1000),
      ratePerSecondWei: rateOf(job).toString(),
      runtime: job.runtime,
    });
  }

  jobEnded(job: JobView, end: JobEnd): void {
    const id = job.jobId.toString();
    this.runningJobs.delete(id);
    this.totals.jobs[end.state]++;
    this.totals.runSeconds += end.runSeconds;
    // Until the market's PaymentStopped is seen: what the flow streamed at the job's rate.
    const estimate = rateOf(job) * BigInt(Math.round(end.runSeconds));
    this.served.record({
      jobId: id,
      state: end.state,
      endedAt: Math.floor(this.clock.nowMs() / 1000),
      runSeconds: Math.round(end.runSeconds * 1000) / 1000,
      earnedWei: (this.settled.get(id) ?? estimate).toString(),
    });
  }

  jobPaid(jobId: bigint, earnedWei: bigint): void {
    const id = jobId.toString();
    if (this.settled.has(id)) return;
    this.settled.set(id, earnedWei);
    this.totals.settledWei += earnedWei;
    this.served.settle(id, earnedWei);
  }

  incomingFlow(rateWei: bigint): void {
    this.flow = { rateWei, atMs: this.clock.nowMs() };
  }

  rpcError(): void {
    this.totals.rpcErrors++;
  }

  /** Newest start last. */
  running(): RunningJob[] {
    return [...this.runningJobs.values()].map((j) => ({ ...j }));
  }

  /** The incoming flow as last read; 0 once no job runs (its flow is gone with it). */
  incomingFlowRateWei(): bigint {
    return this.runningJobs.size === 0 ? 0n : this.flow.rateWei;
  }

  snapshot(): ActivityTotals {
    return { ...this.totals, jobs: { ...this.totals.jobs } };
  }
}
