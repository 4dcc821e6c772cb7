import type { Sandbox } from '../sandbox/types.js';
import type { Logger } from '../logger.js';
import { providerAddress, type MarketEvents, type ProviderMarket } from './components.js';

export interface RecoveryComponents {
  market: Pick<ProviderMarket, 'account' | 'failJob' | 'expireJob'>;
  events: Pick<MarketEvents, 'jobs'>;
  sandbox: Pick<Sandbox, 'removeOrphans'>;
  log: Logger;
}

/**
 * What a daemon does on start about an earlier run of itself that died: its containers and the
 * jobs it left on chain.
 */
export class Recovery {
  private readonly c: RecoveryComponents;

  constructor(components: RecoveryComponents) {
    this.c = components;
  }

  /** Removes the containers an earlier run left (labelled with this provider, no one else's). */
  async removeLeftoverContainers(): Promise<void> {
    const removed = await this.c.sandbox.removeOrphans();
    if (removed > 0) this.c.log.warn('removed containers left by an earlier run', { removed });
  }

  /**
   * Settles what an earlier run left on chain: ends the jobs it left accepted or running (their
   * per-job keys died with it). Needs the market's events read up to now.
   */
  async settleEarlierRun(): Promise<void> {
    const left = await this.endJobsOfAnEarlierRun();
    // A container create the dead process had in flight can land after the first sweep: Docker
    // finishes it without its client. Once those jobs are ended (a block later), sweep again.
    if (left > 0) await this.removeLeftoverContainers();
  }

  /**
   * Ends the jobs an earlier run of this daemon left accepted or running: their containers are
   * gone, and failing them stops their payment now rather than at expiry. Returns how many it
   * found.
   */
  private async endJobsOfAnEarlierRun(): Promise<number> {
    const me = providerAddress(this.c.market).toLowerCase();
    const now = Math.floor(Date.now() / 1000);
    let left = 0;
    for (const job of this.c.events.jobs.values()) {
      if (job.provider?.toLowerCase() !== me) continue;
      if (job.status !== 'accepted' && job.status !== 'running') continue;
      left++;
      // Past its deadline a job can no longer be failed, only expired (which refunds overrun).
      const end =
        job.deadline < now
          ? this.c.market.expireJob(job.jobId)
          : this.c.market.failJob(job.jobId, 'the provider restarted; the run was lost');
      await end
        .then(() => this.c.log.warn('ended a job left by an earlier run', { job: job.jobId }))
        .catch((e: Error) =>
          this.c.log.warn('could not fail a job left by an earlier run', {
            job: job.jobId,
            reason: e.message,
          }),
        );
    }
    return left;
  }
}
