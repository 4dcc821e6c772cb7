import type { Address } from 'viem';
import type { MarketIndex } from '../chain/market-index.js';
import type { JobView, ProviderView } from '../chain/market-state.js';
import type { MarketHistory } from './market-history.js';

/** What the chain source reads: the SDK's index of the market's events (an open session's, or a fresh one). */
export type ChainIndex = Pick<MarketIndex, 'sync' | 'jobsOf' | 'activeProviders'>;

/** The default source: the chain's events, read up to the head by the SDK's own index. */
export class ChainHistory implements MarketHistory {
  readonly source = 'chain' as const;

  constructor(private readonly index: ChainIndex) {}

  async jobsOf(requester: Address): Promise<JobView[]> {
    await this.index.sync();
    return this.index.jobsOf(requester);
  }

  async activeProviders(): Promise<ProviderView[]> {
    await this.index.sync();
    return this.index.activeProviders();
  }
}
