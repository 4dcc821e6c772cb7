import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { writeTestWheel, type TestWheel } from '@orange-cloud/sdk/testing';
import { createDockerSandbox, DEFAULT_RUNTIME_IMAGE } from './docker-sandbox.js';
import { WHEELS_SUBDIR } from './install-step.js';
import type { RunSpec, SandboxFile } from './types.js';

/**
 * Dependency wheels installed offline inside the real hardened container (network none,
 * read-only root), from wheels this test writes: honest ones import, hostile ones are
 * contained and reported, and the same sandbox then runs an honest job.
 */
describe('dependencies in the Docker sandbox (real engine)', function () {
  this.timeout(120_000);
  const sandbox = createDockerSandbox();
  let dir: string;
  let counter = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-deps-sandbox-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function wheelFile(spec: TestWheel): Promise<SandboxFile> {
    const path = await writeTestWheel(dir, spec);
    return {
      path: `${WHEELS_SUBDIR}/${basename(path)}`,
      mode: 0o644,
      content: await readFile(path),
    };
  }

  function spec(script: string, wheels: SandboxFile[]): RunSpec {
    counter += 1;
    return {
      jobId: `deps-test-${process.pid}-${counter}`,
      image: DEFAULT_RUNTIME_IMAGE,
      files: [
        { path: 'main.py', mode: 0o644, content: new TextEncoder().encode(script) },
        ...wheels,
      ],
      entrypoint: 'main.py',
      cores: 1,
      memoryMb: 128,
      timeoutSec: 30,
      outputCapBytes: 1024 * 1024,
      outputsCapBytes: 1024 * 1024,
    };
  }
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

  async function assertHonestJobRuns(): Promise<void> {
    const greeting = await wheelFile({
      name: 'orange_greeting',
      version: '1.0',
      files: { 'orange_greeting/__init__.py': 'def hi():\n    return "hi from a wheel"\n' },
    });
    const outcome = await sandbox.run(
      spec(
        'import orange_greeting, os\nprint(orange_greeting.hi())\nprint(sorted(os.listdir(".")))\n',
        [greeting],
      ),
    );
    assert.equal(text(outcome.stderr), '');
    assert.equal(outcome.exitCode, 0);
    // The wheels are gone from the job's folder once installed.
    assert.equal(text(outcome.stdout), "hi from a wheel\n['main.py', 'out']\n");
    // The bootstrap timed the install; it is part of the run the daemon timed.
    assert.ok(Number.isInteger(outcome.installMs), `installMs ${outcome.installMs}`);
    assert.ok(outcome.installMs! <= outcome.durationMs);
  }

  it('installs a pure wheel offline and the entry imports it', assertHonestJobRuns);

  it('reports no install time for a job without wheels', async () => {
    const outcome = await sandbox.run(spec('print("plain")\n', []));
    assert.equal(text(outcome.stdout), 'plain\n');
    assert.equal(outcome.installMs, undefined);
  });

  it('loads a native extension from the installed dependencies (exec is allowed there only)', async function () {
    const so = join(dir, 'orange_native.cpython-311-x86_64-linux-gnu.so');
    const source = join(dir, 'native.c');
    await writeFile(
      source,
      [
        '#include <Python.h>',
        'static PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }',
        'static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, ""}, {NULL, NULL, 0, NULL}};',
        'static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "orange_native", NULL, -1, methods};',
        'PyMODINIT_FUNC PyInit_orange_native(void) { return PyModule_Create(&module); }',
        '',
      ].join('\n'),
    );
    try {
      await promisify(execFile)('gcc', [
        '-shared',
        '-fPIC',
        '-O1',
        '-I/usr/include/python3.11',
        '-o',
        so,
        source,
      ]);
    } catch {
      // Without a C compiler and Python headers this case cannot be built here; the pure wheel covers the rest.
      this.skip();
    }
    const native = await wheelFile({
      name: 'orange_native',
      version: '1.0',
      tag: 'cp311-cp311-manylinux_2_17_x86_64',
      files: { [basename(so)]: await readFile(so) },
    });
    const outcome = await sandbox.run(
      spec(
        [
          'import orange_native, subprocess',
          'print(orange_native.answer())',
          // /tmp stays noexec: a binary dropped there still cannot run.
          'import shutil, os',
          'shutil.copy("/bin/true", "/tmp/t"); os.chmod("/tmp/t", 0o755)',
          'try:',
          '    subprocess.run(["/tmp/t"])',
          'except PermissionError:',
          '    print("tmp noexec")',
        ].join('\n'),
        [native],
      ),
    );
    assert.equal(text(outcome.stderr), '');
    assert.equal(text(outcome.stdout), '42\ntmp noexec\n');
  });

  it('refuses a wheel with a member escaping the install folder, names it, and runs nothing', async () => {
    const hostile = await wheelFile({
      name: 'orange_escape',
      version: '1.0',
      files: { 'orange_escape.py': 'X = 1\n' },
      rawMembers: { '../../../../tmp/job/evil.py': 'print("escaped")\n' },
    });
    const outcome = await sandbox.run(spec('print("the entry ran")\n', [hostile]));
    assert.equal(outcome.exitCode, 1);
    assert.equal(text(outcome.stdout), '');
    assert.equal(outcome.installMs, undefined);
    assert.match(
      text(outcome.stderr),
      /orange-cloud: installing the dependency orange_escape-1\.0-py3-none-any\.whl failed: member '\.\.\/\.\.\/\.\.\/\.\.\/tmp\/job\/evil\.py' would be installed outside the site folder/,
    );
    await assertHonestJobRuns();
  });

  it('contains a .pth file that reaches for the network and the disk when the job starts', async () => {
    const probe = [
      'import socket, sys',
      'try:',
      '    socket.create_connection(("10.0.0.1", 80), timeout=3)',
      '    print("pth: network reached")',
      'except OSError as e:',
      '    print("pth: network blocked (%s)" % type(e).__name__)',
      'for path in ("/etc/orange-owned", "/usr/lib/python3/dist-packages/owned.py", "/orange-owned"):',
      '    try:',
      '        open(path, "w").write("x")',
      '        print("pth: wrote " + path)',
      '    except OSError as e:',
      '        print("pth: write blocked " + path)',
    ].join('\n');
    const hostile = await wheelFile({
      name: 'orange_pth',
      version: '1.0',
      files: {
        'orange_pth_probe.py': probe + '\n',
        // A .pth line starting with "import" runs when the site folder is added.
        'orange_pth.pth': 'import orange_pth_probe\n',
      },
    });
    const outcome = await sandbox.run(spec('print("the entry ran")\n', [hostile]));
    assert.equal(outcome.exitCode, 0);
    const stdout = text(outcome.stdout);
    assert.match(stdout, /^pth: network blocked \(OSError\)\n/);
    assert.match(stdout, /pth: write blocked \/etc\/orange-owned\n/);
    assert.match(stdout, /pth: write blocked \/usr\/lib\/python3\/dist-packages\/owned\.py\n/);
    assert.match(stdout, /pth: write blocked \/orange-owned\n/);
    assert.doesNotMatch(stdout, /reached|wrote/);
    assert.match(stdout, /the entry ran\n$/);
    await assertHonestJobRuns();
  });
});
