/**
 * What requester and provider need from IPFS: put bytes, get them back by
 * CID, verified and bounded. Two implementations: an embedded Helia node
 * (helia-store.ts) and a remote Kubo RPC endpoint (kubo-store.ts).
 */

/** Bounds for one fetch: content from strangers must not exhaust memory or wait forever. */
export interface FetchLimits {
  /** Largest content accepted; reading stops as soon as it is passed. */
  maxBytes: number;
  /** Gives up (CONTENT_TIMEOUT) when the content has not fully arrived by then. */
  timeoutMs: number;
  /** Caller's own cancellation; its reason is rethrown as is. */
  signal?: AbortSignal;
}

export interface ContentStore {
  /** Stores bytes, returns a CIDv1 string. */
  put(bytes: Uint8Array): Promise<string>;
  /** Fetches and VERIFIES content by CID (every block's hash checked), within limits. */
  get(cid: string, limits: FetchLimits): Promise<Uint8Array>;
  /** Multiaddrs other nodes can dial to fetch from this store ([] for remote stores). */
  addresses(): string[];
  /** Connects to a peer that holds content we want (no-op for remote stores). */
  connect(multiaddr: string): Promise<void>;
  stop(): Promise<void>;
}
