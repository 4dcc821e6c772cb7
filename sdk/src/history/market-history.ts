import type { Address } from 'viem';
import type { JobView, ProviderView } from '../chain/market-state.js';

/** Where a read came from: the SDK's own index of the chain's events, or a subgraph. */
export type HistorySource = 'chain' | 'subgraph';

/** Job history and providers, from one source. */
export interface MarketHistory {
  readonly source: HistorySource;
  /** The requester's jobs, newest first. */
  jobsOf(requester: Address): Promise<JobView[]>;
  /** The providers whose registration stands. */
  activeProviders(): Promise<ProviderView[]>;
}

/** Why a read meant for the subgraph was answered by the chain's events. */
export type HistoryFallback =
  | { reason: 'lag'; lagBlocks: bigint; indexedBlock: bigint; headBlock: bigint }
  | { reason: 'error'; message: string };

/** What a read returned, and which source answered it (a subgraph read may fall back). */
export interface HistoryRead<T> {
  source: HistorySource;
  items: T[];
  /** Set when a subgraph was asked first and the chain answered instead. */
  fallback?: HistoryFallback;
}
