import type { JobView } from '@orange-cloud/sdk';
import type { Logger } from '../logger.js';
import {
  providerAddress,
  type MarketEvents,
  type PaymentRail,
  type ProviderMarket,
} from './components.js';
import type { StopReason } from './job-run.js';

/** A job the watch looks after: whether it streams payment yet, and how to stop it. */
export interface WatchedJob {
  readonly job: JobView;
  /** The start is mined: its payment flow should be live. */
  readonly started: boolean;
  stop(reason: StopReason): void;
}

export interface PaymentWatchComponents {
  market: Pick<ProviderMarket, 'account' | 'paymentTerms'>;
  events: Pick<MarketEvents, 'jobs'>;
  payments: Pick<PaymentRail, 'readPairFlow'>;
  log: Logger;
  /** The jobs this provider holds now. */
  jobs(): Iterable<WatchedJob>;
}

/**
 * A provider never runs unpaid work: every `everyMs` the pair flows of running paid jobs are
 * read, and when one is below what the market booked for the pair (the requester deleted or
 * lowered it, or it was liquidated), that pair's jobs are stopped as unpaid.
 */
export class PaymentWatch {
  private readonly c: PaymentWatchComponents;
  private timer: NodeJS.Timeout | undefined;

  constructor(components: PaymentWatchComponents) {
    this.c = components;
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.check(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    // The agreed price is known from the acceptance on: read the market's current view of it.
    const price = (job: JobView) =>
      this.c.events.jobs.get(job.jobId)?.pricePerCoreSecond ?? job.pricePerCoreSecond ?? 0n;
    const paid = [...this.c.jobs()].filter((a) => a.started && price(a.job) > 0n);
    if (paid.length === 0) return;
    let terms;
    try {
      terms = await this.c.market.paymentTerms();
    } catch {
      return; // the RPC is down: try again next time
    }
    const provider = providerAddress(this.c.market);
    const requesters = new Set(paid.map((a) => a.job.requester));
    for (const requester of requesters) {
      try {
        const flow = await this.c.payments.readPairFlow(terms, requester, provider);
        if (flow.flowRate >= flow.bookedRate) continue;
        const what = `payment flow stopped: ${requester} streams ${flow.flowRate} wei/s of the ${flow.bookedRate} wei/s its running jobs need`;
        for (const a of paid) {
          if (a.job.requester !== requester) continue;
          this.c.log.warn('stopping an unpaid job', { job: a.job.jobId, block: flow.blockNumber });
          a.stop({ kind: 'unpaid', what });
        }
      } catch (error) {
        this.c.log.warn('payment check failed', { requester, reason: (error as Error).message });
      }
    }
  }
}
