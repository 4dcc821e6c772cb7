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
import { Recovery, type ResumedJob } from './node/recovery.js';
import { ensureBond } from './node/bond.js';
import type { QuoteDesk } from './node/quote-desk.js';
import {
  JobRun,
  type JobRunComponents,
  type JobRunInit,
  type Resumed,
  type RunEnd,
} from './node/job-run.js';
import type { JobKey } from './node/job-key-store.js';
import { ProviderStore } from './state/provider-store.js';
import { hireRecord, jobEnd } from './state/job-records.js';
import type { ChainCursor, JobLedger } from './state/types.js';
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
  'hired' | 'jobEnded' | 'usage' | 'pause' | 'resume' | 'close' | 'startSweeping' | 'eraseStaleKeys'
>;

/** The reason a job is failed with when the daemon shuts down before it could end. */
export const SHUTDOWN_REASON = 'provider shut down';

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
  /**
   * Where jobs, their containers and how far the chain was read are written down, for recovery
   * after a crash (the daemon's ProviderStore); default: kept in memory only.
   */
  state?: JobLedger & ChainCursor;
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
  /** Shutting down: running jobs may finish, new hires are failed. */
  private draining = false;
  private readonly state: JobLedger & ChainCursor;
  /** Settles when every job in flight has finished (used by stop()). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: ProviderNodeOptions) {
    this.o = options;
    const { market, index: events, sandbox, store, log, live, observer } = options;
    const payments =
      options.payments === undefined ? superfluidRail(options.market) : options.payments;
    this.state = options.state ?? ProviderStore.inMemory();
    const ledger = this.state;
    this.recovery = new Recovery({ market, events, sandbox, ledger, log });
    this.paymentWatch = new PaymentWatch({
      market,
      events,
      payments,
      log,
      jobs: () => this.runs.values(),
      ...(observer ? { observer } : {}),
    });
    this.runComponents = { market, events, store, sandbox, ledger, log, live, observer };
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
   * Checks Docker, settles what an earlier run left (re-attaching to its containers still
   * running, starting its hires not started, failing what cannot go on), follows the market,
   * opens the quote desk, and only then registers (or refreshes) the advertisement: requesters
   * that see it get answers.
   */
  async start(): Promise<void> {
    const { market, index, store, desk, log } = this.o;
    await this.o.sandbox.check();
    await index.sync(); // what an earlier run left is read from the market's events
    const recovered = await this.recovery.reconcile();
    await ensureBond({ market, log }, this.o.policy, this.o.maxTimeoutSec);
    this.unsubscribe = index.onEvent((event) => this.route(event));
    await index.start((error) => {
      this.o.observer?.rpcError();
      log.warn('market sync failed', { error: error.message });
    });
    this.state.advance(index.syncedBlock);
    // Keys of the jobs taken up again stay; of the rest, only those of offers that may still
    // be hired. Those jobs hold their capacity again before any new offer is given.
    const again = [...recovered.resume.map((r) => r.job), ...recovered.start];
    const erased = await desk.eraseStaleKeys(new Set(again.map((j) => j.offerNonce)));
    if (erased.length > 0) log.info('erased job keys of an earlier run', { count: erased.length });
    for (const job of again) await desk.hired(job.offerNonce, job.jobId, job);
    desk.resume();
    desk.startSweeping(OFFER_SWEEP_MS);
    // Registered (or its new endpoint and IPFS address announced) only once it can quote, so a
    // requester that sees it come back is not turned away as PAUSED, and before the jobs taken
    // up again end, so their requesters fetch the results where this node listens now.
    await registerOffer({ market, events: index, store, log }, this.o);
    for (const resumed of recovered.resume) this.resumed(resumed);
    for (const job of recovered.start) this.hired(job);
    this.paymentWatch.start(this.o.paymentCheckMs ?? 2_000);
    this.ready = true;
    log.info('provider ready', { address: this.address, cores: this.o.policy.cores });
  }

  /**
   * Shuts down gracefully: takes no new job (the desk declines "shutting down", a hire seen now
   * is failed), lets the running jobs finish for up to `graceMs` or until `cut` resolves (a
   * second signal), then stops the rest (failed on chain with SHUTDOWN_REASON, their output so
   * far returned).
   */
  async shutdown(
    graceMs: number,
    cut: Promise<void> = new Promise(() => undefined),
  ): Promise<void> {
    this.draining = true;
    this.o.desk.pause('shutting down');
    const running = this.runs.size;
    if (running > 0) this.o.log.info('letting running jobs finish', { running, graceMs });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.inFlight]), graceOver, cut]);
    clearTimeout(timer);
    await this.stop();
  }

  /** Stops taking jobs, stops running ones, and waits for them to be failed on chain. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    this.o.desk.close();
    this.unsubscribe?.();
    this.paymentWatch.stop();
    for (const run of this.runs.values()) run.stop({ kind: 'shutdown', what: SHUTDOWN_REASON });
    await Promise.allSettled([...this.inFlight]);
    // The index stops last: a run that is failed reads the job's state from it.
    await this.o.index.stop();
    if (this.o.index.syncedBlock > 0n) this.state.advance(this.o.index.syncedBlock);
  }

  private route(event: MarketEvent): void {
    if (this.stopped) return;
    this.state.advance(this.o.index.syncedBlock);
    switch (event.eventName) {
      // The hire carries its grant (the kfrag) in the same event.
      case 'JobHired': {
        if (event.args.provider.toLowerCase() !== this.address.toLowerCase()) return;
        const job = this.o.index.jobs.get(event.args.jobId);
        if (job?.status === 'accepted') this.hired(job);
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
    // A job is taken once, whatever leads here again (a recovery scan, a repeated event).
    if (this.taken.has(job.jobId)) return;
    this.taken.add(job.jobId);
    this.state.hired(hireRecord(job, nowSec()));
    const { desk, log } = this.o;
    const work = (async () => {
      const hire = await desk.hired(job.offerNonce, job.jobId, job);
      // Shutting down, the hire is not run: it is failed at once rather than left to expire.
      const key = this.draining ? undefined : hire.key;
      if (!key) {
        const why = this.draining
          ? SHUTDOWN_REASON
          : hire.outcome === 'over'
            ? 'the provider has no capacity left for the offer it was hired with'
            : 'the provider holds no key for the offer it was hired with';
        log.warn('cannot run a hire', { job: job.jobId, nonce: job.offerNonce, why });
        await this.o.market.failJob(job.jobId, why).catch((e: Error) => {
          this.o.observer?.rpcError();
          log.error('could not fail job', { job: job.jobId, e: e.message });
        });
        this.ended(job, { state: 'failed', runSeconds: 0, reason: why });
        return;
      }
      log.info('hired for job', { job: job.jobId, requester: job.requester });
      await this.launch(job, key);
    })();
    this.track(work);
  }

  /** A job an earlier run left running: follow its container, and complete it. */
  private resumed({ job, container, manifest }: ResumedJob): void {
    this.taken.add(job.jobId);
    // Its capacity is held again (its key is not needed: the container holds its files).
    const work = (async () => {
      await this.o.desk.hired(job.offerNonce, job.jobId, job);
      await this.launch(job, undefined, { ...container, manifest });
    })();
    this.track(work);
  }

  private async launch(job: JobView, key: JobKey | undefined, resumeFrom?: Resumed): Promise<void> {
    const run = new JobRun(
      this.runComponents,
      this.o,
      job,
      key,
      (end) => this.ended(job, end),
      resumeFrom,
    );
    this.runs.set(job.jobId, run);
    await run.begin();
  }

  /** The job is over here: its record, its capacity and its key go. */
  private ended(job: JobView, end: RunEnd): void {
    this.runs.delete(job.jobId);
    this.taken.delete(job.jobId);
    const seen = this.o.index.jobs.get(job.jobId) ?? job;
    this.state.ended(job.jobId, jobEnd(seen, end.state, end.reason, nowSec()));
    // After the record: an observer that keeps its served jobs in the database writes to it.
    this.o.observer?.jobEnded(job, end);
    this.o.desk
      .jobEnded(job.jobId, job.offerNonce)
      .catch((e: Error) =>
        this.o.log.warn('could not erase a job key', { job: job.jobId, e: e.message }),
      );
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}

const nowSec = () => Math.floor(Date.now() / 1000);
