/** A token bucket per client: `perSecond` requests a second on average, bursts of `burst`. */
export interface RateLimitInit {
  perSecond: number;
  burst: number;
  /** Clients remembered at most; the least recently seen is forgotten first. Default 10 000. */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * Per remote address, how many requests may pass (pure; the clock is passed in). It bounds
 * the work one client can cause; memory stays bounded whatever the number of addresses, at
 * the cost of a full bucket for a client forgotten and seen again.
 */
export class ClientRateLimit {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxClients: number;

  constructor(
    private readonly init: RateLimitInit,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!(init.perSecond > 0) || !(init.burst >= 1))
      throw new RangeError('a rate limit needs perSecond > 0 and burst >= 1');
    this.maxClients = init.maxClients ?? 10_000;
  }

  /** Takes a token for `client`; false when it has none left now. */
  take(client: string): boolean {
    const now = this.nowMs();
    const known = this.buckets.get(client);
    const elapsedSec = known ? Math.max(0, now - known.atMs) / 1000 : 0;
    const tokens = known
      ? Math.min(this.init.burst, known.tokens + elapsedSec * this.init.perSecond)
      : this.init.burst;
    // Re-inserted, so the map's order is least recently seen first.
    this.buckets.delete(client);
    const allowed = tokens >= 1;
    this.buckets.set(client, { tokens: allowed ? tokens - 1 : tokens, atMs: now });
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    return allowed;
  }
}
