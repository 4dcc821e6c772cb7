/** Bits of an offer nonce below its second: up to 2^20 offers a second before it borrows. */
const COUNTER_BITS = 20n;

/**
 * Offer nonces that a restart never reuses, without a file: seconds since the epoch x 2^20 + a
 * counter, and always above the last one given (and above `floor`, the highest nonce an
 * earlier run left a key for). The market refuses a nonce twice, so a reuse would cost the
 * requester a failed hire; it cannot cost the provider anything.
 */
export class OfferNonces {
  private last: bigint;

  constructor(
    private readonly nowMs: () => number,
    floor = 0n,
  ) {
    this.last = floor;
  }

  next(): bigint {
    const fromClock = BigInt(Math.floor(this.nowMs() / 1000)) << COUNTER_BITS;
    this.last = fromClock > this.last ? fromClock : this.last + 1n;
    return this.last;
  }
}

/** The second a nonce of `OfferNonces` was given out (or, after a burst, a little later). */
export function nonceIssuedAtSec(nonce: bigint): number {
  return Number(nonce >> COUNTER_BITS);
}
