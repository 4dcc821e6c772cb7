/**
 * Bits of an offer nonce below the run's start second: the run's counter. A later run starts
 * above every nonce of an earlier one unless that one gave 2^24 offers per second it ran.
 */
const COUNTER_BITS = 24n;

/**
 * Offer nonces that a restart never reuses, without a file: the second this run started x 2^24 +
 * a counter, and always above the last one given (and above `floor`, the highest nonce an
 * earlier run left a key for, which covers a restart within the same second). The market refuses
 * a nonce twice, so a reuse would cost the requester a failed hire; it cannot cost the provider
 * anything.
 *
 * The nonce becomes the low 64 bits of the job's id (the provider's market index above it), and
 * the job's own storage slot is the market's replay guard: any unused nonce costs a hire the same
 * gas, so nothing here needs to be dense. A nonce says nothing about when it was given: the key
 * store keeps that (JobKeyStore.issuedAtSec).
 */
export class OfferNonces {
  private last: bigint;

  constructor(nowMs: () => number, floor = 0n) {
    const fromClock = BigInt(Math.floor(nowMs() / 1000)) << COUNTER_BITS;
    this.last = fromClock > floor ? fromClock - 1n : floor;
  }

  next(): bigint {
    this.last += 1n;
    return this.last;
  }
}
