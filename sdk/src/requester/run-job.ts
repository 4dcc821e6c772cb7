import { bytesToHex, type Address, type Hash } from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import { OrangeError } from '../errors.js';
import type { MarketClient } from '../chain/market-client.js';
import {
  TERMINAL_STATUSES,
  type JobStatus,
  type JobView,
  type MarketIndex,
  type ProviderView,
} from '../chain/market-index.js';
import type { JobPayment } from '../payments/job-payment.js';
import { checkCanPay, type PaymentQuote } from '../payments/payment-check.js';
import { maxCostWei, type PaymentTerms } from '../payments/payment-terms.js';
import type { ContentStore } from '../store/content-store.js';
import type { Wallet } from '../keys/mnemonic.js';
import { jobKeys, newJobKeyLabel, publicKeyFromHex, publicKeyToHex } from '../keys/umbral-keys.js';
import { grantKeyFrag, sealPayload } from '../crypto/envelope.js';
import { packScript } from '../job/payload.js';
import { buildManifest, encodeManifest } from '../job/manifest.js';
import type { JobResult } from '../job/result.js';
import { dearestPrice, providersFor } from './capacity.js';
import { fetchJobResult } from './job-result.js';
import { LiveSession, type LiveCheck } from './live-session.js';
import type { OutputStream } from '../live/stream-cipher.js';

/** What a requester needs to talk to the network. */
export interface RequesterContext {
  market: MarketClient;
  index: MarketIndex;
  store: ContentStore;
  wallet: Wallet;
}

export interface RunRequest {
  fileName: string;
  source: Uint8Array;
  runtime?: string;
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  /** Highest price per core-second accepted; default: the dearest provider that fits. */
  maxPricePerCoreSecond?: bigint;
  /** Offer the job to this provider only. */
  provider?: Address;
  /** How long to wait for a provider before cancelling the job. */
  matchTimeoutMs: number;
  signal?: AbortSignal;
}

export type RunStage =
  /** Before anything is sealed or posted: the most the run can cost, already checked payable. */
  | { stage: 'quoted'; quote: PaymentQuote }
  | { stage: 'sealed'; manifestCid: string }
  | { stage: 'posted'; jobId: bigint; txHash: Hash; maxCostWei: bigint }
  | { stage: 'accepted'; jobId: bigint; provider: Address; pricePerCoreSecond: bigint }
  | { stage: 'granted'; jobId: bigint }
  /** The payment flow is live (rateWei 0 for a free provider) and the container starts. */
  | { stage: 'running'; jobId: bigint; rateWei: bigint; startedAt: number }
  /** Live output as the script prints it (decrypted, verified, in order). */
  | { stage: 'output'; jobId: bigint; stream: OutputStream; data: Uint8Array }
  /** Something the user should know that is not an error (e.g. no live output). */
  | { stage: 'notice'; jobId: bigint; message: string }
  | { stage: 'finished'; jobId: bigint; status: JobStatus };

/** Milliseconds since the run was submitted. */
export interface RunTimings {
  postedMs: number | undefined;
  acceptedMs: number | undefined;
  startedMs: number | undefined;
  completedMs: number | undefined;
}

export interface RunOutcome {
  jobId: bigint;
  status: JobStatus;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  provider: Address | undefined;
  manifestCid: string;
  resultCid: string | undefined;
  result: JobResult | undefined;
  failureReason: string | undefined;
  timings: RunTimings;
  /** Blocks between the post and the acceptance. */
  acceptedAfterBlocks: bigint | undefined;
  gasUsed: { post: bigint; grant: bigint | undefined; cancel: bigint | undefined };
  /** How the live output went, when the job ran. */
  live: LiveCheck | undefined;
  /** What the run paid; undefined when it never ran or the provider is free. */
  payment: JobPayment | undefined;
  /** The market's payment token, to show amounts in. */
  paymentTerms: PaymentTerms;
}

/** The providers that fit a request, the price ceiling the job will carry, and its cost bound. */
export interface RunQuote extends PaymentQuote {
  providers: ProviderView[];
  maxPricePerCoreSecond: bigint;
}

/**
 * What a run would cost at most, without posting anything: throws when no provider fits.
 * The ceiling is the caller's, or the dearest provider that fits, so every fitting one can bid.
 */
export async function quoteRun(
  ctx: RequesterContext,
  request: Pick<
    RunRequest,
    'runtime' | 'cores' | 'memoryMb' | 'timeoutSec' | 'maxPricePerCoreSecond' | 'provider'
  >,
): Promise<RunQuote> {
  await ctx.index.sync();
  const providers = providersFor(ctx.index.activeProviders(), {
    runtime: request.runtime ?? 'python3',
    cores: request.cores,
    memoryMb: request.memoryMb,
    maxPricePerCoreSecond: request.maxPricePerCoreSecond,
    provider: request.provider,
  });
  const ceiling = request.maxPricePerCoreSecond ?? dearestPrice(providers);
  const terms = await ctx.market.paymentTerms();
  const rateWei = ceiling * BigInt(request.cores);
  return {
    providers,
    maxPricePerCoreSecond: ceiling,
    rateWei,
    maxCostWei: maxCostWei(rateWei, request.timeoutSec, terms),
    terms,
  };
}

const isTerminal = (job: JobView) => TERMINAL_STATUSES.includes(job.status);

/**
 * The requester's whole side of a job: seal the script, post it, grant the
 * winning provider access, wait for the result and open it. Nothing is
 * posted unless the script is valid and some provider could take the job;
 * a job nobody takes in time is cancelled.
 */
export async function runJob(
  ctx: RequesterContext,
  request: RunRequest,
  onStage: (stage: RunStage) => void = () => {},
): Promise<RunOutcome> {
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const runtime = request.runtime ?? 'python3';
  const payload = packScript({ fileName: request.fileName, bytes: request.source });

  const quote = await quoteRun(ctx, request);
  const candidates = quote.providers;
  const ceiling = quote.maxPricePerCoreSecond;
  const balance = await ctx.market.balance(ctx.wallet.account.address);
  if (balance === 0n) {
    throw new OrangeError(
      'INSUFFICIENT_FUNDS',
      `The wallet ${ctx.wallet.account.address} has no funds for gas.`,
      {
        hint: 'Fund it (on the devnet: `npx orange devnet fund`). Nothing was posted.',
      },
    );
  }
  await checkCanPay(ctx.market.publicClient, ctx.wallet.account.address, quote, request.timeoutSec);
  onStage({ stage: 'quoted', quote });

  const label = newJobKeyLabel();
  const keys = jobKeys(ctx.wallet.umbralMasterSecret, label);
  const sealed = sealPayload(payload, keys);
  const payloadCid = await ctx.store.put(sealed.ciphertext);
  const manifest = buildManifest({
    runtime,
    entrypoint: request.fileName,
    payload: { cid: payloadCid, capsule: sealed.capsule, bytes: sealed.ciphertext.length },
    keys: {
      label,
      delegatingPublicKey: publicKeyToHex(keys.publicKey),
      verifyingPublicKey: publicKeyToHex(keys.verifyingKey),
    },
    requester: ctx.wallet.account.address,
    limits: { cores: request.cores, memoryMb: request.memoryMb, timeoutSec: request.timeoutSec },
  });
  const manifestCid = await ctx.store.put(encodeManifest(manifest));
  onStage({ stage: 'sealed', manifestCid });

  // The provider fetches from us over bitswap, so be connected before it looks.
  await Promise.allSettled(
    candidates.flatMap((p) => p.ipfsPeers.map((addr) => ctx.store.connect(addr))),
  );

  const posted = await ctx.market.postJob({
    name: request.fileName,
    runtime,
    cores: request.cores,
    memoryMb: request.memoryMb,
    timeoutSec: request.timeoutSec,
    maxPricePerCoreSecond: ceiling,
    manifestCid,
    provider: request.provider,
  });
  const jobId = posted.jobId;
  const timings: RunTimings = {
    postedMs: since(),
    acceptedMs: undefined,
    startedMs: undefined,
    completedMs: undefined,
  };
  onStage({ stage: 'posted', jobId, txHash: posted.hash, maxCostWei: quote.maxCostWei });
  const gasUsed: RunOutcome['gasUsed'] = {
    post: posted.gasUsed,
    grant: undefined,
    cancel: undefined,
  };

  const outcome = (job: JobView, extra: Partial<RunOutcome> = {}): RunOutcome => ({
    jobId,
    status: job.status,
    exitCode: job.exitCode ?? null,
    stdout: '',
    stderr: '',
    provider: job.provider,
    manifestCid,
    resultCid: job.resultCid,
    result: undefined,
    failureReason: job.failureReason,
    timings,
    acceptedAfterBlocks: undefined,
    gasUsed,
    live: undefined,
    payment: job.payment,
    paymentTerms: quote.terms,
    ...extra,
  });
  const run: RunInProgress = { ctx, keys, outcome, timings, since, onStage };

  // Wait for a taker; cancel when nobody takes it in time or the user gives up.
  const matchTimer = AbortSignal.timeout(request.matchTimeoutMs);
  const matchSignal = request.signal ? AbortSignal.any([request.signal, matchTimer]) : matchTimer;
  let job: JobView;
  try {
    job = await ctx.index.waitForJob(jobId, (j) => j.status !== 'posted', matchSignal);
  } catch (error) {
    if (!matchSignal.aborted) throw error;
    const cancelled = await cancelIfStillPosted(ctx, jobId);
    if (cancelled) {
      gasUsed.cancel = cancelled.gasUsed;
      const view = ctx.index.jobs.get(jobId)!;
      onStage({ stage: 'finished', jobId, status: 'cancelled' });
      if (request.signal?.aborted) return outcome(view);
      throw new OrangeError(
        'NO_PROVIDER_ACCEPTED',
        `No provider accepted job ${jobId} within ${Math.round(request.matchTimeoutMs / 1000)} s; it was cancelled.`,
        { hint: 'Try again later, raise the price ceiling, or ask for fewer resources.' },
      );
    }
    job = await ctx.index.waitForJob(jobId, (j) => j.status !== 'posted');
  }

  if (job.status !== 'accepted' || !job.provider) {
    return finish(run, job, {});
  }
  timings.acceptedMs = since();
  const acceptedAfterBlocks = await blocksBetween(ctx, job.postedBlock, jobId);
  onStage({
    stage: 'accepted',
    jobId,
    provider: job.provider,
    pricePerCoreSecond: job.pricePerCoreSecond ?? 0n,
  });
  let live: LiveSession | undefined;
  try {
    const provider = ctx.index.providers.get(job.provider);
    if (!provider) {
      throw new OrangeError('CHAIN_ERROR', `Provider ${job.provider} has no registration.`);
    }
    const kfrag = grantKeyFrag(keys, publicKeyFromHex(provider.umbralPublicKey));
    request.signal?.throwIfAborted();
    const notice = (message: string) => onStage({ stage: 'notice', jobId, message });
    if (provider.endpoint) {
      live = new LiveSession({
        endpoint: provider.endpoint,
        jobId,
        chainId: ctx.market.connection.chainId,
        market: ctx.market.address,
        account: ctx.wallet.account,
        provider: provider.address,
        keys,
        store: ctx.store,
        onOutput: (stream, data) => onStage({ stage: 'output', jobId, stream, data }),
        onNotice: notice,
      });
    } else {
      notice('this provider offers no live output; the output arrives when the job ends');
    }
    const granted = await ctx.market.grantAccess(jobId, bytesToHex(kfrag));
    gasUsed.grant = granted.gasUsed;
    onStage({ stage: 'granted', jobId });
    job = await ctx.index.waitForJob(jobId, (j) => j.status !== 'accepted', request.signal);
    // Events can arrive in one batch: a fast job may already be over here.
    if (job.startedAt !== undefined) {
      timings.startedMs = since();
      onStage({
        stage: 'running',
        jobId,
        rateWei: job.payment?.rateWei ?? 0n,
        startedAt: job.startedAt,
      });
      job = await waitUntilDone(ctx, jobId, request.signal);
    }
  } catch (error) {
    if (!request.signal?.aborted) throw error;
    // The user gave up: end the job on chain so the provider stops (and billing with it).
    const cancelled = await cancelUnlessEnded(ctx, jobId);
    if (cancelled) gasUsed.cancel = cancelled.gasUsed;
    job = ctx.index.jobs.get(jobId)!;
  }
  return finish(run, job, { acceptedAfterBlocks }, live);
}

/** What finishing a run needs from its start: who, with which keys, and its record so far. */
interface RunInProgress {
  ctx: RequesterContext;
  keys: ReturnType<typeof jobKeys>;
  outcome: (job: JobView, extra?: Partial<RunOutcome>) => RunOutcome;
  timings: RunTimings;
  since: () => number;
  onStage: (stage: RunStage) => void;
}

async function finish(
  run: RunInProgress,
  job: JobView,
  extra: Partial<RunOutcome>,
  live?: LiveSession,
): Promise<RunOutcome> {
  const { ctx, keys, outcome, timings, since, onStage } = run;
  if (!isTerminal(job)) job = await waitUntilDone(ctx, job.jobId);
  timings.completedMs = since();
  let result: JobResult | undefined;
  try {
    if (job.resultCid) result = await fetchJobResult(ctx.store, job.resultCid, keys);
  } catch (error) {
    live?.stop();
    throw error;
  }
  const liveCheck = live ? await live.finish(result) : undefined;
  if (!result && liveCheck?.checkpoint) {
    result = liveCheck.checkpoint.result;
    onStage({
      stage: 'notice',
      jobId: job.jobId,
      message: `the job is ${job.status} without a result; showing the output of the provider's last checkpoint (${liveCheck.checkpoint.cid})`,
    });
  }
  if (liveCheck?.matchesResult === false) {
    onStage({
      stage: 'notice',
      jobId: job.jobId,
      message: 'the live output differs from the verified result: showing the result from IPFS',
    });
  } else if (liveCheck && !liveCheck.complete && job.status === 'completed') {
    onStage({
      stage: 'notice',
      jobId: job.jobId,
      message: `no complete live output: ${liveCheck.reason}`,
    });
  }
  onStage({ stage: 'finished', jobId: job.jobId, status: job.status });
  return outcome(job, {
    ...extra,
    result,
    exitCode: result?.exitCode ?? job.exitCode ?? null,
    stdout: result?.stdout ?? '',
    stderr: result?.stderr ?? '',
    failureReason: job.failureReason ?? result?.failure,
    live: liveCheck,
  });
}

/**
 * Waits for a terminal state. If the provider lets the run deadline pass,
 * the requester expires the job itself: nobody has to be trusted to end it.
 */
async function waitUntilDone(
  ctx: RequesterContext,
  jobId: bigint,
  signal?: AbortSignal,
): Promise<JobView> {
  const job = ctx.index.jobs.get(jobId)!;
  let retry: NodeJS.Timeout | undefined;
  // Try after the deadline, and again every few seconds: the chain's clock may lag ours.
  const tryExpire = () => {
    ctx.market.expireJob(jobId).catch(() => undefined);
    retry = setTimeout(tryExpire, 3_000);
  };
  retry = setTimeout(tryExpire, Math.max(job.deadline * 1000 - Date.now() + 1_000, 0));
  try {
    return await ctx.index.waitForJob(jobId, isTerminal, signal);
  } finally {
    clearTimeout(retry);
  }
}

/** Cancels the job unless a provider took it meanwhile; returns the cancel transaction, if sent. */
async function cancelIfStillPosted(ctx: RequesterContext, jobId: bigint) {
  await ctx.index.sync();
  if (ctx.index.jobs.get(jobId)?.status !== 'posted') return undefined;
  return cancelUnlessEnded(ctx, jobId);
}

/** Cancels a job that has not ended; a job that ended meanwhile is left as it is. */
async function cancelUnlessEnded(ctx: RequesterContext, jobId: bigint) {
  try {
    return await ctx.market.cancelJob(jobId);
  } catch (error) {
    await ctx.index.sync();
    const job = ctx.index.jobs.get(jobId);
    if (job && isTerminal(job)) return undefined;
    throw error;
  } finally {
    await ctx.index.sync();
  }
}

async function blocksBetween(
  ctx: RequesterContext,
  postedBlock: bigint,
  jobId: bigint,
): Promise<bigint | undefined> {
  const logs = await ctx.market.publicClient.getContractEvents({
    address: ctx.market.address,
    abi: marketAbi,
    eventName: 'JobAccepted',
    args: { jobId },
    fromBlock: postedBlock,
  });
  const accepted = logs[0];
  return accepted ? accepted.blockNumber - postedBlock : undefined;
}
