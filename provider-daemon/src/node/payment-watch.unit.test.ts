import assert from 'node:assert/strict';
import { PaymentWatch, type WatchedJob } from './payment-watch.js';
import type { StopReason } from './job-run.js';
import {
  FakeEvents,
  FakeMarket,
  FakeRail,
  PROVIDER,
  REQUESTER,
  hiredJob,
  recordingLogger,
} from './test-fakes.js';

const OTHER_REQUESTER = '0x00000000000000000000000000000000000000f7';

function watched(jobId: bigint, started: boolean, requester = REQUESTER) {
  const stops: StopReason[] = [];
  const job = hiredJob(jobId, { requester, status: 'running', pricePerCoreSecond: 2n });
  const entry: WatchedJob & { stops: StopReason[] } = {
    job,
    started,
    stops,
    stop: (reason) => stops.push(reason),
  };
  return entry;
}

function watch(jobs: WatchedJob[]) {
  const c = {
    market: new FakeMarket(),
    events: new FakeEvents(),
    payments: new FakeRail(),
    log: recordingLogger(),
    jobs: () => jobs,
  };
  for (const j of jobs) c.events.jobs.set(j.job.jobId, j.job);
  return { ...c, watch: new PaymentWatch(c) };
}

describe('payment watch', () => {
  it('reads nothing while no started job is paid', async () => {
    const notStarted = watched(1n, false);
    const free = watched(2n, true);
    const t = watch([notStarted, free]);
    t.events.jobs.set(2n, { ...free.job, pricePerCoreSecond: 0n });
    await t.watch.check();
    assert.deepEqual(t.market.calls, []);
    assert.deepEqual(t.payments.reads, []);
  });

  it('stops the jobs of a pair whose flow is below what was booked, and only those', async () => {
    const a = watched(1n, true);
    const b = watched(2n, true);
    const other = watched(3n, true, OTHER_REQUESTER);
    const t = watch([a, b, other]);
    t.payments.readPairFlow = async (_terms, requester, provider) => {
      t.payments.reads.push({ requester, provider });
      return requester === REQUESTER
        ? { flowRate: 3n, bookedRate: 4n, blockNumber: 5n }
        : { flowRate: 4n, bookedRate: 4n, blockNumber: 5n };
    };
    await t.watch.check();
    assert.deepEqual(t.payments.reads, [
      { requester: REQUESTER, provider: PROVIDER },
      { requester: OTHER_REQUESTER, provider: PROVIDER },
    ]);
    const what = `payment flow stopped: ${REQUESTER} streams 3 wei/s of the 4 wei/s its running jobs need`;
    assert.deepEqual(a.stops, [{ kind: 'unpaid', what }]);
    assert.deepEqual(b.stops, [{ kind: 'unpaid', what }]);
    assert.deepEqual(other.stops, []);
  });

  it('stops nothing when the chain cannot be read', async () => {
    const a = watched(1n, true);
    const t = watch([a]);
    t.market.behave.paymentTerms = () => Promise.reject(new Error('RPC down'));
    await t.watch.check();
    t.market.behave.paymentTerms = undefined;
    t.payments.readPairFlow = () => Promise.reject(new Error('RPC down'));
    await t.watch.check();
    assert.deepEqual(a.stops, []);
    assert.match(t.log.lines.join('\n'), /payment check failed .*RPC down/);
  });
});
