import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMnemonic, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork, type TestRequester } from '../testing/local-network.js';

// The daemon's built start, as operators run it (the e2e script builds it first).
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Runs the daemon to its end; resolves with its exit code and what it wrote to stderr. */
function runDaemon(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, ORANGE_PROVIDER_PASSPHRASE: '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a daemon started with a bad config', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let dir: string;
  let requester: TestRequester;
  let provider: `0x${string}`;
  let config: Record<string, unknown>;

  before(async () => {
    net = await LocalNetwork.start();
    dir = await mkdtemp(join(tmpdir(), 'orange-bad-config-'));
    const mnemonic = generateMnemonic();
    await writeKeystore(join(dir, 'wallet.json'), { mnemonic }, '');
    await writeFile(join(dir, 'garbage.json'), '{"kind": "something else"}');
    provider = walletFromSecret({ mnemonic }).account.address;
    // Funded: a refusal is the config's doing, not a wallet that could not pay for registering.
    await fundOnDevnet(net.connection, provider);
    requester = await net.addRequester();
    config = {
      network: { ...net.connection, deployBlock: net.connection.deployBlock.toString() },
      keystore: join(dir, 'wallet.json'),
      offer: { cores: 1, memoryMb: 512, pricePerCoreSecond: '1000', runtimes: ['python3'] },
      ipfs: { mode: 'embedded', listen: ['/ip4/127.0.0.1/tcp/0'] },
      live: { host: '127.0.0.1', port: 0 },
      stateDir: join(dir, 'state'),
    };
  });

  after(async () => {
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function refused(
    name: string,
    changes: Record<string, unknown>,
    message: RegExp,
    options: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
  ): Promise<void> {
    const file = join(dir, `${name}.jsonc`);
    await writeFile(file, `// ${name}\n${JSON.stringify({ ...config, ...changes }, null, 2)}`);
    const { code, stderr } = await runDaemon(
      ['run', '--config', file, ...(options.args ?? [])],
      options.env ?? {},
    );
    assert.equal(code, 1, `${name}: exit code (stderr: ${stderr})`);
    assert.match(stderr, message, name);
  }

  it('exits non-zero naming the field, and registers nothing', async () => {
    const machineMb = Math.floor(totalmem() / (1024 * 1024));
    const offer = config.offer as Record<string, unknown>;
    await refused(
      'too-many-cores',
      { offer: { ...offer, cores: availableParallelism() + 1 } },
      new RegExp(
        `offer\\.cores is ${availableParallelism() + 1}, more than the ${availableParallelism()} cores? this machine has`,
      ),
    );
    await refused(
      'too-much-memory',
      { offer: { ...offer, memoryMb: machineMb + 1 } },
      new RegExp(`offer\\.memoryMb is ${machineMb + 1} MB, more than the ${machineMb} MB`),
    );
    await refused(
      'unknown-runtime',
      { offer: { ...offer, runtimes: ['python3', 'cobol'] } },
      /offer\.runtimes names "cobol", which is no known runtime/,
    );
    await refused(
      'negative-price',
      { offer: { ...offer, pricePerCoreSecond: '-1' } },
      /offer\.pricePerCoreSecond must be a whole number of wei, zero or more, not "-1"/,
    );
    await refused(
      'missing-keystore',
      { keystore: join(dir, 'nope.json') },
      /keystore .*nope\.json does not exist/,
    );
    await refused(
      'garbage-keystore',
      { keystore: join(dir, 'garbage.json') },
      /keystore cannot be used: .*damaged/,
    );
    await refused(
      'wrong-passphrase',
      {},
      /keystore .* does not open with the passphrase in ORANGE_PROVIDER_PASSPHRASE/,
      {
        env: { ORANGE_PROVIDER_PASSPHRASE: 'not it' },
      },
    );
    // gVisor is not installed on this machine: Docker does not know runsc
    await refused(
      'runsc-missing',
      { sandbox: { runtime: 'runsc' } },
      /sandbox\.runtime "runsc" is not known to the Docker engine/,
    );
    await refused('override-cores', {}, /--cores \(offer\.cores\) is 999/, {
      args: ['--cores', '999'],
    });
    await refused('override-price', {}, /ORANGE_PROVIDER_PRICE must be a whole number of wei/, {
      env: { ORANGE_PROVIDER_PRICE: '-7' },
    });

    await requester.index.sync();
    assert.equal(requester.index.providers.size, 0, 'no provider registered');
    const sent = await requester.market.publicClient.getTransactionCount({ address: provider });
    assert.equal(sent, 0, 'the provider sent no transaction at all');
  });
});
