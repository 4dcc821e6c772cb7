import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import type { MarketClient } from './market-client.js';
import type { JobView, MarketEvent, MarketState, ProviderView } from './market-state.js';
import { LogCursor } from './log-cursor.js';
import { emptyReorgWindow, foldLogPage, type ReorgWindow } from './reorg-window.js';
import { wakeOnNewBlocks } from './block-wake-ups.js';
import { newestJobsFirst } from './job-id.js';

export * from './market-state.js';

export interface MarketIndexOptions {
  /** Blocks re-read on every pass: a reorg within them is undone, a deeper one is not. */
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
 * The market's state as its events tell it, kept current from a block cursor. It composes
 * three parts: the wake-ups (new blocks, heartbeat) say when to read, the log cursor reads the
 * logs in bounded pages from just below the last block read, and the reorg window folds each
 * page into the state with the pure reducer, undoing the logs of blocks a reorg replaced.
 */
export class MarketIndex {
  /**
   * The index's own views, kept current in place: a consumer holding a view sees what later
   * events (and undone ones) change in it. A view a reorg removes leaves the map.
   */
  readonly jobs = new Map<bigint, JobView>();
  readonly providers = new Map<Address, ProviderView>();

  private readonly cursor: LogCursor;
  private readonly reorgDepth: bigint;
  private readonly heartbeatMs: number;
  private readonly client: MarketClient;
  private window: ReorgWindow;
  private readonly listeners = new Set<(event: MarketEvent, index: MarketIndex) => void>();
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private stopWakeUps: (() => Promise<void>) | undefined;

  constructor(client: MarketClient, options: MarketIndexOptions = {}) {
    this.client = client;
    this.reorgDepth = options.reorgWindow ?? 12n;
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.cursor = new LogCursor(client, {
      reorgDepth: this.reorgDepth,
      blockRange: options.blockRange ?? 2_000n,
    });
    this.window = emptyReorgWindow(client.connection.deployBlock);
  }

  /** The market as of the last block read, as an immutable snapshot. */
  get state(): MarketState {
    return this.window.state;
  }

  /** Last block fully read. */
  get syncedBlock(): bigint {
    return this.cursor.position;
  }

  /**
   * Calls `listener` once for every log applied from now on, after the state includes it (and
   * the rest of its page). A log that a reorg takes back is not announced: the state simply no
   * longer shows it, so a listener that acted on it re-reads the state. A log that a reorg
   * moves to another block is a new log, and is announced again. Returns an unsubscribe
   * function.
   */
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
    this.stopWakeUps = wakeOnNewBlocks(this.client, {
      wake: () => this.sync(),
      isBehind: (head) => head > this.cursor.position,
      heartbeatMs: this.heartbeatMs,
      onError,
    });
  }

  /** Stops following blocks and closes the WebSocket (before its node goes away). */
  async stop(): Promise<void> {
    const stop = this.stopWakeUps;
    this.stopWakeUps = undefined;
    await stop?.();
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

  /** The requester's jobs, newest hire first. */
  jobsOf(requester: Address): JobView[] {
    const me = requester.toLowerCase();
    return newestJobsFirst([...this.jobs.values()].filter((j) => j.requester.toLowerCase() === me));
  }

  private async syncOnce(): Promise<void> {
    for await (const page of this.cursor.pages()) {
      const { window, added } = foldLogPage(this.window, page, this.reorgDepth);
      const before = this.window.state;
      this.window = window;
      if (window.state !== before) {
        mirror(this.jobs, before.jobs, window.state.jobs);
        mirror(this.providers, before.providers, window.state.providers);
      }
      for (const event of added) for (const listener of this.listeners) listener(event, this);
    }
  }
}

/**
 * Brings the live views up to a new state. States are immutable, but consumers hold views and
 * expect them to follow the chain (as they always did): a changed view is copied into the one
 * they hold. Views are compared by identity, which the reducer keeps for unchanged ones.
 */
function mirror<K, V extends object>(
  live: Map<K, V>,
  before: ReadonlyMap<K, V>,
  after: ReadonlyMap<K, V>,
): void {
  for (const key of before.keys()) if (!after.has(key)) live.delete(key);
  for (const [key, view] of after) {
    if (before.get(key) === view) continue;
    const held = live.get(key);
    if (held) Object.assign(held, view);
    else live.set(key, { ...view });
  }
}
