import assert from 'node:assert/strict';
import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import type { MarketClient } from '../chain/market-client.js';
import type { JobView, ProviderView } from '../chain/market-state.js';
import type { ChainIndex } from './chain-history.js';
import { historySourceNote } from './history-reader.js';
import { openHistory } from './open-history.js';

const ME = '0x1111111111111111111111111111111111111111' as Address;

/** A market whose chain head is at block 1000; nothing else of it is read here. */
const market = {
  publicClient: { getBlockNumber: async () => 1000n },
} as unknown as MarketClient;

/** An index already following the chain (an open session's): counts its syncs. */
function fakeIndex(jobs: Partial<JobView>[], providers: Partial<ProviderView>[] = []) {
  const index = {
    syncs: 0,
    sync: async () => {
      index.syncs++;
    },
    jobsOf: (requester: Address) =>
      (jobs as JobView[]).filter((job) => job.requester === requester),
    activeProviders: () => providers as ProviderView[],
  };
  return index satisfies ChainIndex;
}

describe('openHistory', () => {
  it("reads the index it is given, the chain's events, when no subgraph is configured", async () => {
    // Ids are large and sparse (per-provider ids): nothing here assumes them small or dense.
    const index = fakeIndex([{ jobId: 2n ** 70n + 5n, requester: ME }]);
    const lines: string[] = [];
    const reader = openHistory({ market, index, log: (line) => lines.push(line) });
    const read = await reader.jobsOf(ME);
    assert.equal(read.source, 'chain');
    assert.deepEqual(
      read.items.map((job) => job.jobId),
      [2n ** 70n + 5n],
    );
    assert.equal(read.fallback, undefined);
    assert.equal(historySourceNote(read), undefined);
    assert.equal(index.syncs, 1, 'synced before reading');
    assert.deepEqual(lines, [], 'the default source needs no word');
  });

  it('takes an empty or blank subgraph URL as none', async () => {
    for (const subgraphUrl of ['', '   ']) {
      const index = fakeIndex([], [{ address: ME }]);
      const read = await openHistory({ market, index, subgraphUrl }).activeProviders();
      assert.equal(read.source, 'chain');
      assert.equal(read.fallback, undefined);
      assert.throws(
        () => openHistory({ market, index, subgraphUrl, source: 'subgraph' }),
        (error: unknown) =>
          error instanceof OrangeError && error.code === 'SUBGRAPH_NOT_CONFIGURED',
      );
    }
  });

  it('reads only the chain with source "chain", even with a subgraph URL', async () => {
    // Nothing listens at this URL: a read that tried it would fall back and say so.
    const lines: string[] = [];
    const read = await openHistory({
      market,
      index: fakeIndex([{ jobId: 1n, requester: ME }]),
      subgraphUrl: 'http://127.0.0.1:9/subgraphs/name/orange-cloud',
      source: 'chain',
      log: (line) => lines.push(line),
    }).jobsOf(ME);
    assert.equal(read.source, 'chain');
    assert.equal(read.fallback, undefined);
    assert.deepEqual(lines, []);
  });

  it('falls back to the given index when the subgraph cannot be reached, and says so', async () => {
    const lines: string[] = [];
    const index = fakeIndex([{ jobId: 1n, requester: ME }]);
    const read = await openHistory({
      market,
      index,
      subgraphUrl: 'http://127.0.0.1:9/subgraphs/name/orange-cloud',
      log: (line) => lines.push(line),
    }).jobsOf(ME);
    assert.equal(read.source, 'chain');
    assert.equal(read.items.length, 1);
    assert.equal(read.fallback?.reason, 'error');
    assert.equal(index.syncs, 1);
    assert.match(lines[0] ?? '', /the subgraph at http:\/\/127\.0\.0\.1:9\/\S+ failed/);
  });
});
