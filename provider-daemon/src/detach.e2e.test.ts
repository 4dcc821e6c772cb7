import assert from 'node:assert/strict';
import { setTimeout } from 'node:timers/promises';
import { bytesToHex } from 'viem';
import {
  HANDED_OVER,
  MAX_MANIFEST_BYTES,
  createEmbeddedStore,
  expectedResult,
  fetchJobResult,
  grantKeyFrag,
  handOverJobContent,
  handOverPath,
  jobKeys,
  parseManifest,
  publicKeyFromHex,
  submitJob,
  type JobView,
  type RunStage,
} from '@orange-cloud/sdk';
import {
  LocalNetwork,
  TEST_JOB,
  sealTestJob,
  testOffer,
  type TestProvider,
  type TestRequester,
} from './testing/index.js';

const ENDED = ['completed', 'failed', 'expired', 'cancelled'];
const LIMITS = { maxBytes: 1 << 20, timeoutMs: 30_000 };

/**
 * A detached run (market v2): right after the hire the requester hands the sealed project to its
 * provider's endpoint and may leave; the provider runs the job from what it was handed. Each
 * requester here keeps its IPFS node to itself (it never dials the provider), so the hand-over is
 * the only way the content can reach the provider.
 */
describe('submitJob: a detached run hands the sealed project over', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  /** An endpoint that predates the hand-over: requesters wait for the start. */
  let older: TestProvider;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider();
    older = await net.addProvider({}, { takesHandOvers: false });
  });
  after(() => net?.stop());

  /** A requester whose IPFS node nobody can reach: it dials no provider. */
  const unreachableRequester = async (): Promise<TestRequester> => {
    const requester = await net.addRequester();
    return { ...requester, store: { ...requester.store, connect: async () => {} } };
  };

  const put = async (endpoint: string, jobId: bigint, cid: string, body: Uint8Array) => {
    const response = await fetch(new URL(handOverPath(jobId, cid), endpoint), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });
    return { status: response.status, text: await response.text() };
  };

  const ended = (requester: TestRequester, jobId: bigint): Promise<JobView> =>
    requester.index.waitForJob(jobId, (j) => ENDED.includes(j.status));

  it('without a hand-over endpoint, says so and returns once the provider has started the job', async () => {
    const requester = await net.addRequester();
    const stages: RunStage[] = [];
    const detached = await submitJob(
      requester,
      {
        fileName: 'later.py',
        source: new TextEncoder().encode('print("done")\n'),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 20,
        provider: older.wallet.account.address,
      },
      (stage) => stages.push(stage),
    );
    assert.equal(detached.handedOver, false);
    const notice = stages.find((s) => s.stage === 'notice');
    assert.match(
      notice?.stage === 'notice' ? notice.message : '',
      /did not take the sealed project \(its endpoint answered HTTP 404.*\); waiting until it has started/,
    );
    const job = requester.index.jobs.get(detached.jobId)!;
    assert.notEqual(job.startedAt, undefined, 'started before the client left');
    assert.equal((await ended(requester, detached.jobId)).status, 'completed');
  });

  it('refuses what does not belong (nothing stored), then takes the honest hand-over and runs the job', async () => {
    const requester = await unreachableRequester();
    const signed = await testOffer(requester, provider);
    const { keys, manifestCid } = await sealTestJob(requester, signed, {
      source: 'print("handed over")\n',
    });
    const manifest = await requester.store.get(manifestCid, LIMITS);
    const payloadCid = parseManifest(manifest).payload.cid;
    const payload = await requester.store.get(payloadCid, { ...LIMITS, maxBytes: 1 << 24 });
    const kfrag = grantKeyFrag(keys, publicKeyFromHex(signed.offer.jobPublicKey));
    const { jobId } = await requester.market.hireJob(
      signed,
      { name: 'x.py', timeoutSec: TEST_JOB.timeoutSec, manifestCid },
      bytesToHex(kfrag),
    );
    const endpoint = provider.liveServer.url;
    // The provider hears of the hire a block or so after its receipt: until then, 404.
    const forged = new TextEncoder().encode('print("a stranger\'s script")\n');
    let mismatch = await put(endpoint, jobId, manifestCid, forged);
    while (mismatch.status === 404) {
      await setTimeout(300); // within the endpoint's rate of 5 pushes a second
      mismatch = await put(endpoint, jobId, manifestCid, forged);
    }
    assert.equal(mismatch.status, 422, mismatch.text);
    assert.match(mismatch.text, /do not hash to/);
    const oversize = await put(
      endpoint,
      jobId,
      manifestCid,
      new Uint8Array(MAX_MANIFEST_BYTES + 1),
    );
    assert.equal(oversize.status, 413);
    const early = await put(endpoint, jobId, payloadCid, payload);
    assert.equal(early.status, 409, 'the payload before its manifest');
    const unknown = await put(endpoint, jobId + 1000n, manifestCid, manifest);
    assert.equal(unknown.status, 404);
    // The first test's job, hired to the older provider.
    const olderJob = [...requester.index.jobs.values()].find(
      (j) => j.provider === older.wallet.account.address,
    )!;
    const theirs = await put(endpoint, olderJob.jobId, manifestCid, manifest);
    assert.equal(theirs.status, 403, 'a job hired to another provider');
    for await (const block of provider.store.blocks())
      assert.ok(!Buffer.from(block).equals(forged), 'the forged bytes were not stored');

    const handed = await handOverJobContent(endpoint, jobId, [
      { cid: manifestCid, bytes: manifest },
      { cid: payloadCid, bytes: payload },
    ]);
    assert.deepEqual(handed, { handedOver: true });
    await requester.store.stop(); // the requester leaves
    const job = await ended(requester, jobId);
    assert.equal(job.status, 'completed', job.failureReason);
    assert.equal(job.exitCode, 0);
  });

  it('returns right after the hire and hand-over; the job runs and its result is fetched from a fresh node', async () => {
    const requester = await unreachableRequester();
    const stages: RunStage[] = [];
    const detached = await submitJob(
      requester,
      {
        fileName: 'later.py',
        source: new TextEncoder().encode('import time\ntime.sleep(2)\nprint("done")\n'),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 20,
        provider: provider.wallet.account.address,
      },
      (stage) => stages.push(stage),
    );
    await requester.store.stop(); // the requester's node is gone before the job has started
    assert.deepEqual(detached, { status: 'detached', jobId: detached.jobId, handedOver: true });
    assert.deepEqual(
      stages.map((s) => s.stage),
      ['quoted', 'sealed', 'posted', 'accepted', 'notice'],
    );
    assert.deepEqual(stages.at(-1), {
      stage: 'notice',
      jobId: detached.jobId,
      message: HANDED_OVER,
    });
    const job = await ended(requester, detached.jobId);
    assert.equal(job.status, 'completed', job.failureReason);

    // Later, from a fresh node with the same wallet: the manifest and result come from the provider.
    const fresh = await createEmbeddedStore();
    try {
      for (const address of provider.store.addresses()) await fresh.connect(address);
      const manifest = parseManifest(await fresh.get(job.manifestCid, LIMITS));
      const result = await fetchJobResult(
        fresh,
        job.resultCid!,
        jobKeys(requester.wallet.umbralMasterSecret, manifest.keys.label),
        expectedResult(
          requester.market.connection.chainId,
          requester.market.address,
          job.jobId,
          provider.wallet.account.address,
        ),
      );
      assert.equal(result.stdout, 'done\n');
    } finally {
      await fresh.stop();
    }
  });
});
