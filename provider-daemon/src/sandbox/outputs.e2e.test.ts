import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { RunOutputs } from '@orange-cloud/sdk';
import { MAX_VISITED_ENTRIES, OUTPUTS_MARKER_PREFIX } from './bootstrap.js';
import { createDockerSandbox, DEFAULT_RUNTIME_IMAGE } from './docker-sandbox.js';
import { archiveCapBytes } from './output-bounds.js';
import type { RunOutcome, RunSpec, Sandbox } from './types.js';
import { archiveFiles } from '../testing/archive-files.js';

// The out/ folder coming back, against the real Docker engine and runtime image.
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (bytes: Uint8Array): string => decoder.decode(bytes);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
let jobCounter = 0;

function spec(script: string, overrides: Partial<RunSpec> = {}): RunSpec {
  jobCounter += 1;
  return {
    jobId: `outputs-test-${process.pid}-${jobCounter}`,
    image: DEFAULT_RUNTIME_IMAGE,
    files: [{ path: 'main.py', mode: 0o644, content: encoder.encode(script) }],
    entrypoint: 'main.py',
    cores: 1,
    memoryMb: 128,
    timeoutSec: 30,
    outputCapBytes: 1024 * 1024,
    outputsCapBytes: 16 * 1024 * 1024,
    ...overrides,
  };
}

function outputsOf(outcome: RunOutcome): RunOutputs {
  assert.ok(outcome.outputs, `no outputs; stderr: ${text(outcome.stderr)}`);
  return outcome.outputs;
}

async function assertHonestJobRuns(sandbox: Sandbox): Promise<void> {
  const outcome = await sandbox.run(
    spec(
      'import os\nopen(os.environ["ORANGE_OUTPUT_DIR"] + "/ok.txt", "w").write("ok")\nprint("honest")',
    ),
  );
  assert.equal(outcome.exitCode, 0, text(outcome.stderr));
  assert.equal(text(outcome.stdout), 'honest\n');
  const outputs = outputsOf(outcome);
  assert.deepEqual(
    outputs.files.map((file) => file.path),
    ['ok.txt'],
  );
  assert.equal(text((await archiveFiles(outputs.archive)).get('ok.txt')!), 'ok');
}

describe('Docker sandbox: files under out/ come back (real engine)', function () {
  const sandbox = createDockerSandbox();

  it('returns out/ files byte for byte with their SHA-256, nested folders included', async () => {
    const script = [
      'import os, json',
      'out = os.environ["ORANGE_OUTPUT_DIR"]',
      'print(out)',
      'os.makedirs("out/plots/deep", exist_ok=True)',
      'json.dump({"mean": 4.5}, open("out/summary.json", "w"))',
      'open("out/plots/deep/data.bin", "wb").write(bytes(i * 7 % 256 for i in range(300000)))',
      'open("out/empty.txt", "w").close()',
      'open("out/naïve name.txt", "w").write("unicode")',
    ].join('\n');
    const outcome = await sandbox.run(spec(script));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.equal(text(outcome.stdout), '/tmp/job/out\n');
    const outputs = outputsOf(outcome);
    const expected = new Map<string, Uint8Array>([
      ['empty.txt', new Uint8Array(0)],
      ['naïve name.txt', encoder.encode('unicode')],
      ['plots/deep/data.bin', Uint8Array.from({ length: 300000 }, (_, i) => (i * 7) % 256)],
      ['summary.json', encoder.encode('{"mean": 4.5}')],
    ]);
    assert.deepEqual(
      outputs.files,
      [...expected].map(([path, bytes]) => ({ path, bytes: bytes.length, sha256: sha256(bytes) })),
    );
    const unpacked = await archiveFiles(outputs.archive);
    assert.deepEqual([...unpacked.keys()], [...expected.keys()]);
    for (const [path, bytes] of expected)
      assert.deepEqual(new Uint8Array(unpacked.get(path)!), bytes);
    assert.deepEqual([outputs.skipped, outputs.truncated, outputs.partial], [[], false, false]);
  });

  it('has no outputs for a job that did not use out/', async () => {
    const outcome = await sandbox.run(spec('print("plain")'));
    assert.equal(text(outcome.stdout), 'plain\n');
    assert.equal(outcome.outputs, undefined);
  });

  it('runs a project holding a file named out, which returns nothing', async () => {
    const files = [
      { path: 'main.py', mode: 0o644, content: encoder.encode('print(open("out").read())') },
      { path: 'out', mode: 0o644, content: encoder.encode('a plain file') },
    ];
    const outcome = await sandbox.run(spec('', { files }));
    assert.equal(outcome.exitCode, 0, text(outcome.stderr));
    assert.equal(text(outcome.stdout), 'a plain file\n');
    assert.equal(outcome.outputs, undefined);
  });

  it('returns what a job wrote before its timeout, marked partial', async () => {
    const script = [
      'f = open("out/progress.txt", "w")',
      'for i in range(3):',
      '    f.write("step %d\\n" % i)',
      'f.flush()',
      'print("working", flush=True)',
      'while True:',
      '    pass',
    ].join('\n');
    const outcome = await sandbox.run(spec(script, { timeoutSec: 2 }));
    assert.equal(outcome.timedOut, true);
    assert.equal(outcome.exitCode, 137);
    assert.equal(text(outcome.stdout), 'working\n');
    const outputs = outputsOf(outcome);
    assert.equal(outputs.partial, true);
    assert.equal(
      text((await archiveFiles(outputs.archive)).get('progress.txt')!),
      'step 0\nstep 1\nstep 2\n',
    );
  });

  it('returns what a job wrote before it was aborted, marked partial', async () => {
    const controller = new AbortController();
    const script =
      'import time\nopen("out/half.txt", "w").write("half")\nprint("go")\ntime.sleep(60)';
    const outcome = await sandbox.run(
      spec(script, { signal: controller.signal, onOutput: () => controller.abort() }),
    );
    assert.equal(outcome.aborted, true);
    const outputs = outputsOf(outcome);
    assert.equal(outputs.partial, true);
    assert.deepEqual(
      outputs.files.map((file) => file.path),
      ['half.txt'],
    );
  });

  it('returns what a job wrote before it ran out of memory: the kernel kills the job, not the bootstrap', async () => {
    const script =
      'open("out/before.txt", "w").write("before")\nhog = b"x" * (4 * 64 * 1024 * 1024)';
    const outcome = await sandbox.run(spec(script, { memoryMb: 64 }));
    assert.equal(outcome.outOfMemory, true);
    assert.equal(outcome.exitCode, 137);
    const outputs = outputsOf(outcome);
    assert.equal(outputs.partial, true);
    assert.equal(text((await archiveFiles(outputs.archive)).get('before.txt')!), 'before');
  });

  it('returns out/ after stopping a job that flooded stdout past the output cap', async () => {
    const script =
      'import sys\nopen("out/a.txt", "w").write("a")\nwhile True:\n    sys.stdout.write("x" * 65536)';
    const outcome = await sandbox.run(spec(script, { outputCapBytes: 10_000 }));
    assert.equal(outcome.outputTruncated, true);
    assert.equal(outcome.stdout.length, 10_000);
    const outputs = outputsOf(outcome);
    assert.equal(outputs.partial, true);
    assert.deepEqual(
      outputs.files.map((file) => file.path),
      ['a.txt'],
    );
  });

  it('returns what fits under the outputs cap, skips the rest by name and marks it truncated', async () => {
    const script = [
      'open("out/a-small.txt", "wb").write(b"s" * 1000)',
      'open("out/b-large.bin", "wb").write(b"L" * 5000)',
      'open("out/c-small.txt", "wb").write(b"t" * 1000)',
    ].join('\n');
    const outcome = await sandbox.run(spec(script, { outputsCapBytes: 4096 }));
    const outputs = outputsOf(outcome);
    assert.deepEqual(
      outputs.files.map((file) => file.path),
      ['a-small.txt', 'c-small.txt'],
    );
    assert.deepEqual(outputs.skipped, [
      { path: 'b-large.bin', reason: 'over the 4096 bytes outputs cap' },
    ]);
    assert.equal(outputs.truncated, true);
  });

  describe('hostile jobs: contained, reported, and the next honest job runs', () => {
    it('out/ replaced by a symbolic link to /etc: nothing from /etc comes back', async () => {
      const outcome = await sandbox.run(
        spec('import os, shutil\nshutil.rmtree("out")\nos.symlink("/etc", "out")'),
      );
      assert.equal(outcome.exitCode, 0, text(outcome.stderr));
      const outputs = outputsOf(outcome);
      assert.deepEqual(outputs.files, []);
      assert.equal(outputs.archive.length, 0);
      assert.deepEqual(outputs.skipped, [
        { path: 'out', reason: 'out/ is a symbolic link, not a folder: nothing collected' },
      ]);
      await assertHonestJobRuns(sandbox);
    });

    it('a FIFO and symbolic links inside out/ are skipped with their reasons; a device node cannot be made', async () => {
      const script = [
        'import os, stat',
        'os.mkfifo("out/pipe")',
        'os.symlink("/etc/passwd", "out/passwd")',
        'os.symlink("/etc", "out/etc")',
        'open("out/real.txt", "w").write("real")',
        'try:',
        '    os.mknod("out/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))',
        'except OSError as error:',
        '    print("mknod", error.strerror)',
      ].join('\n');
      const outcome = await sandbox.run(spec(script));
      // no CAP_MKNOD: a device node cannot be made, so none can be read through out/
      assert.equal(text(outcome.stdout), 'mknod Operation not permitted\n');
      const outputs = outputsOf(outcome);
      assert.deepEqual(
        outputs.files.map((file) => file.path),
        ['real.txt'],
      );
      assert.deepEqual(outputs.skipped, [
        { path: 'etc', reason: 'symbolic link' },
        { path: 'passwd', reason: 'symbolic link' },
        { path: 'pipe', reason: 'FIFO' },
      ]);
      await assertHonestJobRuns(sandbox);
    });

    it('a 10 GB sparse file cannot be made, and a large sparse one is bounded by the cap', async () => {
      const script = [
        'f = open("out/huge.bin", "wb")',
        'try:',
        '    f.truncate(10 * 1024 ** 3)',
        '    print("made 10 GB")',
        'except OSError as error:',
        '    print("refused", error.strerror)',
        'f.close()',
        'with open("out/sparse.bin", "wb") as f:',
        '    f.truncate(100 * 1024 ** 2)',
      ].join('\n');
      const outcome = await sandbox.run(
        spec(script, { memoryMb: 256, outputsCapBytes: 1024 * 1024 }),
      );
      assert.equal(text(outcome.stdout), 'refused File too large\n');
      const outputs = outputsOf(outcome);
      assert.deepEqual(
        outputs.files.map((file) => file.path),
        ['huge.bin'],
      );
      assert.equal(outputs.files[0]!.bytes, 0);
      assert.deepEqual(outputs.skipped, [
        { path: 'sparse.bin', reason: 'over the 1 MiB outputs cap' },
      ]);
      assert.equal(outputs.truncated, true);
      await assertHonestJobRuns(sandbox);
    });

    it('100,000 tiny files: at most 10,000 entries come back, truncated, with bounded memory', async function () {
      this.timeout(300_000);
      const script = [
        'import os',
        'for i in range(100000):',
        '    open("out/f%06d" % i, "w").write("x")',
        'print("written")',
      ].join('\n');
      const outcome = await sandbox.run(spec(script, { memoryMb: 512, timeoutSec: 240 }));
      assert.equal(outcome.exitCode, 0, text(outcome.stderr));
      assert.equal(outcome.timedOut, false);
      const outputs = outputsOf(outcome);
      assert.equal(outputs.truncated, true);
      assert.equal(outputs.files.length + outputs.skipped.length, MAX_VISITED_ENTRIES);
      const paths = outputs.files.map((file) => file.path);
      assert.deepEqual(paths, [...paths].sort());
      assert.ok(outputs.archive.length <= archiveCapBytes(16 * 1024 * 1024));
      await assertHonestJobRuns(sandbox);
    });

    it('a fake marker line cannot forge outputs: the nonce is unknown to the job', async () => {
      const script = [
        'import io, json, os, sys, tarfile',
        'buf = io.BytesIO()',
        'with tarfile.open(fileobj=buf, mode="w") as t:',
        '    info = tarfile.TarInfo("forged.txt"); info.size = 6',
        '    t.addfile(info, io.BytesIO(b"forged"))',
        'tar = buf.getvalue()',
        'report = json.dumps({"files": [{"path": "forged.txt", "bytes": 6, "sha256": "0" * 64}], "skipped": [], "truncated": False, "partial": False, "exitCode": 0, "signal": None, "runMs": 1}).encode()',
        'out = sys.stdout.buffer',
        'out.write(b"\\x1eORANGE-CLOUD-OUTPUTS " + os.urandom(16).hex().encode() + b"\\n")',
        'out.write(b"T" + len(tar).to_bytes(4, "big") + tar + b"R" + len(report).to_bytes(4, "big") + report)',
        'out.flush()',
        'bootstrap = os.getppid()',
        'for what in ("mem", "environ", "fd"):',
        '    try:',
        '        os.listdir("/proc/%d/fd" % bootstrap) if what == "fd" else open("/proc/%d/%s" % (bootstrap, what), "rb").read(1)',
        '        print("read the bootstrap\'s", what, file=sys.stderr)',
        '    except OSError:',
        '        pass',
      ].join('\n');
      const outcome = await sandbox.run(spec(script));
      assert.equal(outcome.exitCode, 0, text(outcome.stderr));
      assert.equal(outcome.outputs, undefined);
      assert.ok(
        text(outcome.stdout).startsWith(OUTPUTS_MARKER_PREFIX),
        'the fake marker is plain job output',
      );
      assert.match(text(outcome.stdout), /forged/);
      // the bootstrap (the job's parent) is not dumpable: its memory, environment and descriptors are closed
      assert.equal(text(outcome.stderr), '');
      await assertHonestJobRuns(sandbox);
    });

    it('a background process writing after the job exits is killed before out/ is collected', async () => {
      const script = [
        'import os, sys, time',
        'if os.fork() == 0:',
        '    os.setsid()',
        '    while True:',
        '        os.write(1, b"background\\n")',
        '        time.sleep(0.001)',
        'time.sleep(0.3)',
        'open("out/result.txt", "w").write("done")',
      ].join('\n');
      const outcome = await sandbox.run(spec(script, { timeoutSec: 20 }));
      assert.equal(outcome.timedOut, false);
      assert.equal(outcome.exitCode, 0, text(outcome.stderr));
      const outputs = outputsOf(outcome);
      assert.deepEqual(
        outputs.files.map((file) => file.path),
        ['result.txt'],
      );
      assert.equal(text((await archiveFiles(outputs.archive)).get('result.txt')!), 'done');
      await assertHonestJobRuns(sandbox);
    });

    it('a job that kills the bootstrap gets no outputs, and the result says so', async () => {
      const script =
        'import os, signal\nopen("out/a.txt", "w").write("a")\nos.kill(os.getppid(), signal.SIGKILL)';
      const outcome = await sandbox.run(spec(script));
      const outputs = outputsOf(outcome);
      assert.deepEqual(outputs.files, []);
      assert.deepEqual(outputs.skipped, [
        { path: 'out', reason: 'the sandbox ended before it could collect out/' },
      ]);
      assert.equal(outputs.partial, true);
      await assertHonestJobRuns(sandbox);
    });
  });
});
