import { readFile } from 'node:fs/promises';
import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import type { MarketConnection } from '../chain/market-client.js';
import { homePaths } from './paths.js';

export interface NetworkPreset {
  name: string;
  chainId: number;
  rpcUrl: string;
  wsUrl?: string;
  /** Filled in after the market is deployed there (`orange deploy`). */
  marketAddress?: Address;
  deployBlock?: bigint;
  pollingIntervalMs: number;
  /**
   * The query URL of the market's subgraph (subgraph/ deployed to Subgraph Studio or a
   * graph-node): job history and providers are read there first. Empty: none is deployed for
   * this network, so they are read from the chain's events only.
   */
  subgraphUrl: string;
}

/**
 * Known networks. The devnet's addresses come from the state file that
 * `orange devnet up` writes; a public network's come from this table once the
 * market is deployed there with `orange deploy --rpc-url …`.
 */
export const NETWORK_PRESETS: Record<string, NetworkPreset> = {
  devnet: {
    name: 'devnet',
    chainId: 31337,
    rpcUrl: 'http://127.0.0.1:8545',
    wsUrl: 'ws://127.0.0.1:8545',
    pollingIntervalMs: 200,
    // A devnet has no graph-node; one of your own is given by a flag or setting.
    subgraphUrl: '',
  },
  'base-sepolia': {
    name: 'base-sepolia',
    chainId: 84532,
    rpcUrl: 'https://sepolia.base.org',
    pollingIntervalMs: 1_000,
    // Not deployed yet: the market has no address here (see subgraph/README.md).
    subgraphUrl: '',
  },
};

export interface NetworkOverrides {
  rpcUrl?: string;
  wsUrl?: string;
  marketAddress?: Address;
  deployBlock?: bigint;
}

/**
 * The network's subgraph URL: `override` (a flag or setting), else its preset's, else none. An
 * empty or blank value is none: the preset's way of saying no subgraph is deployed.
 */
export function subgraphUrlFor(name: string, override?: string): string | undefined {
  return override?.trim() || NETWORK_PRESETS[name]?.subgraphUrl.trim() || undefined;
}

/** What `orange devnet up` records about the running devnet. */
export interface DevnetState {
  chainId: number;
  rpcUrl: string;
  wsUrl: string;
  marketAddress: Address;
  deployBlock: string;
  anvilPid: number;
  providerPid: number | undefined;
  provider: Address | undefined;
  providerIpfs: string[];
  logDir: string;
  startedAt: string;
}

export async function readDevnetState(home: string): Promise<DevnetState | undefined> {
  try {
    return JSON.parse(await readFile(homePaths(home).devnetState, 'utf8')) as DevnetState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OrangeError('DEVNET_STATE_CORRUPT', 'The devnet state file cannot be read.', {
      hint: 'Run `npx orange devnet down` and `npx orange devnet up` again.',
      cause: error,
    });
  }
}

/** Resolves a network name (plus overrides) to a connection to its market. */
export async function resolveNetwork(
  name: string,
  home: string,
  overrides: NetworkOverrides = {},
): Promise<MarketConnection> {
  const preset = NETWORK_PRESETS[name];
  if (!preset) {
    throw new OrangeError('UNKNOWN_NETWORK', `Unknown network "${name}".`, {
      hint: `Known networks: ${Object.keys(NETWORK_PRESETS).join(', ')}.`,
    });
  }
  let { rpcUrl, wsUrl, marketAddress, deployBlock } = preset;
  if (name === 'devnet') {
    const state = await readDevnetState(home);
    if (!state && !overrides.marketAddress) {
      throw new OrangeError('DEVNET_DOWN', 'The devnet is not running.', {
        hint: 'Start it with `npx orange devnet up`.',
      });
    }
    if (state) {
      rpcUrl = state.rpcUrl;
      wsUrl = state.wsUrl;
      marketAddress = state.marketAddress;
      deployBlock = BigInt(state.deployBlock);
    }
  }
  marketAddress = overrides.marketAddress ?? marketAddress;
  if (!marketAddress) {
    throw new OrangeError('MARKET_NOT_DEPLOYED', `The market has no address on ${name} yet.`, {
      hint: 'Deploy it with `npx orange deploy --rpc-url <url>` and set the address.',
    });
  }
  const connection: MarketConnection = {
    chainId: preset.chainId,
    rpcUrl: overrides.rpcUrl ?? rpcUrl,
    marketAddress,
    deployBlock: overrides.deployBlock ?? deployBlock ?? 0n,
    pollingIntervalMs: preset.pollingIntervalMs,
  };
  const ws = overrides.rpcUrl ? overrides.wsUrl : (overrides.wsUrl ?? wsUrl);
  if (ws) connection.wsUrl = ws;
  return connection;
}
