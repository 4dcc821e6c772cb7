import { OrangeError } from '../errors.js';
import type { MarketClient } from '../chain/market-client.js';
import { MarketIndex } from '../chain/market-index.js';
import { ChainHistory, type ChainIndex } from './chain-history.js';
import { HistoryReader } from './history-reader.js';
import type { HistorySource } from './market-history.js';
import { SubgraphHistory } from './subgraph-history.js';

export interface OpenHistoryOptions {
  /** The market on the chain: its events are the default source and the fallback. */
  market: MarketClient;
  /**
   * An index of the market's events already kept up to date (an open session's), read instead
   * of a fresh one that would read every event again.
   */
  index?: ChainIndex;
  /** The network's subgraph, from its preset or a setting; empty or blank: none. */
  subgraphUrl?: string | undefined;
  /** `chain` reads the chain only; `subgraph` needs a subgraph URL; unset: the subgraph when there is one. */
  source?: HistorySource | undefined;
  maxLagBlocks?: bigint | undefined;
  log?: (line: string) => void;
}

/** The read interface for job history and providers, over the sources the options allow. */
export function openHistory(options: OpenHistoryOptions): HistoryReader {
  const { market, source } = options;
  const subgraphUrl = options.subgraphUrl?.trim() || undefined;
  if (source === 'subgraph' && !subgraphUrl) {
    throw new OrangeError('SUBGRAPH_NOT_CONFIGURED', 'This network has no subgraph URL.', {
      hint: 'Give one with --subgraph-url <url>, or read the chain with --source chain.',
    });
  }
  const useSubgraph = source !== 'chain' && subgraphUrl !== undefined;
  return new HistoryReader({
    chain: new ChainHistory(options.index ?? new MarketIndex(market)),
    ...(useSubgraph ? { subgraph: new SubgraphHistory({ url: subgraphUrl }) } : {}),
    headBlock: () => market.publicClient.getBlockNumber(),
    ...(options.maxLagBlocks === undefined ? {} : { maxLagBlocks: options.maxLagBlocks }),
    ...(options.log ? { log: options.log } : {}),
  });
}
