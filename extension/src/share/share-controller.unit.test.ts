import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrangeError, generateMnemonic, readKeystore, walletFromSecret } from '@orange-cloud/sdk';
import { FakeSecretStorage } from '../test/fakes/secret-storage.js';
import { ProviderKeyStore, deriveProviderSecret } from './daemon-key.js';
import type { LaunchPlan } from './daemon-launch.js';
import type { ShareChoices } from './share-choices.js';
import { ShareController, type DaemonProcess, type ShareDeps } from './share-controller.js';

/** 0.000001 OTTx per core-second, in wei. */
const PRICE_WEI = '1000000000000';

const choices: ShareChoices = {
  cores: 1,
  memoryMb: 512,
  pricePerCoreSecond: PRICE_WEI,
  runtimes: [],
  allowRequesters: [],
  denyRequesters: [],
  keepRunning: false,
};
const connection = {
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:1',
  marketAddress: `0x${'aa'.repeat(20)}` as const,
  deployBlock: 0n,
  pollingIntervalMs: 500,
};

/** A daemon process that exits when killed, as the real one does on SIGTERM. */
class FakeProcess implements DaemonProcess {
  pid = 4242;
  exitCode: number | null = null;
  signals: string[] = [];
  private listeners: ((code: number | null, signal: string | null) => void)[] = [];
  kill(signal: NodeJS.Signals) {
    this.signals.push(signal);
    this.exit(0);
  }
  exit(code: number) {
    this.exitCode = code;
    this.listeners.splice(0).forEach((l) => l(code, null));
  }
  onExit(listener: (code: number | null, signal: string | null) => void) {
    if (this.exitCode !== null) listener(this.exitCode, null);
    else this.listeners.push(listener);
  }
}

describe('ShareController', () => {
  let dir: string;
  let server: Server;
  let paused: boolean;
  const mnemonic = generateMnemonic();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'share-controller-'));
    paused = false;
    server = createServer((req, res) => {
      if (req.url === '/pause') paused = true;
      if (req.url === '/resume') paused = false;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          provider: '0x',
          online: true,
          paused,
          registered: true,
          capacity: { cores: 1, memoryMb: 512, coresInUse: 0, memoryMbInUse: 0 },
          running: [],
          served: [],
          earnings: { settledWei: '0', incomingFlowRateWei: '0', at: 1 },
          counts: {},
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  function controller(over: Partial<ShareDeps> = {}) {
    const spawned: { plan: LaunchPlan; env: Record<string, string>; process: FakeProcess }[] = [];
    const gas: string[] = [];
    const share = new ShareController({
      storageDir: dir,
      daemonScript: '/ext/dist/provider-daemon.cjs',
      host: { execPath: '/usr/bin/node', versions: { node: '22.20.0' } },
      machine: { cores: 2, memoryMb: 4096 },
      keys: new ProviderKeyStore(new FakeSecretStorage()),
      wallet: async () => ({ mnemonic }),
      connection: async () => connection,
      ensureFunds: async (_c, address) => void gas.push(address),
      docker: async () => ({ runtimes: ['python3'] }),
      nodesOnPath: async () => assert.fail('PATH is not searched when the host Node will do'),
      freePort: (() => {
        let port = 5000;
        return async () => port++;
      })(),
      spawn: (plan, env) => {
        const process = new FakeProcess();
        spawned.push({ plan, env, process });
        return process;
      },
      services: undefined,
      fetch: (url, init) => fetch(url, init),
      log: () => undefined,
      pollMs: 20,
      ...over,
    });
    return { share, spawned, gas };
  }

  /** Waits for the controller to reach a state (polls run on its own timer). */
  const until = (share: ShareController, check: () => boolean) =>
    new Promise<void>((resolve) => {
      if (check()) return resolve();
      const listener = share.onDidChange(() => {
        if (check()) {
          listener.dispose();
          resolve();
        }
      });
    });

  it('starts the daemon with its own key and config, polls it, pauses, resumes and stops it', async () => {
    const { share, spawned, gas } = controller();
    await share.start(choices);
    const provider = walletFromSecret(deriveProviderSecret({ mnemonic })).account.address;
    assert.equal(share.provider, provider);
    assert.deepEqual(gas, [provider]);
    const [{ plan, env, process }] = spawned as [(typeof spawned)[number]];
    assert.equal(plan.command, '/usr/bin/node');
    assert.deepEqual(plan.args.slice(-3), [
      '/ext/dist/provider-daemon.cjs',
      '--config',
      share.paths.config,
    ]);
    // The keystore opens with the passphrase handed over by environment, to the provider key.
    const secret = await readKeystore(share.paths.keystore, env.ORANGE_PROVIDER_PASSPHRASE!);
    assert.equal(walletFromSecret(secret).account.address, provider);
    const config = JSON.parse(await readFile(share.paths.config, 'utf8')) as {
      offer: unknown;
      keystore: string;
    };
    assert.deepEqual(config.offer, {
      cores: 1,
      memoryMb: 512,
      pricePerCoreSecond: PRICE_WEI,
    });
    assert.doesNotMatch(JSON.stringify(config), new RegExp(env.ORANGE_PROVIDER_PASSPHRASE!));

    // Until admin.json exists the view waits; then it shows /status.
    assert.equal(share.phase.phase, 'sharing');
    const { port } = server.address() as AddressInfo;
    await writeFile(
      share.paths.adminFile,
      JSON.stringify({ url: `http://127.0.0.1:${port}`, token: 't', pid: 4242, provider }),
    );
    await until(share, () => share.status?.online === true);
    await share.pause();
    assert.equal(share.status?.paused, true);
    await share.resume();
    assert.equal(share.status?.paused, false);
    assert.equal(share.pid, 4242);

    await share.stop();
    assert.deepEqual(process.signals, ['SIGTERM']);
    assert.equal(share.phase.phase, 'stopped');
    assert.equal(share.pid, undefined);
  });

  it('refuses to start without Docker, starting nothing', async () => {
    const { share, spawned } = controller({
      docker: async () => {
        throw new OrangeError('DOCKER_UNAVAILABLE', 'no Docker engine answers');
      },
    });
    await assert.rejects(share.start(choices), { code: 'DOCKER_UNAVAILABLE' });
    assert.equal(spawned.length, 0);
    assert.deepEqual(share.phase, { phase: 'stopped', problem: 'no Docker engine answers' });
    assert.equal(existsSync(share.paths.config), false);
  });

  it('refuses more than the machine has before any key or file is made', async () => {
    const { share, spawned, gas } = controller();
    await assert.rejects(share.start({ ...choices, cores: 3 }), /share\.cores/);
    assert.equal(spawned.length + gas.length, 0);
    assert.equal(existsSync(share.paths.keystore), false);
  });

  it('reports a daemon that exits on its own, with the end of its log', async () => {
    const { share, spawned } = controller();
    await share.start(choices);
    await writeFile(share.paths.log, 'orange-provider: the chain is not reachable\n');
    spawned[0]!.process.exit(1);
    await until(share, () => share.phase.phase === 'stopped');
    assert.match(
      (share.phase as { problem: string }).problem,
      /exited \(code 1\)\. Last log lines: orange-provider: the chain is not reachable/,
    );
  });
});
