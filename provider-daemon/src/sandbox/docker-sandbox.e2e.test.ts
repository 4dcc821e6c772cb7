import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { isOrangeError } from '@orange-cloud/sdk/errors';
import { JOB_LABEL, MANAGED_LABEL, PIDS_LIMIT } from './container-config.js';
import { createDockerSandbox, DEFAULT_RUNTIME_IMAGE } from './docker-sandbox.js';
import type { OutputChunk, RunOutcome, RunSpec, Sandbox } from './types.js';

// Runs against the real Docker engine and the real runtime image
// (scripts/ensure-docker.sh, scripts/ensure-runtime-image.sh).
const docker = new Docker({ socketPath: '/var/run/docker.sock' });
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let jobCounter = 0;

function spec(script: string, overrides: Partial<RunSpec> = {}): RunSpec {
  jobCounter += 1;
  return {
    jobId: `sandbox-test-${process.pid}-${jobCounter}`,
    image: DEFAULT_RUNTIME_IMAGE,
    files: [{ path: 'main.py', mode: 0o644, content: encoder.encode(script) }],
    entrypoint: 'main.py',
    cores: 1,
    memoryMb: 128,
    timeoutSec: 20,
    outputCapBytes: 1024 * 1024,
    outputsCapBytes: 1024 * 1024,
    ...overrides,
  };
}

const text = (bytes: Uint8Array): string => decoder.decode(bytes);

async function containersLabelled(jobId: string): Promise<number> {
  const found = await docker.listContainers({
    all: true,
    filters: { label: [`${JOB_LABEL}=${jobId}`] },
  });
  return found.length;
}

/** Runs a spec and asserts its container is gone afterwards, whatever happened inside. */
async function runAndCheckRemoved(sandbox: Sandbox, runSpec: RunSpec): Promise<RunOutcome> {
  const outcome = await sandbox.run(runSpec);
  assert.equal(
    await containersLabelled(runSpec.jobId),
    0,
    'the container must be removed after the run',
  );
  return outcome;
}

async function assertStillRunsHello(sandbox: Sandbox): Promise<void> {
  const outcome = await runAndCheckRemoved(sandbox, spec('print("hello again")'));
  assert.equal(outcome.exitCode, 0);
  assert.equal(text(outcome.stdout), 'hello again\n');
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isOrangeError(error), `expected an OrangeError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(error.hint, 'the error carries a hint');
    return true;
  });
}

describe('Docker sandbox (real engine)', function () {
  const sandbox = createDockerSandbox();

  it('runs hello world: stdout, exit code 0, container removed', async () => {
    const outcome = await runAndCheckRemoved(sandbox, spec('print("hello world")'));
    assert.equal(outcome.exitCode, 0);
    assert.equal(text(outcome.stdout), 'hello world\n');
    assert.equal(text(outcome.stderr), '');
    assert.deepEqual(
      [outcome.outputTruncated, outcome.timedOut, outcome.outOfMemory, outcome.aborted],
      [false, false, false, false],
    );
    assert.ok(outcome.endedAt >= outcome.startedAt);
    assert.equal(outcome.durationMs, outcome.endedAt.getTime() - outcome.startedAt.getTime());
  });

  it('reports exit code 3 and the exception text on stderr', async () => {
    const script = [
      'import sys, traceback',
      'try:',
      '    raise ValueError("the answer is not 42")',
      'except ValueError:',
      '    traceback.print_exc()',
      '    sys.exit(3)',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script));
    assert.equal(outcome.exitCode, 3);
    assert.match(text(outcome.stderr), /ValueError: the answer is not 42/);
    assert.equal(text(outcome.stdout), '');
  });

  it('delivers several files, subfolders included, and the job imports them from /tmp/job', async () => {
    const main = [
      'import os, helper',
      'from pkg import data',
      'print(os.getcwd(), helper.NAME, data.VALUE)',
      'try:',
      '    input()',
      'except EOFError:',
      '    print("stdin is empty")',
    ].join('\n');
    const files = [
      { path: 'main.py', mode: 0o644, content: encoder.encode(main) },
      { path: 'helper.py', mode: 0o644, content: encoder.encode('NAME = "helper"') },
      { path: 'pkg/data.py', mode: 0o644, content: encoder.encode('VALUE = 7') },
    ];
    const outcome = await runAndCheckRemoved(sandbox, spec('', { files }));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.equal(text(outcome.stdout), '/tmp/job helper 7\nstdin is empty\n');
  });

  it('runs a nested entry from the project root: sibling imports, relative paths, modes, tracebacks', async () => {
    const main = [
      'import os, stat, sys, threading',
      'import helper',
      'print(os.getcwd(), helper.NAME, open("data/points.csv").read().strip())',
      'print(oct(stat.S_IMODE(os.stat("bin/tool").st_mode)), oct(stat.S_IMODE(os.stat("helper.py").st_mode)))',
      'worker = threading.Thread(target=helper.fail, name="worker"); worker.start(); worker.join()',
      'helper.fail()',
    ].join('\n');
    const files = [
      { path: 'src/main.py', mode: 0o644, content: encoder.encode(main) },
      {
        path: 'helper.py',
        mode: 0o644,
        content: encoder.encode('NAME = "helper"\ndef fail():\n    raise ValueError("boom")\n'),
      },
      { path: 'data/points.csv', mode: 0o644, content: encoder.encode('1,2\n') },
      { path: 'bin/tool', mode: 0o755, content: encoder.encode('#!/bin/sh\necho tool ran\n') },
    ];
    const outcome = await runAndCheckRemoved(
      sandbox,
      spec('', { files, entrypoint: 'src/main.py' }),
    );
    assert.equal(text(outcome.stdout), '/tmp/job helper 1,2\n0o755 0o644\n');
    assert.equal(outcome.exitCode, 1);
    const stderr = text(outcome.stderr);
    // frames name project-relative paths, as on the requester's machine, and start at the entry
    assert.match(
      stderr,
      /^Exception in thread worker:\nTraceback \(most recent call last\):\n[^]*?File "helper\.py", line 3, in fail\n.*\nValueError: boom\n/,
    );
    assert.match(
      stderr,
      /\nTraceback \(most recent call last\):\n {2}File "src\/main\.py", line 6/,
    );
    assert.match(stderr, /File "helper\.py", line 3, in fail\n.*\nValueError: boom\n$/);
    assert.doesNotMatch(stderr, /\/tmp\/job/);
  });

  it('delivers a 3 MiB binary file byte for byte', async () => {
    const data = Uint8Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7) % 256);
    const script =
      'import hashlib\nprint(hashlib.sha256(open("data.bin", "rb").read()).hexdigest())';
    const files = [
      { path: 'main.py', mode: 0o644, content: encoder.encode(script) },
      { path: 'data.bin', mode: 0o644, content: data },
    ];
    const outcome = await runAndCheckRemoved(sandbox, spec('', { files }));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.equal(text(outcome.stdout).trim(), createHash('sha256').update(data).digest('hex'));
  });

  it('passes stdout and stderr to onOutput live, in the order they were written', async () => {
    const chunks: OutputChunk[] = [];
    // the pauses make the order well defined: stdout and stderr are separate pipes
    const script = [
      'import sys, time',
      'for i in range(3):',
      '    print(f"out {i}")',
      '    time.sleep(0.2)',
      '    print(f"err {i}", file=sys.stderr)',
      '    time.sleep(0.2)',
    ].join('\n');
    const outcome = await runAndCheckRemoved(
      sandbox,
      spec(script, { onOutput: (chunk) => chunks.push(chunk) }),
    );
    assert.equal(outcome.exitCode, 0);
    // unbuffered print() writes the text and the newline separately: join runs from the same stream
    const runs: string[] = [];
    let previous: OutputChunk['stream'] | undefined;
    for (const chunk of chunks) {
      if (chunk.stream === previous) runs[runs.length - 1] += text(chunk.data);
      else runs.push(`${chunk.stream}:${text(chunk.data)}`);
      previous = chunk.stream;
    }
    assert.deepEqual(runs, [
      'stdout:out 0\n',
      'stderr:err 0\n',
      'stdout:out 1\n',
      'stderr:err 1\n',
      'stdout:out 2\n',
      'stderr:err 2\n',
    ]);
  });

  it('gives the job no network: only lo, and connects to the internet and the host gateway fail', async () => {
    const bridge = await docker.getNetwork('bridge').inspect();
    const gateway: string = bridge.IPAM?.Config?.[0]?.Gateway ?? '172.17.0.1';
    const script = [
      'import os, socket',
      'print("interfaces", sorted(os.listdir("/sys/class/net")))',
      `for host, port in [("1.1.1.1", 53), (${JSON.stringify(gateway)}, 2375), (${JSON.stringify(gateway)}, 53)]:`,
      '    try:',
      '        socket.create_connection((host, port), timeout=2)',
      '        print("connected", host)',
      '    except OSError as error:',
      '        print("failed", host, type(error).__name__)',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    const lines = text(outcome.stdout).trim().split('\n');
    assert.equal(lines[0], "interfaces ['lo']");
    assert.equal(lines.length, 4);
    for (const line of lines.slice(1)) assert.match(line, /^failed /);
  });

  it('keeps the root filesystem read-only while /tmp is writable', async () => {
    const script = [
      'for path in ["/etc/x", "/home/x", "/x", "/usr/lib/x", "/tmp/ok"]:',
      '    try:',
      '        with open(path, "w") as f:',
      '            f.write("x")',
      '        print("wrote", path)',
      '    except OSError as error:',
      '        print("refused", path, error.strerror)',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    const lines = text(outcome.stdout).trim().split('\n');
    assert.deepEqual(
      lines.map((line) => line.split(' ').slice(0, 2).join(' ')),
      ['refused /etc/x', 'refused /home/x', 'refused /x', 'refused /usr/lib/x', 'wrote /tmp/ok'],
    );
    assert.match(lines[0] ?? '', /Read-only file system/);
  });

  it('refuses to execute a binary the job copies into /tmp (noexec)', async () => {
    const script = [
      'import os, shutil',
      'shutil.copy("/bin/cat", "/tmp/cat")',
      'os.chmod("/tmp/cat", 0o755)',
      'try:',
      '    os.execv("/tmp/cat", ["cat", "/proc/self/status"])',
      'except OSError as error:',
      '    print("refused", type(error).__name__)',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.equal(text(outcome.stdout), 'refused PermissionError\n');
  });

  it('runs as uid 10001 without capabilities and with no-new-privileges', async () => {
    const script = [
      'import os',
      'print("uid", os.getuid(), os.getgid())',
      'for line in open("/proc/self/status"):',
      '    if line.startswith(("CapEff", "CapPrm", "NoNewPrivs")):',
      '        print(" ".join(line.split()))',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.equal(
      text(outcome.stdout),
      'uid 10001 10001\nCapPrm: 0000000000000000\nCapEff: 0000000000000000\nNoNewPrivs: 1\n',
    );
  });

  it('applies the paid-for CPU share, memory, pids and ulimits, with an init process as PID 1', async () => {
    const script = [
      'def read(path):',
      '    return open(path).read().strip()',
      'print("cpu", read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))',
      'print("memory", read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))',
      'print("pids", read("/sys/fs/cgroup/pids/pids.max"))',
      'limits = {line[:26].strip(): line[26:].split()[:2] for line in open("/proc/self/limits")}',
      'for name in ["Max open files", "Max file size", "Max core file size", "Max processes"]:',
      '    print(name, *limits[name])',
      'print("pid1", open("/proc/1/cmdline").read().split("\\0")[0])',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script, { cores: 0.5, memoryMb: 96 }));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    const scratch = String(96 * 1024 * 1024);
    assert.equal(
      text(outcome.stdout),
      [
        'cpu 50000 100000',
        `memory ${scratch}`,
        `pids ${PIDS_LIMIT}`,
        'Max open files 1024 1024',
        `Max file size ${scratch} ${scratch}`,
        'Max core file size 0 0',
        'Max processes 1024 1024',
        'pid1 /sbin/docker-init',
        '',
      ].join('\n'),
    );
  });

  it('reports outOfMemory for a job allocating 4x its memory, then runs the next job', async () => {
    const outcome = await runAndCheckRemoved(
      sandbox,
      spec('hog = b"x" * (4 * 64 * 1024 * 1024)\nprint("survived", len(hog))', { memoryMb: 64 }),
    );
    assert.equal(outcome.outOfMemory, true);
    assert.notEqual(outcome.exitCode, 0);
    assert.doesNotMatch(text(outcome.stdout), /survived/);
    await assertStillRunsHello(sandbox);
  });

  it('kills an endless loop at the wall-clock timeout, then runs the next job', async () => {
    const outcome = await runAndCheckRemoved(
      sandbox,
      spec('print("looping")\nwhile True:\n    pass', { timeoutSec: 2 }),
    );
    assert.equal(outcome.timedOut, true);
    assert.equal(outcome.aborted, false);
    assert.equal(outcome.exitCode, 137);
    assert.equal(text(outcome.stdout), 'looping\n');
    assert.ok(outcome.durationMs >= 2000, `ran ${outcome.durationMs} ms`);
    await assertStillRunsHello(sandbox);
  });

  it('keeps exactly the output cap of a flood, marks it truncated and kills the job', async () => {
    const cap = 10_000;
    const delivered: number[] = [];
    const outcome = await runAndCheckRemoved(
      sandbox,
      spec('import sys\nwhile True:\n    sys.stdout.write("x" * 65536)', {
        outputCapBytes: cap,
        timeoutSec: 30,
        onOutput: (chunk) => delivered.push(chunk.data.length),
      }),
    );
    assert.equal(outcome.outputTruncated, true);
    assert.equal(outcome.timedOut, false, 'the cap, not the timeout, ended the flood');
    assert.equal(outcome.stdout.length, cap);
    assert.ok(outcome.stdout.every((byte) => byte === 'x'.charCodeAt(0)));
    assert.equal(
      delivered.reduce((sum, length) => sum + length, 0),
      cap,
    );
    await assertStillRunsHello(sandbox);
  });

  it('stops forking at the pids limit', async () => {
    const script = [
      'import os, signal, time',
      'children = 0',
      'try:',
      '    while True:',
      '        if os.fork() == 0:',
      '            time.sleep(60)',
      '            os._exit(0)',
      '        children += 1',
      'except OSError as error:',
      '    print(children, type(error).__name__)',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script, { timeoutSec: 10 }));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    const [children, errorName] = text(outcome.stdout).trim().split(' ');
    assert.ok(Number(children) > 0 && Number(children) < PIDS_LIMIT, `forked ${children}`);
    assert.equal(errorName, 'BlockingIOError');
  });

  it('contains a fork bomb until the timeout, then runs the next job', async () => {
    const script = [
      'import os',
      'while True:',
      '    try:',
      '        os.fork()',
      '    except OSError:',
      '        pass',
    ].join('\n');
    const outcome = await runAndCheckRemoved(sandbox, spec(script, { timeoutSec: 2 }));
    assert.equal(outcome.timedOut, true);
    await assertStillRunsHello(sandbox);
  });

  it('kills a running job when the abort signal fires', async () => {
    const controller = new AbortController();
    const outcome = await runAndCheckRemoved(
      sandbox,
      spec('import time\nprint("started")\ntime.sleep(60)\nprint("finished")', {
        timeoutSec: 30,
        signal: controller.signal,
        onOutput: () => controller.abort(),
      }),
    );
    assert.equal(outcome.aborted, true);
    assert.equal(outcome.timedOut, false);
    assert.equal(outcome.exitCode, 137);
    assert.equal(text(outcome.stdout), 'started\n');
  });

  it('does not start a job whose signal is already aborted', async () => {
    const runSpec = spec('print("never")', { signal: AbortSignal.abort() });
    const outcome = await runAndCheckRemoved(sandbox, runSpec);
    assert.equal(outcome.aborted, true);
    assert.equal(outcome.exitCode, null);
    assert.equal(outcome.stdout.length, 0);
  });

  it('stops the job, removes the container and rethrows when onOutput throws', async () => {
    const runSpec = spec('import time\nprint("one")\ntime.sleep(60)', {
      timeoutSec: 30,
      onOutput: () => {
        throw new Error('consumer broke');
      },
    });
    await assert.rejects(sandbox.run(runSpec), /consumer broke/);
    assert.equal(await containersLabelled(runSpec.jobId), 0);
  });

  it('survives the container being removed from outside mid-run: no hang, nothing left behind', async () => {
    let externalRemoval: Promise<unknown> | undefined;
    const runSpec = spec('import time\nprint("ready")\ntime.sleep(60)', {
      timeoutSec: 30,
      onOutput: () => {
        externalRemoval ??= docker
          .listContainers({ all: true, filters: { label: [`${JOB_LABEL}=${runSpec.jobId}`] } })
          .then(([info]) => docker.getContainer(info?.Id ?? 'missing').remove({ force: true }));
      },
    });
    // the engine may still answer inspect (exit 137) or already have forgotten the container
    const result = await sandbox.run(runSpec).catch((error: unknown) => error);
    if (isOrangeError(result)) assert.equal(result.code, 'SANDBOX_FAILED');
    else assert.equal((result as RunOutcome).exitCode, 137);
    await externalRemoval; // our own remove() meets "removal already in progress" and leaves it to this one
    assert.equal(await containersLabelled(runSpec.jobId), 0);
    await assertStillRunsHello(sandbox);
  });

  it('lists a leftover labelled container, and removes it', async () => {
    const jobId = `sandbox-orphan-${process.pid}`;
    const leftover = await docker.createContainer({
      Image: DEFAULT_RUNTIME_IMAGE,
      Cmd: ['python3', '-c', 'import time; time.sleep(60)'],
      Labels: { [JOB_LABEL]: jobId, [MANAGED_LABEL]: 'true' },
      HostConfig: { NetworkMode: 'none' },
    });
    await leftover.start();
    assert.equal(await containersLabelled(jobId), 1);
    const leftovers = (await sandbox.containers()).filter((c) => c.jobId === jobId);
    assert.deepEqual(leftovers, [{ containerId: leftover.id, jobId, state: 'running' }]);
    await sandbox.remove(leftover.id);
    assert.equal(await containersLabelled(jobId), 0);
  });

  it("lists only its own containers, not another daemon's", async () => {
    const jobId = `sandbox-other-owner-${process.pid}`;
    const theirs = await docker.createContainer({
      Image: DEFAULT_RUNTIME_IMAGE,
      Cmd: ['python3', '-c', 'import time; time.sleep(60)'],
      Labels: { [JOB_LABEL]: jobId, [MANAGED_LABEL]: '0xother' },
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      const mine = await createDockerSandbox({ owner: '0xme' }).containers();
      assert.ok(!mine.some((c) => c.jobId === jobId));
      const others = await createDockerSandbox({ owner: '0xother' }).containers();
      assert.deepEqual(
        others.filter((c) => c.jobId === jobId).map((c) => [c.jobId, c.state]),
        [[jobId, 'created']],
      );
    } finally {
      await theirs.remove({ force: true }).catch(() => undefined);
    }
  });

  it('check() passes with the engine up and the runtime image present', async () => {
    await sandbox.check();
  });

  it('check() fails with RUNTIME_IMAGE_MISSING for an image that is not there', async () => {
    await rejectsWithCode(
      createDockerSandbox({ runtimeImage: 'orange-cloud/does-not-exist:0' }).check(),
      'RUNTIME_IMAGE_MISSING',
    );
  });

  it('run() fails with RUNTIME_IMAGE_MISSING for an image that is not there', async () => {
    await rejectsWithCode(
      sandbox.run(spec('print(1)', { image: 'orange-cloud/does-not-exist:0' })),
      'RUNTIME_IMAGE_MISSING',
    );
  });

  it('fails with DOCKER_UNAVAILABLE when no engine listens at the socket path', async () => {
    const offline = createDockerSandbox({ socketPath: '/tmp/orange-no-such-docker.sock' });
    await rejectsWithCode(offline.check(), 'DOCKER_UNAVAILABLE');
    await rejectsWithCode(offline.run(spec('print(1)')), 'DOCKER_UNAVAILABLE');
    await rejectsWithCode(offline.containers(), 'DOCKER_UNAVAILABLE');
  });

  it('rejects a file path escaping the job folder before creating a container', async () => {
    const runSpec = spec('print(1)', {
      files: [{ path: '../main.py', mode: 0o644, content: encoder.encode('') }],
      entrypoint: '../main.py',
    });
    await rejectsWithCode(sandbox.run(runSpec), 'INVALID_RUN_SPEC');
    assert.equal(await containersLabelled(runSpec.jobId), 0);
  });
});
