import { hexToBytes, type Address } from 'viem';
import {
  COMPLETION_FLAGS,
  OrangeError,
  approveOverrunRefunds,
  readPairFlow,
  fetchAcceptedJob,
  openGrantedJob,
  publicKeyFromHex,
  publicKeyToHex,
  publishResult,
  type ContentStore,
  type JobManifest,
  type JobView,
  type MarketClient,
  type MarketEvent,
  type MarketIndex,
  type ProviderKeys,
  type FetchedJob,
  type RunReport,
} from '@orange-cloud/sdk';
import type { Sandbox } from './sandbox/types.js';
import { decide, type ProviderPolicy, type Usage } from './criteria.js';
import type { Logger } from './logger.js';
import type { LiveStreams } from './live/live-streams.js';

export interface ProviderNodeOptions {
  market: MarketClient;
  index: MarketIndex;
  store: ContentStore;
  sandbox: Sandbox;
  keys: ProviderKeys;
  policy: ProviderPolicy;
  /** Docker image per runtime name. */
  images: Record<string, string>;
  outputCapBytes: number;
  /** URL of the public log endpoint ('' until there is one). */
  endpoint: string;
  log: Logger;
  /** Live output for requesters (the public log endpoint); none = results only. */
  live?: LiveStreams;
  /** How often the output so far is checkpointed to IPFS during a run (ms). */
  checkpointMs?: number;
  /** Largest manifest or payload fetched from IPFS. */
  maxPayloadBytes?: number;
  fetchTimeoutMs?: number;
  /** How often the payment flows of running jobs are checked (ms). */
  paymentCheckMs?: number;
}

/** Why a running job was stopped before its end: each ends differently on chain. */
type StopReason =
  /** The requester cancelled or someone expired it: already terminal, nothing to record. */
  | { kind: 'ended'; what: string }
  /** The requester's payment flow is gone: fail the job, saying so. */
  | { kind: 'unpaid'; what: string }
  /** This daemon is shutting down: fail the job so the requester is not left waiting. */
  | { kind: 'shutdown'; what: string };

/** A job this provider accepted: what it fetched and how to stop it. */
interface ActiveJob {
  job: JobView;
  manifest: Promise<FetchedJob>;
  abort: AbortController;
  running: boolean;
  /** The start is mined: the payment flow is live and the container may run. */
  started: boolean;
  startTimer: NodeJS.Timeout | undefined;
}

/**
 * The provider's side of the protocol: hears of jobs, takes the ones it can
 * serve, runs them once the requester grants access, and publishes results.
 * Every job is handled in isolation: a failing job is failed on chain and
 * never takes the node down.
 */
export class ProviderNode {
  private readonly o: ProviderNodeOptions;
  private readonly active = new Map<bigint, ActiveJob>();
  private readonly considering = new Set<bigint>();
  private unsubscribe: (() => void) | undefined;
  private paymentTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Settles when every job in flight has finished (used by stop()). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: ProviderNodeOptions) {
    this.o = options;
  }

  get address(): Address {
    return this.o.market.account!.address;
  }

  usage(): Usage {
    let cores = 0;
    let memoryMb = 0;
    for (const { job } of this.active.values()) {
      cores += job.cores;
      memoryMb += job.memoryMb;
    }
    return { cores, memoryMb };
  }

  /** Checks Docker, registers (or refreshes) the offer, then follows the market. */
  async start(): Promise<void> {
    await this.o.sandbox.check();
    const removed = await this.o.sandbox.removeOrphans();
    if (removed > 0) this.o.log.warn('removed containers left by an earlier run', { removed });
    await this.register();
    await this.allowOverrunRefunds();
    await this.endJobsOfAnEarlierRun();
    this.unsubscribe = this.o.index.onEvent((event) => this.onEvent(event));
    await this.o.index.start((error) =>
      this.o.log.warn('market sync failed', { error: error.message }),
    );
    this.considerPostedJobs();
    this.paymentTimer = setInterval(
      () => void this.checkPayments(),
      this.o.paymentCheckMs ?? 2_000,
    );
    this.o.log.info('provider ready', { address: this.address, cores: this.o.policy.cores });
  }

  /** Stops taking jobs, kills running ones, and waits for them to be failed on chain. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.paymentTimer);
    await this.o.index.stop();
    for (const active of this.active.values())
      active.abort.abort({
        kind: 'shutdown',
        what: 'provider shut down during the run',
      } satisfies StopReason);
    await Promise.allSettled([...this.inFlight]);
  }

  private async register(): Promise<void> {
    const p = this.o.policy;
    const publicKey = publicKeyToHex(this.o.keys.publicKey);
    await this.o.index.sync();
    const current = this.o.index.providers.get(this.address);
    const peers = this.o.store.addresses();
    const same =
      current?.active &&
      current.cores === p.cores &&
      current.memoryMb === p.memoryMb &&
      current.pricePerCoreSecond === p.pricePerCoreSecond &&
      current.umbralPublicKey.toLowerCase() === `0x${publicKey}`.toLowerCase() &&
      current.runtimes.join(',') === p.runtimes.join(',') &&
      current.endpoint === this.o.endpoint &&
      current.ipfsPeers.join(',') === peers.join(',');
    if (same) return;
    await this.o.market.registerProvider({
      cores: p.cores,
      memoryMb: p.memoryMb,
      pricePerCoreSecond: p.pricePerCoreSecond,
      umbralPublicKey: `0x${publicKey}`,
      runtimes: p.runtimes,
      endpoint: this.o.endpoint,
      ipfsPeers: peers,
    });
    this.o.log.info('registered', { address: this.address, peers });
  }

  /** Lets the market take back overrun (what a flow paid past a job's deadline) for the requester. */
  private async allowOverrunRefunds(): Promise<void> {
    const terms = await this.o.market.paymentTerms();
    if (await approveOverrunRefunds(this.o.market.walletClient!, this.o.market.publicClient, terms))
      this.o.log.info('approved the market to refund overrun', { token: terms.superToken });
  }

  /**
   * Ends the jobs an earlier run of this daemon left accepted or running: their containers are
   * gone, and failing them stops their payment now rather than at expiry.
   */
  private async endJobsOfAnEarlierRun(): Promise<void> {
    const me = this.address.toLowerCase();
    const now = Math.floor(Date.now() / 1000);
    for (const job of this.o.index.jobs.values()) {
      if (job.provider?.toLowerCase() !== me) continue;
      if (job.status !== 'accepted' && job.status !== 'running') continue;
      // Past its deadline a job can no longer be failed, only expired (which refunds overrun).
      const end =
        job.deadline < now
          ? this.o.market.expireJob(job.jobId)
          : this.o.market.failJob(job.jobId, 'the provider restarted; the run was lost');
      await end
        .then(() => this.o.log.warn('ended a job left by an earlier run', { job: job.jobId }))
        .catch((e: Error) =>
          this.o.log.warn('could not fail a job left by an earlier run', {
            job: job.jobId,
            reason: e.message,
          }),
        );
    }
  }

  /**
   * A provider never runs unpaid work: when a running job's pair flow is below what the market
   * booked for the pair (the requester deleted or lowered it, or it was liquidated), the jobs of
   * that pair are stopped and failed.
   */
  private async checkPayments(): Promise<void> {
    const paid = [...this.active.values()].filter(
      (a) => a.started && (a.job.pricePerCoreSecond ?? 0n) > 0n,
    );
    if (paid.length === 0) return;
    let terms;
    try {
      terms = await this.o.market.paymentTerms();
    } catch {
      return; // the RPC is down: try again next time
    }
    const requesters = new Set(paid.map((a) => a.job.requester));
    for (const requester of requesters) {
      try {
        const flow = await readPairFlow(this.o.market.publicClient, terms, requester, this.address);
        if (flow.flowRate >= flow.bookedRate) continue;
        const what = `payment flow stopped: ${requester} streams ${flow.flowRate} wei/s of the ${flow.bookedRate} wei/s its running jobs need`;
        for (const a of paid) {
          if (a.job.requester !== requester) continue;
          this.o.log.warn('stopping an unpaid job', { job: a.job.jobId, block: flow.blockNumber });
          a.abort.abort({ kind: 'unpaid', what } satisfies StopReason);
        }
      } catch (error) {
        this.o.log.warn('payment check failed', { requester, reason: (error as Error).message });
      }
    }
  }

  private track<T>(work: Promise<T>): void {
    const tracked = work.catch(() => undefined);
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private onEvent(event: MarketEvent): void {
    if (this.stopped) return;
    switch (event.eventName) {
      case 'JobPosted':
        return this.consider(event.args.jobId);
      case 'AccessGranted': {
        // Before accept() has registered the job (its receipt not seen yet) this finds nothing;
        // accept() then finds the grant in the index instead.
        const active = this.active.get(event.args.jobId);
        if (active && event.args.provider.toLowerCase() === this.address.toLowerCase())
          this.runGranted(active, event.args.kfrag);
        return;
      }
      case 'JobCancelled':
      case 'JobExpired': {
        const active = this.active.get(event.args.jobId);
        if (active) {
          active.abort.abort({
            kind: 'ended',
            what: `job ${event.eventName === 'JobCancelled' ? 'cancelled' : 'expired'}`,
          } satisfies StopReason);
          if (!active.running) this.release(event.args.jobId);
        }
        return;
      }
    }
  }

  private considerPostedJobs(): void {
    for (const job of this.o.index.jobs.values())
      if (job.status === 'posted') this.consider(job.jobId);
  }

  private consider(jobId: bigint): void {
    if (this.stopped || this.active.has(jobId) || this.considering.has(jobId)) return;
    const job = this.o.index.jobs.get(jobId);
    if (!job) return;
    const decision = decide(
      job,
      this.address,
      this.o.policy,
      this.usage(),
      Math.floor(Date.now() / 1000),
    );
    if (!decision.take) {
      this.o.log.info('skipping job', { job: jobId, reason: decision.reason });
      return;
    }
    this.considering.add(jobId);
    this.track(
      this.accept(job).finally(() => {
        this.considering.delete(jobId);
      }),
    );
  }

  private async accept(job: JobView): Promise<void> {
    try {
      await this.o.market.acceptJob(job.jobId);
    } catch (error) {
      // Simulation failed: another provider won or the job changed. No gas spent.
      this.o.log.info('did not win job', { job: job.jobId, reason: (error as Error).message });
      return;
    }
    const abort = new AbortController();
    const active: ActiveJob = {
      job,
      abort,
      running: false,
      started: false,
      manifest: this.fetchJob(job, abort.signal),
      startTimer: undefined,
    };
    active.manifest.catch(() => undefined);
    this.active.set(job.jobId, active);
    this.o.log.info('accepted job', { job: job.jobId, requester: job.requester });
    // Without a grant before the start deadline the job is dead: end it so capacity frees up.
    const view = this.o.index.jobs.get(job.jobId);
    const startBy = (view?.deadline ?? 0) * 1000;
    active.startTimer = setTimeout(
      () => {
        if (!active.running) {
          this.o.market.expireJob(job.jobId).catch(() => undefined);
        }
      },
      Math.max(startBy - Date.now() + 2_000, 0),
    );
    active.startTimer.unref();
    // The requester may have granted access while our acceptance was still being confirmed.
    const granted = this.o.index.jobs.get(job.jobId)?.kfrag;
    if (granted) this.runGranted(active, granted);
  }

  private runGranted(active: ActiveJob, kfrag: `0x${string}`): void {
    if (active.running) return;
    active.running = true;
    this.track(this.run(active, kfrag));
  }

  private fetchJob(job: JobView, signal: AbortSignal) {
    return fetchAcceptedJob(this.o.store, job, {
      maxBytes: this.o.maxPayloadBytes ?? 16 * 1024 * 1024,
      timeoutMs: this.o.fetchTimeoutMs ?? 60_000,
      signal,
    });
  }

  private async run(active: ActiveJob, kfrag: `0x${string}`): Promise<void> {
    const { job, abort } = active;
    clearTimeout(active.startTimer);
    let started = false;
    try {
      const fetched = await active.manifest;
      const { manifest } = fetched;
      const payload = openGrantedJob(fetched, hexToBytes(kfrag), this.o.keys);
      const image = this.o.images[job.runtime];
      if (!image)
        throw new OrangeError('RUNTIME_UNSUPPORTED', `Runtime ${job.runtime} is not installed.`);
      abort.signal.throwIfAborted();
      // Simulated first: a requester that has not authorised or cannot afford the run makes the
      // start revert, and the job is failed below with the market's reason. The container only
      // runs once the start, and with it the payment flow, is mined.
      await this.o.market.startJob(job.jobId);
      started = true;
      active.started = true;
      this.o.log.info('running job', { job: job.jobId });
      const live = this.o.live;
      live?.begin(job.jobId, publicKeyFromHex(manifest.keys.delegatingPublicKey));
      const checkpoints = live ? this.checkpoints(job, manifest, live) : undefined;
      const outcome = await this.o.sandbox.run({
        jobId: job.jobId.toString(),
        image,
        files: payload.files.map((f) => ({
          path: f.path,
          content: new TextEncoder().encode(f.content),
        })),
        entrypoint: payload.entrypoint,
        cores: job.cores,
        memoryMb: job.memoryMb,
        timeoutSec: job.timeoutSec,
        outputCapBytes: this.o.outputCapBytes,
        signal: abort.signal,
        ...(live
          ? {
              onOutput: (chunk) => {
                live.output(job.jobId, chunk.stream, chunk.data);
                checkpoints?.record(chunk.stream, chunk.data);
              },
            }
          : {}),
      });
      await checkpoints?.stop();
      await live?.end(job.jobId, outcome.exitCode);
      const stop = outcome.aborted ? (abort.signal.reason as StopReason) : undefined;
      if (stop) {
        this.o.log.info('job stopped before the end', { job: job.jobId, reason: stop.what });
        if (stop.kind === 'ended') return;
      }
      const resultCid = await this.publish(job, manifest, outcome, stop?.what);
      if (stop) {
        // The output so far goes with the failure: the requester paid for those seconds.
        await this.o.market.failJob(job.jobId, stop.what.slice(0, 200), resultCid);
        return;
      }
      const flags =
        (outcome.timedOut ? COMPLETION_FLAGS.timedOut : 0) |
        (outcome.outOfMemory ? COMPLETION_FLAGS.outOfMemory : 0) |
        (outcome.outputTruncated ? COMPLETION_FLAGS.outputTruncated : 0);
      await this.o.market.completeJob(job.jobId, resultCid, outcome.exitCode ?? -1, flags);
      this.o.log.info('completed job', {
        job: job.jobId,
        exitCode: outcome.exitCode,
        ms: outcome.durationMs,
        resultCid,
      });
    } catch (error) {
      const reason =
        error instanceof OrangeError
          ? error.message
          : `internal error: ${(error as Error).message}`;
      this.o.log.error('job failed', { job: job.jobId, reason, started });
      const state = this.o.index.jobs.get(job.jobId)?.status;
      if (state === 'accepted' || state === 'running') {
        await this.o.market
          .failJob(job.jobId, reason.slice(0, 200))
          .catch((e: Error) =>
            this.o.log.error('could not fail job on chain', { job: job.jobId, reason: e.message }),
          );
      }
    } finally {
      await this.o.live?.end(job.jobId, null);
      this.release(job.jobId);
    }
  }

  /**
   * Every `checkpointMs` with new output, the output so far is sealed to the
   * requester, put on IPFS and announced on the live stream: a requester
   * that keeps it still has the output if this provider dies mid-run.
   */
  private checkpoints(job: JobView, manifest: JobManifest, live: LiveStreams) {
    const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
    const startedAt = new Date();
    let bytes = 0;
    let saved = 0;
    let writing: Promise<void> = Promise.resolve();
    const save = () => {
      if (bytes === saved) return;
      saved = bytes;
      const now = new Date();
      writing = writing
        .then(async () => {
          const cid = await this.publish(
            job,
            manifest,
            {
              exitCode: null,
              stdout: Buffer.concat(out.stdout),
              stderr: Buffer.concat(out.stderr),
              outputTruncated: false,
              timedOut: false,
              outOfMemory: false,
              startedAt,
              endedAt: now,
              durationMs: now.getTime() - startedAt.getTime(),
            },
            'checkpoint: the output so far, taken while the job was still running',
          );
          live.checkpoint(job.jobId, cid);
        })
        .catch((error: Error) =>
          this.o.log.warn('checkpoint failed', { job: job.jobId, reason: error.message }),
        );
    };
    const timer = setInterval(save, this.o.checkpointMs ?? 5_000);
    return {
      record(stream: 'stdout' | 'stderr', data: Uint8Array) {
        out[stream].push(Buffer.from(data));
        bytes += data.length;
      },
      async stop() {
        clearInterval(timer);
        await writing;
      },
    };
  }

  private publish(
    job: JobView,
    manifest: JobManifest,
    report: RunReport,
    failure?: string,
  ): Promise<string> {
    return publishResult(this.o.store, job.jobId, manifest, report, failure);
  }

  private release(jobId: bigint): void {
    const active = this.active.get(jobId);
    if (active) clearTimeout(active.startTimer);
    this.active.delete(jobId);
    // Capacity came free: jobs we skipped for lack of it may fit now.
    if (!this.stopped) this.considerPostedJobs();
  }
}
