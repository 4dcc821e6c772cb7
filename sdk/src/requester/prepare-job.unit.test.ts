import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MarketIndex } from '../chain/market-index.js';
import type { NpmRunner } from '../dependencies/npm/npm-runner.js';
import type { PipOutcome, PipRunner } from '../dependencies/pip-runner.js';
import { NODE_MODULES_ARCHIVE, unpackPayload } from '../job/payload.js';
import { readProject, readScriptAlone } from '../project/pack-project.js';
import { runtimesThatMayHold } from '../runtime/runtime-catalog.js';
import { parseRuntimes } from '../runtime/runtime-descriptor.js';
import { prepareJob } from './prepare-job.js';

/** A market whose one active provider registered this runtimes string. */
function market(runtimes: string): { index: MarketIndex } {
  const descriptors = runtimes === '' ? [] : parseRuntimes(runtimes);
  const providers =
    descriptors.length === 0
      ? []
      : [
          {
            address: '0x0000000000000000000000000000000000000001',
            runtimes: descriptors.map((d) => d.name),
            runtimeDescriptors: descriptors,
          },
        ];
  let reads = 0;
  const index = {
    sync: async () => {
      reads++;
    },
    activeProviders: () => providers,
    get reads() {
      return reads;
    },
  };
  return { index: index as unknown as MarketIndex };
}

/** A pip that records its calls and saves these wheels into --dest. */
function fakePip(wheels: string[]): PipRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(args): Promise<PipOutcome> {
      calls.push([...args]);
      const dest = args[args.indexOf('--dest') + 1]!;
      for (const wheel of wheels) await writeFile(join(dest, wheel), `bytes of ${wheel}`);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}

const valuesOf = (args: readonly string[], flag: string) =>
  args.filter((_, i) => args[i - 1] === flag);

const script = (block: string[], body: string) =>
  new TextEncoder().encode(
    ['# /// script', ...block.map((l) => `# ${l}`), '# ///', body, ''].join('\n'),
  );

describe('preparing a job: the runtime first, then wheels for what it advertises', () => {
  let cacheDir: string;
  beforeEach(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'orange-prepare-'));
  });
  afterEach(() => rm(cacheDir, { recursive: true, force: true }));

  const source = (pip: PipRunner) => ({ cacheDir, pip, runtimes: runtimesThatMayHold() });

  it("asks pip for the chosen runtime's advertised Python and platform, not the catalog's", async () => {
    const project = await readScriptAlone(
      '/tmp/main.py',
      script(['dependencies = ["orange_greeting"]'], 'import orange_greeting'),
    );
    const pip = fakePip(['orange_greeting-1.0-py3-none-any.whl']);
    const ctx = market('python3@3.12.4/linux-aarch64/glibc-2.39[pip=24.0]');
    const job = await prepareJob(ctx, {}, project, source(pip));
    assert.equal(job.runtime.runtime, 'python3');
    assert.equal(pip.calls.length, 1);
    const args = pip.calls[0]!;
    assert.deepEqual(valuesOf(args, '--python-version'), ['3.12.4']);
    assert.deepEqual(valuesOf(args, '--abi'), ['cp312', 'abi3', 'none']);
    assert.equal(valuesOf(args, '--platform')[0], 'manylinux_2_39_aarch64');
    assert.ok(!valuesOf(args, '--platform').some((p) => p.includes('x86_64')));
    assert.equal(job.target?.label, 'CPython 3.12 on Linux ARM64 (glibc 2.39)');
    assert.deepEqual(
      job.payload.summary.dependencies?.wheels.map((w) => w.path),
      ['orange_greeting-1.0-py3-none-any.whl'],
    );
    assert.equal((ctx.index as unknown as { reads: number }).reads, 1, 'the market is read once');
  });

  it('refuses a requires-python no provider offers, naming what is offered, before pip', async () => {
    const project = await readScriptAlone(
      '/tmp/main.py',
      script(['requires-python = ">=3.13"', 'dependencies = ["orange_greeting"]'], 'print(1)'),
    );
    const pip = fakePip([]);
    await assert.rejects(
      prepareJob(
        market(
          'python3@3.11.2/linux-x86_64/glibc-2.36[],python-data@3.12.1/linux-x86_64/glibc-2.36[]',
        ),
        {},
        project,
        source(pip),
      ),
      {
        code: 'REQUIRES_PYTHON_UNMET',
        message:
          'main.py requires Python >=3.13, but no provider offers it (python3 has 3.11.2, python-data has 3.12.1).',
      },
    );
    await assert.rejects(
      prepareJob(
        market(
          'python3@3.11.2/linux-x86_64/glibc-2.36[],python-data@3.13.0/linux-x86_64/glibc-2.36[]',
        ),
        { runtime: 'python3' },
        project,
        source(pip),
      ),
      {
        code: 'REQUIRES_PYTHON_UNMET',
        message: /no provider offers python3 with it \(python3 has 3\.11\.2\)/,
      },
    );
    assert.equal(pip.calls.length, 0);
  });

  it('routes to the runtime whose Python meets requires-python, and fetches for it', async () => {
    const project = await readScriptAlone(
      '/tmp/main.py',
      script(
        ['requires-python = ">=3.12"', 'dependencies = ["orange_greeting"]'],
        'import orange_greeting',
      ),
    );
    const pip = fakePip(['orange_greeting-1.0-py3-none-any.whl']);
    const job = await prepareJob(
      market(
        'python3@3.11.2/linux-x86_64/glibc-2.36[],python-data@3.12.1/linux-x86_64/glibc-2.36[]',
      ),
      {},
      project,
      source(pip),
    );
    assert.equal(job.runtime.runtime, 'python-data');
    assert.match(job.runtime.reason, /python3 is not offered with the Python the job requires/);
    assert.deepEqual(valuesOf(pip.calls[0]!, '--python-version'), ['3.12.1']);
  });

  it("falls back to the catalog's python3 only when no provider advertises anything", async () => {
    const project = await readScriptAlone(
      '/tmp/main.py',
      script(['dependencies = ["orange_greeting"]'], 'import orange_greeting'),
    );
    const pip = fakePip(['orange_greeting-1.0-py3-none-any.whl']);
    const job = await prepareJob(market(''), {}, project, source(pip));
    assert.equal(job.target?.label, 'CPython 3.11 on Linux x86-64 (glibc 2.36)');
    assert.deepEqual(valuesOf(pip.calls[0]!, '--python-version'), ['3.11.2']);
  });

  it('counts the wheels pip pulls in before refusing an import no declared name explains', async () => {
    const project = await readScriptAlone(
      '/tmp/main.py',
      script(['dependencies = ["requests"]'], 'import requests\nimport urllib3'),
    );
    const pip = fakePip(['requests-2.31.0-py3-none-any.whl', 'urllib3-2.0.7-py3-none-any.whl']);
    const job = await prepareJob(
      market('python3@3.11.2/linux-x86_64/glibc-2.36[]'),
      {},
      project,
      source(pip),
    );
    assert.equal(job.runtime.runtime, 'python3');
    assert.equal(pip.calls.length, 1);
  });

  it('refuses wheels for a runtime on a platform it cannot tag, naming it', async () => {
    const project = await readScriptAlone(
      '/tmp/main.py',
      script(['dependencies = ["orange_greeting"]'], 'import orange_greeting'),
    );
    await assert.rejects(
      prepareJob(
        market('python3@3.12.4/linux-x86_64/musl-1.2[]'),
        {},
        project,
        source(fakePip([])),
      ),
      { code: 'DEPENDENCY_TARGET_UNKNOWN', message: /linux-x86_64 with musl-1\.2/ },
    );
  });

  it('chooses as before, with no pip, when nothing is declared', async () => {
    const project = await readScriptAlone('/tmp/main.py', new TextEncoder().encode('print(1)\n'));
    const pip = fakePip([]);
    const job = await prepareJob(
      market('python3@3.11.2/linux-x86_64/glibc-2.36[]'),
      {},
      project,
      source(pip),
    );
    assert.equal(job.runtime.runtime, 'python3');
    assert.equal(job.payload, project.packed);
    assert.equal(pip.calls.length, 0);
  });
});

describe("preparing a Node.js job: package.json's npm tree for the chosen runtime", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orange-prepare-npm-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** An npm that installs each declared dependency as a folder under --prefix. */
  function fakeNpm(scripts: Record<string, string> = {}): NpmRunner & { calls: string[][] } {
    const calls: string[][] = [];
    return {
      calls,
      version: async () => '11.0.0',
      async run(args) {
        calls.push([...args]);
        const prefix = args[args.indexOf('--prefix') + 1]!;
        const { dependencies } = JSON.parse(
          await readFile(join(prefix, 'package.json'), 'utf8'),
        ) as { dependencies: Record<string, string> };
        for (const name of Object.keys(dependencies)) {
          await mkdir(join(prefix, 'node_modules', name), { recursive: true });
          await writeFile(
            join(prefix, 'node_modules', name, 'package.json'),
            JSON.stringify({ name, version: '1.0.0', scripts }),
          );
        }
        return { exitCode: 0, stdout: '', stderr: '' };
      },
    };
  }
  const project = async (entry: string, source: string) => {
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'app', dependencies: { shout: '^1.0.0' } }),
    );
    await writeFile(join(dir, entry), source);
    return readProject({ entryFile: join(dir, entry), ceiling: dir });
  };
  const sources = (npm: NpmRunner, allowInstallScripts = false) => ({
    cacheDir: join(dir, 'wheels'),
    pip: fakePip([]),
    npm: { cacheDir: join(dir, 'npm-cache'), npm, allowInstallScripts },
  });

  it('packs the tree npm prepared for the node runtime, for linux x64 glibc', async () => {
    const npm = fakeNpm();
    const job = await prepareJob(
      market('node'),
      {},
      await project('main.js', "require('shout');\n"),
      sources(npm),
    );
    assert.equal(job.runtime.runtime, 'node');
    assert.deepEqual(valuesOf(npm.calls[0]!, '--cpu'), ['x64']);
    assert.deepEqual(valuesOf(npm.calls[0]!, '--libc'), ['glibc']);
    const payload = await unpackPayload(job.payload.bytes);
    assert.deepEqual(payload.npm, { installScripts: false });
    assert.ok(payload.files.some((f) => f.path === NODE_MODULES_ARCHIVE));
    assert.deepEqual(job.payload.summary.npm?.packages, ['shout 1.0.0']);
  });

  it('leaves a package.json beside a Python entry alone: npm is not called', async () => {
    const npm = fakeNpm();
    const job = await prepareJob(
      market('python3@3.11.2/linux-x86_64/glibc-2.36[]'),
      {},
      await project('main.py', 'print(1)\n'),
      sources(npm),
    );
    assert.equal(job.runtime.runtime, 'python3');
    assert.equal(npm.calls.length, 0);
    assert.equal((await unpackPayload(job.payload.bytes)).npm, undefined);
  });

  it('refuses install scripts the user did not allow, and carries the allowance when given', async () => {
    const npm = fakeNpm({ postinstall: 'node build.js' });
    const node = await project('main.js', "require('shout');\n");
    await assert.rejects(prepareJob(market('node'), {}, node, sources(npm)), {
      code: 'NPM_INSTALL_SCRIPTS',
      message: /shout@1\.0\.0 \(postinstall: node build\.js\)/,
    });
    const allowed = await prepareJob(market('node'), {}, node, sources(npm, true));
    assert.deepEqual((await unpackPayload(allowed.payload.bytes)).npm, { installScripts: true });
  });
});
