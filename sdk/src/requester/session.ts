import { zeroAddress, type Address } from 'viem';
import { MarketClient, type MarketConnection } from '../chain/market-client.js';
import { MarketIndex } from '../chain/market-index.js';
import { LazyContentStore, createContentStore, type ContentStoreConfig } from '../store/index.js';
import type { ContentStore } from '../store/content-store.js';
import { walletFromSecret, type Wallet } from '../keys/mnemonic.js';
import { jobKeys } from '../keys/umbral-keys.js';
import { parseManifest } from '../job/manifest.js';
import type { JobOutputs, JobResult } from '../job/result.js';
import { OrangeError } from '../errors.js';
import { expectedResult, fetchJobResult } from './job-result.js';
import { saveJobOutputs, type SavedOutputs } from './job-outputs.js';
import {
  authorizeMarket,
  readAvailableBalance,
  readMarketAuthorization,
  revokeMarket,
  type MarketAuthorization,
} from '../payments/streaming-market.js';
import type { PaymentTerms } from '../payments/payment-terms.js';
import type { ProjectToSend } from '../project/pack-project.js';
import {
  prepareJob,
  quoteRun,
  runJob,
  submitJob,
  type RunQuote,
  type RequesterContext,
  type RunOutcome,
  type RunRequest,
  type RunStage,
  type PreparedJob,
} from './run-job.js';
import type { DependencySources } from '../dependencies/user-dependencies.js';
import type { DetachedOutcome } from './run-types.js';
import { TERMINAL_STATUSES, type JobView } from '../chain/market-index.js';

/** The wallet's standing with the market's payments. */
export interface PaymentStatus {
  terms: PaymentTerms;
  /** Token wei the wallet can spend now (balance minus deposits, after its flows). */
  availableWei: bigint;
  authorization: MarketAuthorization;
}

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

  /** `run` up to the start: the job id once its provider started it (`orange run --detach`). */
  submit(request: RunRequest, onStage?: (stage: RunStage) => void): Promise<DetachedOutcome> {
    return submitJob(this, request, onStage);
  }

  /**
   * The runtime a project runs on (from its imports and one read of the market) and its
   * payload with the wheels for that runtime's advertised Python and platform (or, for a
   * Node.js project, its npm tree for the runtime's platform); posts nothing.
   * Pass both to `run` (`payload`, `chosenRuntime`).
   */
  prepare(
    request: Parameters<typeof prepareJob>[1],
    project: ProjectToSend,
    dependencies: DependencySources | undefined,
  ): Promise<PreparedJob> {
    return prepareJob(this, request, project, dependencies);
  }

  /** What a run would cost at most; posts nothing. */
  quote(request: Parameters<typeof quoteRun>[1]): Promise<RunQuote> {
    return quoteRun(this, request);
  }

  async paymentStatus(): Promise<PaymentStatus> {
    const terms = await this.market.paymentTerms();
    const reader = this.market.publicClient;
    const [availableWei, authorization] = await Promise.all([
      readAvailableBalance(reader, terms, this.address),
      readMarketAuthorization(reader, terms, this.address),
    ]);
    return { terms, availableWei, authorization };
  }

  /**
   * The one-time, bounded permission: the market may stream this wallet's payments, raising its
   * flows by at most `flowRateAllowanceWei` per second in total (each job start spends its rate).
   */
  async authorizePayments(flowRateAllowanceWei: bigint): Promise<MarketAuthorization> {
    const terms = await this.market.paymentTerms();
    return authorizeMarket(this.signer(), this.market.publicClient, terms, flowRateAllowanceWei);
  }

  /** Takes the permission back: running jobs still end cleanly, no new one can start. */
  async revokePayments(): Promise<MarketAuthorization> {
    const terms = await this.market.paymentTerms();
    return revokeMarket(this.signer(), this.market.publicClient, terms);
  }

  private signer() {
    const signer = this.market.walletClient;
    if (!signer) throw new OrangeError('NO_WALLET', 'Payments need a wallet.');
    return signer;
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
    const { resultCid, keys, provider } = await this.finishedJob(jobId);
    const expected = expectedResult(
      this.market.connection.chainId,
      this.market.address,
      jobId,
      provider,
    );
    return fetchJobResult(this.store, resultCid, keys, expected);
  }

  /**
   * Fetches the files a finished job returned (its result's `outputs`) again and saves them
   * under `<parentDir>/<jobId>/`, checked like at the end of a run.
   */
  async saveOutputs(jobId: bigint, outputs: JobOutputs, parentDir: string): Promise<SavedOutputs> {
    const { keys } = await this.finishedJob(jobId);
    return saveJobOutputs(this.store, { jobId, outputs, keys, parentDir });
  }

  /** A job with a result: its CID and the job's keys, with the provider's IPFS node dialled. */
  private async finishedJob(jobId: bigint) {
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
    return {
      resultCid: job.resultCid,
      // The job's bound provider, as the chain says: the only key a result may be signed with.
      provider: job.provider ?? zeroAddress,
      keys: jobKeys(this.wallet.umbralMasterSecret, manifest.keys.label),
    };
  }

  async close(): Promise<void> {
    await this.index.stop();
    await this.store.stop();
  }
}
