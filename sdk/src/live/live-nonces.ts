import { LIVE_AUTH_MAX_AGE_SEC } from './live-events.js';

/** Whether a live authorization's nonce may be used: new, seen before, or no room to remember it. */
export type NonceVerdict = 'fresh' | 'replayed' | 'full';

/**
 * The nonces of live authorizations a server accepted, each kept only while its header could
 * still be accepted (issued + max age), so a replayed header is refused for as long as it is
 * valid. Memory is bounded: at `capacity` live nonces a new one is refused ('full') instead of
 * forgetting one that is still valid. Only headers signed by a job's requester reach this, so
 * filling it takes that many fresh signatures within the max age.
 */
export class LiveNonces {
  /** nonce -> the second after which its header is stale anyway. */
  private readonly seen = new Map<string, number>();
  private admitted = 0;

  constructor(
    private readonly capacity = 10_000,
    private readonly maxAgeSec = LIVE_AUTH_MAX_AGE_SEC,
  ) {}

  admit(nonce: string, issuedAt: number, now = Math.floor(Date.now() / 1000)): NonceVerdict {
    const expiry = this.seen.get(nonce);
    if (expiry !== undefined && expiry >= now) return 'replayed';
    // Sweep now and then, and whenever full: an expired nonce protects nothing any more.
    if (++this.admitted % 256 === 0 || this.seen.size >= this.capacity) this.sweep(now);
    if (this.seen.size >= this.capacity) return 'full';
    // liveAuthSigner accepts the header until issuedAt + max age: remember it that long.
    this.seen.set(nonce, issuedAt + this.maxAgeSec);
    return 'fresh';
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    for (const [nonce, expiry] of this.seen) if (expiry < now) this.seen.delete(nonce);
  }
}
