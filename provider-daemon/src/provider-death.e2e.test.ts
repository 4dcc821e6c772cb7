import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import {
  generateMnemonic,
  readFlowRate,
  runJob,
  superTokenAbi,
  walletFromSecret,
  writeKeystore,
} from '@orange-cloud/sdk';
import { fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { LocalNetwork } from './testing/local-network.js';
import { JOB_LABEL } from './sandbox/index.js';
import { REASON_CONTAINER_GONE } from './node/recovery-plan.js';

// The daemon's built start, as `orange devnet up` runs it (the test script builds it first).
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('a provider that dies mid-run', function () {
  this.timeout(120_000);
  let net: LocalNetwork;
  let dir: string;
  let daemon: ChildProcess | undefined;
  let providerAddress: `0x${string}`;

  before(async () => {
    // A short grace so the dead provider's job can be expired within the test.
    net = await LocalNetwork.start({ startWindowSec: 60, graceSec: 2 });
    dir = await mkdtemp(join(tmpdir(), 'orange-death-'));
    const mnemonic = generateMnemonic();
    await writeKeystore(join(dir, 'wallet.json'), { mnemonic }, '');
    const address = walletFromSecret({ mnemonic }).account.address;
    providerAddress = address;
    await fundOnDevnet(net.connection, address);
    const config = {
      network: { ...net.connection, deployBlock: net.connection.deployBlock.toString() },
      keystore: join(dir, 'wallet.json'),
      offer: { cores: 1, memoryMb: 512, pricePerCoreSecond: '1000', runtimes: ['python3'] },
      ipfs: { mode: 'embedded', listen: ['/ip4/127.0.0.1/tcp/0'] },
      live: { host: '127.0.0.1', port: 0 },
      checkpointMs: 500,
    };
    await writeFile(join(dir, 'provider.json'), JSON.stringify(config));
    daemon = startDaemon();
    const requester = await net.addRequester();
    const until = Date.now() + 30_000;
    while (!requester.index.providers.get(address)?.active) {
      if (Date.now() > until) throw new Error('the provider daemon did not register');
      await new Promise((r) => setTimeout(r, 200));
      await requester.index.sync();
    }
  });

  /** A real daemon process, so that "dies" means SIGKILL: no goodbye, no cleanup. */
  function startDaemon(): ChildProcess {
    return spawn(process.execPath, [MAIN, '--config', join(dir, 'provider.json')], {
      env: { ...process.env, ORANGE_PROVIDER_PASSPHRASE: '' },
      stdio: 'ignore',
    });
  }

  after(async () => {
    daemon?.kill('SIGKILL');
    await net?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves the output so far to the requester through its last checkpoint', async () => {
    const requester = await net.addRequester();
    let jobId = 0n;
    const notices: string[] = [];
    let streamed = '';
    const outcome = await runJob(
      requester,
      {
        fileName: 'long.py',
        source: new TextEncoder().encode(
          'import time\nfor i in range(100):\n    print(f"line {i}")\n    time.sleep(0.2)\n',
        ),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 10,
      },
      (stage) => {
        if (stage.stage === 'posted') jobId = stage.jobId;
        if (stage.stage === 'notice') notices.push(stage.message);
        // Once ten lines have streamed (2 s of the script's output: several 500 ms checkpoints,
        // however long the container took to start), the provider's machine dies.
        if (stage.stage === 'output') streamed += new TextDecoder().decode(stage.data);
        if (streamed.includes('line 9\n')) daemon?.kill('SIGKILL');
      },
    );
    // The dead provider's container is nobody's now: remove it.
    const docker = new Docker();
    for (const c of await docker.listContainers({
      all: true,
      filters: { label: [`${JOB_LABEL}=${jobId}`] },
    })) {
      await docker.getContainer(c.Id).remove({ force: true });
    }
    assert.equal(outcome.status, 'expired', `notices: ${notices.join(' | ')}`);
    assert.ok(outcome.result, 'a checkpoint result');
    assert.match(outcome.result.failure ?? '', /checkpoint/);
    const lines = outcome.stdout.split('\n').filter(Boolean);
    assert.ok(lines.length >= 3, `only ${lines.length} lines`);
    lines.forEach((line, i) => assert.equal(line, `line ${i}`));

    // The expiry stopped the flow, and the overrun past the deadline went back to the requester
    // from the provider's bond: the dead provider was paid exactly timeout + grace seconds (1000
    // wei per second here), counting what it holds in its wallet and in its bond.
    const reader = requester.market.publicClient;
    const terms = await requester.market.paymentTerms();
    const me = requester.wallet.account.address;
    assert.equal(
      await readFlowRate(reader, terms, me, providerAddress),
      0n,
      'no flow after expiry',
    );
    const stopped = outcome.payment?.stopped;
    assert.ok(stopped, 'the payment stopped with the expiry');
    assert.equal(stopped.exact, true);
    assert.equal(stopped.costWei, 1000n * (10n + 2n), 'rate x (timeout + grace)');
    const received = await reader.readContract({
      address: terms.superToken,
      abi: superTokenAbi,
      functionName: 'balanceOf',
      args: [providerAddress],
    });
    const bond = await requester.market.bondOf(providerAddress);
    assert.equal(bond.locked, 0n, 'the lock is released');
    assert.equal(
      received + bond.free,
      1000n * 10n ** 18n + stopped.costWei,
      'the provider kept the cost only',
    );
  });

  it('fails, when restarted, the job whose container died with the machine, which stops the payment', async () => {
    const requester = await net.addRequester();
    const deadPeers = requester.index.providers.get(providerAddress)!.ipfsPeers.join();
    daemon = startDaemon();
    // The daemon is back once it registered its new IPFS address (it listens on a new port).
    const until = Date.now() + 30_000;
    while (requester.index.providers.get(providerAddress)!.ipfsPeers.join() === deadPeers) {
      if (Date.now() > until) throw new Error('the provider daemon did not come back');
      await new Promise((r) => setTimeout(r, 200));
      await requester.index.sync();
    }
    const docker = new Docker();
    const containersOf = (jobId: bigint) =>
      docker.listContainers({ all: true, filters: { label: [`${JOB_LABEL}=${jobId}`] } });
    let jobId = 0n;
    const outcome = await runJob(
      requester,
      {
        fileName: 'long.py',
        source: new TextEncoder().encode('import time\nprint("up", flush=True)\ntime.sleep(60)\n'),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 60,
      },
      (stage) => {
        if (stage.stage === 'posted') jobId = stage.jobId;
        // The machine dies mid-run, its containers with it (removed here, as a reboot would);
        // the daemon comes back on the same state directory.
        if (stage.stage === 'output' && daemon) {
          const dying = daemon;
          daemon = undefined;
          dying.kill('SIGKILL');
          void once(dying, 'exit').then(async () => {
            for (const c of await containersOf(jobId))
              await docker.getContainer(c.Id).remove({ force: true });
            daemon = startDaemon();
          });
        }
      },
    );
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.failureReason, REASON_CONTAINER_GONE);
    const stopped = outcome.payment?.stopped;
    assert.ok(stopped && stopped.streamedSeconds < 60, 'paid for the seconds until the restart');
    const terms = await requester.market.paymentTerms();
    const flow = await readFlowRate(
      requester.market.publicClient,
      terms,
      requester.wallet.account.address,
      providerAddress,
    );
    assert.equal(flow, 0n, 'no flow after the restart');
    assert.equal((await containersOf(jobId)).length, 0, 'no container of the job is left');
  });
});
