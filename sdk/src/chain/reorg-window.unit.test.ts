import assert from 'node:assert/strict';
import type { Address } from 'viem';
import { marketLog, type TestLogPlace } from './market-log-for-tests.js';
import { emptyReorgWindow, foldLogPage, logKey, type ReorgWindow } from './reorg-window.js';

const requester: Address = '0x2222222222222222222222222222222222222222';
const provider: Address = '0x1111111111111111111111111111111111111111';

const posted = (jobId: bigint, name: string, place: TestLogPlace) =>
  marketLog(
    'JobHired',
    {
      jobId,
      requester,
      provider,
      runtime: 'python3',
      cores: 1,
      memoryMb: 256,
      pricePerCoreSecond: 1n,
      request: { name, timeoutSec: 60, manifestCid: `bafy-${name}` },
      startBy: 1_000,
      kfrag: '0xbeef',
    },
    place,
  );
const cancelled = (jobId: bigint, place: TestLogPlace) =>
  marketLog('JobCancelled', { jobId, requester }, place);

const depth = 5n;
const names = (window: ReorgWindow) => [...window.state.jobs.values()].map((j) => j.name);

describe('foldLogPage', () => {
  const first = posted(1n, 'one', { block: 10n, logIndex: 0 });
  const second = posted(2n, 'two', { block: 18n, logIndex: 0 });
  const start = foldLogPage(
    emptyReorgWindow(10n),
    { fromBlock: 10n, toBlock: 20n, events: [first, second] },
    depth,
  );

  it('applies new logs and makes the blocks below the window final', () => {
    assert.deepEqual(start.added.map(logKey), [first, second].map(logKey));
    assert.deepEqual(start.removed, []);
    assert.deepEqual(names(start.window), ['one', 'two']);
    assert.equal(start.window.boundary, 16n);
    assert.deepEqual([...start.window.final.jobs.keys()], [1n]);
    assert.deepEqual(start.window.recent.map(logKey), [logKey(second)]);
  });

  it('changes nothing when the window is read again unchanged', () => {
    const again = foldLogPage(
      start.window,
      { fromBlock: 16n, toBlock: 21n, events: [second] },
      depth,
    );
    assert.deepEqual(again.added, []);
    assert.deepEqual(again.removed, []);
    assert.equal(again.window.state, start.window.state);
  });

  it('undoes the logs of a block a reorg replaced, and applies the replacement', () => {
    // Block 18 is now another block: the job it hired is gone, another one took its place.
    const other = posted(2n, 'two-b', { block: 18n, logIndex: 0, fork: 'b' });
    const cancel = cancelled(1n, { block: 19n, logIndex: 0, fork: 'b' });
    const reorged = foldLogPage(
      start.window,
      { fromBlock: 16n, toBlock: 21n, events: [other, cancel] },
      depth,
    );
    assert.deepEqual(reorged.removed.map(logKey), [logKey(second)]);
    assert.deepEqual(reorged.added.map(logKey), [other, cancel].map(logKey));
    assert.deepEqual(names(reorged.window), ['one', 'two-b']);
    assert.equal(reorged.window.state.jobs.get(1n)?.status, 'cancelled');
    // The final state (job 1 hired) is untouched: the window is replayed on top of it.
    assert.equal(reorged.window.final.jobs.get(1n)?.status, 'accepted');
  });

  it('undoes a block whose logs are gone without a replacement', () => {
    const gone = foldLogPage(start.window, { fromBlock: 16n, toBlock: 22n, events: [] }, depth);
    assert.deepEqual(gone.removed.map(logKey), [logKey(second)]);
    assert.deepEqual(names(gone.window), ['one']);
  });

  it('keeps recent logs above a page that ends below them', () => {
    // The RPC's head is behind the block the index read last: block 18 is not judged yet.
    const behind = foldLogPage(start.window, { fromBlock: 16n, toBlock: 17n, events: [] }, depth);
    assert.deepEqual(behind.removed, []);
    assert.deepEqual(names(behind.window), ['one', 'two']);
    assert.equal(behind.window.boundary, 16n);
  });

  it('takes a log below the boundary as final and applies it no more', () => {
    const late = foldLogPage(
      start.window,
      { fromBlock: 10n, toBlock: 21n, events: [first, second] },
      depth,
    );
    assert.deepEqual(late.added, []);
    assert.equal(late.window.state, start.window.state);
  });
});
