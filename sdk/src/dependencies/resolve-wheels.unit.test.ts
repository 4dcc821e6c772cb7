import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOrangeError } from '../errors.js';
import type { DeclaredDependencies } from './declared.js';
import { pipDownloadArgs } from './pip-download.js';
import type { PipOutcome, PipRunner } from './pip-runner.js';
import { RUNTIME_CATALOG } from '../runtime/runtime-catalog.js';
import { PYTHON3_TARGET } from './python-target.js';
import { resolveWheels } from './resolve-wheels.js';

/** A pip that records its calls and writes the named files into --dest, or fails with stderr. */
function fakePip(result: { files?: Record<string, string>; stderr?: string }): PipRunner & {
  calls: string[][];
} {
  const calls: string[][] = [];
  return {
    calls,
    async run(args): Promise<PipOutcome> {
      calls.push([...args]);
      if (result.stderr !== undefined) return { exitCode: 1, stdout: '', stderr: result.stderr };
      const dest = args[args.indexOf('--dest') + 1]!;
      for (const [name, content] of Object.entries(result.files ?? {}))
        await writeFile(join(dest, name), content);
      return { exitCode: 0, stdout: 'Successfully downloaded', stderr: '' };
    },
  };
}

const declared = (requirements: string[], requiresPython?: string): DeclaredDependencies => ({
  source: 'script metadata',
  file: 'main.py',
  requirements,
  ...(requiresPython ? { requiresPython } : {}),
});

const refusedWith =
  (code: string, ...texts: string[]) =>
  (error: unknown) =>
    isOrangeError(error) && error.code === code && texts.every((t) => error.message.includes(t));

describe('resolving dependencies into wheels', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'orange-wheels-'));
  });
  afterEach(async () => {
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('asks pip for wheels only, for the target Python, ABIs and platforms', () => {
    const args = pipDownloadArgs(PYTHON3_TARGET, ['six', '-x'], '/d', ['--no-index']);
    const value = (flag: string) => args.filter((_, i) => args[i - 1] === flag);
    assert.equal(args[0], 'download');
    assert.ok(args.includes('--only-binary=:all:'));
    assert.deepEqual(value('--python-version'), ['3.11.2']);
    assert.deepEqual(value('--implementation'), ['cp']);
    assert.deepEqual(value('--abi'), ['cp311', 'abi3', 'none']);
    assert.ok(value('--platform').includes('manylinux_2_36_x86_64'));
    assert.ok(value('--platform').includes('manylinux_2_17_x86_64'));
    assert.ok(value('--platform').includes('manylinux2014_x86_64'));
    assert.ok(!value('--platform').includes('manylinux_2_37_x86_64'));
    // Requirements come after "--", so one that looks like an option cannot become one.
    assert.deepEqual(args.slice(args.indexOf('--')), ['--', 'six', '-x']);
    assert.ok(args.indexOf('--no-index') < args.indexOf('--'));
  });

  it('fetches once, then serves the same request from the cache without calling pip', async () => {
    const pip = fakePip({ files: { 'six-1.16.0-py2.py3-none-any.whl': 'wheel bytes' } });
    const fetched: string[][] = [];
    const options = {
      target: PYTHON3_TARGET,
      cacheDir,
      pip,
      onFetch: (_: DeclaredDependencies, fetching: readonly string[]) =>
        fetched.push([...fetching]),
    };
    const first = await resolveWheels(declared(['six']), options);
    assert.equal(first.cached, false);
    assert.deepEqual(fetched, [['six']]);
    assert.deepEqual(
      first.wheels.map((w) => [w.file, w.bytes]),
      [['six-1.16.0-py2.py3-none-any.whl', 11]],
    );
    const second = await resolveWheels(declared(['six']), options);
    assert.equal(second.cached, true);
    assert.equal(second.wheels[0]!.sha256, first.wheels[0]!.sha256);
    assert.equal(pip.calls.length, 1);
    assert.equal(fetched.length, 1);
    // Another requirement set is another request.
    await resolveWheels(declared(['six==1.16.0']), options);
    assert.equal(pip.calls.length, 2);
  });

  it('fetches only what no runtime holds, and calls no pip when a runtime holds everything', async () => {
    const pip = fakePip({ files: { 'six-1.16.0-py2.py3-none-any.whl': 'wheel bytes' } });
    const fetched: string[][] = [];
    const options = {
      target: PYTHON3_TARGET,
      cacheDir,
      pip,
      runtimes: RUNTIME_CATALOG,
      onFetch: (_: DeclaredDependencies, fetching: readonly string[]) =>
        fetched.push([...fetching]),
    };
    const held = await resolveWheels(declared(['numpy>=1.20', 'pandas']), options);
    assert.equal(pip.calls.length, 0, 'pip was not called');
    assert.deepEqual(held.wheels, []);
    assert.deepEqual(held.fromRuntime, [
      { requirement: 'numpy>=1.20', runtime: 'python-data' },
      { requirement: 'pandas', runtime: 'python-data' },
    ]);
    const mixed = await resolveWheels(declared(['numpy>=1.20', 'six>=1.17']), options);
    assert.deepEqual(fetched, [['six>=1.17']]);
    assert.deepEqual(pip.calls[0]!.slice(pip.calls[0]!.indexOf('--')), ['--', 'six>=1.17']);
    assert.deepEqual(mixed.fromRuntime, [{ requirement: 'numpy>=1.20', runtime: 'python-data' }]);
    assert.deepEqual(
      mixed.wheels.map((w) => w.file),
      ['six-1.16.0-py2.py3-none-any.whl'],
    );
  });

  it('lets two runs fetch the same request at once, both ending with the cached wheels', async () => {
    const pip = fakePip({ files: { 'six-1.16.0-py2.py3-none-any.whl': 'wheel bytes' } });
    const options = { target: PYTHON3_TARGET, cacheDir, pip };
    const [a, b] = await Promise.all([
      resolveWheels(declared(['six']), options),
      resolveWheels(declared(['six']), options),
    ]);
    assert.equal(a.wheels[0]!.path, b.wheels[0]!.path);
    assert.equal(await readFile(a.wheels[0]!.path, 'utf8'), 'wheel bytes');
    assert.deepEqual(
      (await readdir(cacheDir)).filter((n) => n.startsWith('.')),
      [],
    );
  });

  it('fetches again when a cached wheel was altered', async () => {
    const pip = fakePip({ files: { 'six-1.16.0-py2.py3-none-any.whl': 'wheel bytes' } });
    const options = { target: PYTHON3_TARGET, cacheDir, pip };
    const first = await resolveWheels(declared(['six']), options);
    await writeFile(first.wheels[0]!.path, 'tampered');
    const again = await resolveWheels(declared(['six']), options);
    assert.equal(again.cached, false);
    assert.equal(pip.calls.length, 2);
  });

  it("fetches again when pip's configuration (its index) changed, not from the old index's wheels", async () => {
    const pip = fakePip({ files: { 'six-1.16.0-py2.py3-none-any.whl': 'wheel bytes' } });
    let index = 'https://one.example/simple';
    const configured = {
      ...pip,
      configuration: async () => ({ variables: { PIP_INDEX_URL: index }, files: [] }),
    };
    const options = { target: PYTHON3_TARGET, cacheDir, pip: configured };
    await resolveWheels(declared(['six']), options);
    assert.equal((await resolveWheels(declared(['six']), options)).cached, true);
    index = 'https://two.example/simple';
    const moved = await resolveWheels(declared(['six']), options);
    assert.equal(moved.cached, false);
    assert.equal(pip.calls.length, 2);
  });

  it('does not call pip when nothing is required', async () => {
    const pip = fakePip({});
    const resolved = await resolveWheels(declared([]), { target: PYTHON3_TARGET, cacheDir, pip });
    assert.deepEqual(resolved.wheels, []);
    assert.equal(pip.calls.length, 0);
  });

  it('refuses a requires-python the runtime does not meet, naming both versions, before pip', async () => {
    const pip = fakePip({});
    await assert.rejects(
      resolveWheels(declared(['six'], '>=3.12'), { target: PYTHON3_TARGET, cacheDir, pip }),
      refusedWith('REQUIRES_PYTHON_UNMET', 'main.py requires Python >=3.12', 'Python 3.11.2'),
    );
    assert.equal(pip.calls.length, 0);
  });

  it('names the package pip found no wheel for, and keeps nothing in the cache', async () => {
    const stderr =
      'ERROR: Could not find a version that satisfies the requirement orange_sdist_only (from versions: none)\n' +
      'ERROR: No matching distribution found for orange_sdist_only\n';
    const pip = fakePip({ stderr });
    await assert.rejects(
      resolveWheels(declared(['orange_sdist_only']), { target: PYTHON3_TARGET, cacheDir, pip }),
      refusedWith('DEPENDENCY_NO_WHEEL', 'orange_sdist_only has no wheel', 'CPython 3.11'),
    );
    assert.deepEqual(await readdir(cacheDir), []);
  });

  it("names a dependency whose own requires-python excludes the runtime's", async () => {
    const stderr =
      "ERROR: Package 'orange-new' requires a different Python: 3.11.2 not in '>=3.13'\n";
    await assert.rejects(
      resolveWheels(declared(['orange_new']), {
        target: PYTHON3_TARGET,
        cacheDir,
        pip: fakePip({ stderr }),
      }),
      refusedWith('DEPENDENCY_NO_WHEEL', 'orange-new requires Python >=3.13', 'runs Python 3.11.2'),
    );
  });

  it("shows pip's error lines for any other failure", async () => {
    const stderr =
      'Looking in links: x\nERROR: Cannot install a and b because these package versions have conflicting dependencies.\n';
    await assert.rejects(
      resolveWheels(declared(['a', 'b']), {
        target: PYTHON3_TARGET,
        cacheDir,
        pip: fakePip({ stderr }),
      }),
      refusedWith('PIP_FAILED', 'conflicting dependencies'),
    );
  });

  it('refuses anything pip saved that is not a wheel', async () => {
    const pip = fakePip({ files: { 'odd-1.0.tar.gz': 'sdist' } });
    await assert.rejects(
      resolveWheels(declared(['odd']), { target: PYTHON3_TARGET, cacheDir, pip }),
      refusedWith('DEPENDENCY_NO_WHEEL', 'odd-1.0.tar.gz, which is not a wheel'),
    );
  });
});
