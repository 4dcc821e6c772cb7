// The types that helia's and @helia/bitswap's declarations import from @helia/libp2p, with the
// same shapes as @helia/libp2p 2.1.4; see index.js for why this package stands in for it.
import type { Helia } from '@helia/interface';
import type { Libp2p, ServiceMap } from '@libp2p/interface';
import type { Libp2pOptions } from 'libp2p';

export type DefaultLibp2pServices = Record<string, unknown>;

export type CreateLibp2pOptions<T extends ServiceMap = ServiceMap> = Libp2pOptions<T>;

export interface HeliaWithLibp2p<M extends ServiceMap = DefaultLibp2pServices> extends Helia {
  libp2p: Libp2p<M>;
}

/** Not available in this install: throws. */
export declare function withLibp2p(helia: Helia, opts?: unknown): never;
/** Not available in this install: throws. */
export declare function withLibp2pLight(helia: Helia, opts?: unknown): never;
/** Not available in this install: throws. */
export declare function libp2pDefaults(opts?: unknown): never;
