import type { Address, Hex } from 'viem';
import type { ContentStore, JobView, MarketClient, MarketEvent } from '@orange-cloud/sdk';
import type { Sandbox } from './sandbox/types.js';
import type { Usage } from './criteria.js';
import type { Logger } from './logger.js';
import {
  providerAddress,
  type LiveOutput,
  type MarketEvents,
  type PaymentRail,
  type ProviderMarket,
} from './node/components.js';
import { registerOffer, type RegistrationInit } from './node/registration.js';
import { Recovery } from './node/recovery.js';
import { Bidder } from './node/bidder.js';
import { JobRun, type JobRunComponents, type JobRunInit } from './node/job-run.js';
import { PaymentWatch } from './node/payment-watch.js';
import { superfluidRail } from './node/superfluid-rail.js';

/** What the node is: its offer, its keys, and how it runs jobs. */
export interface ProviderNodeInit extends RegistrationInit, JobRunInit {
  /** How often the payment flows of running jobs are checked (ms). */
  paymentCheckMs?: number;
}

/** What the node works with: each an interface, so tests pass fakes and main.ts real ones. */
export interface ProviderNodeComponents {
  market: ProviderMarket;
  /** The market's events (a MarketIndex). */
  index: MarketEvents;
  store: ContentStore;
  sandbox: Sandbox;
  log: Logger;
  /** Live output for requesters (the public log endpoint); none = results only. */
  live?: LiveOutput;
}

/** The payment rail is given, or reached through the market client's own chain clients. */
type PaymentWiring =
  | { payments: PaymentRail }
  | { payments?: undefined; market: Pick<MarketClient, 'publicClient' | 'walletClient'> };

export type ProviderNodeOptions = ProviderNodeComponents & ProviderNodeInit & PaymentWiring;

/**
 * The provider's side of the protocol: hears of jobs, takes the ones it can serve, runs them
 * once the requester grants access, and publishes results. This class only wires and
 * sequences its parts (node/): registration, recovery, bidding, one JobRun per accepted job,
 * the payment watch. Every job is handled in isolation: a failing job is failed on chain and
 * never takes the node down.
 */
export class ProviderNode {
  private readonly o: ProviderNodeOptions;
  private readonly recovery: Recovery;
  private readonly bidder: Bidder;
  private readonly paymentWatch: PaymentWatch;
  /** What every JobRun works with. */
  private readonly runComponents: JobRunComponents;
  private readonly runs = new Map<bigint, JobRun>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** Settles when every job in flight has finished (used by stop()). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: ProviderNodeOptions) {
    this.o = options;
    const { market, index: events, sandbox, store, log, live } = options;
    const payments =
      options.payments === undefined ? superfluidRail(options.market) : options.payments;
    this.recovery = new Recovery({ market, events, sandbox, payments, log });
    this.bidder = new Bidder(
      {
        market,
        events,
        log,
        hire: (job) => this.hire(job),
        track: (work) => this.track(work),
      },
      options.policy,
    );
    this.paymentWatch = new PaymentWatch({
      market,
      events,
      payments,
      log,
      jobs: () => this.runs.values(),
    });
    this.runComponents = { market, events, store, sandbox, log, live };
  }

  get address(): Address {
    return providerAddress(this.o.market);
  }

  /** Cores and memory held by jobs this provider accepted and has not finished. */
  usage(): Usage {
    return this.bidder.usage();
  }

  /** Checks Docker, registers (or refreshes) the offer, then follows the market. */
  async start(): Promise<void> {
    const { market, index, store, log } = this.o;
    await this.o.sandbox.check();
    await this.recovery.removeLeftoverContainers();
    await registerOffer({ market, events: index, store, log }, this.o);
    await this.recovery.settleEarlierRun();
    this.unsubscribe = index.onEvent((event) => this.route(event));
    await index.start((error) => log.warn('market sync failed', { error: error.message }));
    this.bidder.considerPosted();
    this.paymentWatch.start(this.o.paymentCheckMs ?? 2_000);
    log.info('provider ready', { address: this.address, cores: this.o.policy.cores });
  }

  /** Stops taking jobs, kills running ones, and waits for them to be failed on chain. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.bidder.stop();
    this.unsubscribe?.();
    this.paymentWatch.stop();
    await this.o.index.stop();
    for (const run of this.runs.values())
      run.stop({ kind: 'shutdown', what: 'provider shut down during the run' });
    await Promise.allSettled([...this.inFlight]);
  }

  private route(event: MarketEvent): void {
    if (this.stopped) return;
    switch (event.eventName) {
      case 'JobPosted':
        return this.bidder.consider(event.args.jobId);
      case 'AccessGranted': {
        // Before the acceptance's receipt is seen the job is not hired yet and this finds
        // nothing; hire() then finds the grant in the index instead.
        const run = this.runs.get(event.args.jobId);
        if (run && event.args.provider.toLowerCase() === this.address.toLowerCase())
          this.runGranted(run, event.args.kfrag);
        return;
      }
      case 'JobCancelled':
      case 'JobExpired': {
        const run = this.runs.get(event.args.jobId);
        if (run) {
          const what = event.eventName === 'JobCancelled' ? 'cancelled' : 'expired';
          run.stop({ kind: 'ended', what: `job ${what}` });
          if (!run.running) this.release(event.args.jobId);
        }
        return;
      }
    }
  }

  /** A job this provider won: its run begins (fetching) and waits for the grant. */
  private hire(job: JobView): void {
    const run = new JobRun(this.runComponents, this.o, job, () => this.release(job.jobId));
    this.runs.set(job.jobId, run);
    // The requester may have granted access while our acceptance was still being confirmed.
    const granted = this.o.index.jobs.get(job.jobId)?.kfrag;
    if (granted) this.runGranted(run, granted);
  }

  private runGranted(run: JobRun, kfrag: Hex): void {
    const work = run.grant(kfrag);
    if (work) this.track(work);
  }

  private release(jobId: bigint): void {
    this.runs.get(jobId)?.dispose();
    this.runs.delete(jobId);
    this.bidder.release(jobId);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}
