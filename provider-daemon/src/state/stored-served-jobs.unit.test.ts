import assert from 'node:assert/strict';
import type { JobView } from '@orange-cloud/sdk';
import { Activity } from '../observe/activity.js';
import { ProviderStore } from './provider-store.js';
import { storedServedJobs } from './stored-served-jobs.js';

const requester = '0x00000000000000000000000000000000000000Aa';
const job = (jobId: bigint) =>
  ({
    jobId,
    requester,
    runtime: 'python3',
    cores: 2,
    pricePerCoreSecond: 500n,
  }) as unknown as JobView;

/** The node's order: the database first, then its observer. */
function end(store: ProviderStore, activity: Activity, jobId: bigint, runSeconds: number) {
  store.hired({
    jobId,
    offerNonce: jobId,
    requester,
    runtime: 'python3',
    ratePerSecondWei: 1000n,
    hiredAt: 1,
  });
  store.ended(jobId, { state: 'completed', endedAt: 10, runSeconds, earnedWei: 1n });
  activity.jobEnded(job(jobId), { state: 'completed', runSeconds });
}

describe('served jobs kept in the database (admin /status)', () => {
  it('lists what the store holds, with what the flow paid, whether paid before or after the end', () => {
    const store = ProviderStore.inMemory();
    const activity = new Activity(storedServedJobs(store));
    end(store, activity, 1n, 3);
    assert.equal(activity.served.recent(5)[0]?.earnedWei, '3000', 'the run seconds at its rate');
    activity.jobPaid(1n, 2900n);
    activity.jobPaid(2n, 700n);
    end(store, activity, 2n, 1);
    assert.deepEqual(
      activity.served.recent(5).map((j) => [j.jobId, j.earnedWei]),
      [
        ['2', '700'],
        ['1', '2900'],
      ],
    );
    assert.deepEqual(activity.served.counts(), {
      completed: 2,
      failed: 0,
      cancelled: 0,
      expired: 0,
    });
  });

  it('still lists them after a restart: a new Activity over the same store', () => {
    const store = ProviderStore.inMemory();
    end(store, new Activity(storedServedJobs(store)), 1n, 2);
    const restarted = new Activity(storedServedJobs(store));
    assert.deepEqual(
      restarted.served.recent(5).map((j) => j.jobId),
      ['1'],
    );
    assert.equal(restarted.served.counts().completed, 1);
  });
});
