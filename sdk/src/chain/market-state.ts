import type { Address, Hex, parseEventLogs } from 'viem';
import type { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import type { JobPayment } from '../payments/job-payment.js';
import type { ProviderOffer } from './market-client.js';
import { readAdvertisedRuntimes, runtimeNames } from '../runtime/runtime-descriptor.js';
import { offerNonceOfJob } from './job-id.js';

/** A job exists only hired (market v2): it starts 'accepted', bound to its provider. */
export type JobStatus = 'accepted' | 'running' | 'completed' | 'failed' | 'cancelled' | 'expired';

export const TERMINAL_STATUSES: readonly JobStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'expired',
];

/** What the market's events say about one job. */
export interface JobView {
  /** The provider's index above the offer's nonce (see job-id.ts): not dense, above 2^53. */
  jobId: bigint;
  requester: Address;
  /** The provider hired with its offer. */
  provider: Address;
  /**
   * The nonce of the offer the provider was hired with (the id's low 64 bits): the job's manifest
   * is bound to it.
   */
  offerNonce: bigint;
  name: string;
  runtime: string;
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  pricePerCoreSecond: bigint;
  manifestCid: string;
  status: JobStatus;
  /** Unix seconds of the current deadline (startBy, then runBy). */
  deadline: number;
  /** The block the hire was mined in. */
  postedBlock: bigint;
  /**
   * The grant: the requester's kfrag for the offer's per-job Umbral key (which the provider finds
   * by `offerNonce`), from JobHired.
   */
  kfrag: Hex;
  startedAt: number | undefined;
  resultCid: string | undefined;
  exitCode: number | undefined;
  flags: number | undefined;
  runSeconds: number | undefined;
  failureReason: string | undefined;
  /** The job's share of its pair's payment flow, once it started streaming (free jobs: none). */
  payment: JobPayment | undefined;
}

/** A provider's latest registration: the offer it registered, and whether it still stands. */
export interface ProviderView extends ProviderOffer {
  address: Address;
  active: boolean;
}

/** One decoded log of the market, with the block and position it came from. */
export type MarketEvent = ReturnType<typeof parseEventLogs<typeof marketAbi>>[number];

/**
 * The market as its events tell it. A state is never changed: applying events returns a new
 * one, and views it holds are replaced, not edited, so an older state stays what it was.
 */
export interface MarketState {
  readonly jobs: ReadonlyMap<bigint, JobView>;
  readonly providers: ReadonlyMap<Address, ProviderView>;
  /** Where each job (`job:<id>`) and provider (`provider:<address>`) was last changed. */
  readonly changedAt: ReadonlyMap<string, LogPosition>;
}

/** A log's place in the chain: its block, then its index within the block. */
export interface LogPosition {
  block: bigint;
  logIndex: number;
}

export const EMPTY_MARKET_STATE: MarketState = {
  jobs: new Map(),
  providers: new Map(),
  changedAt: new Map(),
};

/**
 * The state after one event. The index feeds events in chain order, exactly once each; the
 * reducer does not rely on it:
 * - an event at or before the position that last changed its job or provider (a duplicate,
 *   or a stale event delivered late) changes nothing;
 * - an event about a job or provider the state does not know (its JobHired or
 *   ProviderRegistered not seen) changes nothing: there is no view to fill in, and an
 *   invented one would show wrong terms.
 * Nothing throws: one odd log must not stop an index.
 */
export function applyMarketEvent(state: MarketState, event: MarketEvent): MarketState {
  return applyMarketEvents(state, [event]);
}

/** The state after several events in order: `applyMarketEvent` folded, copying the maps once. */
export function applyMarketEvents(state: MarketState, events: readonly MarketEvent[]): MarketState {
  if (events.length === 0) return state;
  const draft = {
    jobs: new Map(state.jobs),
    providers: new Map(state.providers),
    changedAt: new Map(state.changedAt),
  };
  let changed = false;
  for (const event of events) changed = applyTo(draft, event) || changed;
  return changed ? draft : state;
}

type Draft = {
  jobs: Map<bigint, JobView>;
  providers: Map<Address, ProviderView>;
  changedAt: Map<string, LogPosition>;
};

/** Applies one event to fresh maps (never to the views they hold); says whether it changed any. */
function applyTo(draft: Draft, event: MarketEvent): boolean {
  const at: LogPosition = { block: event.blockNumber, logIndex: event.logIndex };
  const isNew = (key: string) => {
    const last = draft.changedAt.get(key);
    return (
      !last || last.block < at.block || (last.block === at.block && last.logIndex < at.logIndex)
    );
  };
  const setProvider = (provider: ProviderView) => {
    draft.providers.set(provider.address, provider);
    draft.changedAt.set(`provider:${provider.address}`, at);
    return true;
  };
  const updateProvider = (address: Address, change: (p: ProviderView) => ProviderView) => {
    const provider = draft.providers.get(address);
    if (!provider || !isNew(`provider:${address}`)) return false;
    return setProvider(change(provider));
  };
  const setJob = (job: JobView) => {
    draft.jobs.set(job.jobId, job);
    draft.changedAt.set(`job:${job.jobId}`, at);
    return true;
  };
  const updateJob = (jobId: bigint, change: (job: JobView) => Partial<JobView>) => {
    const job = draft.jobs.get(jobId);
    if (!job || !isNew(`job:${jobId}`)) return false;
    return setJob({ ...job, ...change(job) });
  };

  switch (event.eventName) {
    case 'ProviderRegistered': {
      const a = event.args;
      if (!isNew(`provider:${a.provider}`)) return false;
      const runtimes = readAdvertisedRuntimes(a.runtimes);
      return setProvider({
        address: a.provider,
        cores: a.cores,
        memoryMb: a.memoryMb,
        pricePerCoreSecond: a.pricePerCoreSecond,
        runtimes: runtimeNames(runtimes),
        runtimeDescriptors: runtimes,
        endpoint: a.endpoint,
        ipfsPeers: split(a.ipfsPeers),
        active: true,
      });
    }
    case 'ProviderDeactivated':
      return updateProvider(event.args.provider, (p) => ({ ...p, active: false }));
    case 'JobHired': {
      const a = event.args;
      if (!isNew(`job:${a.jobId}`)) return false;
      return setJob({
        jobId: a.jobId,
        requester: a.requester,
        provider: a.provider,
        offerNonce: offerNonceOfJob(a.jobId),
        name: a.request.name,
        runtime: a.runtime,
        cores: a.cores,
        memoryMb: a.memoryMb,
        timeoutSec: a.request.timeoutSec,
        pricePerCoreSecond: a.pricePerCoreSecond,
        manifestCid: a.request.manifestCid,
        status: 'accepted',
        deadline: Number(a.startBy),
        postedBlock: event.blockNumber,
        kfrag: a.kfrag,
        startedAt: undefined,
        resultCid: undefined,
        exitCode: undefined,
        flags: undefined,
        runSeconds: undefined,
        failureReason: undefined,
        payment: undefined,
      });
    }
    case 'JobStarted':
      // A paid start streams at the hire's rate or reverts, so the market has no event of its own
      // for the payment's start.
      return updateJob(event.args.jobId, (job) => {
        const rateWei = BigInt(job.cores) * job.pricePerCoreSecond;
        return {
          status: 'running',
          startedAt: Number(event.args.startedAt),
          deadline: Number(event.args.runBy),
          payment: rateWei > 0n ? { rateWei, stopped: undefined } : job.payment,
        };
      });
    case 'JobCompleted':
      return updateJob(event.args.jobId, () => ({
        status: 'completed',
        resultCid: event.args.resultCid,
        exitCode: event.args.exitCode,
        flags: event.args.flags,
        runSeconds: Number(event.args.runSeconds),
      }));
    case 'JobFailed':
      return updateJob(event.args.jobId, () => ({
        status: 'failed',
        failureReason: event.args.reason,
        resultCid: event.args.resultCid || undefined,
      }));
    case 'JobCancelled':
      return updateJob(event.args.jobId, () => ({ status: 'cancelled' }));
    case 'JobExpired':
      return updateJob(event.args.jobId, () => ({ status: 'expired' }));
    case 'PaymentStopped': {
      const a = event.args;
      return updateJob(a.jobId, () => ({
        payment: {
          rateWei: a.rate,
          stopped: {
            streamedSeconds: a.rate > 0n ? Number(a.paid / a.rate) : 0,
            paidWei: a.paid,
            refundedWei: a.refunded,
            costWei: a.paid - a.refunded,
            exact: a.exact,
          },
        },
      }));
    }
    default:
      // An event this version does not read (a newer market's) leaves the state as it is.
      return false;
  }
}

const split = (list: string) =>
  list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
