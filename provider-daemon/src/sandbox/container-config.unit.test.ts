import assert from 'node:assert/strict';
import { entryCommand } from '@orange-cloud/sdk';
import { BOOTSTRAP } from './bootstrap.js';
import { buildContainerConfig } from './container-config.js';
import type { RunSpec } from './types.js';

const spec = (entrypoint: string, command?: string[]): RunSpec => ({
  jobId: '1',
  image: 'orange-cloud/node:18',
  files: [{ path: entrypoint, mode: 0o644, content: new Uint8Array(1) }],
  entrypoint,
  ...(command ? { command } : {}),
  cores: 1,
  memoryMb: 256,
  timeoutSec: 10,
  outputCapBytes: 1024,
  outputsCapBytes: 1024,
});

describe('container command line', () => {
  it('runs the bootstrap with the entry, and the runtime command after it when there is one', () => {
    const bootstrap = ['python3', '-I', '-c', BOOTSTRAP];
    assert.deepEqual(buildContainerConfig(spec('main.py')).Cmd, [...bootstrap, 'main.py']);
    assert.deepEqual(
      buildContainerConfig(spec('src/app.mjs', entryCommand('node', 'src/app.mjs'))).Cmd,
      [...bootstrap, 'src/app.mjs', ...entryCommand('node', 'src/app.mjs')],
    );
    const wasi = buildContainerConfig(spec('hello.wasm', entryCommand('wasi', 'hello.wasm'))).Cmd;
    assert.deepEqual(wasi.slice(4, 6), ['hello.wasm', 'node']);
    assert.equal(wasi.at(-1), 'hello.wasm');
  });
});
