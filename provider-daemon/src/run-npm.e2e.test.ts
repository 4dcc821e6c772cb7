import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import {
  dependencySummaryLine,
  prepareJob,
  readProject,
  runJob,
  systemNpm,
  type NpmSource,
} from '@orange-cloud/sdk';
import { writeTestNpmPackage } from '@orange-cloud/sdk/testing';
import { LocalNetwork, type TestRequester } from './testing/local-network.js';

async function writeProject(root: string, files: Record<string, string>) {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/**
 * A Node.js project with npm dependencies, end to end (anvil, Docker, IPFS, Umbral): the
 * requester's own npm prepares the tree offline from `file:` tarballs this test packs (no
 * registry), the tree travels sealed with the project, the provider installs it offline in the
 * node container. A dependency with an install script is refused before anything is posted;
 * allowed, its script runs in the container before the entry.
 */
describe('end to end: a Node.js project with npm dependencies', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let requester: TestRequester;
  let folder: string;
  let npm: (allowInstallScripts: boolean) => NpmSource;

  before(async () => {
    net = await LocalNetwork.start();
    await net.addProvider({ runtimes: ['node'] });
    requester = await net.addRequester();
    folder = await mkdtemp(join(tmpdir(), 'orange-e2e-npm-'));
    const vendor = join(folder, 'vendor');
    await mkdir(vendor);
    await writeTestNpmPackage(vendor, {
      name: 'orange-shout',
      version: '1.0.0',
      files: { 'index.js': 'module.exports = (s) => s.toUpperCase() + "!";\n' },
    });
    await writeTestNpmPackage(vendor, {
      name: 'orange-built',
      version: '1.0.0',
      manifest: {
        scripts: {
          postinstall: `node -e "require('fs').writeFileSync('built.txt', 'built in ' + process.version)"`,
        },
      },
      files: {
        'index.js':
          "module.exports = require('fs').readFileSync(__dirname + '/built.txt', 'utf8');\n",
      },
    });
    await writeProject(join(folder, 'app'), {
      'package.json': JSON.stringify({
        name: 'app',
        type: 'module',
        dependencies: { 'orange-shout': 'file:../vendor/orange-shout-1.0.0.tgz' },
      }),
      'main.js': [
        "import shout from 'orange-shout';",
        "import { greet } from './lib/greet.js';",
        "import { writeFileSync } from 'node:fs';",
        "const line = shout(greet('orange'));",
        "writeFileSync('out/greeting.txt', line);",
        'console.log(line);',
        '',
      ].join('\n'),
      'lib/greet.js': 'export const greet = (name) => `hello, ${name}`;\n',
    });
    // The project's own lockfile, written by npm as a user's would be: `npm ci` honours it.
    await promisify(execFile)(
      'npm',
      [
        'install',
        '--package-lock-only',
        '--ignore-scripts',
        '--offline',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: join(folder, 'app') },
    );
    await writeProject(join(folder, 'scripted'), {
      'package.json': JSON.stringify({
        name: 'scripted',
        dependencies: { 'orange-built': 'file:../vendor/orange-built-1.0.0.tgz' },
      }),
      'main.cjs': "console.log(require('orange-built'));\n",
    });
    const cacheDir = join(folder, 'npm-cache');
    npm = (allowInstallScripts) => ({
      cacheDir,
      npm: systemNpm(),
      npmArgs: ['--offline'],
      allowInstallScripts,
    });
  });

  after(async () => {
    await net?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const prepare = async (project: string, entry: string, allowInstallScripts = false) =>
    prepareJob(
      requester,
      {},
      await readProject({ entryFile: join(folder, project, entry), ceiling: folder }),
      { cacheDir: join(folder, 'wheels'), pip: unusedPip, npm: npm(allowInstallScripts) },
    );

  const run = (entry: string, prepared: Awaited<ReturnType<typeof prepare>>) =>
    runJob(requester, {
      fileName: entry,
      source: Buffer.from(prepared.payload.bytes),
      payload: prepared.payload,
      chosenRuntime: prepared.runtime,
      cores: 1,
      memoryMb: 256,
      timeoutSec: 60,
    });

  it('runs an ES module importing its npm dependency and a sibling module, returning out/', async () => {
    const prepared = await prepare('app', 'main.js');
    assert.equal(prepared.runtime.runtime, 'node');
    assert.match(
      dependencySummaryLine(prepared.payload.summary) ?? '',
      /^dependencies from package\.json: 1 npm package, .* \(orange-shout 1\.0\.0\)$/,
    );
    const outcome = await run('main.js', prepared);
    assert.equal(outcome.status, 'completed', outcome.stderr);
    assert.equal(outcome.stdout, 'HELLO, ORANGE!\n');
    assert.equal(outcome.stderr, '');
    assert.deepEqual(
      outcome.result?.outputs?.files.map((f) => [f.path, f.bytes]),
      [['greeting.txt', 'HELLO, ORANGE!'.length]],
    );
  });

  it('refuses a dependency with an install script, naming it, and posts nothing', async () => {
    const address = requester.wallet.account.address;
    const nonce = await requester.market.publicClient.getTransactionCount({ address });
    await assert.rejects(prepare('scripted', 'main.cjs'), {
      code: 'NPM_INSTALL_SCRIPTS',
      message: /orange-built@1\.0\.0 \(postinstall: node -e/,
    });
    assert.equal(await requester.market.publicClient.getTransactionCount({ address }), nonce);
  });

  it('runs the allowed install script in the container, offline, before the entry', async () => {
    const prepared = await prepare('scripted', 'main.cjs', true);
    assert.match(
      dependencySummaryLine(prepared.payload.summary) ?? '',
      /install scripts allowed, run in the container for orange-built 1\.0\.0$/,
    );
    const outcome = await run('main.cjs', prepared);
    assert.equal(outcome.status, 'completed', outcome.stderr);
    // Built by the container's Node.js 18, not the requester's.
    assert.match(outcome.stdout, /^built in v18\.\d+\.\d+\n$/);
  });
});

/** No Python project here: pip is never called. */
const unusedPip = {
  run: () => Promise.reject(new Error('pip must not be called for a Node.js project')),
};
