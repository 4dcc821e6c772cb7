import type { Address } from 'viem';
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
import { ensureBond } from './node/bond.js';
import type { QuoteDesk } from './node/quote-desk.js';
import { JobRun, type JobRunComponents, type JobRunInit } from './node/job-run.js';
import { PaymentWatch } from './node/payment-watch.js';
import { superfluidRail } from './node/superfluid-rail.js';
import type { JobObserver } from './observe/job-observer.js';

/** What the node is: its offer, and how it runs jobs. */
export interface ProviderNodeInit extends RegistrationInit, JobRunInit {
  /** How often the payment flows of running jobs are checked (ms). */
  paymentCheckMs?: number;
  /** The longest job timeout its offers allow (s): what its bond covers. */
  maxTimeoutSec?: number;
}

/** What the node asks of its quote desk (node/quote-desk.ts; the endpoint asks it for quotes). */
export type NodeQuoteDesk = Pick<
  QuoteDesk,
  'hired' | 'jobEnded' | 'usage' | 'resume' | 'close' | 'startSweeping' | 'eraseStaleKeys'
>;

/** How often offers past their expiry and grace free their capacity and keys (ms). */
const OFFER_SWEEP_MS = 5_000;

/** What the node works with: each an interface, so tests pass fakes and main.ts real ones. */
export interface ProviderNodeComponents {
  market: ProviderMarket;
  /** The market's events (a MarketIndex). */
  index: MarketEvents;
  store: ContentStore;
  sandbox: Sandbox;
  log: Logger;
  /** Answers quotes (reserving capacity) and holds each offer's per-job key. */
  desk: NodeQuoteDesk;
  /** Live output for requesters (the public log endpoint); none = results only. */
  live?: LiveOutput;
  /** Hears jobs run, end and get paid, and RPC errors (metrics, status); none = nobody. */
  observer?: JobObserver;
}

/** The payment rail is given, or reached through the market client's own chain clients. */
type PaymentWiring =
  | { payments: PaymentRail }
  | { payments?: undefined; market: Pick<MarketClient, 'publicClient' | 'walletClient'> };

export type ProviderNodeOptions = ProviderNodeComponents & ProviderNodeInit & PaymentWiring;

/**
 * The provider's side of the protocol (market v2): the quote desk answers quotes with signed
 * offers on the endpoint; this node runs each job a requester hires it for with one of them,
 * opening it with that offer's per-job key, and publishes results. This class only wires and sequences its parts
 * (node/): registration, recovery, one JobRun per hired job, the payment watch. Every job is
 * handled in isolation: a failing job is failed on chain and never takes the node down.
 */
export class ProviderNode {
  private readonly o: ProviderNodeOptions;
  private readonly recovery: Recovery;
  private readonly paymentWatch: PaymentWatch;
  /** What every JobRun works with. */
  private readonly runComponents: JobRunComponents;
  private readonly runs = new Map<bigint, JobRun>();
  /** Jobs hired and not over here (a run, or its key being fetched). */
  private readonly taken = new Set<bigint>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  /** Started and not stopped: the node follows the market and takes jobs. */
  private ready = false;
  /** Settles when every job in flight has finished (used by stop()). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: ProviderNodeOptions) {
    this.o = options;
    const { market, index: events, sandbox, store, log, live, observer } = options;
    const payments =
      options.payments === undefined ? superfluidRail(options.market) : options.payments;
    this.recovery = new Recovery({ market, events, sandbox, log });
    this.paymentWatch = new PaymentWatch({
      market,
      events,
      payments,
      log,
      jobs: () => this.runs.values(),
      ...(observer ? { observer } : {}),
    });
    this.runComponents = { market, events, store, sandbox, log, live, observer };
  }

  get address(): Address {
    return providerAddress(this.o.market);
  }

  /** Whether the node is started and not stopped (the health check's "loop running"). */
  get running(): boolean {
    return this.ready;
  }

  /** Cores and memory held by standing offers and by jobs hired and not finished. */
  usage(): Usage {
    return this.o.desk.usage();
  }

  /**
   * Checks Docker, settles what an earlier run left, follows the market, opens the quote desk,
   * and only then registers (or refreshes) the advertisement: requesters that see it get answers.
   */
  async start(): Promise<void> {
    const { market, index, store, log } = this.o;
    await this.o.sandbox.check();
    await this.recovery.removeLeftoverContainers();
    await index.sync(); // what an earlier run left is read from the market's events
    await this.recovery.settleEarlierRun();
    await ensureBond({ market, log }, this.o.policy, this.o.maxTimeoutSec);
    this.unsubscribe = index.onEvent((event) => this.route(event));
    await index.start((error) => {
      this.o.observer?.rpcError();
      log.warn('market sync failed', { error: error.message });
    });
    // The jobs an earlier run left are failed: only keys of offers that may still be hired stay.
    const erased = await this.o.desk.eraseStaleKeys(new Set());
    if (erased.length > 0) log.info('erased job keys of an earlier run', { count: erased.length });
    this.o.desk.resume();
    this.o.desk.startSweeping(OFFER_SWEEP_MS);
    // Registered (or its new endpoint and IPFS address announced) only once it can quote, so a
    // requester that sees it come back is not turned away as PAUSED.
    await registerOffer({ market, events: index, store, log }, this.o);
    this.paymentWatch.start(this.o.paymentCheckMs ?? 2_000);
    this.ready = true;
    log.info('provider ready', { address: this.address, cores: this.o.policy.cores });
  }

  /** Stops taking jobs, kills running ones, and waits for them to be failed on chain. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    this.o.desk.close();
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
      // The hire and its grant come in one transaction; the index announces each event once its
      // whole page is applied, so either finds the job with its kfrag.
      case 'JobHired':
      case 'AccessGranted': {
        if (event.args.provider.toLowerCase() !== this.address.toLowerCase()) return;
        const job = this.o.index.jobs.get(event.args.jobId);
        if (job?.kfrag && job.status === 'accepted') this.hired(job);
        return;
      }
      case 'PaymentStopped': {
        // What the flow really moved for the job, less what the bond gave back: its earnings.
        const { jobId, paid, refunded } = event.args;
        const job = this.o.index.jobs.get(jobId);
        if (job?.provider.toLowerCase() === this.address.toLowerCase())
          this.o.observer?.jobPaid(jobId, paid - refunded);
        return;
      }
      case 'JobCancelled':
      case 'JobExpired': {
        const run = this.runs.get(event.args.jobId);
        if (run) {
          const what = event.eventName === 'JobCancelled' ? 'cancelled' : 'expired';
          run.stop({ kind: 'ended', what: `job ${what}`, state: what });
        }
        return;
      }
    }
  }

  /** A requester hired this provider with one of its offers: run the job with that offer's key. */
  private hired(job: JobView): void {
    // Both events of the hire lead here: the first one takes the job.
    if (this.taken.has(job.jobId)) return;
    this.taken.add(job.jobId);
    const { desk, log } = this.o;
    const ended = () =>
      desk
        .jobEnded(job.jobId, job.offerNonce)
        .catch((e: Error) =>
          log.warn('could not erase a job key', { job: job.jobId, e: e.message }),
        );
    const work = (async () => {
      const hire = await desk.hired(job.offerNonce, job.jobId, job);
      if (!hire.key) {
        const why =
          hire.outcome === 'over'
            ? 'the provider has no capacity left for the offer it was hired with'
            : 'the provider holds no key for the offer it was hired with';
        log.warn('cannot run a hire', { job: job.jobId, nonce: job.offerNonce, why });
        await this.o.market.failJob(job.jobId, why).catch((e: Error) => {
          this.o.observer?.rpcError();
          log.error('could not fail job', { job: job.jobId, e: e.message });
        });
        this.o.observer?.jobEnded(job, { state: 'failed', runSeconds: 0 });
        await ended();
        return;
      }
      const run = new JobRun(this.runComponents, this.o, job, hire.key, (end) => {
        this.runs.delete(job.jobId);
        this.taken.delete(job.jobId);
        this.o.observer?.jobEnded(job, end);
        void ended();
      });
      this.runs.set(job.jobId, run);
      log.info('hired for job', { job: job.jobId, requester: job.requester });
      await run.begin();
    })();
    this.track(work);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}
