import assert from 'node:assert/strict';
import { submitJob, type RunStage } from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';

/** A detached run returns once its provider started the job, which then ends without the client. */
describe('submitJob: a detached run', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let requester: TestRequester;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider();
    requester = await net.addRequester();
  });
  after(() => net?.stop());

  it('returns the job id once the provider has started it, and the job ends on its own', async () => {
    const stages: RunStage['stage'][] = [];
    const detached = await submitJob(
      requester,
      {
        fileName: 'later.py',
        source: new TextEncoder().encode('import time\ntime.sleep(2)\nprint("done")\n'),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 20,
      },
      (stage) => stages.push(stage.stage),
    );
    assert.equal(detached.status, 'detached');
    assert.deepEqual(stages, ['quoted', 'sealed', 'posted', 'accepted']);
    const job = requester.index.jobs.get(detached.jobId)!;
    assert.equal(job.provider, provider.wallet.account.address);
    assert.notEqual(job.startedAt, undefined, 'started before the client left');
    const ended = await requester.index.waitForJob(detached.jobId, (j) =>
      ['completed', 'failed', 'expired', 'cancelled'].includes(j.status),
    );
    assert.equal(ended.status, 'completed');
    assert.equal(ended.exitCode, 0);
    assert.ok(ended.resultCid);
  });
});
