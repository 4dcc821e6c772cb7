import type { JobView } from '@orange-cloud/sdk';

/** How a job ended here: the market's terminal states. */
export type EndState = 'completed' | 'failed' | 'cancelled' | 'expired';

export const END_STATES: readonly EndState[] = ['completed', 'failed', 'cancelled', 'expired'];

/** A job's end as its run saw it. */
export interface JobEnd {
  state: EndState;
  /** Seconds from its mined start to its end here (0 when it never started). */
  runSeconds: number;
}

/**
 * What the node tells whoever watches it (metrics, the status endpoint): each call at the one
 * place in the node where it happens, so the counts are those of the jobs really run.
 */
export interface JobObserver {
  /** The job's start is mined: it runs, and its payment streams. */
  jobRunning(job: JobView, startedAtMs: number): void;
  /** The job is over here (whatever way). */
  jobEnded(job: JobView, end: JobEnd): void;
  /** The market's PaymentStopped for one of this provider's jobs: what the run really earned. */
  jobPaid(jobId: bigint, earnedWei: bigint): void;
  /** The provider's incoming payment flows as last read on chain (wei/s, summed). */
  incomingFlow(rateWei: bigint): void;
  /** An RPC call failed and the daemon carried on (counted, the caller logs it). */
  rpcError(): void;
}
