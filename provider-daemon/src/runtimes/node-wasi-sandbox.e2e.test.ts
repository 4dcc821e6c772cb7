import assert from 'node:assert/strict';
import { catalogRuntime, entryCommand } from '@orange-cloud/sdk';
import { PIDS_LIMIT } from '../sandbox/container-config.js';
import { createDockerSandbox } from '../sandbox/docker-sandbox.js';
import type { RunOutcome, RunSpec } from '../sandbox/types.js';
import { compileWasi } from '../testing/wasi-program.js';

// The sandbox suite for the node and wasi runtimes: their real image (scripts/ensure-runtime-
// image.sh node) in the real engine, hostile jobs contained and reported, honest ones served.
const sandbox = createDockerSandbox({ owner: `node-wasi-sandbox-${process.pid}` });
const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
let counter = 0;

function spec(
  runtime: 'node' | 'wasi',
  entry: string,
  content: Uint8Array,
  overrides: Partial<RunSpec> = {},
): RunSpec {
  counter += 1;
  return {
    jobId: `node-wasi-sandbox-${process.pid}-${counter}`,
    image: catalogRuntime(runtime)!.image,
    files: [{ path: entry, mode: 0o644, content }],
    entrypoint: entry,
    command: entryCommand(runtime, entry),
    cores: 1,
    memoryMb: 128,
    timeoutSec: 20,
    outputCapBytes: 1024 * 1024,
    outputsCapBytes: 1024 * 1024,
    ...overrides,
  };
}

const node = (source: string, overrides: Partial<RunSpec> = {}) =>
  sandbox.run(spec('node', 'main.js', encoder.encode(source), overrides));
const wasi = (module: Uint8Array, overrides: Partial<RunSpec> = {}) =>
  sandbox.run(spec('wasi', 'main.wasm', module, overrides));

async function assertServesHonestJobs(): Promise<void> {
  const js = await node('console.log("hello again")');
  assert.equal(text(js.stdout), 'hello again\n');
  assert.equal(js.exitCode, 0);
  const c = await wasi(
    await compileWasi('#include <stdio.h>\nint main(void) { puts("wasi again"); }\n'),
  );
  assert.equal(text(c.stdout), 'wasi again\n');
  assert.equal(c.exitCode, 0);
}

const limits = (o: RunOutcome) => [o.outputTruncated, o.timedOut, o.outOfMemory, o.aborted];

describe('node and wasi in the sandbox: hostile jobs contained, honest ones served', function () {
  this.timeout(120_000);

  it('node: no network, read-only root, noexec scratch, uid 10001 without capabilities', async () => {
    const outcome = await node(`
const fs = require('node:fs');
const net = require('node:net');
const { spawnSync } = require('node:child_process');
console.log('interfaces', Object.keys(require('node:os').networkInterfaces()).join(','));
const status = fs.readFileSync('/proc/self/status', 'utf8');
const field = (name) => status.match(new RegExp('^' + name + ':\\\\s+(\\\\S+)', 'm'))[1];
console.log('uid', process.getuid(), 'CapEff', field('CapEff'), 'NoNewPrivs', field('NoNewPrivs'));
for (const path of ['/etc/evil', '/usr/lib/orange-cloud/wasi-run.mjs', '/root-escape']) {
  try { fs.writeFileSync(path, 'x'); console.log('wrote', path); } catch (e) { console.log('refused', path, e.code); }
}
fs.writeFileSync('/tmp/job/out/ok.txt', 'scratch is writable');
fs.copyFileSync('/bin/true', '/tmp/true');
fs.chmodSync('/tmp/true', 0o755);
console.log('exec from /tmp', spawnSync('/tmp/true').error?.code);
const socket = net.connect({ host: '1.1.1.1', port: 80 });
socket.on('connect', () => console.log('connected'));
socket.on('error', (e) => console.log('connect', e.code));
`);
    assert.equal(text(outcome.stderr), '');
    assert.equal(outcome.exitCode, 0);
    assert.equal(
      text(outcome.stdout),
      [
        'interfaces lo',
        'uid 10001 CapEff 0000000000000000 NoNewPrivs 1',
        'refused /etc/evil EROFS',
        'refused /usr/lib/orange-cloud/wasi-run.mjs EROFS',
        'refused /root-escape EROFS',
        'exec from /tmp EACCES',
        'connect ENETUNREACH',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      outcome.outputs?.files.map((f) => f.path),
      ['ok.txt'],
    );
  });

  it('node: child_process stops at the pids limit, a shell fork bomb is contained until the timeout', async () => {
    const outcome = await node(
      `
const { spawn } = require('node:child_process');
const children = [];
const next = () => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  child.on('spawn', () => { children.push(child); next(); });
  child.on('error', (e) => {
    console.log('spawned', children.length, 'then', e.code);
    let left = children.length;
    for (const c of children) c.on('exit', () => --left === 0 && bomb()).kill();
  });
};
const bomb = () => {
  spawn('sh', ['-c', 'bomb() { bomb | bomb & }; bomb'], { stdio: 'ignore' }).on('error', () => {});
  setInterval(() => {}, 1000);
};
next();
`,
      { timeoutSec: 5 },
    );
    const [line] = text(outcome.stdout).split('\n');
    const [, spawned, code] = /^spawned (\d+) then (\w+)$/.exec(line ?? '') ?? [];
    assert.ok(Number(spawned) > 0 && Number(spawned) < PIDS_LIMIT, `spawned ${spawned}`);
    assert.equal(code, 'EAGAIN');
    assert.equal(outcome.timedOut, true);
    await assertServesHonestJobs();
  });

  it('node: memory over the limit is reported as outOfMemory, an endless loop as timedOut', async () => {
    const hog = await node(
      'const kept = []; for (let i = 0; i < 64; i++) kept.push(Buffer.alloc(16 << 20, 1)); console.log("survived");',
      { memoryMb: 128 },
    );
    assert.deepEqual(limits(hog), [false, false, true, false]);
    assert.doesNotMatch(text(hog.stdout), /survived/);
    const loop = await node('console.log("looping"); for (;;) {}', { timeoutSec: 2 });
    assert.deepEqual(limits(loop), [false, true, false, false]);
    assert.equal(loop.exitCode, 137);
    assert.equal(text(loop.stdout), 'looping\n');
  });

  it('node: an output flood keeps exactly the cap and is marked truncated', async () => {
    const cap = 10_000;
    const outcome = await node('for (;;) process.stdout.write("x".repeat(65536));', {
      outputCapBytes: cap,
      timeoutSec: 30,
    });
    assert.equal(outcome.outputTruncated, true);
    assert.equal(outcome.timedOut, false, 'the cap, not the timeout, ended the flood');
    assert.equal(outcome.stdout.length + outcome.stderr.length, cap);
  });

  it('wasi: the module sees only the job folder, memory and time limits hold, a flood is truncated', async () => {
    const escape = await wasi(
      await compileWasi(`
#include <stdio.h>
int main(void) {
  const char *paths[] = { "/etc/passwd", "../escape.txt", "/tmp/escape.txt", "out/ok.txt" };
  for (int i = 0; i < 4; i++) {
    FILE *f = fopen(paths[i], "w");
    printf("%s %s\\n", paths[i], f ? "written" : "refused");
    if (f) fclose(f);
  }
  return 0;
}
`),
    );
    assert.equal(text(escape.stderr), '');
    assert.equal(
      text(escape.stdout),
      '/etc/passwd refused\n../escape.txt refused\n/tmp/escape.txt refused\nout/ok.txt written\n',
    );
    assert.deepEqual(
      escape.outputs?.files.map((f) => f.path),
      ['ok.txt'],
    );

    const hog = await wasi(
      await compileWasi(`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  long sum = 0;
  for (int i = 0; i < 64; i++) {
    volatile char *p = malloc(16 << 20);
    if (!p) { puts("malloc failed"); return 1; }
    memset((char *)p, i + 1, 16 << 20);
    sum += p[i * 4096];
  }
  printf("survived %ld\\n", sum);
  return 0;
}
`),
      { memoryMb: 128 },
    );
    assert.doesNotMatch(text(hog.stdout), /survived/);
    assert.ok(hog.outOfMemory || hog.exitCode !== 0, 'the module did not get more than its memory');
    console.log(
      `      wasi memory hog: outOfMemory ${hog.outOfMemory}, exit ${hog.exitCode}, ${text(hog.stdout).trim()}`,
    );

    const loop = await wasi(await compileWasi('int main(void) { for (;;) {} }\n'), {
      timeoutSec: 2,
    });
    assert.deepEqual(limits(loop), [false, true, false, false]);

    const flood = await wasi(
      await compileWasi(
        '#include <stdio.h>\nint main(void) { for (;;) fputs("xxxxxxxxxxxxxxxx", stdout); }\n',
      ),
      { outputCapBytes: 10_000, timeoutSec: 30 },
    );
    assert.equal(flood.outputTruncated, true);
    assert.equal(flood.stdout.length + flood.stderr.length, 10_000);
    await assertServesHonestJobs();
  });
});
