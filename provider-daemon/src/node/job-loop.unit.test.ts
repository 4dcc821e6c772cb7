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
  type ManifestBinding,
} from '@orange-cloud/sdk';
import { ProviderNode, SHUTDOWN_REASON } from '../provider-node.js';
import { ProviderStore } from '../state/provider-store.js';
import type { StopReason } from './job-run.js';
import type { JobObserver } from '../observe/job-observer.js';
import {
  FakeDesk,
  FakeEvents,
  FakeLive,
  FakeMarket,
  FakeRail,
  FakeSandbox,
  MemoryStore,
  PROVIDER,
  REQUESTER,
  RESULT_SIGNER,
  hiredJob,
  outcome,
  recordingLogger,
  runUntilAborted,
  sealJob,
  until,
} from './test-fakes.js';

/**
 * The job loop end to end through ProviderNode, with every component faked: one job hired from
 * this provider (`hire()`), and each way its life can end.
 */
async function nodeWith(
  options: {
    job?: Partial<JobView>;
    /** Spoils the manifest's binding. */
    binding?: Partial<ManifestBinding>;
    /** Names another manifest on chain than the one sealed. */
    manifestCid?: string;
    live?: boolean;
    observer?: JobObserver;
    /** What an earlier run left: called before the node starts. */
    before?: (t: {
      index: FakeEvents;
      sandbox: FakeSandbox;
      state: ProviderStore;
      sealed: Awaited<ReturnType<typeof sealJob>>;
    }) => void;
  } = {},
) {
  const index = new FakeEvents();
  const t = {
    market: new FakeMarket(),
    index,
    desk: new FakeDesk(index),
    store: new MemoryStore(),
    sandbox: new FakeSandbox(),
    payments: new FakeRail(),
    live: new FakeLive(),
    log: recordingLogger(),
    state: ProviderStore.inMemory(),
  };
  // Its bond is already there: a start deposits nothing.
  t.market.behave.bondOf = async () => ({ free: 10n ** 24n, locked: 0n });
  const sealed = await sealJob(t.store, hiredJob(1n, options.job), undefined, options.binding);
  if (options.manifestCid) sealed.view = { ...sealed.view, manifestCid: options.manifestCid };
  options.before?.({ ...t, sealed });
  const node = new ProviderNode({
    market: t.market,
    index: t.index,
    store: t.store,
    sandbox: t.sandbox,
    payments: t.payments,
    desk: t.desk,
    ...(options.live === false ? {} : { live: t.live }),
    resultSigner: RESULT_SIGNER,
    policy: {
      cores: 2,
      memoryMb: 1024,
      pricePerCoreSecond: 1n,
      runtimes: ['python3'],
      allowRequesters: [],
      denyRequesters: [],
    },
    images: { python3: 'orange-cloud/python:3', node: 'orange-cloud/node:18' },
    outputCapBytes: 4096,
    endpoint: '',
    paymentCheckMs: 10,
    checkpointMs: 10,
    log: t.log,
    ...(options.observer ? { observer: options.observer } : {}),
    state: t.state,
  });
  await node.start();
  /** As on chain: the hire carries its grant, and the index announces it. */
  const hire = (kfrag = sealed.kfrag) => {
    t.index.jobs.set(1n, { ...sealed.view, kfrag });
    const { jobId, requester, provider, offerNonce } = sealed.view;
    t.index.emit('JobHired', { jobId, requester, provider, offerNonce, kfrag } as never);
  };
  return {
    ...t,
    node,
    sealed,
    hire,
    /** Resolves once the job is over here: its offer's capacity and key are released. */
    over: () => until(() => t.desk.ended.includes(1n)),
    running: () => until(() => t.sandbox.specs.length === 1),
  };
}

describe('provider node: the job loop, with fakes', () => {
  it('completed: starts on chain, runs the opened script, publishes the result, records it', async () => {
    const t = await nodeWith();
    t.hire();
    await t.market.called('completeJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'completeJob']);
    const [jobId, cid, exitCode, flags] = t.market.argsOf('completeJob')[0]!;
    assert.deepEqual([jobId, exitCode, flags], [1n, 0, 0]);
    const result = await t.store.result(cid, t.sealed.requesterKeys);
    assert.equal(result.stdout, 'hi\n');
    assert.equal(result.failure, undefined);
    const spec = t.sandbox.specs[0]!;
    assert.equal(spec.jobId, '1');
    assert.equal(spec.image, 'orange-cloud/python:3');
    assert.equal(spec.entrypoint, 'main.py');
    assert.deepEqual(spec.command, [], "Python's entry runs through the bootstrap's launcher");
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
    t.hire();
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
    t.hire();
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
    t.hire();
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

  it('failed: a manifest that cannot be fetched fails the job, and nothing runs', async () => {
    const t = await nodeWith({ manifestCid: MISSING });
    t.hire();
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [[1n, `Content ${MISSING} could not be found.`]]);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('runs the job once, though its hire is announced twice', async () => {
    const t = await nodeWith();
    t.hire();
    t.hire();
    await t.market.called('completeJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'completeJob']);
    assert.equal(t.sandbox.specs.length, 1);
    await t.node.stop();
  });

  it('failed: a hire with an offer the desk does not hold is failed; nothing runs', async () => {
    const t = await nodeWith();
    t.desk.missing.add(1n);
    t.hire();
    await t.market.called('failJob');
    assert.deepEqual(t.market.sent(), ['registerProvider', 'failJob']);
    assert.match(t.market.argsOf('failJob')[0]![1], /holds no key for the offer/);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  for (const [name, binding, reason] of [
    [
      'another offer (a replayed manifest)',
      { offerNonce: 2n },
      /bound to offer 2, not the job's offer 1/,
    ],
    ['another provider', { provider: REQUESTER }, /is bound to provider/],
    ['another market', { market: PROVIDER }, /is bound to market/],
  ] as const) {
    it(`failed: a manifest bound to ${name} is refused; its payload is never opened`, async () => {
      const t = await nodeWith({ binding });
      t.hire();
      await t.market.called('failJob');
      await t.over();
      assert.deepEqual(t.market.sent(), ['registerProvider', 'failJob']);
      const [jobId, why] = t.market.argsOf('failJob')[0]!;
      assert.equal(jobId, 1n);
      assert.match(why, reason);
      assert.equal(t.sandbox.specs.length, 0);
      await t.node.stop();
    });
  }

  it('failed: a grant for another key does not open the job; it is failed, nothing runs', async () => {
    const t = await nodeWith();
    const other = providerKeys(randomBytes(32));
    t.hire(bytesToHex(grantKeyFrag(t.sealed.requesterKeys, other.publicKey)));
    await t.market.called('failJob');
    assert.deepEqual(t.market.sent(), ['registerProvider', 'failJob']);
    const [jobId, reason] = t.market.argsOf('failJob')[0]!;
    assert.equal(jobId, 1n);
    assert.match(reason, /access grant for this job is not valid for this provider/);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('failed: an entry its runtime does not run (main.py on node) fails before the start; nothing runs', async () => {
    const t = await nodeWith({ job: { runtime: 'node' } });
    t.hire();
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [
      [1n, 'The node runtime runs .js, .mjs, .cjs files, not main.py.'],
    ]);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('failed: a start the market reverts fails the job with the reason; nothing runs', async () => {
    const t = await nodeWith();
    const reason = 'Starting job 1 reverted: the requester has not authorized the market.';
    t.market.behave.startJob = () => Promise.reject(new OrangeError('TX_REVERTED', reason));
    t.hire();
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [[1n, reason]]);
    assert.equal(t.sandbox.specs.length, 0);
    await t.node.stop();
  });

  it('sandbox error: a run that throws fails the job with the reason', async () => {
    const t = await nodeWith();
    t.sandbox.behave = () => Promise.reject(new Error('container create failed'));
    t.hire();
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'failJob']);
    assert.deepEqual(t.market.argsOf('failJob'), [[1n, 'internal error: container create failed']]);
    await t.node.stop();
  });

  for (const [eventName, what, state] of [
    ['JobCancelled', 'job cancelled', 'cancelled'],
    ['JobExpired', 'job expired', 'expired'],
  ] as const) {
    it(`${eventName} while running: the container is aborted and nothing is recorded`, async () => {
      const t = await nodeWith();
      t.sandbox.behave = runUntilAborted();
      t.hire();
      await t.running();
      if (eventName === 'JobCancelled')
        t.index.emit(eventName, { jobId: 1n, requester: REQUESTER }, { status: 'cancelled' });
      else t.index.emit(eventName, { jobId: 1n, fromState: 3 }, { status: 'expired' });
      await t.over();
      const signal = t.sandbox.specs[0]!.signal!;
      assert.deepEqual(signal.reason, { kind: 'ended', what, state } satisfies StopReason);
      assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob']);
      await t.node.stop();
      assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob']);
    });
  }

  it('payment stopped: aborts the run, publishes the output so far and fails the job', async () => {
    const t = await nodeWith();
    t.sandbox.behave = runUntilAborted('partial\n');
    t.hire();
    await t.running();
    // Paid in full: the watch reads the pair and leaves the job alone.
    await until(() => t.payments.reads.length >= 2);
    assert.equal(t.sandbox.specs[0]!.signal!.aborted, false);
    assert.deepEqual(t.payments.reads[0], { requester: REQUESTER, provider: PROVIDER });
    t.payments.flow = { flowRate: 0n, bookedRate: 1n, blockNumber: 9n };
    await t.market.called('failJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'failJob']);
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
    t.hire();
    await t.running();
    await t.node.stop();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'failJob']);
    const [jobId, reason, cid] = t.market.argsOf('failJob')[0]!;
    assert.deepEqual([jobId, reason], [1n, SHUTDOWN_REASON]);
    assert.equal((await t.store.result(cid!, t.sealed.requesterKeys)).stdout, 'so far\n');
    assert.equal(t.index.counts.stop, 1);
  });

  describe('what the observer hears (metrics, status)', () => {
    const recorder = () => {
      const heard: string[] = [];
      const observer: JobObserver = {
        jobRunning: (job) => heard.push(`running ${job.jobId}`),
        jobEnded: (job, end) =>
          heard.push(`ended ${job.jobId} ${end.state} ${end.runSeconds >= 0 ? 'ok' : 'negative'}`),
        jobPaid: (jobId, wei) => heard.push(`paid ${jobId} ${wei}`),
        incomingFlow: () => undefined,
        rpcError: () => heard.push('rpc error'),
      };
      return { heard, observer };
    };

    it('a completed job: running, then ended completed, then paid what the flow moved', async () => {
      const { heard, observer } = recorder();
      const t = await nodeWith({ observer });
      t.hire();
      await t.over();
      const { jobId, requester, provider } = t.sealed.view;
      const stopped = { jobId, requester, provider, rate: 1n, paid: 9n, refunded: 2n } as never;
      t.index.emit('PaymentStopped', stopped);
      assert.deepEqual(heard, ['running 1', 'ended 1 completed ok', 'paid 1 7']);
      await t.node.stop();
    });

    it('a start the market reverts: ended failed, never running', async () => {
      const { heard, observer } = recorder();
      const t = await nodeWith({ observer });
      const reason = 'Starting job 1 reverted: the requester has not authorized the market.';
      t.market.behave.startJob = () => Promise.reject(new OrangeError('TX_REVERTED', reason));
      t.hire();
      await t.over();
      assert.deepEqual(heard, ['ended 1 failed ok']);
      await t.node.stop();
    });

    it('a cancelled run: ended cancelled', async () => {
      const { heard, observer } = recorder();
      const t = await nodeWith({ observer });
      t.sandbox.behave = runUntilAborted();
      t.hire();
      await t.running();
      t.index.emit('JobCancelled', { jobId: 1n, requester: REQUESTER }, { status: 'cancelled' });
      await t.over();
      assert.deepEqual(heard, ['running 1', 'ended 1 cancelled ok']);
      await t.node.stop();
    });
  });
});

describe('provider node: shutting down and coming back, with fakes', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('shutdown lets a running job finish within the grace, declining new quotes meanwhile', async () => {
    const t = await nodeWith({ live: false });
    let finish: () => void = () => undefined;
    t.sandbox.behave = () =>
      new Promise((resolve) => (finish = () => resolve(outcome({ stdout: 'done\n' }))));
    t.hire();
    await t.running();
    const down = t.node.shutdown(60_000);
    assert.equal(t.desk.pausedFor, 'shutting down');
    finish();
    await down;
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'completeJob']);
    assert.equal(t.state.job(1n)?.state, 'completed');
  });

  it('shutdown fails, with its reason, a job still running when the grace is over', async () => {
    const t = await nodeWith({ live: false });
    t.sandbox.behave = runUntilAborted();
    t.hire();
    await t.running();
    await t.node.shutdown(1);
    assert.deepEqual(t.market.sent(), ['registerProvider', 'startJob', 'failJob']);
    assert.equal(t.market.argsOf('failJob')[0]![1], SHUTDOWN_REASON);
    const record = t.state.job(1n)!;
    assert.deepEqual([record.state, record.reason], ['failed', SHUTDOWN_REASON]);
  });

  it('a hire seen while shutting down is failed with the reason, not run', async () => {
    const t = await nodeWith({ live: false });
    t.sandbox.behave = runUntilAborted();
    t.hire();
    await t.running();
    let cut: () => void = () => undefined;
    const down = t.node.shutdown(3_600_000, new Promise((resolve) => (cut = resolve)));
    const second = await sealJob(t.store, hiredJob(2n, { offerNonce: 2n }));
    t.index.jobs.set(2n, { ...second.view, kfrag: second.kfrag });
    const hire = { jobId: 2n, requester: REQUESTER, provider: PROVIDER, offerNonce: 2n };
    t.index.emit('JobHired', hire as never);
    await until(() => t.market.argsOf('failJob').some(([jobId]) => jobId === 2n));
    assert.equal(t.market.argsOf('failJob').find(([jobId]) => jobId === 2n)?.[1], SHUTDOWN_REASON);
    assert.equal(t.sandbox.specs.length, 1, 'only the first job ever ran');
    cut();
    await down;
  });

  it('a second signal cuts the grace short', async () => {
    const t = await nodeWith({ live: false });
    t.sandbox.behave = runUntilAborted();
    t.hire();
    await t.running();
    await t.node.shutdown(3_600_000, Promise.resolve());
    assert.equal(t.market.argsOf('failJob')[0]![1], SHUTDOWN_REASON);
  });

  it('writes the job down: hired, its container, and how it ended', async () => {
    const t = await nodeWith({ live: false });
    t.hire();
    await t.over();
    const record = t.state.job(1n)!;
    assert.equal(record.state, 'completed');
    assert.equal(record.containerId, 'container-1');
    assert.ok(record.manifest && record.manifest.length > 0, 'the manifest kept');
    assert.equal(record.requester, REQUESTER.toLowerCase());
  });

  it('re-attaches to the container an earlier run left running, and completes the job once', async () => {
    const t = await nodeWith({
      live: false,
      before: ({ index, sandbox, state, sealed }) => {
        const job = { ...sealed.view, status: 'running' as const, startedAt: now() - 2 };
        index.jobs.set(1n, { ...job, deadline: now() + 60 });
        state.hired({ ...job, ratePerSecondWei: 1n, hiredAt: now() - 3 });
        state.containerCreated(1n, 'c1', 'cd'.repeat(16), now() - 2);
        sandbox.listed.push({ containerId: 'c1', jobId: '1', state: 'running' });
      },
    });
    await t.market.called('completeJob');
    await t.over();
    assert.deepEqual(t.market.sent(), ['registerProvider', 'completeJob']);
    assert.equal(t.sandbox.specs.length, 0, 'no second container');
    assert.deepEqual(
      t.sandbox.resumed.map((r) => [r.containerId, r.markerNonce]),
      [['c1', 'cd'.repeat(16)]],
    );
    const resumed = t.sandbox.resumed[0]!;
    assert.ok(resumed.timeoutSec > 0 && resumed.timeoutSec <= 8, `${resumed.timeoutSec} s left`);
    const [, cid] = t.market.argsOf('completeJob')[0]!;
    assert.equal((await t.store.result(cid, t.sealed.requesterKeys)).stdout, 'resumed\n');
    assert.equal(t.state.job(1n)?.state, 'completed');
  });

  it('starts a job hired while it was down, with its surviving key', async () => {
    const t = await nodeWith({
      live: false,
      before: ({ index, sealed }) => index.jobs.set(1n, { ...sealed.view, kfrag: sealed.kfrag }),
    });
    await t.over();
    const jobCalls = t.market.sent().filter((m) => m !== 'registerProvider');
    assert.deepEqual(jobCalls, ['startJob', 'completeJob']);
    assert.equal(t.sandbox.specs.length, 1);
  });
});

/** A CID nothing stores. */
const MISSING = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
