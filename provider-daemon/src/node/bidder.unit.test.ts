import assert from 'node:assert/strict';
import type { JobView } from '@orange-cloud/sdk';
import { Bidder } from './bidder.js';
import {
  FakeEvents,
  FakeMarket,
  PROVIDER,
  postedJob,
  recordingLogger,
  until,
} from './test-fakes.js';

function bidder() {
  const market = new FakeMarket();
  const events = new FakeEvents();
  const log = recordingLogger();
  const hired: JobView[] = [];
  const inFlight: Promise<unknown>[] = [];
  market.behave.acceptJob = async (jobId) => {
    events.jobs.set(jobId, { ...events.jobs.get(jobId)!, status: 'accepted', provider: PROVIDER });
  };
  const bid = new Bidder(
    { market, events, log, hire: (job) => hired.push(job), track: (work) => inFlight.push(work) },
    {
      cores: 2,
      memoryMb: 1024,
      pricePerCoreSecond: 5n,
      runtimes: ['python3'],
      allowRequesters: [],
      denyRequesters: [],
    },
  );
  const settled = () => Promise.allSettled(inFlight);
  return { bid, market, events, log, hired, settled };
}

describe('bidder', () => {
  it('skips what the criteria refuse, saying why, and spends nothing', async () => {
    const t = bidder();
    t.events.jobs.set(1n, postedJob(1n, { runtime: 'node22' }));
    t.events.jobs.set(2n, postedJob(2n, { maxPricePerCoreSecond: 1n }));
    t.bid.considerPosted();
    await t.settled();
    assert.deepEqual(t.market.calls, []);
    assert.deepEqual(t.hired, []);
    assert.deepEqual(t.log.lines.filter((l) => l.startsWith('info skipping job')).length, 2);
    assert.match(t.log.lines.join('\n'), /runtime node22 not offered/);
    assert.match(t.log.lines.join('\n'), /price ceiling below our price/);
  });

  it('takes a job that fits, holds its capacity and hands it over', async () => {
    const t = bidder();
    t.events.jobs.set(1n, postedJob(1n, { cores: 1, memoryMb: 512 }));
    t.bid.consider(1n);
    await t.settled();
    assert.deepEqual(t.market.argsOf('acceptJob'), [[1n]]);
    assert.deepEqual(
      t.hired.map((j) => j.jobId),
      [1n],
    );
    assert.deepEqual(t.bid.usage(), { cores: 1, memoryMb: 512 });
    t.bid.consider(1n);
    await t.settled();
    assert.equal(t.market.argsOf('acceptJob').length, 1, 'a held job is not taken twice');
  });

  it('a lost acceptance (simulation reverts) spends nothing and holds nothing', async () => {
    const t = bidder();
    t.market.behave.acceptJob = () => Promise.reject(new Error('JobNotPosted'));
    t.events.jobs.set(1n, postedJob(1n));
    t.bid.consider(1n);
    await t.settled();
    assert.deepEqual(t.market.sent(), ['acceptJob']);
    assert.deepEqual(t.hired, []);
    assert.deepEqual(t.bid.usage(), { cores: 0, memoryMb: 0 });
    assert.match(t.log.lines.join('\n'), /did not win job .*JobNotPosted/);
  });

  it('reconsiders posted jobs when capacity comes free', async () => {
    const t = bidder();
    t.events.jobs.set(1n, postedJob(1n, { cores: 2 }));
    t.bid.considerPosted();
    await t.settled();
    t.events.jobs.set(2n, postedJob(2n, { cores: 2 }));
    t.bid.consider(2n);
    await t.settled();
    assert.deepEqual(t.market.argsOf('acceptJob'), [[1n]]);
    assert.match(t.log.lines.join('\n'), /skipping job .*"2".*no free capacity right now/);
    t.bid.release(1n);
    await until(() => t.hired.length === 2);
    assert.deepEqual(t.market.argsOf('acceptJob'), [[1n], [2n]]);
    assert.deepEqual(t.bid.usage(), { cores: 2, memoryMb: 256 });
  });

  it('takes nothing once stopped, and does not reconsider on release', async () => {
    const t = bidder();
    t.events.jobs.set(1n, postedJob(1n));
    t.bid.stop();
    t.bid.consider(1n);
    t.bid.release(1n);
    await t.settled();
    assert.deepEqual(t.market.calls, []);
  });
});
