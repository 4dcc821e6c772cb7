import assert from 'node:assert/strict';
import { OfferNonces } from './offer-nonces.js';

describe('offer nonces', () => {
  it('are consecutive within a run, whatever the clock does', () => {
    let ms = 1_800_000_000_500;
    const nonces = new OfferNonces(() => ms);
    const first = nonces.next();
    assert.equal(first, 1_800_000_000n << 24n);
    ms -= 5_000;
    assert.equal(nonces.next(), first + 1n);
    ms += 10_000;
    assert.equal(nonces.next(), first + 2n);
  });

  it('of a later run start above every nonce of an earlier one', () => {
    const earlier = new OfferNonces(() => 1_800_000_000_000);
    let last = 0n;
    for (let i = 0; i < 1000; i++) last = earlier.next();
    assert.ok(new OfferNonces(() => 1_800_000_001_000).next() > last);
  });

  it('start above the highest nonce an earlier run left, and fit in a uint64', () => {
    const ms = 1_800_000_000_000;
    const floor = (1_800_000_000n << 24n) + 7n;
    assert.equal(new OfferNonces(() => ms, floor).next(), floor + 1n);
    // the year 2500 still fits the market's uint64 nonce
    assert.ok(new OfferNonces(() => 16_725_225_600_000).next() < 2n ** 64n);
  });
});
