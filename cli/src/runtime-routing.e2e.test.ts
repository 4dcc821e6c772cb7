import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, homePaths, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork } from '@orange-cloud/provider-daemon/testing';
import { runCli } from './testing/run-cli.js';

const NUMPY_JOB = 'import numpy as np\nprint("numpy", np.__version__, int(np.arange(10).sum()))\n';

describe('orange run picks the runtime from the imports', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let home: string;
  let env: NodeJS.ProcessEnv;
  let flags: string[];
  let script: string;

  before(async () => {
    net = await LocalNetwork.start();
    await net.addProvider({ runtimes: ['python3'] });
    const mnemonic = generateMnemonic();
    // a funded wallet that has authorised the market's payments
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
});
