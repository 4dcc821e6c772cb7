import assert from 'node:assert/strict';
import { ClientRateLimit } from './client-rate-limit.js';

describe('client rate limit', () => {
  it('lets a burst through, then refills at the rate, per client', () => {
    let ms = 0;
    const limit = new ClientRateLimit({ perSecond: 2, burst: 3 }, () => ms);
    const burst = Array.from({ length: 5 }, () => limit.take('a'));
    assert.deepEqual(burst, [true, true, true, false, false]);
    assert.equal(limit.take('b'), true); // another address has its own bucket
    ms += 499;
    assert.equal(limit.take('a'), false);
    ms += 1;
    assert.equal(limit.take('a'), true);
    assert.equal(limit.take('a'), false);
    ms += 60_000; // never more than the burst, however long the pause
    assert.deepEqual(
      Array.from({ length: 4 }, () => limit.take('a')),
      [true, true, true, false],
    );
  });

  it('remembers a bounded number of clients, forgetting the least recently seen', () => {
    const ms = 0;
    const limit = new ClientRateLimit({ perSecond: 0.001, burst: 1, maxClients: 2 }, () => ms);
    assert.equal(limit.take('a'), true);
    assert.equal(limit.take('b'), true);
    assert.equal(limit.take('a'), false); // a is now the most recently seen
    assert.equal(limit.take('c'), true); // b is forgotten
    assert.equal(limit.take('a'), false);
    assert.equal(limit.take('b'), true);
  });

  it('refuses a limit that lets nothing through', () => {
    assert.throws(() => new ClientRateLimit({ perSecond: 0, burst: 5 }), RangeError);
    assert.throws(() => new ClientRateLimit({ perSecond: 1, burst: 0.5 }), RangeError);
  });
});
