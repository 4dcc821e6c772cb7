import assert from 'node:assert/strict';
import { LazyContentStore } from './lazy-store.js';
import { createEmbeddedStore } from './helia-store.js';

describe('LazyContentStore', () => {
  it('starts the node on first use only, and works like it', async () => {
    let starts = 0;
    const store = new LazyContentStore(async () => {
      starts++;
      return createEmbeddedStore();
    });
    assert.equal(store.isStarted, false);
    assert.deepEqual(store.addresses(), []);
    assert.equal(starts, 0);
    const cid = await store.put(new TextEncoder().encode('lazy'));
    const again = await store.get(cid, { maxBytes: 100, timeoutMs: 5_000 });
    assert.equal(new TextDecoder().decode(again), 'lazy');
    assert.equal(starts, 1);
    assert.ok(store.addresses().length > 0);
    await store.stop();
    assert.equal(store.isStarted, false);
  });

  it('lets a failed start be retried', async () => {
    let attempt = 0;
    const store = new LazyContentStore(async () => {
      if (++attempt === 1) throw new Error('port in use');
      return createEmbeddedStore();
    });
    await assert.rejects(store.put(new Uint8Array([1])), /port in use/);
    assert.ok(await store.put(new Uint8Array([1])));
    await store.stop();
  });

  it('stops cleanly when never started', async () => {
    const store = new LazyContentStore(async () => {
      throw new Error('must not start');
    });
    await store.stop();
  });
});
