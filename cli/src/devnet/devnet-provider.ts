import { spawn } from 'node:child_process';
import { DAEMON_NODE_FLAGS } from '@orange-cloud/provider-daemon/node-flags';
import { readAdminFile } from '@orange-cloud/provider-daemon/admin-file';
import { openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MarketClient,
  MarketIndex,
  OrangeError,
  generateMnemonic,
  homePaths,
  readKeystore,
  walletFromSecret,
  writeKeystore,
  type DevnetState,
  type MarketConnection,
} from '@orange-cloud/sdk';
import { freePort, fundOnDevnet } from '@orange-cloud/sdk/devnet';
import { daemonMain } from './daemon-package.js';

export interface DevnetProviderOptions {
  home: string;
  cores?: number;
  memoryMb?: number;
}

/** The devnet provider's directory: its keystore, config and state (admin.json) are there. */
const providerDir = (home: string) => join(homePaths(home).devnetDir, 'provider');

/**
 * The devnet provider's Prometheus metrics URL, from the admin.json its daemon writes at start;
 * undefined when it runs none.
 */
export async function devnetProviderMetricsUrl(home: string): Promise<string | undefined> {
  try {
    return `${(await readAdminFile(providerDir(home))).url}/metrics`;
  } catch {
    return undefined;
  }
}

/**
 * Starts the devnet's provider daemon in the background (it outlives this
 * process) with a fresh funded wallet, and waits until it has registered.
 */
export async function startDevnetProvider(
  options: DevnetProviderOptions,
  connection: MarketConnection,
  progress: (line: string) => void,
): Promise<Pick<DevnetState, 'providerPid' | 'provider' | 'providerIpfs'>> {
  const dir = providerDir(options.home);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keystore = join(dir, 'wallet.json');
  await writeKeystore(keystore, { mnemonic: generateMnemonic() }, '');
  const { account } = walletFromSecret(await readKeystore(keystore, ''));
  await fundOnDevnet(connection, account.address);

  const ipfsPort = await freePort();
  const config = {
    network: { ...connection, deployBlock: connection.deployBlock.toString() },
    keystore,
    offer: {
      cores: options.cores ?? 2,
      memoryMb: options.memoryMb ?? 2048,
      // no runtimes named: the daemon offers every runtime whose image is present
      pricePerCoreSecond: '1000000000000',
    },
    ipfs: {
      mode: 'embedded',
      directory: join(dir, 'ipfs'),
      listen: [`/ip4/127.0.0.1/tcp/${ipfsPort}`],
    },
    live: { host: '127.0.0.1', port: await freePort() },
    stateDir: dir,
  };
  const configFile = join(dir, 'provider.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));

  const log = openSync(join(homePaths(options.home).devnetDir, 'provider.log'), 'a');
  // The daemon's built JavaScript, on this same Node.
  const child = spawn(
    process.execPath,
    [...DAEMON_NODE_FLAGS, daemonMain(), '--config', configFile],
    {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ORANGE_PROVIDER_PASSPHRASE: '' },
    },
  );
  child.unref();
  progress(
    `provider daemon starting (pid ${child.pid}, log ${join(homePaths(options.home).devnetDir, 'provider.log')})`,
  );

  const index = new MarketIndex(new MarketClient(connection));
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    await index.sync();
    const registered = index.providers.get(account.address);
    if (registered?.active) {
      progress(
        `provider ${account.address} registered (${registered.cores} cores, ${registered.memoryMb} MB)`,
      );
      return {
        providerPid: child.pid,
        provider: account.address,
        providerIpfs: registered.ipfsPeers,
      };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new OrangeError(
    'PROVIDER_FAILED',
    'The devnet provider daemon did not register within 60 s.',
    {
      hint: `See ${join(homePaths(options.home).devnetDir, 'provider.log')}.`,
    },
  );
}
