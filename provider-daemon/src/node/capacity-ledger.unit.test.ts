import assert from 'node:assert/strict';
import { CapacityLedger } from './capacity-ledger.js';

const offer = (nonce: bigint, cores = 1, memoryMb = 512, expiresAt = 100) => ({
  nonce,
  cores,
  memoryMb,
  expiresAt,
});

describe('capacity ledger', () => {
  it('reserves up to what the provider offers and refuses beyond, naming the short resource', () => {
    const ledger = new CapacityLedger({ cores: 2, memoryMb: 1024 });
    assert.deepEqual(ledger.reserve(offer(1n)), { reserved: true });
    assert.deepEqual(ledger.reserve(offer(2n)), { reserved: true });
    assert.deepEqual(ledger.usage(), { cores: 2, memoryMb: 1024 });
    assert.deepEqual(ledger.reserve(offer(3n)), {
      reserved: false,
      short: 'cores',
      free: { cores: 0, memoryMb: 0 },
    });
    const memoryBound = new CapacityLedger({ cores: 8, memoryMb: 1000 });
    assert.equal(memoryBound.reserve(offer(1n, 1, 600)).reserved, true);
    assert.deepEqual(memoryBound.reserve(offer(2n, 1, 600)), {
      reserved: false,
      short: 'memory',
      free: { cores: 7, memoryMb: 400 },
    });
    assert.equal(memoryBound.reserve(offer(3n, 1, 400)).reserved, true);
  });

  it('lets exactly the capacity through when many quotes reserve at once', async () => {
    const ledger = new CapacityLedger({ cores: 3, memoryMb: 1536 });
    // Each caller awaits something first, as a quote handler does, then reserves.
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await new Promise((resolve) => setImmediate(resolve));
        return ledger.reserve(offer(BigInt(i)));
      }),
    );
    assert.equal(results.filter((r) => r.reserved).length, 3);
    assert.equal(ledger.openReservations, 3);
    assert.deepEqual(ledger.free(), { cores: 0, memoryMb: 0 });
  });

  it('refuses a nonce twice and nonsense sizes (a caller bug, not a decline)', () => {
    const ledger = new CapacityLedger({ cores: 4, memoryMb: 4096 });
    ledger.reserve(offer(1n));
    assert.throws(() => ledger.reserve(offer(1n)), /reserved already/);
    assert.throws(() => ledger.reserve(offer(2n, 0)), RangeError);
    assert.throws(() => ledger.reserve(offer(2n, 1, 1.5)), RangeError);
    assert.throws(() => new CapacityLedger({ cores: 0, memoryMb: 1 }), RangeError);
  });

  it('frees offers that expired unhired, and only those', () => {
    const ledger = new CapacityLedger({ cores: 2, memoryMb: 1024 });
    ledger.reserve(offer(1n, 1, 512, 100));
    ledger.reserve(offer(2n, 1, 512, 160));
    assert.deepEqual(ledger.expire(100), []); // valid through its expiry second
    assert.deepEqual(
      ledger.expire(101).map((r) => r.nonce),
      [1n],
    );
    assert.equal(ledger.reservation(1n), undefined);
    assert.deepEqual(ledger.usage(), { cores: 1, memoryMb: 512 });
    assert.equal(ledger.reserve(offer(3n, 1, 512, 200)).reserved, true);
  });

  it('turns a reservation into a job hold on hire; the hold outlives the offer expiry', () => {
    const ledger = new CapacityLedger({ cores: 2, memoryMb: 1024 });
    ledger.reserve(offer(7n, 2, 1024, 100));
    assert.deepEqual(ledger.bind(7n, 1n, { cores: 2, memoryMb: 1024 }), {
      outcome: 'bound',
      held: { cores: 2, memoryMb: 1024 },
    });
    assert.equal(ledger.openReservations, 0);
    assert.deepEqual(ledger.expire(10_000), []);
    assert.deepEqual(ledger.usage(), { cores: 2, memoryMb: 1024 });
    assert.equal(ledger.reserve(offer(8n)).reserved, false);
    // the same hire event seen again changes nothing
    assert.equal(ledger.bind(7n, 1n, { cores: 2, memoryMb: 1024 }).outcome, 'already');
    assert.deepEqual(ledger.usage(), { cores: 2, memoryMb: 1024 });
  });

  it('releases a job at its end, and only once', () => {
    const ledger = new CapacityLedger({ cores: 1, memoryMb: 512 });
    ledger.reserve(offer(1n));
    ledger.bind(1n, 5n, { cores: 1, memoryMb: 512 });
    assert.equal(ledger.release(5n), true);
    assert.equal(ledger.release(5n), false);
    assert.deepEqual(ledger.usage(), { cores: 0, memoryMb: 0 });
    assert.equal(ledger.reserve(offer(2n)).reserved, true);
  });

  it('holds a hire of an offer it thought expired when the capacity is free', () => {
    const ledger = new CapacityLedger({ cores: 2, memoryMb: 1024 });
    ledger.reserve(offer(1n, 1, 512, 100));
    ledger.expire(200);
    assert.deepEqual(ledger.bind(1n, 9n, { cores: 1, memoryMb: 512 }), {
      outcome: 'late',
      held: { cores: 1, memoryMb: 512 },
    });
    assert.deepEqual(ledger.usage(), { cores: 1, memoryMb: 512 });
  });

  it('refuses to hold a late hire that would exceed the offer, and says what is free', () => {
    const ledger = new CapacityLedger({ cores: 2, memoryMb: 1024 });
    ledger.reserve(offer(1n, 2, 1024, 100));
    ledger.expire(200);
    // the freed capacity went to another offer before the late hire was seen
    ledger.reserve(offer(2n, 2, 1024, 300));
    assert.deepEqual(ledger.bind(1n, 9n, { cores: 2, memoryMb: 1024 }), {
      outcome: 'over',
      free: { cores: 0, memoryMb: 0 },
    });
    assert.equal(ledger.held(9n), undefined);
    assert.deepEqual(ledger.usage(), { cores: 2, memoryMb: 1024 });
  });

  it('never holds more than it offers through any sequence of calls', () => {
    const capacity = { cores: 3, memoryMb: 3000 };
    const ledger = new CapacityLedger(capacity);
    // a fixed pseudo-random walk (no Math.random: the test must fail the same way every time)
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let nonce = 0n;
    let now = 0;
    const jobs: bigint[] = [];
    for (let step = 0; step < 2000; step++) {
      const action = next(4);
      if (action === 0) {
        nonce += 1n;
        ledger.reserve(offer(nonce, 1 + next(2), 500 + next(1000), now + 1 + next(5)));
      } else if (action === 1) {
        const jobId = BigInt(step);
        const bound = ledger.bind(BigInt(1 + next(Number(nonce) + 1)), jobId, {
          cores: 1 + next(3),
          memoryMb: 100 + next(2000),
        });
        if (bound.outcome !== 'over') jobs.push(jobId);
      } else if (action === 2 && jobs.length > 0) {
        ledger.release(jobs.splice(next(jobs.length), 1)[0]!);
      } else {
        now += 1;
        ledger.expire(now);
      }
      const used = ledger.usage();
      assert.ok(used.cores <= capacity.cores && used.memoryMb <= capacity.memoryMb);
    }
  });
});
