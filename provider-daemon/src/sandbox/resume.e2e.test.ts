import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encodeBootstrapHeader } from './bootstrap.js';
import { buildContainerConfig } from './container-config.js';
import { createDockerEngine } from './docker-engine.js';
import { createDockerSandbox, DEFAULT_RUNTIME_IMAGE } from './docker-sandbox.js';
import { packJobFiles } from './job-archive.js';
import type { RunSpec } from './types.js';

// Real Docker, real runtime image: a container a daemon started and then died on (it fed the
// job its files and was gone), followed to its end by the next daemon.
const owner = `resume-test-${process.pid}`;
const engine = createDockerEngine();
const sandbox = createDockerSandbox({ owner });
const decoder = new TextDecoder();
let counter = 0;

/** Starts `script` as a daemon would, feeds it, and walks away; returns its id and nonce. */
async function startAndDie(script: string, timeoutSec = 30) {
  counter += 1;
  const spec: RunSpec = {
    jobId: `${owner}-${counter}`,
    image: DEFAULT_RUNTIME_IMAGE,
    files: [{ path: 'main.py', mode: 0o644, content: new TextEncoder().encode(script) }],
    entrypoint: 'main.py',
    cores: 1,
    memoryMb: 128,
    timeoutSec,
    outputCapBytes: 1024 * 1024,
    outputsCapBytes: 1024 * 1024,
  };
  const container = await engine.createContainer(buildContainerConfig(spec, owner));
  const stdin = await container.attach();
  await container.start();
  const markerNonce = randomBytes(16).toString('hex');
  stdin.write(encodeBootstrapHeader({ nonce: markerNonce, outputsCapBytes: spec.outputsCapBytes }));
  stdin.end(await packJobFiles(spec.files));
  // The job has started once its first line is in the engine's log.
  for (;;) {
    const logs = await container.logs();
    let seen = '';
    logs.on('data', (chunk: Buffer) => (seen += chunk.toString('latin1')));
    await new Promise((resolve) => setTimeout(resolve, 200));
    logs.destroy();
    if (seen.includes('start')) break;
  }
  stdin.destroy();
  return { spec, containerId: container.id, markerNonce };
}

const SCRIPT =
  'import os, time\nprint("start", flush=True)\ntime.sleep(3)\n' +
  'open(os.path.join(os.environ["ORANGE_OUTPUT_DIR"], "r.txt"), "w").write("42")\nprint("end")\n';

describe('resuming a container a dead daemon left (real Docker)', function () {
  this.timeout(60_000);

  after(async () => {
    for (const c of await sandbox.containers()) await sandbox.remove(c.containerId);
  });

  it('lists it as running, follows it to its end, reads its whole output and out/, removes it', async () => {
    const { spec, containerId, markerNonce } = await startAndDie(SCRIPT);
    assert.deepEqual(await sandbox.containers(), [
      { containerId, jobId: spec.jobId, state: 'running' },
    ]);
    const outcome = await sandbox.resume({ ...spec, containerId, markerNonce });
    assert.equal(outcome.exitCode, 0);
    assert.equal(decoder.decode(outcome.stdout), 'start\nend\n');
    assert.deepEqual(
      outcome.outputs?.files.map((f) => [f.path, f.bytes]),
      [['r.txt', 2]],
    );
    assert.equal(outcome.outputs?.partial, false);
    assert.deepEqual(await sandbox.containers(), [], 'removed');
  });

  it('reads back one that ended while no daemon watched', async () => {
    const { spec, containerId, markerNonce } = await startAndDie(SCRIPT);
    await engine.container(containerId).wait();
    assert.equal((await sandbox.containers())[0]?.state, 'stopped');
    const outcome = await sandbox.resume({ ...spec, containerId, markerNonce });
    assert.equal(decoder.decode(outcome.stdout), 'start\nend\n');
    assert.equal(outcome.outputs?.files.length, 1);
  });

  it('stops it at what is left of its wall clock', async () => {
    const { spec, containerId, markerNonce } = await startAndDie(
      'import time\nprint("start", flush=True)\ntime.sleep(60)\n',
    );
    const outcome = await sandbox.resume({ ...spec, containerId, markerNonce, timeoutSec: 1 });
    assert.equal(outcome.timedOut, true);
    assert.equal(decoder.decode(outcome.stdout), 'start\n');
    assert.deepEqual(await sandbox.containers(), []);
  });

  it("without the marker nonce, the outputs section is not taken as the job's", async () => {
    const { spec, containerId } = await startAndDie(SCRIPT);
    const outcome = await sandbox.resume({ ...spec, containerId, markerNonce: '00'.repeat(16) });
    assert.deepEqual(outcome.outputs?.files, [], 'no file is read from a section it cannot open');
    assert.equal(outcome.outputs?.partial, true);
    assert.match(decoder.decode(outcome.stdout), /^start\nend\n/);
  });
});
