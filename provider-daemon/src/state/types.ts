import type { Address } from 'viem';

/**
 * A job this provider was hired for, as the daemon last wrote it down: `hired` (the hire was
 * seen; no container yet), `running` (its container was created: `containerId`, and the
 * secret `markerNonce` that opens the container's outputs section, so a restarted daemon can
 * re-attach to it), then one of ENDED_STATES.
 */
export type JobState = 'hired' | 'running' | EndedState;

export const ENDED_STATES = ['completed', 'failed', 'cancelled', 'expired'] as const;
export type EndedState = (typeof ENDED_STATES)[number];

export interface JobRecord {
  jobId: bigint;
  offerNonce: bigint;
  state: JobState;
  requester: Address;
  runtime: string;
  /** What the job pays per second (price x cores). */
  ratePerSecondWei: bigint;
  /** Unix seconds. */
  hiredAt: number;
  containerId: string | undefined;
  markerNonce: string | undefined;
  /** The job's manifest as first fetched (encodeManifest): a resumed run seals its result with it. */
  manifest: Uint8Array | undefined;
  /** Unix seconds the container was created. */
  startedAt: number | undefined;
  endedAt: number | undefined;
  runSeconds: number | undefined;
  earnedWei: bigint | undefined;
  reason: string | undefined;
}

/** How a job ended here. */
export interface JobEnd {
  state: EndedState;
  endedAt: number;
  runSeconds: number;
  earnedWei: bigint;
  reason?: string | undefined;
}

/** The node's record of its jobs (ProviderStore; tests may pass it in memory). */
export interface JobLedger {
  hired(
    job: Pick<
      JobRecord,
      'jobId' | 'offerNonce' | 'requester' | 'runtime' | 'ratePerSecondWei' | 'hiredAt'
    >,
  ): void;
  manifestFetched(jobId: bigint, manifest: Uint8Array): void;
  containerCreated(jobId: bigint, containerId: string, markerNonce: string, at: number): void;
  ended(jobId: bigint, end: JobEnd): void;
  job(jobId: bigint): JobRecord | undefined;
  /** Jobs neither completed, failed, cancelled nor expired here. */
  unfinished(): JobRecord[];
}

/** An offer given out: the capacity it reserves until it is hired or expires. */
export interface QuoteRecord {
  nonce: bigint;
  /** Unix seconds. */
  expiresAt: number;
  cores: number;
  memoryMb: number;
}

/** The quote desk's record of its offers, so a restart keeps holding what they reserved. */
export interface QuoteBook {
  issued(quote: QuoteRecord): void;
  quoteHired(nonce: bigint, jobId: bigint): void;
  /** Released by its requester, or expired unhired. */
  quoteClosed(nonce: bigint): void;
  /** Offers neither hired nor closed that expire at or after `sinceSec`. */
  reserved(sinceSec: number): QuoteRecord[];
}

/** The last block whose market events the node has applied. */
export interface ChainCursor {
  cursor(): bigint | undefined;
  advance(block: bigint): void;
}

/** One ended job as the admin /status lists it (bigints as decimal strings). */
export interface ServedJob {
  jobId: string;
  state: EndedState;
  endedAt: number;
  runSeconds: number;
  earnedWei: string;
}

/** What the admin endpoint reads of past jobs. */
export interface ServedJobs {
  /** Newest first. */
  recent(limit: number): ServedJob[];
  counts(): Record<EndedState, number>;
}
