import assert from 'node:assert/strict';
import { parseManifest } from '@orange-cloud/sdk';
import { startCheckpoints } from './checkpoints.js';
import {
  FakeLive,
  MemoryStore,
  RESULT_SIGNER,
  hiredJob,
  recordingLogger,
  sealJob,
  until,
} from './test-fakes.js';

describe('checkpoints', () => {
  it('seals the output so far to the requester and announces it, only when there is new output', async () => {
    const store = new MemoryStore();
    const live = new FakeLive();
    const sealed = await sealJob(store, hiredJob(7n));
    const manifest = parseManifest(store.blocks.get(sealed.view.manifestCid)!);
    const checkpoints = startCheckpoints(
      { store, signer: RESULT_SIGNER, live, log: recordingLogger() },
      sealed.view,
      manifest,
      5,
    );
    checkpoints.record('stdout', new TextEncoder().encode('one\n'));
    await until(() => live.calls.length === 1);
    checkpoints.record('stderr', new TextEncoder().encode('warn\n'));
    await until(() => live.calls.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await checkpoints.stop();
    assert.equal(live.calls.length, 2, 'no new output, no new checkpoint');
    const [first, second] = await Promise.all(
      live.calls.map((c) => store.result(c.detail as string, sealed.requesterKeys, 7n)),
    );
    assert.deepEqual([first!.stdout, first!.stderr, first!.exitCode], ['one\n', '', null]);
    assert.deepEqual([second!.stdout, second!.stderr], ['one\n', 'warn\n']);
    assert.match(second!.failure!, /^checkpoint: the output so far/);
    assert.ok(live.calls.every((c) => c.call === 'checkpoint' && c.jobId === 7n));
  });
});
