import type { Address, Hash } from 'viem';
import type { MarketClient } from '../chain/market-client.js';
import {
  TERMINAL_STATUSES,
  type JobStatus,
  type JobView,
  type MarketIndex,
} from '../chain/market-index.js';
import type { JobPayment } from '../payments/job-payment.js';
import type { PaymentQuote } from '../payments/payment-check.js';
import type { PaymentTerms } from '../payments/payment-terms.js';
import type { ContentStore } from '../store/content-store.js';
import type { Wallet } from '../keys/mnemonic.js';
import type { jobKeys } from '../keys/umbral-keys.js';
import type { JobResult } from '../job/result.js';
import type { PackedPayload } from '../project/pack-project.js';
import type { OutputStream } from '../live/stream-cipher.js';
import type { OrangeError } from '../errors.js';
import type { LiveCheck } from './live-session.js';
import type { SavedOutputs } from './job-outputs.js';
import type { DeclaredDistribution, RuntimeChoice } from '../runtime/runtime-choice.js';

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
  /** The packed project (`packProject`); without it the script travels alone. */
  payload?: PackedPayload;
  /** The runtime asked for; undefined = chosen from the project's imports (chooseJobRuntime). */
  runtime?: string;
  /**
   * The runtime `prepareJob` chose, with the payload it packed for it (wheels for that
   * runtime's advertised Python and platform): not chosen again, so the market is read once.
   */
  chosenRuntime?: RuntimeChoice;
  /**
   * The distributions the job declares (PEP 723, requirements.txt, pyproject), with their import
   * names when known: their imports are not asked of the runtime.
   */
  declaredDependencies?: readonly (string | DeclaredDistribution)[];
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  /** Highest price per core-second accepted; default: the dearest provider that fits. */
  maxPricePerCoreSecond?: bigint;
  /** Hire this provider only (with its offer). */
  provider?: Address;
  /**
   * Save the files the job returns under `<outputsDir>/<jobId>/` (checked writable before
   * posting). Without it they stay in the content store: `saveJobOutputs` fetches them later.
   */
  outputsDir?: string;
  signal?: AbortSignal;
  /**
   * How long to wait, when every provider that could run the job is busy, for one to free up
   * (asked again when a job ends on chain, and at least every second; nothing is posted
   * meanwhile). 120 s by default; 0 fails at once.
   */
  waitForProviderSec?: number;
}

export type RunStage =
  /** Before anything is sealed or posted: the most the run can cost, already checked payable. */
  /** runJob always says which runtime it chose and why (optional for shells that build stages). */
  | { stage: 'quoted'; quote: PaymentQuote; runtime?: RuntimeChoice }
  | { stage: 'sealed'; manifestCid: string }
  /** No provider offers yet, and `busyProviders` that could run the job are busy: it waits. */
  | { stage: 'waiting'; busyProviders: number; waitSec: number }
  /** The hire is mined: the job exists on chain, bound to its provider with the grant. */
  | { stage: 'posted'; jobId: bigint; txHash: Hash; maxCostWei: bigint }
  /** Who was hired, at what price (from its signed offer). */
  | { stage: 'accepted'; jobId: bigint; provider: Address; pricePerCoreSecond: bigint }
  /**
   * The hired provider did not start `jobId` by its start deadline: the job was expired and the
   * next-best offer is hired instead (attempt 2 or 3).
   */
  | { stage: 'rehiring'; jobId: bigint; provider: Address; attempt: number }
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
  /** Gas of this job's hire and, if the requester cancelled it, of the cancel. */
  gasUsed: { hire: bigint; cancel: bigint | undefined };
  /** Jobs hired earlier for this run whose provider did not start them (expired). */
  expiredHires: bigint[];
  /** How the live output went, when the job ran. */
  live: LiveCheck | undefined;
  /** What the run paid; undefined when it never ran or the provider is free. */
  payment: JobPayment | undefined;
  /** The market's payment token, to show amounts in. */
  paymentTerms: PaymentTerms;
  /** The files the job returned, saved under the request's `outputsDir`. */
  outputs: SavedOutputs | undefined;
  /** Why returned files were not saved (a refused archive, a folder that failed). */
  outputsError: OrangeError | undefined;
}

/**
 * What a detached run (`submitJob`) returns: the id of the hired job, whose provider holds the
 * sealed project (handed over, or fetched from us before it started) and runs it without us;
 * `orange output JOBID` (waitForJobEnd, then the result) fetches it later.
 */
export interface DetachedOutcome {
  status: 'detached';
  jobId: bigint;
  /** The provider took the hand-over (false: the run waited until the job had started). */
  handedOver: boolean;
}

/** A run's end: its outcome, or the job id when it was submitted detached. */
export type RunResult = RunOutcome | DetachedOutcome;

/** A posted job's run as the requester's steps share it: who, with which keys, its record so far. */
export interface RunInProgress {
  ctx: RequesterContext;
  jobId: bigint;
  manifestCid: string;
  keys: ReturnType<typeof jobKeys>;
  timings: RunTimings;
  gasUsed: RunOutcome['gasUsed'];
  expiredHires: bigint[];
  paymentTerms: PaymentTerms;
  /** Where returned files are saved (`RunRequest.outputsDir`). */
  outputsDir: string | undefined;
  /** Milliseconds since the run was submitted. */
  since: () => number;
  onStage: (stage: RunStage) => void;
}

export const isTerminal = (job: JobView) => TERMINAL_STATUSES.includes(job.status);
