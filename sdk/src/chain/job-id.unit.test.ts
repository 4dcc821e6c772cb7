import assert from 'node:assert/strict';
import { newestJobsFirst, offerNonceOfJob, providerIndexOfJob } from './job-id.js';

describe('job ids', () => {
  // OrangeMarket.t.sol: the first provider's job with nonce 7 is (1 << 64) | 7.
  const id = (providerIndex: bigint, nonce: bigint) => (providerIndex << 64n) | nonce;

  it("splits an id into the provider's index and the offer's nonce", () => {
    const max = 2n ** 64n - 1n;
    for (const [index, nonce] of [
      [1n, 7n],
      [1n, 0n],
      [2n, max],
      [2n ** 32n - 1n, 123_456_789n * 2n ** 24n + 5n],
    ] as const) {
      assert.equal(offerNonceOfJob(id(index, nonce)), nonce);
      assert.equal(providerIndexOfJob(id(index, nonce)), index);
    }
    assert.equal(id(1n, 7n), 18446744073709551623n, 'above 2^53: never a Number');
  });

  it('sorts by the hire block, newest first, whatever the ids say', () => {
    const jobs = [
      { jobId: id(2n, 1n), postedBlock: 10n },
      { jobId: id(1n, 9n), postedBlock: 12n },
      { jobId: id(1n, 5n), postedBlock: 10n },
      { jobId: id(3n, 0n), postedBlock: 11n },
    ];
    assert.deepEqual(
      newestJobsFirst(jobs).map((j) => j.jobId),
      [id(1n, 9n), id(3n, 0n), id(2n, 1n), id(1n, 5n)],
    );
    assert.equal(jobs[0]!.jobId, id(2n, 1n), 'the input is left as it was');
  });
});
