import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, homePaths, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { writeTestWheel } from '@orange-cloud/sdk/testing';
import { LocalNetwork } from '@orange-cloud/provider-daemon/testing';
import { runCli } from './testing/run-cli.js';

const NUMPY_JOB = 'import numpy as np\nprint("numpy", np.__version__, int(np.arange(10).sum()))\n';
/** The same job declaring numpy in its PEP 723 metadata: python-data holds it, so no wheel travels. */
const DECLARED_NUMPY_JOB = `# /// script\n# dependencies = ["numpy>=1.20"]\n# ///\n${NUMPY_JOB}`;

describe('orange run picks the runtime from the imports', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];
  let script: string;
  let declaring: string;
  /** pip with no index and nowhere to look: any fetch fails, so a run proves pip was not needed. */
  let noPip: NodeJS.ProcessEnv;

  before(async () => {
    net = await LocalNetwork.start();
    await net.addProvider({ runtimes: ['python3'] });
    const mnemonic = generateMnemonic();
    // a funded wallet that has authorized the market's payments
    const wallet = walletFromSecret({ mnemonic });
    await fundOnDevnet(net.connection, wallet.account.address);
    await (await net.addRequester(wallet)).close();
    home = await mkdtemp(join(tmpdir(), 'orange-cli-runtime-'));
    await writeKeystore(homePaths(home).wallet, { mnemonic }, '');
    env = { ORANGE_HOME: home, ORANGE_PASSPHRASE: '' };
    flags = ['--rpc-url', net.connection.rpcUrl, '--market', net.connection.marketAddress];
    const project = join(home, 'numbers');
    await mkdir(project);
    script = join(project, 'main.py');
    await writeFile(script, NUMPY_JOB);
    const declaringProject = join(home, 'declared');
    await mkdir(declaringProject);
    declaring = join(declaringProject, 'main.py');
    await writeFile(declaring, DECLARED_NUMPY_JOB);
    noPip = { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1' };
  });

  after(async () => {
    await net?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('with only python3 providers, refuses `import numpy` before posting, with the fix', async () => {
    const r = await runCli(['run', script, ...flags], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /numpy is not available on python3: declare it in the script's dependencies, or run on python-data\n/,
    );
    assert.match(
      r.stderr,
      /No provider on this network offers python-data right now\. Nothing was posted\./,
    );
    const jobs = await runCli(['jobs', '--json', ...flags], env);
    assert.deepEqual(JSON.parse(jobs.stdout), []);
  });

  it('with only python3 providers, refuses a .js entry (node) before posting, naming what is offered', async () => {
    const entry = join(home, 'numbers', 'main.js');
    await writeFile(entry, 'console.log(6 * 7);\n');
    const r = await runCli(['run', entry, '--json', ...flags], env);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(JSON.parse(r.stdout).error.code, 'RUNTIME_NOT_OFFERED');
    assert.match(
      r.stderr,
      /No provider on this network offers the node runtime right now \(offered: python3\)\./,
    );
    assert.match(r.stderr, /Nothing was posted\./);
    const asked = await runCli(['run', script, '--runtime', 'wasi', ...flags], env);
    assert.equal(asked.code, 2, asked.stderr);
    assert.match(asked.stderr, /The wasi runtime runs \.wasm files, not main\.py\./);
    const jobs = await runCli(['jobs', '--json', ...flags], env);
    assert.deepEqual(JSON.parse(jobs.stdout), []);
  });

  it('with only python3 providers, refuses a declared numpy>=1.20 left to python-data, before posting', async () => {
    const r = await runCli(['run', declaring, ...flags], noPip);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /The declared numpy>=1\.20 is left to the runtime, but no runtime on offer holds it at a compatible version; python-data has it\./,
    );
    assert.match(r.stderr, /No provider on this network offers python-data right now\./);
    assert.doesNotMatch(r.stderr, /fetching wheels/);
    const jobs = await runCli(['jobs', '--json', ...flags], env);
    assert.deepEqual(JSON.parse(jobs.stdout), []);
  });

  it('sends `import numpy` to python-data by itself once a provider offers it, and says why', async () => {
    await net.addProvider({ runtimes: ['python3', 'python-data'] });
    const listed = await runCli(['providers', ...flags], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ {2}python-data \(Python 3\.11\.\d+; .*numpy \d+\.\d+\.\d+/m);

    const r = await runCli(['run', script, ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /runtime python-data: python-data has numpy, which python3 lacks \(numpy \d+\.\d+\.\d+\)/,
    );
    assert.match(r.stdout, /^numpy \d+\.\d+\.\d+ 45\n$/);
  });

  it('--runtime python3 is refused for the same script, pointing at python-data', async () => {
    const r = await runCli(['run', script, '--runtime', 'python3', '--json', ...flags], env);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'IMPORTS_MISSING');
    assert.match(r.stderr, /numpy is not available on python3: .*, or run on python-data\n/);
  });

  it('runs a script declaring numpy>=1.20 on python-data without fetching numpy, and says so', async () => {
    const r = await runCli(['run', declaring, ...flags], noPip);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /dependencies from script metadata: numpy>=1\.20 from python-data\n/);
    assert.doesNotMatch(r.stderr, /fetching wheels/);
    assert.match(r.stderr, /runtime python-data: /);
    assert.match(r.stdout, /^numpy 1\.24\.\d+ 45\n$/);

    const json = await runCli(['run', declaring, '--json', ...flags], noPip);
    assert.equal(json.code, 0, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.runtime.name, 'python-data');
    assert.deepEqual(out.project.dependencies.fromRuntime, [
      { requirement: 'numpy>=1.20', runtime: 'python-data' },
    ]);
    assert.deepEqual(out.project.dependencies.wheels, []);
    assert.equal(out.installMs, null, 'nothing was installed before the entry ran');
  });

  it('--runtime python3 fetches the declared numpy instead, so pip with no index refuses it', async () => {
    const r = await runCli(['run', declaring, '--runtime', 'python3', '--json', ...flags], noPip);
    assert.equal(r.code, 2);
    assert.equal(JSON.parse(r.stdout).error.code, 'DEPENDENCY_NO_WHEEL');
    assert.match(r.stderr, /numpy/);
  });
  it('runs the .js entry on node once a provider offers it, which `providers` lists with its version', async () => {
    await net.addProvider({ runtimes: ['node', 'wasi'] });
    const listed = await runCli(['providers', ...flags], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^ {2}node \(Node\.js 18\.\d+\.\d+\)$/m);
    assert.match(listed.stdout, /^ {2}wasi \(Node\.js 18\.\d+\.\d+\)$/m);
    const r = await runCli(['run', join(home, 'numbers', 'main.js'), ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '42\n');
    assert.match(r.stderr, /runtime node: it runs \.js files/);
  });

  describe('declared dependencies, resolved for the runtime the market offers', () => {
    let links: string;
    /** pip offline: no index, no user or global configuration, only the wheels this test made. */
    let pipEnv: NodeJS.ProcessEnv;
    before(async () => {
      links = await mkdtemp(join(tmpdir(), 'orange-links-'));
      await writeTestWheel(links, {
        name: 'orange_greeting',
        version: '1.0',
        files: { 'orange_greeting.py': 'HI = "hi"\n' },
      });
      await writeTestWheel(links, {
        name: 'orange_native',
        version: '1.0',
        tag: 'cp311-cp311-macosx_11_0_arm64',
        files: { 'orange_native.py': 'X = 1\n' },
      });
      await writeFile(join(links, 'orange_source-1.0.tar.gz'), 'not really an sdist');
      pipEnv = { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: links };
    });
    after(() => rm(links, { recursive: true, force: true }));

    /** A project of its own whose main.py has this PEP 723 block. */
    async function declaringProject(name: string, lines: string[]): Promise<string> {
      const root = join(home, name);
      await mkdir(root);
      const main = join(root, 'main.py');
      const block = ['# /// script', ...lines.map((l) => `# ${l}`), '# ///', 'print(1)', ''];
      await writeFile(main, block.join('\n'));
      return main;
    }
    /** How many jobs this wallet has posted: a refusal leaves it as it was. */
    const jobCount = async () =>
      (JSON.parse((await runCli(['jobs', '--json', ...flags], env)).stdout) as unknown[]).length;

    it("names the wheels fetched for the providers' advertised Python and platform, posting nothing", async () => {
      const main = await declaringProject('deps-ok', ['dependencies = ["orange_greeting"]']);
      const before = await jobCount();
      const r = await runCli(['providers', '--for', main, ...flags], pipEnv);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /› fetching wheels for orange_greeting \(from script metadata\) with pip, for CPython 3\.11 on Linux x86-64 \(glibc 2\.\d+\)…\n/,
      );
      assert.match(
        r.stderr,
        /› dependencies from script metadata: 1 wheel, [\d.]+ (B|KiB) \(orange_greeting 1\.0 [\d.]+ (B|KiB)\)\n/,
      );
      assert.equal(await jobCount(), before, 'nothing was posted');
    });

    for (const [name, why] of [
      ['orange_native', 'only a macOS wheel'],
      ['orange_source', 'only a source archive'],
    ]) {
      it(`refuses ${name} (${why}), naming it, and posts nothing`, async () => {
        const main = await declaringProject(`deps-${name}`, [`dependencies = ["${name}"]`]);
        const before = await jobCount();
        const r = await runCli(['run', main, '--json', ...flags], pipEnv);
        assert.equal(r.code, 2);
        assert.equal(JSON.parse(r.stdout).error.code, 'DEPENDENCY_NO_WHEEL');
        assert.match(r.stderr, new RegExp(`${name} has no wheel for the runtime's CPython 3\\.11`));
        assert.match(r.stderr, /Nothing was posted/);
        assert.equal(await jobCount(), before, 'nothing was posted');
      });
    }

    it('refuses a requires-python no provider offers, naming what is offered', async () => {
      const main = await declaringProject('deps-python', [
        'requires-python = ">=3.13"',
        'dependencies = []',
      ]);
      const before = await jobCount();
      const r = await runCli(['run', main, '--json', ...flags], pipEnv);
      assert.equal(r.code, 2);
      assert.equal(JSON.parse(r.stdout).error.code, 'REQUIRES_PYTHON_UNMET');
      assert.match(
        r.stderr,
        /main\.py requires Python >=3\.13, but no provider offers it \(python3 has 3\.11\.\d+, python-data has 3\.11\.\d+\)/,
      );
      assert.equal(await jobCount(), before, 'nothing was posted');
    });

    it('says pip is missing when there is no python3 to run it', async () => {
      // A requirement set not fetched before: a cached one needs no pip.
      const main = await declaringProject('deps-nopip', [
        'dependencies = ["orange_greeting==1.0"]',
      ]);
      const before = await jobCount();
      const empty = await mkdtemp(join(tmpdir(), 'orange-nopath-'));
      const r = await runCli(['run', main, '--json', ...flags], { ...pipEnv, PATH: empty });
      await rm(empty, { recursive: true, force: true });
      assert.equal(JSON.parse(r.stdout).error.code, 'PIP_MISSING');
      assert.match(r.stderr, /pip is needed to fetch their wheels and python3 was not found/);
      assert.equal(await jobCount(), before, 'nothing was posted');
    });
  });
});
