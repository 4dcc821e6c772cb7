import assert from 'node:assert/strict';
import { offeredRuntimes, readProbeOutput } from './runtime-probe.js';
import { FakeSandbox, outcome, recordingLogger } from '../node/test-fakes.js';
import { DEFAULT_IMAGES } from '../config.js';

const probeLine = JSON.stringify({
  python: '3.11.2',
  platform: 'linux-x86_64',
  libc: 'glibc-2.36',
  packages: [
    { name: 'numpy', version: '1.24.2', imports: ['numpy'] },
    { name: 'scikit-learn', version: '1.2.1', imports: ['sklearn'] },
    { name: 'Pillow', version: '9.4.0', imports: ['PIL'] },
  ],
});

describe('runtime probe', () => {
  it("reads the probe's JSON line into a descriptor to advertise", () => {
    const { runtime } = readProbeOutput('python-data', `noise\n${probeLine}\n`);
    assert.equal(runtime.python, '3.11.2');
    assert.equal(runtime.libc, 'glibc-2.36');
    assert.deepEqual(
      runtime.packages.map((p) => `${p.name}=${p.version}:${p.imports.join('+')}`),
      ['numpy=1.24.2:numpy', 'pillow=9.4.0:PIL', 'scikit-learn=1.2.1:sklearn'],
    );
  });

  for (const [what, stdout] of [
    ['not JSON', 'Traceback (most recent call last)'],
    ['no Python version', JSON.stringify({ packages: [] })],
    ['a Python version that is not one', JSON.stringify({ python: '3\n11', packages: [] })],
  ]) {
    it(`refuses output with ${what}`, () => {
      assert.throws(() => readProbeOutput('python3', stdout!), { code: 'RUNTIME_PROBE_FAILED' });
    });
  }

  it('offers every runtime whose image is present when none is configured, each probed in the sandbox', async () => {
    const sandbox = new FakeSandbox();
    sandbox.behave = async () => outcome({ stdout: `${probeLine}\n` });
    const offered = await offeredRuntimes(
      { sandbox, log: recordingLogger() },
      { images: DEFAULT_IMAGES, runtimes: undefined },
    );
    assert.deepEqual(
      offered.map((r) => r.name),
      ['python3'],
    );
    assert.equal(sandbox.specs[0]!.image, 'orange-cloud/python:3');
    assert.equal(sandbox.specs[0]!.entrypoint, 'probe.py');
    sandbox.images.add('orange-cloud/python-data:3');
    const both = await offeredRuntimes(
      { sandbox, log: recordingLogger() },
      { images: DEFAULT_IMAGES, runtimes: undefined },
    );
    assert.deepEqual(
      both.map((r) => r.name),
      ['python3', 'python-data'],
    );
  });

  it('refuses a configured runtime whose image is missing', async () => {
    await assert.rejects(
      offeredRuntimes(
        { sandbox: new FakeSandbox(), log: recordingLogger() },
        { images: DEFAULT_IMAGES, runtimes: ['python3', 'python-data'] },
      ),
      { code: 'RUNTIME_IMAGE_MISSING', message: /python-data/ },
    );
  });

  it('advertises a runtime by name alone when its probe fails, and says so', async () => {
    const sandbox = new FakeSandbox();
    sandbox.behave = async () => outcome({ exitCode: 1, stderr: 'boom\n' });
    const log = recordingLogger();
    const offered = await offeredRuntimes(
      { sandbox, log },
      { images: DEFAULT_IMAGES, runtimes: ['python3'] },
    );
    assert.deepEqual(offered, [{ name: 'python3', packages: [] }]);
    assert.ok(log.lines.some((l) => l.startsWith('warn runtime probe failed')));
  });

  it('refuses to start with no runtime image at all', async () => {
    const sandbox = new FakeSandbox();
    sandbox.images.clear();
    await assert.rejects(
      offeredRuntimes(
        { sandbox, log: recordingLogger() },
        { images: DEFAULT_IMAGES, runtimes: undefined },
      ),
      { code: 'RUNTIME_IMAGE_MISSING' },
    );
  });
});
