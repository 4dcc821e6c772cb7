import { iterateLogs } from 'viem/actions';
import { parseEventLogs } from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import type { MarketClient } from './market-client.js';
import type { LogPage } from './reorg-window.js';

export interface LogCursorOptions {
  /** Blocks below the cursor read again on every pass, so a shallow reorg shows. */
  reorgDepth: bigint;
  /** Most blocks asked for in one eth_getLogs. */
  blockRange: bigint;
}

/**
 * Reads the market's logs from a block cursor kept in memory: each pass asks for the blocks
 * from just below the cursor (the reorg window) up to the head, in bounded pages, and moves
 * the cursor once a page has been taken in. Node-side log filters are never used: they
 * vanish behind load-balanced RPCs.
 */
export class LogCursor {
  private readonly client: MarketClient;
  private readonly options: LogCursorOptions;
  private last: bigint;

  constructor(client: MarketClient, options: LogCursorOptions) {
    this.client = client;
    this.options = options;
    this.last = client.connection.deployBlock - 1n;
  }

  /** The last block fully read. */
  get position(): bigint {
    return this.last;
  }

  /** The first block a pass reads: the reorg window below the cursor, never before the market. */
  get windowStart(): bigint {
    const start = this.last + 1n - this.options.reorgDepth;
    const deployBlock = this.client.connection.deployBlock;
    return start < deployBlock ? deployBlock : start;
  }

  /** The chain's head, uncached: a wake-up for block N must not read a cached N-1 and miss N. */
  head(): Promise<bigint> {
    return this.client.publicClient.getBlockNumber({ cacheTime: 0 });
  }

  /**
   * The pages of one pass. The cursor moves past a page when the consumer asks for the next
   * one (or ends the loop), so a page whose handling threw is read again next pass.
   */
  async *pages(): AsyncGenerator<LogPage> {
    const head = await this.head();
    const fromBlock = this.windowStart;
    if (fromBlock > head) return;
    const pages = iterateLogs(this.client.publicClient, {
      address: this.client.address,
      fromBlock,
      toBlock: head,
      blockRange: this.options.blockRange,
    });
    for await (const page of pages) {
      const events = parseEventLogs({ abi: marketAbi, logs: page.logs });
      yield { fromBlock: page.fromBlock, toBlock: page.toBlock, events };
      if (page.toBlock > this.last) this.last = page.toBlock;
    }
  }
}
