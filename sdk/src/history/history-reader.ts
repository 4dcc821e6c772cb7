import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import type { JobView, ProviderView } from '../chain/market-state.js';
import type { HistoryFallback, HistoryRead, MarketHistory } from './market-history.js';
import type { SubgraphHistory } from './subgraph-history.js';

/** How far (blocks) the subgraph may trail the chain head before reads go to the chain. */
export const DEFAULT_SUBGRAPH_MAX_LAG = 20n;

export interface HistoryReaderOptions {
  /** The chain's events: the default source, and the fallback. */
  chain: MarketHistory;
  /** Read from it first when given. */
  subgraph?: Pick<SubgraphHistory, 'url' | 'indexedBlock' | 'jobsOf' | 'activeProviders'>;
  /** The chain head's block number. */
  headBlock: () => Promise<bigint>;
  maxLagBlocks?: bigint;
  /** Hears why a read fell back to the chain. */
  log?: (line: string) => void;
}

/**
 * One read interface over two sources. With a subgraph, each read first checks that it is fresh
 * (its `_meta` block within `maxLagBlocks` of the chain head) and falls back to the chain's events
 * when it trails further or fails, saying so in the log: a stale subgraph would show a finished
 * job as running, and the chain is always there.
 */
export class HistoryReader {
  private readonly maxLag: bigint;
  private readonly log: (line: string) => void;

  constructor(private readonly options: HistoryReaderOptions) {
    this.maxLag = options.maxLagBlocks ?? DEFAULT_SUBGRAPH_MAX_LAG;
    this.log = options.log ?? (() => {});
  }

  jobsOf(requester: Address): Promise<HistoryRead<JobView>> {
    return this.read((source) => source.jobsOf(requester));
  }

  activeProviders(): Promise<HistoryRead<ProviderView>> {
    return this.read((source) => source.activeProviders());
  }

  private async read<T>(
    query: (source: Pick<MarketHistory, 'jobsOf' | 'activeProviders'>) => Promise<T[]>,
  ): Promise<HistoryRead<T>> {
    const { chain, subgraph, headBlock } = this.options;
    if (!subgraph) return { source: 'chain', items: await query(chain) };
    const [indexed, chainHead] = await Promise.allSettled([subgraph.indexedBlock(), headBlock()]);
    // The chain itself does not answer: neither source can be checked, and it is no fault of
    // the subgraph's (the caller reports a lost connection).
    if (chainHead.status === 'rejected') throw chainHead.reason;
    const head = chainHead.value;
    let fallback: HistoryFallback;
    try {
      if (indexed.status === 'rejected') throw indexed.reason;
      const indexedBlock = indexed.value;
      const lagBlocks = head - indexedBlock;
      if (lagBlocks <= this.maxLag) return { source: 'subgraph', items: await query(subgraph) };
      fallback = { reason: 'lag', lagBlocks, indexedBlock, headBlock: head };
      this.log(
        `the subgraph is ${lagBlocks} blocks behind the chain (at block ${indexedBlock}, head ${head}, more than ${this.maxLag}): reading the chain's events instead`,
      );
    } catch (error) {
      fallback = { reason: 'error', message: briefly(error) };
      this.log(
        `the subgraph at ${subgraph.url} failed (${fallback.message}): reading the chain's events instead`,
      );
    }
    return { source: 'chain', items: await query(chain), fallback };
  }
}

/**
 * Where a read came from, in a few words for a view's description: "from the subgraph", or
 * "from chain events: subgraph 40 blocks behind" when it fell back; nothing for the chain's
 * events when no subgraph was asked (the default needs no mention).
 */
export function historySourceNote(read: Pick<HistoryRead<unknown>, 'source' | 'fallback'>) {
  if (read.source === 'subgraph') return 'from the subgraph';
  const fallback = read.fallback;
  if (!fallback) return undefined;
  return fallback.reason === 'lag'
    ? `from chain events: subgraph ${fallback.lagBlocks} blocks behind`
    : 'from chain events: subgraph failed';
}

/** The first words of why a read failed: graphql-request's messages append the whole response. */
function briefly(error: unknown): string {
  const reason = error instanceof OrangeError && error.cause ? error.cause : error;
  const message = reason instanceof Error ? reason.message : String(reason);
  const first = message.split(/: \{"response"|\n/)[0]!;
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}
