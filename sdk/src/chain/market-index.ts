import { iterateLogs } from 'viem/actions';
import { parseEventLogs, type Address, type Hex } from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import { OrangeError } from '../errors.js';
import { explainChainError } from './chain-errors.js';
import type { MarketClient } from './market-client.js';
import type { JobPayment } from '../payments/job-payment.js';

export type JobStatus =
  'posted' | 'accepted' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired';

export const TERMINAL_STATUSES: readonly JobStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'expired',
];

/** What the market's events say about one job. */
export interface JobView {
  jobId: bigint;
  requester: Address;
  /** The offered provider while posted (if any), the winner once accepted. */
  provider: Address | undefined;
  name: string;
  runtime: string;
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  maxPricePerCoreSecond: bigint;
  pricePerCoreSecond: bigint | undefined;
  manifestCid: string;
  status: JobStatus;
  /** Unix seconds of the current deadline (acceptBy, startBy or runBy). */
  deadline: number;
  postedBlock: bigint;
  kfrag: Hex | undefined;
  startedAt: number | undefined;
  resultCid: string | undefined;
  exitCode: number | undefined;
  flags: number | undefined;
  runSeconds: number | undefined;
  failureReason: string | undefined;
  /** The job's share of its pair's payment flow, once it started streaming (free jobs: none). */
  payment: JobPayment | undefined;
}

/** A provider's latest registration. */
export interface ProviderView {
  address: Address;
  cores: number;
  memoryMb: number;
  pricePerCoreSecond: bigint;
  umbralPublicKey: Hex;
  runtimes: string[];
  endpoint: string;
  ipfsPeers: string[];
  active: boolean;
}

export type MarketEvent = ReturnType<typeof parseEventLogs<typeof marketAbi>>[number];

export interface MarketIndexOptions {
  /** Blocks re-read on every pass so a shallow reorg cannot hide an event. */
  reorgWindow?: bigint;
  /** Most blocks asked for in one eth_getLogs. */
  blockRange?: bigint;
  /**
   * While started, read the chain this often (ms) even without a wake-up. A subscription can
   * die or miss a block silently, and on an automining devnet no later block may ever come to
   * make up for it: without this a missed wake-up would leave the index behind for good.
   */
  heartbeatMs?: number;
}

/**
 * viem shares one WebSocket per URL within a process, so indexes on the same node share it:
 * the last one to stop closes it, not the first.
 */
const socketUsers = new Map<string, number>();

const split = (list: string) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The market's state as its events tell it, kept current from a block cursor.
 * New blocks only wake it up (subscription or block polling); it then reads
 * the logs from its cursor in bounded pages, re-reading a small window for
 * reorgs and applying each log once. Node-side log filters are never used:
 * they vanish behind load-balanced RPCs.
 */
export class MarketIndex {
  readonly jobs = new Map<bigint, JobView>();
  readonly providers = new Map<Address, ProviderView>();
  private readonly client: MarketClient;
  private readonly reorgWindow: bigint;
  private readonly blockRange: bigint;
  private cursor: bigint;
  private readonly applied = new Map<string, bigint>();
  private readonly listeners = new Set<(event: MarketEvent, index: MarketIndex) => void>();
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private unwatch: (() => void) | undefined;
  private closeSocket: (() => Promise<void>) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly heartbeatMs: number;

  constructor(client: MarketClient, options: MarketIndexOptions = {}) {
    this.client = client;
    this.reorgWindow = options.reorgWindow ?? 12n;
    this.blockRange = options.blockRange ?? 2_000n;
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.cursor = client.connection.deployBlock - 1n;
  }

  /** Last block fully read. */
  get syncedBlock(): bigint {
    return this.cursor;
  }

  /** Calls `listener` for every event applied from now on. Returns an unsubscribe function. */
  onEvent(listener: (event: MarketEvent, index: MarketIndex) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads up to the chain head. Concurrent calls share one pass (plus one more if asked meanwhile). */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          await this.syncOnce();
        } while (this.syncAgain);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /** Syncs now and on every new block until stopped. `onError` hears failed passes. */
  async start(onError: (error: OrangeError) => void = () => {}): Promise<void> {
    await this.sync();
    const watcher = this.client.subscriptionClient();
    const socketUrl = this.client.connection.wsUrl;
    if (socketUrl) {
      socketUsers.set(socketUrl, (socketUsers.get(socketUrl) ?? 0) + 1);
      this.closeSocket = async () => {
        const left = (socketUsers.get(socketUrl) ?? 1) - 1;
        socketUsers.set(socketUrl, left);
        if (left > 0) return;
        // viem keeps the socket open (and reconnecting) after unwatching; close it.
        const transport = watcher.transport as { getRpcClient?: () => Promise<{ close(): void }> };
        if (transport.getRpcClient) (await transport.getRpcClient()).close();
      };
    }
    const syncNow = () =>
      this.sync().catch((error: unknown) =>
        onError(explainChainError(error, 'Reading market events')),
      );
    this.unwatch = watcher.watchBlockNumber({
      emitMissed: false,
      onBlockNumber: syncNow,
      onError: (error) => onError(explainChainError(error, 'Watching new blocks')),
    });
    // One cheap call per beat: the logs are only read when a block came that nobody announced.
    const catchUp = async () => {
      const head = await this.client.publicClient.getBlockNumber({ cacheTime: 0 });
      if (head > this.cursor) await this.sync();
    };
    this.heartbeat = setInterval(
      () =>
        void catchUp().catch((error: unknown) =>
          onError(explainChainError(error, 'Reading market events')),
        ),
      this.heartbeatMs,
    );
    this.heartbeat.unref();
  }

  /** Stops following blocks and closes the WebSocket (before its node goes away). */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
    const close = this.closeSocket;
    this.closeSocket = undefined;
    await close?.().catch(() => undefined);
  }

  /**
   * Resolves with the job once `predicate` holds for it, checking after every
   * applied event. Rejects on abort.
   */
  waitForJob(
    jobId: bigint,
    predicate: (job: JobView) => boolean,
    signal?: AbortSignal,
  ): Promise<JobView> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const job = this.jobs.get(jobId);
        if (job && predicate(job)) {
          cleanup();
          resolve(job);
        }
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason ?? new OrangeError('ABORTED', 'Stopped waiting for the job.'));
      };
      const unsubscribe = this.onEvent(check);
      const cleanup = () => {
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  activeProviders(): ProviderView[] {
    return [...this.providers.values()].filter((p) => p.active);
  }

  jobsOf(requester: Address): JobView[] {
    const me = requester.toLowerCase();
    return [...this.jobs.values()]
      .filter((j) => j.requester.toLowerCase() === me)
      .sort((a, b) => (a.jobId < b.jobId ? 1 : -1));
  }

  private async syncOnce(): Promise<void> {
    // No cache: a wake-up for block N must not read a cached N-1 and miss N.
    const head = await this.client.publicClient.getBlockNumber({ cacheTime: 0 });
    const start = this.cursor + 1n - this.reorgWindow;
    const fromBlock =
      start < this.client.connection.deployBlock ? this.client.connection.deployBlock : start;
    if (fromBlock > head) return;
    const pages = iterateLogs(this.client.publicClient, {
      address: this.client.address,
      fromBlock,
      toBlock: head,
      blockRange: this.blockRange,
    });
    for await (const page of pages) {
      const events = parseEventLogs({ abi: marketAbi, logs: page.logs });
      for (const event of events) {
        const key = `${event.blockHash}:${event.logIndex}`;
        if (this.applied.has(key)) continue;
        this.applied.set(key, event.blockNumber);
        this.apply(event);
        for (const listener of this.listeners) listener(event, this);
      }
      if (page.toBlock > this.cursor) this.cursor = page.toBlock;
    }
    for (const [key, block] of this.applied) {
      if (block < this.cursor - this.reorgWindow) this.applied.delete(key);
    }
  }

  private apply(event: MarketEvent): void {
    switch (event.eventName) {
      case 'ProviderRegistered': {
        const a = event.args;
        this.providers.set(a.provider, {
          address: a.provider,
          cores: a.cores,
          memoryMb: a.memoryMb,
          pricePerCoreSecond: a.pricePerCoreSecond,
          umbralPublicKey: a.umbralPublicKey,
          runtimes: split(a.runtimes),
          endpoint: a.endpoint,
          ipfsPeers: split(a.ipfsPeers),
          active: true,
        });
        return;
      }
      case 'ProviderDeactivated': {
        const provider = this.providers.get(event.args.provider);
        if (provider) provider.active = false;
        return;
      }
      case 'JobPosted': {
        const a = event.args;
        this.jobs.set(a.jobId, {
          jobId: a.jobId,
          requester: a.requester,
          provider:
            a.provider === '0x0000000000000000000000000000000000000000' ? undefined : a.provider,
          name: a.name,
          runtime: a.runtime,
          cores: a.cores,
          memoryMb: a.memoryMb,
          timeoutSec: a.timeoutSec,
          maxPricePerCoreSecond: a.maxPricePerCoreSecond,
          pricePerCoreSecond: undefined,
          manifestCid: a.manifestCid,
          status: 'posted',
          deadline: Number(a.acceptBy),
          postedBlock: event.blockNumber,
          kfrag: undefined,
          startedAt: undefined,
          resultCid: undefined,
          exitCode: undefined,
          flags: undefined,
          runSeconds: undefined,
          failureReason: undefined,
          payment: undefined,
        });
        return;
      }
      case 'JobAccepted':
        return this.update(event.args.jobId, (job) => {
          job.status = 'accepted';
          job.provider = event.args.provider;
          job.pricePerCoreSecond = event.args.pricePerCoreSecond;
          job.deadline = Number(event.args.startBy);
        });
      case 'AccessGranted':
        return this.update(event.args.jobId, (job) => {
          job.kfrag = event.args.kfrag;
        });
      case 'JobStarted':
        return this.update(event.args.jobId, (job) => {
          job.status = 'running';
          job.startedAt = Number(event.args.startedAt);
          job.deadline = Number(event.args.runBy);
        });
      case 'JobCompleted':
        return this.update(event.args.jobId, (job) => {
          job.status = 'completed';
          job.resultCid = event.args.resultCid;
          job.exitCode = event.args.exitCode;
          job.flags = event.args.flags;
          job.runSeconds = Number(event.args.runSeconds);
        });
      case 'JobFailed':
        return this.update(event.args.jobId, (job) => {
          job.status = 'failed';
          job.failureReason = event.args.reason;
          job.resultCid = event.args.resultCid || undefined;
        });
      case 'JobCancelled':
        return this.update(event.args.jobId, (job) => {
          job.status = 'cancelled';
        });
      case 'JobExpired':
        return this.update(event.args.jobId, (job) => {
          job.status = 'expired';
        });
      case 'PaymentStarted':
        return this.update(event.args.jobId, (job) => {
          job.payment = { rateWei: event.args.rate, stopped: undefined };
        });
      case 'PaymentStopped': {
        const a = event.args;
        return this.update(a.jobId, (job) => {
          job.payment = {
            rateWei: a.rate,
            stopped: {
              streamedSeconds: Number(a.streamedSeconds),
              refundedWei: a.refunded,
              costWei: a.rate * a.streamedSeconds - a.refunded,
              flowWasLive: a.flowWasLive,
            },
          };
        });
      }
    }
  }

  private update(jobId: bigint, change: (job: JobView) => void): void {
    const job = this.jobs.get(jobId);
    if (job) change(job);
  }
}
