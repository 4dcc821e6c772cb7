import assert from 'node:assert/strict';
import { buildContainerConfig } from './container-config.js';
import type { ContainerEngine } from './container-engine.js';
import { createSandbox } from './docker-sandbox.js';
import type { RunSpec } from './types.js';

const spec: RunSpec = {
  jobId: '1',
  image: 'orange-cloud/python:3',
  files: [{ path: 'main.py', mode: 0o644, content: new TextEncoder().encode('print(1)') }],
  entrypoint: 'main.py',
  cores: 1,
  memoryMb: 256,
  timeoutSec: 10,
  outputCapBytes: 1024,
  outputsCapBytes: 1024,
};

/** An engine that knows these OCI runtimes and holds every image; nothing else is called. */
function engineKnowing(runtimes: string[]): ContainerEngine {
  const unused = () => Promise.reject(new Error('not used by check()'));
  return {
    ping: () => Promise.resolve(),
    hasImage: () => Promise.resolve(true),
    ociRuntimes: () => Promise.resolve(runtimes),
    createContainer: unused,
    listContainers: unused,
    removeContainer: unused,
    container: () => {
      throw new Error('not used by check()');
    },
  };
}

describe('the OCI runtime of job containers (sandbox.runtime)', () => {
  it("is passed to Docker's HostConfig.Runtime, runc by default", () => {
    assert.equal(buildContainerConfig(spec).HostConfig.Runtime, 'runc');
    assert.equal(buildContainerConfig(spec, 'me', 'runsc').HostConfig.Runtime, 'runsc');
  });

  it('stops the start with a clear error when Docker does not know it', async () => {
    const sandbox = createSandbox(
      engineKnowing(['io.containerd.runc.v2', 'runc']),
      'img',
      'me',
      'runsc',
    );
    await assert.rejects(sandbox.check(), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(
        e.message,
        /sandbox\.runtime "runsc" is not known to the Docker engine \(it knows io\.containerd\.runc\.v2, runc\)/,
      );
      assert.match(e.hint ?? '', /gVisor/);
      return true;
    });
    await createSandbox(engineKnowing(['runc', 'runsc']), 'img', 'me', 'runsc').check();
    await createSandbox(engineKnowing(['runc']), 'img', 'me').check();
  });
});
