import assert from 'node:assert/strict';
import type { JobStatus, JobView, MarketIndex } from '../chain/market-index.js';
import { waitForJobEnd } from './job-wait.js';

/** The part of a MarketIndex waitForJobEnd reads, with jobs that change when a test says. */
class FakeIndex {
  readonly jobs = new Map<bigint, JobView>();
  private readonly checks = new Set<() => void>();
  sync = async () => {};
  waitForJob(jobId: bigint, predicate: (job: JobView) => boolean, signal?: AbortSignal) {
    return new Promise<JobView>((resolve, reject) => {
      const check = () => {
        const job = this.jobs.get(jobId);
        if (job && predicate(job)) {
          this.checks.delete(check);
          resolve(job);
        }
      };
      signal?.addEventListener('abort', () => {
        this.checks.delete(check);
        reject(signal.reason as Error);
      });
      this.checks.add(check);
      check();
    });
  }
  set(jobId: bigint, status: JobStatus, deadline = 2_000_000_000, more: Partial<JobView> = {}) {
    this.jobs.set(jobId, { jobId, status, deadline, ...more } as JobView);
    for (const check of [...this.checks]) check();
  }
}

const ctx = (index: FakeIndex) => ({ index: index as unknown as MarketIndex });

describe('waitForJobEnd', () => {
  it('says each status the job passes through and returns it as it ended', async () => {
    const index = new FakeIndex();
    index.set(5n, 'accepted');
    const seen: string[] = [];
    const ended = waitForJobEnd(ctx(index), 5n, { onStatus: (j) => seen.push(j.status) });
    await new Promise((r) => setImmediate(r));
    index.set(5n, 'running');
    index.set(5n, 'running');
    index.set(5n, 'completed');
    assert.equal((await ended).status, 'completed');
    assert.deepEqual(seen, ['accepted', 'running']);
  });

  it('returns a job that already ended at once, and refuses one the market does not have', async () => {
    const index = new FakeIndex();
    index.set(1n, 'failed');
    const seen: string[] = [];
    assert.equal(
      (await waitForJobEnd(ctx(index), 1n, { onStatus: () => seen.push('x') })).status,
      'failed',
    );
    assert.deepEqual(seen, []);
    await assert.rejects(waitForJobEnd(ctx(index), 2n), { code: 'UNKNOWN_JOB' });
  });

  it('says once when a job is past its deadline, and stops waiting when asked', async () => {
    const index = new FakeIndex();
    index.set(3n, 'accepted', 100);
    const stop = new AbortController();
    const overdue: JobView[] = [];
    const waiting = waitForJobEnd(ctx(index), 3n, {
      nowSec: () => 101,
      onOverdue: (job) => {
        overdue.push(job);
        stop.abort(new Error('stopped'));
      },
      signal: stop.signal,
    });
    await assert.rejects(waiting, /stopped/);
    assert.deepEqual(
      overdue.map((j) => j.status),
      ['accepted'],
    );
  });
});
