import assert from 'node:assert/strict';
import { LiveNonces } from './live-nonces.js';

describe('live nonces', () => {
  const now = 1_800_000_000;

  it('refuses a nonce it saw while that header could still be accepted, then forgets it', () => {
    const nonces = new LiveNonces(10, 300);
    assert.equal(nonces.admit('a', now, now), 'fresh');
    assert.equal(nonces.admit('a', now, now + 300), 'replayed');
    assert.equal(nonces.admit('b', now, now), 'fresh');
    // Past issuedAt + max age the header itself is refused as stale; the nonce may go.
    assert.equal(nonces.admit('a', now, now + 301), 'fresh');
  });

  it('holds at most `capacity` nonces: full while all are live, room again once they expire', () => {
    const nonces = new LiveNonces(3, 300);
    for (const nonce of ['a', 'b', 'c']) assert.equal(nonces.admit(nonce, now, now), 'fresh');
    assert.equal(nonces.admit('d', now, now + 10), 'full');
    assert.equal(nonces.admit('a', now, now + 10), 'replayed', 'nothing live was forgotten');
    assert.equal(nonces.size, 3);
    assert.equal(nonces.admit('d', now + 301, now + 301), 'fresh');
    assert.equal(nonces.size, 1);
  });
});
