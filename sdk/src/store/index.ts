import { OrangeError } from '../errors.js';
import type { ContentStore } from './content-store.js';
import type { EmbeddedStoreOptions } from './helia-store.js';
import type { KuboStoreOptions } from './kubo-store.js';

export type { ContentStore, FetchLimits } from './content-store.js';
export { createEmbeddedStore, DEFAULT_LISTEN } from './helia-store.js';
export type { EmbeddedStore, EmbeddedStoreOptions } from './helia-store.js';
export { LazyContentStore } from './lazy-store.js';
export type { KuboStoreOptions } from './kubo-store.js';

export type ContentStoreConfig =
  ({ mode: 'embedded' } & EmbeddedStoreOptions) | ({ mode: 'kubo' } & KuboStoreOptions);

/**
 * The store a settings object asks for: the embedded node or a Kubo endpoint. Each is loaded
 * only when asked for, so a process that uses one never holds the other's libraries in memory.
 */
export async function createContentStore(config: ContentStoreConfig): Promise<ContentStore> {
  switch (config.mode) {
    case 'embedded': {
      const { createEmbeddedStore } = await import('./helia-store.js');
      return createEmbeddedStore({
        directory: config.directory,
        listen: config.listen,
        peers: config.peers,
        onWarning: config.onWarning,
      });
    }
    case 'kubo': {
      const { createKuboStore } = await import('./kubo-store.js');
      return createKuboStore({ url: config.url, headers: config.headers });
    }
    default:
      // Settings come from JSON files and user input, so the type is no guarantee.
      throw new OrangeError(
        'INVALID_STORE_CONFIG',
        `Unknown IPFS mode "${String((config as { mode: unknown }).mode)}".`,
        {
          hint: 'Set the IPFS mode to "embedded" (built-in node) or "kubo" (an IPFS RPC endpoint).',
        },
      );
  }
}
