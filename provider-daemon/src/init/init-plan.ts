import { dirname, join, resolve } from 'node:path';
import { isAddress, type Address } from 'viem';
import { NETWORK_PRESETS, resolveNetwork, type MarketConnection } from '@orange-cloud/sdk';
import {
  DEFAULT_PRICE_PER_CORE_SECOND,
  invalid,
  parsePassphraseEnv,
  parsePrice,
  parseRuntimes,
  rpcUrlList,
} from '../config.js';
import type { ConfigTemplateValues } from '../config/config-template.js';
import { checkFitsMachine, type Machine } from '../config/machine.js';

/** `orange-provider init`'s flags, as given (strings: each is checked here, named in errors). */
export interface InitFlags {
  cores?: string | undefined;
  memory?: string | undefined;
  price?: string | undefined;
  runtimes?: string | undefined;
  /** devnet, another known network's name, or RPC URL(s), comma-separated. */
  network?: string | undefined;
  market?: string | undefined;
  'chain-id'?: string | undefined;
  'deploy-block'?: string | undefined;
  'passphrase-env'?: string | undefined;
}

/** The devnet's chain: the only one where a keystore without a passphrase is accepted. */
export const DEVNET_CHAIN_ID = 31337;
const MEMORY_STEP_MB = 256;

/** Half the cores, at least one. */
export const defaultCores = (machine: Machine) => Math.max(1, Math.floor(machine.cores / 2));

/** Half the memory, rounded down to 256 MB when there is that much. */
export function defaultMemoryMb(machine: Machine): number {
  const half = Math.floor(machine.memoryMb / 2);
  return half >= MEMORY_STEP_MB ? half - (half % MEMORY_STEP_MB) : Math.max(1, half);
}

function whole(text: string, flag: string, min: number): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min)
    throw invalid(
      flag,
      `must be a whole number${min > 0 ? ' above zero' : ''}, not ${JSON.stringify(text)}`,
    );
  return value;
}

/** The network the config names: a known network resolved as the CLI does, or RPC URLs given. */
export async function initNetwork(
  flags: InitFlags,
  home: string,
): Promise<ConfigTemplateValues['network']> {
  const name = flags.network ?? 'devnet';
  const market = flags.market;
  if (market !== undefined && !isAddress(market))
    throw invalid('--market', 'must be the market contract address (0x...)');
  if (NETWORK_PRESETS[name]) {
    const connection: MarketConnection = await resolveNetwork(
      name,
      home,
      market ? { marketAddress: market as Address } : {},
    );
    return {
      chainId: connection.chainId,
      rpcUrls: [connection.rpcUrl],
      wsUrl: connection.wsUrl,
      marketAddress: connection.marketAddress,
      deployBlock: connection.deployBlock,
    };
  }
  const rpcUrls = rpcUrlList(
    name.split(',').map((u) => u.trim()),
    '--network',
  );
  if (!market) throw invalid('--market', 'is required with --network URL');
  if (!flags['chain-id']) throw invalid('--chain-id', 'is required with --network URL');
  return {
    chainId: whole(flags['chain-id'], '--chain-id', 1),
    rpcUrls,
    marketAddress: market as Address,
    deployBlock: BigInt(whole(flags['deploy-block'] ?? '0', '--deploy-block', 0)),
  };
}

/**
 * Everything the config file will say, from the flags and the machine: half the cores and half
 * the memory by default, the default price, every runtime whose image is present. The keystore
 * and the state beside the config file. Checked as the daemon checks it at start.
 */
export function initValues(
  flags: InitFlags,
  network: ConfigTemplateValues['network'],
  machine: Machine,
  paths: { config: string; keystore?: string | undefined },
): ConfigTemplateValues {
  const dir = dirname(resolve(paths.config));
  const values: ConfigTemplateValues = {
    network,
    keystore: resolve(paths.keystore ?? join(dir, 'wallet.json')),
    passphraseEnv: parsePassphraseEnv(flags['passphrase-env'], '--passphrase-env'),
    cores: flags.cores ? whole(flags.cores, '--cores', 1) : defaultCores(machine),
    memoryMb: flags.memory ? whole(flags.memory, '--memory', 1) : defaultMemoryMb(machine),
    pricePerCoreSecond: flags.price
      ? parsePrice(flags.price, '--price')
      : DEFAULT_PRICE_PER_CORE_SECOND,
    runtimes: flags.runtimes
      ? parseRuntimes(
          flags.runtimes.split(',').map((r) => r.trim()),
          '--runtimes',
        )
      : undefined,
    ipfsDirectory: join(dir, 'ipfs'),
    listenHost: network.chainId === DEVNET_CHAIN_ID ? '127.0.0.1' : '0.0.0.0',
    stateDir: join(dir, 'state'),
  };
  checkFitsMachine(values, machine, {
    'offer.cores': flags.cores ? '--cores' : 'the default',
    'offer.memoryMb': flags.memory ? '--memory' : 'the default',
  });
  return values;
}
