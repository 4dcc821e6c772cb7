import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateMnemonic, runJob, walletFromSecret, writeKeystore } from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork } from './testing/local-network.js';

// The daemon's built start, as operators run it (the e2e script builds it first).
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('a provider whose first RPC URL is down', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let dir: string;
  let daemon: ChildProcess | undefined;
  let stderr = '';
  let down: Server;
  let downRequests = 0;
  let provider: `0x${string}`;

  before(async () => {
    net = await LocalNetwork.start();
    dir = await mkdtemp(join(tmpdir(), 'orange-rpc-fallback-'));
    // The first URL answers every request with 503, as an RPC node behind a failing proxy does;
    // counting them shows the daemon did try it.
    down = createServer((req, res) => {
      downRequests++;
      req.resume();
      res.writeHead(503).end('down');
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const downUrl = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;

    const mnemonic = generateMnemonic();
    await writeKeystore(join(dir, 'wallet.json'), { mnemonic }, '');
    provider = walletFromSecret({ mnemonic }).account.address;
    await fundOnDevnet(net.connection, provider);
    const { chainId, marketAddress, deployBlock } = net.connection;
    // No wsUrl: new blocks are polled, through the same RPC URLs.
    const config = {
      network: {
        chainId,
        rpcUrls: [downUrl, net.connection.rpcUrl],
        marketAddress,
        deployBlock: deployBlock.toString(),
        pollingIntervalMs: 100,
      },
      keystore: join(dir, 'wallet.json'),
      offer: { cores: 1, memoryMb: 512, pricePerCoreSecond: '1000', runtimes: ['python3'] },
      ipfs: { mode: 'embedded', listen: ['/ip4/127.0.0.1/tcp/0'] },
      live: { host: '127.0.0.1', port: 0 },
      stateDir: join(dir, 'state'),
    };
    await writeFile(join(dir, 'provider.jsonc'), `// first RPC down\n${JSON.stringify(config)}`);
    daemon = spawn(process.execPath, [MAIN, 'run', '--config', join(dir, 'provider.jsonc')], {
      env: { ...process.env, ORANGE_PROVIDER_PASSPHRASE: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    daemon.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  });

  after(async () => {
    daemon?.kill('SIGTERM');
    await net?.stop();
    await new Promise((resolve) => down?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('registers, takes a job and completes it through the next URL', async () => {
    const requester = await net.addRequester();
    const until = Date.now() + 60_000;
    while (!requester.index.providers.get(provider)?.active) {
      if (daemon?.exitCode !== null) throw new Error(`the daemon exited: ${stderr}`);
      if (Date.now() > until) throw new Error(`the daemon did not register: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
      await requester.index.sync();
    }
    const outcome = await runJob(requester, {
      fileName: 'hello.py',
      source: new TextEncoder().encode('print("hello through the fallback")\n'),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 30,
    });
    assert.equal(outcome.status, 'completed', `${outcome.stderr}\n${stderr}`);
    assert.equal(outcome.stdout, 'hello through the fallback\n');
    assert.equal(outcome.provider, provider);
    assert.ok(downRequests > 0, 'the daemon tried the first URL');
  });
});
