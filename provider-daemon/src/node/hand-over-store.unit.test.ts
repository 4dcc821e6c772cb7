import assert from 'node:assert/strict';
import type { ContentStore, FetchLimits } from '@orange-cloud/sdk';
import { HandOverIntake } from './hand-overs.js';
import { storeWithHandOvers } from './hand-over-store.js';
import { MemoryStore, PROVIDER, hiredJob, sealJob } from './test-fakes.js';

/**
 * A node whose network never answers: content not stored here is waited for until the fetch is
 * aborted (like a bitswap want sent to a requester that went away).
 */
class UnansweredNetwork extends MemoryStore implements ContentStore {
  readonly waiting: string[] = [];
  override async get(cid: string, limits: FetchLimits): Promise<Uint8Array> {
    const bytes = this.blocks.get(cid);
    if (bytes) return bytes;
    this.waiting.push(cid);
    return new Promise((_, reject) => {
      const signal = limits.signal!;
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }
}

describe('storeWithHandOvers: a job fetch and the hand-over', () => {
  it('a fetch waiting on the network ends with the content once it is handed over', async () => {
    const requesterStore = new MemoryStore();
    const { view } = await sealJob(requesterStore, hiredJob(1n));
    const node = new UnansweredNetwork();
    const intake = new HandOverIntake({
      index: { jobs: new Map([[1n, view]]) },
      store: node,
      provider: PROVIDER,
    });
    const store = storeWithHandOvers(node, intake);
    const fetching = store.get(view.manifestCid, { maxBytes: 1 << 20, timeoutMs: 60_000 });
    assert.deepEqual(node.waiting, [view.manifestCid], 'asked the network first');
    const manifest = requesterStore.blocks.get(view.manifestCid)!;
    assert.deepEqual(await intake.accept(1n, view.manifestCid, manifest), { kind: 'stored' });
    assert.ok(Buffer.from(await fetching).equals(manifest));
  });

  it('the caller’s own abort still ends the fetch with its reason', async () => {
    const node = new UnansweredNetwork();
    const intake = new HandOverIntake({
      index: { jobs: new Map() },
      store: node,
      provider: PROVIDER,
    });
    const stop = new AbortController();
    const fetching = storeWithHandOvers(node, intake).get('bafkqaaa', {
      maxBytes: 10,
      timeoutMs: 60_000,
      signal: stop.signal,
    });
    stop.abort(new Error('shut down'));
    await assert.rejects(fetching, /shut down/);
  });
});
