import type { JobView } from '@orange-cloud/sdk';
import { decide, type ProviderPolicy, type Usage } from '../criteria.js';
import type { Logger } from '../logger.js';
import { providerAddress, type MarketEvents, type ProviderMarket } from './components.js';

export interface BidderComponents {
  market: Pick<ProviderMarket, 'account' | 'acceptJob'>;
  events: Pick<MarketEvents, 'jobs'>;
  log: Logger;
  /** Takes a job this provider won: from here on running it is someone else's job. */
  hire(job: JobView): void;
  /** Keeps an acceptance in flight until it settles (so a shutdown can wait for it). */
  track(work: Promise<unknown>): void;
}

/**
 * Decides which posted jobs to take (the pure `decide` of criteria.ts), takes them first come,
 * first served, and holds their cores and memory until they are released. Running a won job is
 * not its business: it hands the job to `hire`.
 */
export class Bidder {
  private readonly c: BidderComponents;
  private readonly policy: ProviderPolicy;
  /** Jobs won and not yet released: what this provider's capacity is spent on. */
  private readonly held = new Map<bigint, JobView>();
  private readonly considering = new Set<bigint>();
  private stopped = false;

  constructor(components: BidderComponents, policy: ProviderPolicy) {
    this.c = components;
    this.policy = policy;
  }

  usage(): Usage {
    let cores = 0;
    let memoryMb = 0;
    for (const job of this.held.values()) {
      cores += job.cores;
      memoryMb += job.memoryMb;
    }
    return { cores, memoryMb };
  }

  /** Considers every job the market shows as posted. */
  considerPosted(): void {
    for (const job of this.c.events.jobs.values())
      if (job.status === 'posted') this.consider(job.jobId);
  }

  consider(jobId: bigint): void {
    if (this.stopped || this.held.has(jobId) || this.considering.has(jobId)) return;
    const job = this.c.events.jobs.get(jobId);
    if (!job) return;
    const decision = decide(
      job,
      providerAddress(this.c.market),
      this.policy,
      this.usage(),
      Math.floor(Date.now() / 1000),
    );
    if (!decision.take) {
      this.c.log.info('skipping job', { job: jobId, reason: decision.reason });
      return;
    }
    this.considering.add(jobId);
    this.c.track(
      this.accept(job).finally(() => {
        this.considering.delete(jobId);
      }),
    );
  }

  /** Frees a job's capacity; jobs skipped for lack of it may fit now. */
  release(jobId: bigint): void {
    this.held.delete(jobId);
    if (!this.stopped) this.considerPosted();
  }

  /** Takes no more jobs. */
  stop(): void {
    this.stopped = true;
  }

  private async accept(job: JobView): Promise<void> {
    try {
      await this.c.market.acceptJob(job.jobId);
    } catch (error) {
      // Simulation failed: another provider won or the job changed. No gas spent.
      this.c.log.info('did not win job', { job: job.jobId, reason: (error as Error).message });
      return;
    }
    this.held.set(job.jobId, job);
    this.c.log.info('accepted job', { job: job.jobId, requester: job.requester });
    this.c.hire(job);
  }
}
