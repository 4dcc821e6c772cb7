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

  /** A rail whose flows are given per requester and block; records every read with its block. */
  function railOf(t: ReturnType<typeof watch>, flows: Record<string, Record<string, bigint[]>>) {
    const asked: string[] = [];
    t.payments.readPairFlow = async (_terms, requester, provider, next) => {
      t.payments.reads.push({ requester, provider });
      const block = next ? next.after + 1n : 5n;
      asked.push(`${requester}@${next ? `next of ${next.after}` : 'latest'}`);
      const [flowRate, bookedRate] = flows[requester]![String(block)]!;
      return { flowRate: flowRate!, bookedRate: bookedRate!, blockNumber: block };
    };
    return asked;
  }

  it('stops the jobs of a pair short at two consecutive blocks, and only those', async () => {
    const a = watched(1n, true);
    const b = watched(2n, true);
    const other = watched(3n, true, OTHER_REQUESTER);
    const t = watch([a, b, other]);
    const asked = railOf(t, {
      [REQUESTER]: { '5': [3n, 4n], '6': [3n, 4n] },
      [OTHER_REQUESTER]: { '5': [4n, 4n] },
    });
    await t.watch.check();
    assert.deepEqual(asked, [
      `${REQUESTER}@latest`,
      `${REQUESTER}@next of 5`,
      `${OTHER_REQUESTER}@latest`,
    ]);
    assert.deepEqual(t.payments.reads[0], { requester: REQUESTER, provider: PROVIDER });
    const what = `payment flow stopped: ${REQUESTER} streams 3 wei/s of the 4 wei/s its running jobs need`;
    assert.deepEqual(a.stops, [{ kind: 'unpaid', what }]);
    assert.deepEqual(b.stops, [{ kind: 'unpaid', what }]);
    assert.deepEqual(other.stops, []);
    assert.match(t.log.lines.join('\n'), /stopping an unpaid job .*"blocks":\["5","6"\]/);
  });

  it('stops nothing when the flow was short at one block only (another job of the pair ending)', async () => {
    const a = watched(1n, true);
    const t = watch([a]);
    // At block 5 the flow already dropped by the ended job's rate; the booking follows at 6.
    const asked = railOf(t, { [REQUESTER]: { '5': [2n, 4n], '6': [2n, 2n] } });
    await t.watch.check();
    assert.deepEqual(asked, [`${REQUESTER}@latest`, `${REQUESTER}@next of 5`]);
    assert.deepEqual(a.stops, []);
    assert.match(t.log.lines.join('\n'), /payment flow short at one block only/);
  });

  it('takes a chain that made no new block within the wait at its word', async () => {
    const a = watched(1n, true);
    const t = watch([a]);
    t.payments.readPairFlow = async () => ({ flowRate: 0n, bookedRate: 4n, blockNumber: 5n });
    await t.watch.check();
    assert.equal(a.stops.length, 1);
    assert.match(t.log.lines.join('\n'), /"blocks":\["5","5"\]/);
  });

  it('waits three checks for the next block, and starts no check while one waits', async () => {
    const a = watched(1n, true);
    const t = watch([a]);
    let release!: () => void;
    const waits: number[] = [];
    t.payments.readPairFlow = async (_terms, requester, provider, next) => {
      t.payments.reads.push({ requester, provider });
      if (!next) return { flowRate: 0n, bookedRate: 4n, blockNumber: 5n };
      waits.push(next.waitMs);
      await new Promise<void>((r) => (release = r));
      return { flowRate: 4n, bookedRate: 4n, blockNumber: 6n };
    };
    t.watch.start(60_000);
    t.watch.stop();
    const checking = t.watch.check();
    while (waits.length === 0) await new Promise((r) => setImmediate(r));
    await t.watch.check();
    assert.equal(t.payments.reads.length, 2, 'the second check read nothing');
    release();
    await checking;
    assert.deepEqual(waits, [180_000]);
    assert.deepEqual(a.stops, []);
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
