import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, homePaths, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { writeTestNpmPackage } from '@orange-cloud/sdk/testing';
import { LocalNetwork } from '@orange-cloud/provider-daemon/testing';
import { runCli } from './testing/run-cli.js';

/**
 * `orange run` on a Node.js project whose npm dependency has an install script: refused before
 * posting, naming it and the flag; with `--allow-install-scripts` the script runs in the
 * provider's container. npm is the user's own, configured offline by an `npm_config_*`
 * variable (its configuration applies), with the dependency from a `file:` tarball.
 */
describe('orange run with npm dependencies', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];
  let entry: string;

  before(async () => {
    net = await LocalNetwork.start();
    await net.addProvider({ runtimes: ['node'] });
    const mnemonic = generateMnemonic();
    const wallet = walletFromSecret({ mnemonic });
    await fundOnDevnet(net.connection, wallet.account.address);
    await (await net.addRequester(wallet)).close();
    home = await mkdtemp(join(tmpdir(), 'orange-cli-npm-'));
    await writeKeystore(homePaths(home).wallet, { mnemonic }, '');
    env = { ORANGE_HOME: home, ORANGE_PASSPHRASE: '', npm_config_offline: 'true' };
    flags = ['--rpc-url', net.connection.rpcUrl, '--market', net.connection.marketAddress];
    const vendor = join(home, 'vendor');
    await mkdir(vendor);
    await writeTestNpmPackage(vendor, {
      name: 'orange-built',
      version: '1.0.0',
      manifest: {
        scripts: { postinstall: `node -e "require('fs').writeFileSync('built.txt', 'built')"` },
      },
      files: {
        'index.js':
          "module.exports = require('fs').readFileSync(__dirname + '/built.txt', 'utf8');\n",
      },
    });
    const project = join(home, 'app');
    await mkdir(project);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ dependencies: { 'orange-built': 'file:../vendor/orange-built-1.0.0.tgz' } }),
    );
    entry = join(project, 'main.cjs');
    await writeFile(entry, "console.log(require('orange-built'), 'in the container');\n");
  });

  after(async () => {
    await net?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('refuses a dependency with an install script before posting, naming it and the way out', async () => {
    const r = await runCli(['run', entry, ...flags], env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /A dependency has install scripts.*orange-built@1\.0\.0 \(postinstall: node -e/,
    );
    assert.match(r.stderr, /--allow-install-scripts/);
    assert.match(r.stderr, /Nothing was posted\./);
    const jobs = await runCli(['jobs', '--json', ...flags], env);
    assert.deepEqual(JSON.parse(jobs.stdout), []);
  });

  it('with --allow-install-scripts, runs the script in the container before the entry', async () => {
    const r = await runCli(['run', entry, '--allow-install-scripts', ...flags], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'built in the container\n');
    assert.match(
      r.stderr,
      /dependencies from package\.json: 1 npm package, .*install scripts allowed, run in the container for orange-built 1\.0\.0/,
    );
  });

  it('runs again from the cached tree, npm not called, and --json says so', async () => {
    const r = await runCli(['run', entry, '--allow-install-scripts', '--json', ...flags], {
      ...env,
      // no npm at all: the second run must not need it
      PATH: '/nonexistent',
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      stdout: string;
      project: { npm: { packages: string[]; cached: boolean; installScripts: string[] } };
      installMs: number;
    };
    assert.equal(out.stdout, 'built in the container\n');
    assert.deepEqual(out.project.npm.packages, ['orange-built 1.0.0']);
    assert.equal(out.project.npm.cached, true);
    assert.deepEqual(out.project.npm.installScripts, ['orange-built 1.0.0']);
    assert.ok(Number.isInteger(out.installMs), `installMs ${out.installMs}`);
  });
});
