import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bytesToHex } from 'viem';
import {
  COMPLETION_FLAGS,
  OrangeError,
  grantKeyFrag,
  openAsRequester,
  parseSealedOutputs,
  providerKeys,
  type JobView,
} from '@orange-cloud/sdk';
import { ProviderNode } from '../provider-node.js';
import type { StopReason } from './job-run.js';
import {
  FakeEvents,
  FakeLive,
  FakeMarket,
  FakeRail,
  FakeSandbox,
  MemoryStore,
  PROVIDER,
  REQUESTER,
  RESULT_SIGNER,
  outcome,
  postedJob,
  providerTestKeys,
  recordingLogger,
  runUntilAborted,
  sealJob,
  until,
  type SealedTestJob,
} from './test-fakes.js';

/**
 * The job loop end to end through ProviderNode, with every component faked: one posted job,
 * taken at start, and each way its life can end.
 */
async function nodeWith(
  options: {
    job?: Partial<JobView>;
    before?: (t: Fakes, sealed: SealedTestJob) => void;
    live?: boolean;
  } = {},
) {
  const t = {
    market: new FakeMarket(),
    index: new FakeEvents(),
    store: new MemoryStore(),
    sandbox: new FakeSandbox(),
    payments: new FakeRail(),
    live: new FakeLive(),
    log: recordingLogger(),
  };
  const sealed = await sealJob(t.store, postedJob(1n, options.job));
  t.index.jobs.set(1n, sealed.view);
  // As on chain: the acceptance makes the job this provider's, at its price, with a start window.
  t.market.behave.acceptJob = async (jobId) => {
    t.index.jobs.set(jobId, {
      ...t.index.jobs.get(jobId)!,
      status: 'accepted',
      provider: PROVIDER,
      pricePerCoreSecond: 1n,
      deadline: Math.floor(Date.now() / 1000) + 60,
    });
  };
  options.before?.(t, sealed);
  const node = new ProviderNode({
    market: t.market,
    index: t.index,
    store: t.store,
    sandbox: t.sandbox,
    payments: t.payments,
    ...(options.live === false ? {} : { live: t.live }),
    keys: providerTestKeys,
    resultSigner: RESULT_SIGNER,
    policy: {
      cores: 2,
      memoryMb: 1024,
      pricePerCoreSecond: 1n,
      runtimes: ['python3'],
      allowRequesters: [],
      denyRequesters: [],
    },
    images: { python3: 'orange-cloud/python:3' },
    outputCapBytes: 4096,
    endpoint: '',
    paymentCheckMs: 10,
    checkpointMs: 10,
    log: t.log,
  });
  await node.start();
  await t.market.called('acceptJob');
  const grant = (kfrag = sealed.kfrag) =>
    t.index.emit('AccessGranted', { jobId: 1n, provider: PROVIDER, kfrag }, { kfrag });
  return {
    ...t,
    node,
    sealed,
    grant,
    /** Resolves once the job is over here: its capacity is free again. */
    over: () => until(() => node.usage().cores === 0),
    running: () => until(() => t.sandbox.specs.length === 1),
  };
}
type Fakes = { market: FakeMarket; index: FakeEvents; sandbox: FakeSandbox };

describe('provider node: the job loop, with fakes', () => {
  it('completed: starts on chain, runs the opened script, publishes the result, records it', async () => {
    const t = await nodeWith();
    t.grant();
    await t.market.called('completeJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob', 'completeJob']);
    const [jobId, cid, exitCode, flags] = t.market.argsOf('completeJob')[0]!;
    assert.deepEqual([jobId, exitCode, flags], [1n, 0, 0]);
    const result = await t.store.result(cid, t.sealed.requesterKeys);
    assert.equal(result.stdout, 'hi\n');
    assert.equal(result.failure, undefined);
    const spec = t.sandbox.specs[0]!;
    assert.equal(spec.jobId, '1');
    assert.equal(spec.image, 'orange-cloud/python:3');
    assert.equal(spec.entrypoint, 'main.py');
    assert.deepEqual(
      spec.files.map((f) => [f.path, new TextDecoder().decode(f.content)]),
      [['main.py', 'print("hi")\n']],
    );
    assert.deepEqual(
      [spec.cores, spec.memoryMb, spec.timeoutSec, spec.outputCapBytes],
      [1, 256, 10, 4096],
    );
    assert.deepEqual(
      t.live.calls.map((c) => [c.call, c.detail]),
      [
        ['begin', undefined],
        ['end', 0],
        ['end', null],
      ],
    );
    await t.node.stop();
  });

  it('completed: records timeout, out-of-memory and truncation flags, and -1 for no exit code', async () => {
    const t = await nodeWith();
    t.sandbox.behave = async () =>
      outcome({ exitCode: null, timedOut: true, outOfMemory: true, outputTruncated: true });
    t.grant();
    await t.market.called('completeJob');
    const [, , exitCode, flags] = t.market.argsOf('completeJob')[0]!;
    assert.equal(exitCode, -1);
    assert.equal(
      flags,
      COMPLETION_FLAGS.timedOut | COMPLETION_FLAGS.outOfMemory | COMPLETION_FLAGS.outputTruncated,
    );
    await t.node.stop();
  });

  it('completed: seals the out/ archive to the job key, stores it, and lists it in the result', async () => {
    const t = await nodeWith();
    const archive = Uint8Array.from({ length: 3000 }, (_, i) => i % 200);
    const files = [{ path: 'summary.json', bytes: 3000, sha256: 'a'.repeat(64) }];
    const skipped = [{ path: 'pipe', reason: 'FIFO' }];
    t.sandbox.behave = async () => ({
      ...outcome({ timedOut: true }),
      outputs: { archive, files, skipped, truncated: false, partial: true },
    });
    t.grant();
    await t.market.called('completeJob');
    const [, cid] = t.market.argsOf('completeJob')[0]!;
    const { outputs } = await t.store.result(cid, t.sealed.requesterKeys);
    assert.ok(outputs?.cid);
    assert.deepEqual(
      [outputs.files, outputs.skipped, outputs.truncated, outputs.partial],
      [files, skipped, false, true],
    );
    const sealed = t.store.blocks.get(outputs.cid)!;
    assert.equal(outputs.sealedBytes, sealed.length);
    assert.deepEqual(openAsRequester(t.sealed.requesterKeys, parseSealedOutputs(sealed)), archive);
    assert.equal(t.sandbox.specs[0]!.outputsCapBytes, 100 * 1024 * 1024);
    await t.node.stop();
  });

  it('completed: lists skipped outputs without storing an archive when no file came back', async () => {
    const t = await nodeWith();
    const skipped = [
      { path: 'out', reason: 'out/ is a symbolic link, not a folder: nothing collected' },
    ];
    t.sandbox.behave = async () => ({
      ...outcome(),
      outputs: { archive: new Uint8Array(0), files: [], skipped, truncated: false, partial: false },
    });
    t.grant();
    await t.market.called('completeJob');
    const [, cid] = t.market.argsOf('completeJob')[0]!;
    assert.deepEqual((await t.store.result(cid, t.sealed.requesterKeys)).outputs, {
      sealedBytes: 0,
      files: [],
      skipped,
      truncated: false,
      partial: false,
    });
    await t.node.stop();
  });

  it('runs a job whose grant the index held before the acceptance came back', async () => {
    const t = await nodeWith({
      before: (f, sealed) => {
        const accept = f.market.behave.acceptJob!;
        f.market.behave.acceptJob = async (jobId) => {
          await accept(jobId);
          const job = f.index.jobs.get(jobId)!;
          f.index.jobs.set(jobId, { ...job, kfrag: sealed.kfrag });
        };
      },
    });
    await t.market.called('completeJob');
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob', 'completeJob']);
    await t.node.stop();
  });

  it('failed: a manifest that cannot be fetched fails the job, and nothing runs', async () => {
    const t = await nodeWith({
      before: (f) => f.index.jobs.set(1n, { ...f.index.jobs.get(1n)!, manifestCid: MISSING }),
    });
    t.grant();
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [[1n, `Content ${MISSING} could not be found.`]]);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('failed: a grant for another key does not open the job; it is failed, nothing runs', async () => {
    const t = await nodeWith();
    const other = providerKeys(randomBytes(32));
    t.grant(bytesToHex(grantKeyFrag(t.sealed.requesterKeys, other.publicKey)));
    await t.market.called('failJob');
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'failJob']);
    const [jobId, reason] = t.market.argsOf('failJob')[0]!;
    assert.equal(jobId, 1n);
    assert.match(reason, /access grant for this job is not valid for this provider/);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('failed: a start the market reverts fails the job with the reason; nothing runs', async () => {
    const t = await nodeWith();
    const reason = 'Starting job 1 reverted: the requester has not authorised the market.';
    t.market.behave.startJob = () => Promise.reject(new OrangeError('TX_REVERTED', reason));
    t.grant();
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [[1n, reason]]);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('sandbox error: a run that throws fails the job with the reason', async () => {
    const t = await nodeWith();
    t.sandbox.behave = () => Promise.reject(new Error('container create failed'));
    t.grant();
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [[1n, 'internal error: container create failed']]);
    await t.node.stop();
  });

  for (const [eventName, what] of [
    ['JobCancelled', 'job cancelled'],
    ['JobExpired', 'job expired'],
  ] as const) {
    it(`${eventName} while running: the container is aborted and nothing is recorded`, async () => {
      const t = await nodeWith();
      t.sandbox.behave = runUntilAborted();
      t.grant();
      await t.running();
      if (eventName === 'JobCancelled')
        t.index.emit(eventName, { jobId: 1n, requester: REQUESTER }, { status: 'cancelled' });
      else t.index.emit(eventName, { jobId: 1n, fromState: 3 }, { status: 'expired' });
      await t.over();
      const signal = t.sandbox.specs[0]!.signal!;
      assert.deepEqual(signal.reason, { kind: 'ended', what } satisfies StopReason);
      assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob']);
      await t.node.stop();
      assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob']);
    });
  }

  it('expired before the grant: capacity frees at once and a late grant runs nothing', async () => {
    const t = await nodeWith();
    t.index.emit('JobExpired', { jobId: 1n, fromState: 2 }, { status: 'expired' });
    await t.over();
    t.grant();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob']);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('expired at the start deadline: an accepted job never granted is expired on chain', async () => {
    const t = await nodeWith({
      before: (f) => {
        const accept = f.market.behave.acceptJob!;
        f.market.behave.acceptJob = async (jobId) => {
          await accept(jobId);
          // The start window closed more than the 2 s margin ago.
          const deadline = Math.floor(Date.now() / 1000) - 10;
          f.index.jobs.set(jobId, { ...f.index.jobs.get(jobId)!, deadline });
        };
      },
    });
    await t.market.called('expireJob');
    assert.deepEqual(t.market.argsOf('expireJob'), [[1n]]);
    assert.equal(t.node.usage().cores, 1, 'held until the market says it expired');
    t.index.emit('JobExpired', { jobId: 1n, fromState: 2 }, { status: 'expired' });
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'expireJob']);
    await t.node.stop();
  });

  it('payment stopped: aborts the run, publishes the output so far and fails the job', async () => {
    const t = await nodeWith();
    t.sandbox.behave = runUntilAborted('partial\n');
    t.grant();
    await t.running();
    // Paid in full: the watch reads the pair and leaves the job alone.
    await until(() => t.payments.reads.length >= 2);
    assert.equal(t.sandbox.specs[0]!.signal!.aborted, false);
    assert.deepEqual(t.payments.reads[0], { requester: REQUESTER, provider: PROVIDER });
    t.payments.flow = { flowRate: 0n, bookedRate: 1n, blockNumber: 9n };
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob', 'failJob']);
    const [jobId, reason, cid] = t.market.argsOf('failJob')[0]!;
    assert.equal(jobId, 1n);
    assert.equal(
      reason,
      `payment flow stopped: ${REQUESTER} streams 0 wei/s of the 1 wei/s its running jobs need`,
    );
    const result = await t.store.result(cid!, t.sealed.requesterKeys);
    assert.equal(result.stdout, 'partial\n');
    assert.equal(result.failure, reason);
    await t.node.stop();
  });

  it('shutdown: stop() aborts the running job and fails it before it resolves', async () => {
    const t = await nodeWith({ live: false });
    t.sandbox.behave = runUntilAborted();
    t.grant();
    await t.running();
    await t.node.stop();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'acceptJob', 'startJob', 'failJob']);
    const [jobId, reason, cid] = t.market.argsOf('failJob')[0]!;
    assert.deepEqual([jobId, reason], [1n, 'provider shut down during the run']);
    assert.equal((await t.store.result(cid!, t.sealed.requesterKeys)).stdout, 'so far\n');
    assert.equal(t.index.counts.stop, 1);
  });
});

/** A CID nothing stores. */
const MISSING = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
