import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMnemonic, homePaths, writeKeystore } from '@orange-cloud/sdk';
import { freePort } from '@orange-cloud/sdk/devnet';
import { runCli } from './testing/run-cli.js';

describe('orange CLI: bad input fails clearly and posts nothing', function () {
  this.timeout(60_000);
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'orange-cli-'));
    env = { ORANGE_HOME: home, ORANGE_PASSPHRASE: '' };
  });
  after(() => rm(home, { recursive: true, force: true }));

  it('names a missing file', async () => {
    const r = await runCli(['run', join(home, 'nope.py')], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Cannot read .*nope\.py: ENOENT/);
    assert.match(r.stderr, /Nothing was posted/);
  });

  it('refuses an empty file before touching the network', async () => {
    const file = join(home, 'empty.py');
    await writeFile(file, '');
    const r = await runCli(['run', file], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /empty/i);
  });

  it('refuses a binary file', async () => {
    const file = join(home, 'image.py');
    await writeFile(
      file,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]),
    );
    const r = await runCli(['run', file], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /UTF-8/);
  });

  it('says the devnet is down when it is', async () => {
    const file = join(home, 'ok.py');
    await writeFile(file, 'print(1)\n');
    const r = await runCli(['run', file, '--json'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /devnet is not running/);
    assert.equal(JSON.parse(r.stdout).error.code, 'DEVNET_DOWN');
  });

  it('says the RPC is unreachable when it is', async () => {
    const file = join(home, 'ok.py');
    const port = await freePort();
    const withWallet = await mkdtemp(join(tmpdir(), 'orange-cli-wallet-'));
    await writeKeystore(homePaths(withWallet).wallet, { mnemonic: generateMnemonic() }, '');
    const r = await runCli(
      [
        'run',
        file,
        '--rpc-url',
        `http://127.0.0.1:${port}`,
        '--market',
        '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      ],
      { ...env, ORANGE_HOME: withWallet },
    );
    await rm(withWallet, { recursive: true, force: true });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`Cannot reach the chain RPC at http://127.0.0.1:${port}`));
  });

  it('rejects nonsense flags with usage help', async () => {
    const r = await runCli(['run', 'x.py', '--cpus', 'many'], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--cpus must be a positive whole number/);
  });

  it('needs a wallet to run', async () => {
    const port = await freePort();
    const r = await runCli(['wallet', 'show', '--rpc-url', `http://127.0.0.1:${port}`], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /orange wallet create/);
  });
});
