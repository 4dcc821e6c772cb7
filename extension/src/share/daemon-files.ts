import { join } from 'node:path';
import type { MarketConnection } from '@orange-cloud/sdk';
import type { ShareChoices } from './share-choices.js';

/** Everything the daemon keeps, under the extension's global storage. */
export interface DaemonPaths {
  dir: string;
  keystore: string;
  config: string;
  /** The daemon's state: its job database, job keys and admin.json. */
  stateDir: string;
  adminFile: string;
  ipfsDir: string;
  log: string;
  /** The passphrase for a systemd unit (mode 0600); a child process gets it by environment. */
  envFile: string;
}

export function daemonPaths(storageDir: string): DaemonPaths {
  const dir = join(storageDir, 'share');
  const stateDir = join(dir, 'state');
  return {
    dir,
    keystore: join(dir, 'provider-key.json'),
    config: join(dir, 'provider.json'),
    stateDir,
    adminFile: join(stateDir, 'admin.json'),
    ipfsDir: join(dir, 'ipfs'),
    log: join(dir, 'provider.log'),
    envFile: join(dir, 'provider.env'),
  };
}

export const PASSPHRASE_ENV = 'ORANGE_PROVIDER_PASSPHRASE';

/** The daemon's config file (provider-daemon/src/config.ts's format) for what the user chose. */
export function daemonConfig(
  connection: MarketConnection,
  choices: ShareChoices,
  paths: DaemonPaths,
  ports: { ipfs: number; live: number },
): Record<string, unknown> {
  return {
    network: { ...connection, deployBlock: connection.deployBlock.toString() },
    keystore: paths.keystore,
    passphraseEnv: PASSPHRASE_ENV,
    offer: {
      cores: choices.cores,
      memoryMb: choices.memoryMb,
      pricePerCoreSecond: choices.pricePerCoreSecond,
      // none named: the daemon offers every runtime whose image is present
      ...(choices.runtimes.length > 0 ? { runtimes: choices.runtimes } : {}),
    },
    policy: {
      allowRequesters: choices.allowRequesters,
      denyRequesters: choices.denyRequesters,
    },
    ipfs: {
      mode: 'embedded',
      directory: paths.ipfsDir,
      listen: [`/ip4/127.0.0.1/tcp/${ports.ipfs}`],
    },
    live: { host: '127.0.0.1', port: ports.live },
    stateDir: paths.stateDir,
  };
}
