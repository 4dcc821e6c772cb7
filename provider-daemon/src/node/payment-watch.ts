import type { JobView } from '@orange-cloud/sdk';
import type { Logger } from '../logger.js';
import {
  providerAddress,
  type MarketEvents,
  type PaymentRail,
  type ProviderMarket,
} from './components.js';
import type { StopReason } from './job-run.js';
import type { JobObserver } from '../observe/job-observer.js';

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
  /** Hears the incoming flows read and the RPC calls that failed. */
  observer?: Pick<JobObserver, 'incomingFlow' | 'rpcError'>;
}

/**
 * A provider never runs unpaid work: every `everyMs` the pair flows of running paid jobs are
 * read, flow and booked rate at one block. A pair found short (the requester deleted or lowered
 * the flow, or it was liquidated) is read again at the next block, and only when that block
 * shows it short too are the pair's jobs stopped as unpaid: a moment between two blocks (another
 * job of the pair ending) never stops anything. A chain that makes no block within the wait (an
 * idle devnet mines only on transactions) still stands where it was, and is taken at its word.
 */
export class PaymentWatch {
  private readonly c: PaymentWatchComponents;
  private timer: NodeJS.Timeout | undefined;
  /** How long a re-check waits for the next block: three checks' time (6 s by default). */
  private nextBlockWaitMs = 6_000;
  private checking = false;

  constructor(components: PaymentWatchComponents) {
    this.c = components;
  }

  start(everyMs: number): void {
    this.nextBlockWaitMs = 3 * everyMs;
    this.timer = setInterval(() => void this.check(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async check(): Promise<void> {
    if (this.checking) return; // a re-check is still waiting for its block
    this.checking = true;
    try {
      await this.checkPairs();
    } finally {
      this.checking = false;
    }
  }

  private async checkPairs(): Promise<void> {
    // The agreed price is known from the acceptance on: read the market's current view of it.
    const price = (job: JobView) =>
      this.c.events.jobs.get(job.jobId)?.pricePerCoreSecond ?? job.pricePerCoreSecond ?? 0n;
    const paid = [...this.c.jobs()].filter((a) => a.started && price(a.job) > 0n);
    if (paid.length === 0) return this.c.observer?.incomingFlow(0n);
    let terms;
    try {
      terms = await this.c.market.paymentTerms();
    } catch {
      this.c.observer?.rpcError();
      return; // the RPC is down: try again next time
    }
    let incoming = 0n;
    const provider = providerAddress(this.c.market);
    const requesters = new Set(paid.map((a) => a.job.requester));
    for (const requester of requesters) {
      try {
        const first = await this.c.payments.readPairFlow(terms, requester, provider);
        incoming += first.flowRate;
        if (first.flowRate >= first.bookedRate) continue;
        const next = { after: first.blockNumber, waitMs: this.nextBlockWaitMs };
        const again = await this.c.payments.readPairFlow(terms, requester, provider, next);
        const blocks = [first.blockNumber, again.blockNumber];
        if (again.flowRate >= again.bookedRate) {
          this.c.log.info('payment flow short at one block only', { requester, blocks });
          continue;
        }
        const what = `payment flow stopped: ${requester} streams ${again.flowRate} wei/s of the ${again.bookedRate} wei/s its running jobs need`;
        for (const a of paid) {
          if (a.job.requester !== requester) continue;
          this.c.log.warn('stopping an unpaid job', { job: a.job.jobId, blocks });
          a.stop({ kind: 'unpaid', what });
        }
      } catch (error) {
        this.c.observer?.rpcError();
        this.c.log.warn('payment check failed', { requester, reason: (error as Error).message });
      }
    }
    this.c.observer?.incomingFlow(incoming);
  }
}
