import {
  applyMarketEvents,
  EMPTY_MARKET_STATE,
  type MarketEvent,
  type MarketState,
} from './market-state.js';

/**
 * The index's state split at the reorg window: everything below `boundary` is taken as final,
 * the logs from `boundary` on may still be taken back by a reorg.
 *
 * Why a final state plus a replay rather than per-block snapshots: the reducer is pure and
 * the window is a few blocks, so replaying its logs on the final state after a page is as
 * cheap as a lookup, and there is one copy of the state to keep instead of one per block. A
 * reorg deeper than the window is not undone (the same trade as before: the window is the
 * depth the index trusts).
 */
export interface ReorgWindow {
  /** The state from every log below `boundary`. */
  readonly final: MarketState;
  /** The first block that is not final yet. */
  readonly boundary: bigint;
  /** The logs applied from `boundary` on, in chain order. */
  readonly recent: readonly MarketEvent[];
  /** `final` with `recent` applied: what the index shows. */
  readonly state: MarketState;
}

/** Logs read from the chain for every block from `fromBlock` to `toBlock`, both included. */
export interface LogPage {
  fromBlock: bigint;
  toBlock: bigint;
  events: readonly MarketEvent[];
}

export function emptyReorgWindow(firstBlock: bigint): ReorgWindow {
  return { final: EMPTY_MARKET_STATE, boundary: firstBlock, recent: [], state: EMPTY_MARKET_STATE };
}

/** A log's identity: a reorg that moves a transaction to another block makes it a new log. */
export const logKey = (event: MarketEvent) => `${event.blockHash}:${event.logIndex}`;

/**
 * Folds a page read from the chain into the window. The page is the canonical truth for its
 * blocks: a recent log in its range that the page lacks (its block was replaced, or lost its
 * logs) is `removed`; a page log not applied before is `added`. The state is then rebuilt as
 * `final` + the window's logs, and the blocks that fell out of the window become final.
 *
 * Recent logs above the page (the RPC's head is behind the index's, or the new chain is
 * shorter) are kept until a page covers their blocks: the index cannot tell those two apart.
 */
export function foldLogPage(
  window: ReorgWindow,
  page: LogPage,
  reorgDepth: bigint,
): { window: ReorgWindow; added: MarketEvent[]; removed: MarketEvent[] } {
  const inPage = (event: MarketEvent) =>
    event.blockNumber >= page.fromBlock && event.blockNumber <= page.toBlock;
  // Logs below the boundary are final and already in `final`: a page never starts that low.
  const read = page.events.filter((event) => event.blockNumber >= window.boundary);
  const readKeys = new Set(read.map(logKey));
  const recentKeys = new Set(window.recent.map(logKey));
  const removed = window.recent.filter((event) => inPage(event) && !readKeys.has(logKey(event)));
  const added = read.filter((event) => !recentKeys.has(logKey(event)));

  const logs = [...window.recent.filter((event) => !inPage(event)), ...read].sort(inChainOrder);
  const pageBoundary = page.toBlock + 1n - reorgDepth;
  const boundary = pageBoundary > window.boundary ? pageBoundary : window.boundary;
  const final = applyMarketEvents(
    window.final,
    logs.filter((event) => event.blockNumber < boundary),
  );
  const recent = logs.filter((event) => event.blockNumber >= boundary);
  const unchanged = added.length === 0 && removed.length === 0;
  const state = unchanged ? window.state : applyMarketEvents(final, recent);
  return { window: { final, boundary, recent, state }, added, removed };
}

function inChainOrder(a: MarketEvent, b: MarketEvent): number {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}
