import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readTarEntries } from '../../job/tar-entries.js';
import { writeTestNpmPackage } from '../../testing/test-npm-package.js';
import { runTool, type ToolOutcome } from '../run-tool.js';
import { readNpmDeclaration, type NpmDeclaration } from './npm-declaration.js';
import { systemNpm, type NpmRunner } from './npm-runner.js';
import { LINUX_X64_GLIBC } from './npm-target.js';
import { resolveNpmDependencies } from './resolve-npm.js';

/**
 * An npm that installs each dependency package.json declares as a folder with a package.json
 * (and the scripts `scripts` gives it) under --prefix, or fails with `stderr`.
 */
function fakeNpm(
  options: { scripts?: Record<string, Record<string, string>>; stderr?: string } = {},
): NpmRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    version: async () => '11.6.2',
    async run(args): Promise<ToolOutcome> {
      calls.push([...args]);
      if (options.stderr !== undefined) return { exitCode: 1, stdout: '', stderr: options.stderr };
      const prefix = args[args.indexOf('--prefix') + 1]!;
      const manifest = JSON.parse(await readFile(join(prefix, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      for (const [name, spec] of Object.entries(manifest.dependencies)) {
        const folder = join(prefix, 'node_modules', name);
        await mkdir(folder, { recursive: true });
        const version = spec.replace(/^\D*/, '') || '1.0.0';
        const scripts = options.scripts?.[name];
        await writeFile(
          join(folder, 'package.json'),
          JSON.stringify({ name, version, ...(scripts ? { scripts } : {}) }),
        );
        await writeFile(join(folder, 'index.js'), `module.exports = ${JSON.stringify(name)};\n`);
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}

const declared = (dependencies: Record<string, string>, lock?: string): NpmDeclaration => ({
  root: '/project',
  packageJson: JSON.stringify({ name: 'app', dependencies }),
  dependencies,
  ...(lock !== undefined ? { lockfile: { name: 'package-lock.json' as const, text: lock } } : {}),
});

describe('preparing npm dependencies for the runtime', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'orange-npm-cache-'));
  });
  afterEach(() => rm(cacheDir, { recursive: true, force: true }));

  it('installs once for linux x64 glibc without scripts, packs the tree, then serves it from the cache', async () => {
    const npm = fakeNpm();
    const prepared: string[] = [];
    const options = {
      target: LINUX_X64_GLIBC,
      cacheDir,
      npm,
      onPrepare: (d: NpmDeclaration) => prepared.push(Object.keys(d.dependencies).join()),
    };
    const first = await resolveNpmDependencies(declared({ left: '1.2.0' }), options);
    assert.equal(first.cached, false);
    assert.deepEqual(prepared, ['left']);
    const args = npm.calls[0]!;
    assert.equal(args[0], 'install');
    assert.ok(args.includes('--ignore-scripts') && args.includes('--omit=dev'));
    assert.equal(args[args.indexOf('--cpu') + 1], 'x64');
    const entries = await readTarEntries(await readFile(first.archive.path), {
      admit: () => undefined,
      unreadable: (cause) => new Error('not a tar', { cause }),
    });
    assert.deepEqual(
      entries.map((e) => e.header.name),
      ['left/index.js', 'left/package.json'],
    );
    assert.deepEqual(
      first.packages.map((p) => `${p.name}@${p.version}`),
      ['left@1.2.0'],
    );
    const again = await resolveNpmDependencies(declared({ left: '1.2.0' }), options);
    assert.equal(again.cached, true);
    assert.equal(again.archive.sha256, first.archive.sha256);
    assert.equal(npm.calls.length, 1);
    // Another lockfile is another request, and is installed as it is.
    await resolveNpmDependencies(declared({ left: '1.2.0' }, '{"lockfileVersion":3}'), options);
    assert.equal(npm.calls.length, 2);
    assert.equal(npm.calls[1]![0], 'ci');
  });

  it('prepares again when a cached tree was altered or its list lost a file', async () => {
    const npm = fakeNpm();
    const options = { target: LINUX_X64_GLIBC, cacheDir, npm };
    const first = await resolveNpmDependencies(declared({ left: '1.0.0' }), options);
    await writeFile(first.archive.path, 'tampered');
    assert.equal(
      (await resolveNpmDependencies(declared({ left: '1.0.0' }), options)).cached,
      false,
    );
    const list = join(dirname(first.archive.path), 'prepared.json');
    const listed = JSON.parse(await readFile(list, 'utf8')) as { file: string }[];
    await writeFile(list, JSON.stringify(listed.filter((l) => l.file !== 'node_modules.tar')));
    assert.equal(
      (await resolveNpmDependencies(declared({ left: '1.0.0' }), options)).cached,
      false,
    );
    assert.equal(npm.calls.length, 3);
  });

  it("prepares again when the user's npm configuration (the registry) changed", async () => {
    const npm = fakeNpm();
    let registry = 'http://one.example/';
    const configured = {
      ...npm,
      configuration: async () => ({ variables: { npm_config_registry: registry }, files: [] }),
    };
    const options = { target: LINUX_X64_GLIBC, cacheDir, npm: configured };
    await resolveNpmDependencies(declared({ left: '1.0.0' }), options);
    assert.equal((await resolveNpmDependencies(declared({ left: '1.0.0' }), options)).cached, true);
    registry = 'http://two.example/';
    assert.equal(
      (await resolveNpmDependencies(declared({ left: '1.0.0' }), options)).cached,
      false,
    );
    assert.equal(npm.calls.length, 2);
  });

  it('refuses install scripts unless allowed, and then says which will run', async () => {
    const npm = fakeNpm({ scripts: { native: { install: 'node-gyp rebuild' } } });
    const request = declared({ native: '2.0.0', plain: '1.0.0' });
    await assert.rejects(
      resolveNpmDependencies(request, { target: LINUX_X64_GLIBC, cacheDir, npm }),
      {
        code: 'NPM_INSTALL_SCRIPTS',
        message: /native@2\.0\.0 \(install: node-gyp rebuild\)/,
      },
    );
    const allowed = await resolveNpmDependencies(request, {
      target: LINUX_X64_GLIBC,
      cacheDir,
      npm,
      allowInstallScripts: true,
    });
    assert.equal(
      allowed.cached,
      true,
      'the refused tree was cached; allowing it does not call npm again',
    );
    assert.deepEqual(
      allowed.installScripts.map((p) => p.name),
      ['native'],
    );
  });

  it("names npm's error and keeps nothing in the cache", async () => {
    const npm = fakeNpm({ stderr: 'npm error code E404\nnpm error 404 Not Found - nope\n' });
    await assert.rejects(
      resolveNpmDependencies(declared({ nope: '1.0.0' }), {
        target: LINUX_X64_GLIBC,
        cacheDir,
        npm,
      }),
      { code: 'NPM_FAILED', message: /npm error 404 Not Found - nope/ },
    );
    assert.deepEqual(await readdir(cacheDir), []);
  });

  it('says so when npm is not on PATH', async () => {
    const npm = systemNpm({ env: { ...process.env, PATH: '/nonexistent' } });
    await assert.rejects(
      resolveNpmDependencies(declared({ left: '1.0.0' }), {
        target: LINUX_X64_GLIBC,
        cacheDir,
        npm,
      }),
      { code: 'NPM_MISSING', message: /"npm" was not found on PATH/ },
    );
  });

  it("prepares a relative file: tarball with the user's real npm, offline, lockfile honoured", async function () {
    this.timeout(60_000);
    const work = await mkdtemp(join(tmpdir(), 'orange-npm-real-'));
    try {
      await mkdir(join(work, 'vendor'));
      await writeTestNpmPackage(join(work, 'vendor'), {
        name: 'orange-shout',
        version: '1.0.0',
        files: { 'index.js': 'module.exports = (s) => s.toUpperCase();\n' },
      });
      const root = join(work, 'app');
      await mkdir(root);
      const packageJson = JSON.stringify({
        name: 'app',
        dependencies: { 'orange-shout': 'file:../vendor/orange-shout-1.0.0.tgz' },
        // never looked up: dev dependencies do not travel
        devDependencies: { 'orange-never': 'file:../vendor/absent.tgz' },
      });
      const npm = systemNpm();
      const options = { target: LINUX_X64_GLIBC, cacheDir, npm, npmArgs: ['--offline'] };
      const result = await resolveNpmDependencies(
        { root, packageJson, dependencies: { 'orange-shout': 'x' } },
        options,
      );
      const names = (
        await readTarEntries(await readFile(result.archive.path), {
          admit: () => undefined,
          unreadable: (cause) => new Error('not a tar', { cause }),
        })
      ).map((e) => e.header.name);
      assert.ok(names.includes('orange-shout/index.js'), names.join());
      assert.ok(!names.some((n) => n.startsWith('.bin/')));

      // The project's own lockfile (relative paths, as npm writes them) is installed as it is.
      const production = JSON.parse(packageJson) as Record<string, unknown>;
      delete production.devDependencies;
      await writeFile(join(root, 'package.json'), JSON.stringify(production));
      const locked = await runTool(
        'npm',
        ['install', '--package-lock-only', '--ignore-scripts', '--offline', '--omit=dev'],
        { env: process.env, cwd: root, missing: (cause) => cause as Error },
      );
      assert.equal(locked.exitCode, 0, locked.stderr);
      const declaration = await readNpmDeclaration(root);
      assert.equal(declaration?.lockfile?.name, 'package-lock.json');
      const fromLock = await resolveNpmDependencies(declaration!, options);
      assert.equal(fromLock.cached, false);
      assert.deepEqual(
        fromLock.packages.map((p) => p.name),
        ['orange-shout'],
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
