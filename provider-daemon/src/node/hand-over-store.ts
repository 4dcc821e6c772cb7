import type { ContentStore } from '@orange-cloud/sdk';
import type { HandOverIntake } from './hand-overs.js';

/**
 * `store` for a job's own fetch, aware of hand-overs: a fetch still waiting on the network when
 * the same content is handed over stops waiting and reads it from the store. (A block pushed into
 * the node does not answer a bitswap want already sent for it, and the requester that would
 * answer it may be gone by then.) Everything else goes straight to `store`.
 */
export function storeWithHandOvers(
  store: ContentStore,
  handOvers: Pick<HandOverIntake, 'whenStored'>,
): ContentStore {
  return {
    put: (bytes) => store.put(bytes),
    addresses: () => store.addresses(),
    connect: (address) => store.connect(address),
    stop: () => store.stop(),
    async get(cid, limits) {
      const handed = new AbortController();
      const done = new AbortController();
      void handOvers.whenStored(cid, done.signal).then(() => {
        if (!done.signal.aborted) handed.abort();
      });
      const signal = limits.signal
        ? AbortSignal.any([limits.signal, handed.signal])
        : handed.signal;
      try {
        return await store.get(cid, { ...limits, signal });
      } catch (error) {
        if (!handed.signal.aborted || limits.signal?.aborted) throw error;
        return store.get(cid, limits); // handed over meanwhile: it is in the store now
      } finally {
        done.abort();
      }
    },
  };
}
