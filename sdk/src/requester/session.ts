import type { Address } from 'viem';
import { MarketClient, type MarketConnection } from '../chain/market-client.js';
import { MarketIndex } from '../chain/market-index.js';
import { LazyContentStore, createContentStore, type ContentStoreConfig } from '../store/index.js';
import type { ContentStore } from '../store/content-store.js';
import { walletFromSecret, type Wallet } from '../keys/mnemonic.js';
import { jobKeys } from '../keys/umbral-keys.js';
import { parseManifest } from '../job/manifest.js';
import type { JobResult } from '../job/result.js';
import { OrangeError } from '../errors.js';
import { fetchJobResult } from './job-result.js';
import {
  runJob,
  type RequesterContext,
  type RunOutcome,
  type RunRequest,
  type RunStage,
} from './run-job.js';
import { TERMINAL_STATUSES, type JobView } from '../chain/market-index.js';

export interface RequesterSessionOptions {
  connection: MarketConnection;
  secret: Parameters<typeof walletFromSecret>[0];
  store: ContentStoreConfig;
}

/**
 * A requester connected to one network: wallet, market, event index and
 * content store. The CLI and the VS Code extension both work through this.
 */
export class RequesterSession implements RequesterContext {
  readonly market: MarketClient;
  readonly index: MarketIndex;
  readonly store: ContentStore;
  readonly wallet: Wallet;

  private constructor(
    market: MarketClient,
    index: MarketIndex,
    store: ContentStore,
    wallet: Wallet,
  ) {
    this.market = market;
    this.index = index;
    this.store = store;
    this.wallet = wallet;
  }

  static async open(options: RequesterSessionOptions): Promise<RequesterSession> {
    const wallet = walletFromSecret(options.secret);
    const market = new MarketClient(options.connection, wallet.account);
    await market.checkReachable();
    const index = new MarketIndex(market);
    await index.sync();
    // Listing jobs needs only the chain: the IPFS node starts when content moves.
    const store = new LazyContentStore(() => createContentStore(options.store));
    return new RequesterSession(market, index, store, wallet);
  }

  get address(): Address {
    return this.wallet.account.address;
  }

  /** Follows new blocks until close(). Needed while waiting on a job. */
  async follow(onError?: (error: OrangeError) => void): Promise<void> {
    await this.index.start(onError);
  }

  run(request: RunRequest, onStage?: (stage: RunStage) => void): Promise<RunOutcome> {
    return runJob(this, request, onStage);
  }

  async jobs(): Promise<JobView[]> {
    await this.index.sync();
    return this.index.jobsOf(this.address);
  }

  async cancel(jobId: bigint): Promise<void> {
    await this.index.sync();
    const job = this.index.jobs.get(jobId);
    if (!job) throw new OrangeError('UNKNOWN_JOB', `There is no job ${jobId} on this market.`);
    if (job.requester.toLowerCase() !== this.address.toLowerCase()) {
      throw new OrangeError(
        'NOT_YOUR_JOB',
        `Job ${jobId} was posted by ${job.requester}, not by this wallet.`,
      );
    }
    if (TERMINAL_STATUSES.includes(job.status)) {
      throw new OrangeError('CANNOT_CANCEL', `Job ${jobId} is already ${job.status}.`);
    }
    await this.market.cancelJob(jobId);
  }

  /** Fetches and decrypts a finished job's result (works long after the run). */
  async result(jobId: bigint): Promise<JobResult> {
    await this.index.sync();
    const job = this.index.jobs.get(jobId);
    if (!job) throw new OrangeError('UNKNOWN_JOB', `There is no job ${jobId} on this market.`);
    if (!job.resultCid)
      throw new OrangeError('NO_RESULT', `Job ${jobId} is ${job.status} and has no result.`);
    const provider = job.provider ? this.index.providers.get(job.provider) : undefined;
    await Promise.allSettled((provider?.ipfsPeers ?? []).map((a) => this.store.connect(a)));
    const manifest = parseManifest(
      await this.store.get(job.manifestCid, { maxBytes: 1 << 20, timeoutMs: 30_000 }),
    );
    return fetchJobResult(
      this.store,
      job.resultCid,
      jobKeys(this.wallet.umbralMasterSecret, manifest.keys.label),
    );
  }

  async close(): Promise<void> {
    await this.index.stop();
    await this.store.stop();
  }
}
