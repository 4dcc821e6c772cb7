import assert from 'node:assert/strict';
import { runJob, type RunStage } from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';

/**
 * A hired provider that never starts loses the job at its start deadline: the requester's client
 * expires it and hires the next-best offer by itself, saying so.
 */
describe('re-hire: a provider that does not start is replaced', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let gone: TestProvider;
  let honest: TestProvider;
  let requester: TestRequester;

  before(async () => {
    // A short start window, so the test waits seconds for the deadline, not minutes.
    net = await LocalNetwork.start({ startWindowSec: 4, graceSec: 30 });
    // The cheaper one is hired first, and never starts.
    gone = await net.addProvider({ pricePerCoreSecond: 1_000n }, { ignoresHires: true });
    honest = await net.addProvider({ pricePerCoreSecond: 2_000n });
    requester = await net.addRequester();
  });
  after(() => net?.stop());

  it('expires the unstarted job and runs the script on the next-best offer', async () => {
    const stages: RunStage[] = [];
    const outcome = await runJob(
      requester,
      {
        fileName: 'again.py',
        source: new TextEncoder().encode('print("second time lucky")\n'),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 10,
      },
      (stage) => stages.push(stage),
    );
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.stdout, 'second time lucky\n');
    assert.equal(outcome.provider, honest.wallet.account.address);

    const hires = stages.filter((s) => s.stage === 'accepted');
    assert.deepEqual(
      hires.map((s) => s.provider),
      [gone.wallet.account.address, honest.wallet.account.address],
    );
    const rehiring = stages.find((s) => s.stage === 'rehiring');
    assert.ok(rehiring, 'the re-hire is reported as a stage');
    assert.equal(rehiring.provider, gone.wallet.account.address);
    assert.equal(rehiring.attempt, 2);

    assert.equal(outcome.expiredHires.length, 1);
    const first = requester.index.jobs.get(outcome.expiredHires[0]!)!;
    assert.equal(first.status, 'expired');
    assert.equal(first.startedAt, undefined, 'never started, never paid');
    assert.equal(first.payment, undefined);
  });
});
