import assert from 'node:assert/strict';
import { OfferNonces, nonceIssuedAtSec } from './offer-nonces.js';

describe('offer nonces', () => {
  it('rise with every offer, also when the clock stands still or steps back', () => {
    let ms = 1_800_000_000_500;
    const nonces = new OfferNonces(() => ms);
    const first = nonces.next();
    assert.equal(nonceIssuedAtSec(first), 1_800_000_000);
    const second = nonces.next();
    assert.equal(second, first + 1n);
    ms -= 5_000;
    assert.equal(nonces.next(), first + 2n);
    ms += 10_000;
    const later = nonces.next();
    assert.equal(nonceIssuedAtSec(later), 1_800_000_005);
  });

  it('start above the highest nonce an earlier run left, and fit in a uint64', () => {
    const ms = 1_800_000_000_000;
    const floor = (1_800_000_100n << 20n) + 7n;
    assert.equal(new OfferNonces(() => ms, floor).next(), floor + 1n);
    // the year 2500 still fits the market's uint64 nonce
    assert.ok(new OfferNonces(() => 16_725_225_600_000).next() < 2n ** 64n);
  });
});
