import assert from 'node:assert/strict';
import { ProviderStore } from '../state/provider-store.js';
import { Recovery } from './recovery.js';
import { REASON_CONTAINER_GONE } from './recovery-plan.js';
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
    ledger: ProviderStore.inMemory(),
    log: recordingLogger(),
  };
  return { ...c, recovery: new Recovery(c) };
}

const now = () => Math.floor(Date.now() / 1000);
const mine = { provider: PROVIDER };

describe('recovery', () => {
  it('hands back the jobs to resume and to start, and ends on chain what cannot go on', async () => {
    const t = recovery();
    const running = hiredJob(1n, { ...mine, status: 'running', deadline: now() + 60 });
    const hired = hiredJob(2n, { ...mine, status: 'accepted', deadline: now() + 60 });
    const gone = hiredJob(3n, { ...mine, status: 'running', deadline: now() + 60 });
    const late = hiredJob(4n, { ...mine, status: 'running', deadline: now() - 60 });
    for (const job of [running, hired, gone, late]) t.events.jobs.set(job.jobId, job);
    t.ledger.hired({ ...running, ratePerSecondWei: 1n, hiredAt: now() });
    t.ledger.containerCreated(1n, 'c1', 'ab'.repeat(16), now());
    t.sandbox.listed.push({ containerId: 'c1', jobId: '1', state: 'running' });
    t.sandbox.listed.push({ containerId: 'c9', jobId: '9', state: 'stopped' });

    const recovered = await t.recovery.reconcile();

    assert.deepEqual(
      recovered.resume.map((r) => [r.job.jobId, r.container]),
      [[1n, { containerId: 'c1', markerNonce: 'ab'.repeat(16) }]],
    );
    assert.deepEqual(
      recovered.start.map((j) => j.jobId),
      [2n],
    );
    assert.deepEqual(t.market.sent(), ['failJob', 'expireJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [[3n, REASON_CONTAINER_GONE]]);
    assert.deepEqual(t.market.argsOf('expireJob'), [[4n]]);
    // c9 is removed by the plan, and the second sweep keeps c1 (resumed).
    assert.deepEqual(t.sandbox.removedIds, ['c9', 'c9']);
    assert.equal(t.ledger.job(3n)?.state, 'failed');
    assert.equal(t.ledger.job(3n)?.reason, REASON_CONTAINER_GONE);
    assert.equal(t.ledger.job(4n)?.state, 'expired');
  });

  it('writes a job down as ended even when ending it on chain fails, and says so', async () => {
    const t = recovery();
    t.events.jobs.set(1n, hiredJob(1n, { ...mine, status: 'running', deadline: now() + 60 }));
    t.market.behave.failJob = () => Promise.reject(new Error('JobNotRunning'));
    await t.recovery.reconcile();
    assert.match(
      t.log.lines.join('\n'),
      /could not end a job left by an earlier run .*JobNotRunning/,
    );
    assert.equal(t.ledger.job(1n)?.state, 'failed');
  });

  it('writes down a job the chain saw end while the daemon was down, with the seconds it paid', async () => {
    const t = recovery();
    const done = hiredJob(1n, {
      ...mine,
      status: 'completed',
      runSeconds: 7,
      pricePerCoreSecond: 3n,
    });
    t.events.jobs.set(1n, done);
    t.ledger.hired({ ...done, ratePerSecondWei: 3n, hiredAt: now() });
    await t.recovery.reconcile();
    const record = t.ledger.job(1n)!;
    assert.deepEqual([record.state, record.runSeconds, record.earnedWei], ['completed', 7, 21n]);
    assert.deepEqual(t.market.sent(), []);
  });
});
