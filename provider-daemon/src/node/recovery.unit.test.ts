import assert from 'node:assert/strict';
import { Recovery } from './recovery.js';
import {
  FakeEvents,
  FakeMarket,
  FakeSandbox,
  PROVIDER,
  hiredJob,
  recordingLogger,
} from './test-fakes.js';

function recovery() {
  const c = {
    market: new FakeMarket(),
    events: new FakeEvents(),
    sandbox: new FakeSandbox(),
    log: recordingLogger(),
  };
  return { ...c, recovery: new Recovery(c) };
}

const now = () => Math.floor(Date.now() / 1000);
const OTHER = '0x00000000000000000000000000000000000000f6';

describe('recovery', () => {
  it('removes leftover containers and says how many', async () => {
    const t = recovery();
    await t.recovery.removeLeftoverContainers();
    assert.deepEqual(t.log.lines, []);
    t.sandbox.removed = 2;
    await t.recovery.removeLeftoverContainers();
    assert.match(t.log.lines.join('\n'), /removed containers left by an earlier run {"removed":2}/);
  });

  it('fails its own jobs an earlier run left, expires those past their deadline, and leaves the rest', async () => {
    const t = recovery();
    const mine = { provider: PROVIDER };
    t.events.jobs.set(1n, hiredJob(1n, { ...mine, status: 'accepted', deadline: now() + 60 }));
    t.events.jobs.set(2n, hiredJob(2n, { ...mine, status: 'running', deadline: now() - 60 }));
    t.events.jobs.set(3n, hiredJob(3n, { ...mine, status: 'completed' }));
    t.events.jobs.set(4n, hiredJob(4n, { provider: OTHER, status: 'running' }));
    t.events.jobs.set(5n, hiredJob(5n, { provider: OTHER, status: 'accepted' }));
    t.events.jobs.set(6n, hiredJob(6n, { ...mine, status: 'running', deadline: now() + 60 }));
    t.market.behave.failJob = (jobId) =>
      jobId === 6n ? Promise.reject(new Error('JobNotRunning')) : Promise.resolve();
    await t.recovery.settleEarlierRun();
    assert.deepEqual(t.market.sent(), ['failJob', 'expireJob', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [
      [1n, 'the provider restarted; the run was lost'],
      [6n, 'the provider restarted; the run was lost'],
    ]);
    assert.deepEqual(t.market.argsOf('expireJob'), [[2n]]);
    assert.match(
      t.log.lines.join('\n'),
      /could not fail a job left by an earlier run .*JobNotRunning/,
    );
  });

  it('sweeps containers again after ending the jobs an earlier run left, and only then', async () => {
    const t = recovery();
    await t.recovery.settleEarlierRun();
    assert.equal(t.sandbox.sweeps, 0, 'nothing was left: no second sweep');
    t.events.jobs.set(
      1n,
      hiredJob(1n, { provider: PROVIDER, status: 'running', deadline: now() + 60 }),
    );
    await t.recovery.settleEarlierRun();
    assert.deepEqual(t.market.sent(), ['failJob']);
    assert.equal(t.sandbox.sweeps, 1, 'a create still in flight when it died is swept too');
  });
});
