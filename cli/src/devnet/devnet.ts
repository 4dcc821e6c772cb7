import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Address } from 'viem';
import {
  MarketClient,
  OrangeError,
  generateMnemonic,
  homePaths,
  keystoreExists,
  readDevnetState,
  readKeystore,
  walletFromSecret,
  writeKeystore,
  type DevnetState,
  type MarketConnection,
} from '@orange-cloud/sdk';
import {
  deployDevnetMarket,
  freePort,
  fundOnDevnet,
  isPortFree,
  startAnvil,
  waitForRpc,
} from '@orange-cloud/sdk/devnet';
import { ensureMachine } from './machine.js';
import { startDevnetProvider } from './devnet-provider.js';

export interface DevnetUpOptions {
  home: string;
  port?: number;
  /** Start a provider daemon (default true). */
  provider?: boolean;
  providerCores?: number;
  providerMemoryMb?: number;
  progress?: (line: string) => void;
}

export interface DevnetSummary extends DevnetState {
  reused: boolean;
  requester: Address | undefined;
}

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The connection to the devnet a state file describes. */
export function devnetConnection(state: DevnetState): MarketConnection {
  return {
    chainId: state.chainId,
    rpcUrl: state.rpcUrl,
    wsUrl: state.wsUrl,
    marketAddress: state.marketAddress,
    deployBlock: BigInt(state.deployBlock),
    pollingIntervalMs: 200,
  };
}

async function devnetHealthy(state: DevnetState): Promise<boolean> {
  if (!alive(state.anvilPid)) return false;
  if (state.providerPid !== undefined && !alive(state.providerPid)) return false;
  try {
    const client = new MarketClient(devnetConnection(state));
    await client.checkReachable();
    // A devnet from before streaming payments has a market that cannot pay: start afresh.
    await client.paymentTerms();
    return true;
  } catch {
    return false;
  }
}

/**
 * The wallet the devnet funds: the user's own when there is one, else the demo wallet, created
 * without a passphrase on first devnet use in the devnet's folder, so that it never becomes the
 * wallet on another network (see wallet-scope.ts). Funded every time.
 */
async function ensureDemoWallet(
  home: string,
  connection: MarketConnection,
  progress: (l: string) => void,
) {
  const paths = homePaths(home);
  const own = await keystoreExists(paths.wallet);
  const path = own ? paths.wallet : paths.devnetWallet;
  if (!own && !(await keystoreExists(path))) {
    await writeKeystore(path, { mnemonic: generateMnemonic() }, '');
    progress(`created a devnet demo wallet (no passphrase, devnet only) at ${path}`);
  }
  try {
    const { account } = walletFromSecret(
      await readKeystore(path, own ? (process.env.ORANGE_PASSPHRASE ?? '') : ''),
    );
    await fundOnDevnet(connection, account.address);
    return account.address;
  } catch (error) {
    if (error instanceof OrangeError && error.code === 'WRONG_PASSPHRASE') {
      progress(
        'your wallet has a passphrase: set ORANGE_PASSPHRASE or run `orange devnet fund` to fund it',
      );
      return undefined;
    }
    throw error;
  }
}

/** Starts (or reuses) anvil, the market, a provider daemon and the demo wallet. */
export async function devnetUp(options: DevnetUpOptions): Promise<DevnetSummary> {
  const progress = options.progress ?? (() => {});
  const paths = homePaths(options.home);
  await mkdir(paths.devnetDir, { recursive: true, mode: 0o700 });
  const wantProvider = options.provider ?? true;

  const previous = await readDevnetState(options.home);
  if (previous && (await devnetHealthy(previous)) && (!wantProvider || previous.providerPid)) {
    progress('devnet already running: reusing it');
    const requester = await ensureDemoWallet(options.home, devnetConnection(previous), progress);
    return { ...previous, reused: true, requester };
  }
  if (previous) await devnetDown(options.home);

  if (wantProvider) await ensureMachine(progress);

  let port = options.port ?? 8545;
  if (!(await isPortFree(port))) {
    const other = await freePort();
    progress(`port ${port} is busy: anvil takes ${other}`);
    port = other;
  }
  progress(`starting anvil on 127.0.0.1:${port}`);
  const anvil = await startAnvil({
    port,
    logFile: join(paths.devnetDir, 'anvil.log'),
    detached: true,
  });

  progress('deploying the Superfluid framework, the test token and the market');
  const deployed = await deployDevnetMarket({ chainId: 31337, rpcUrl: anvil.rpcUrl });
  progress(
    `market deployed at ${deployed.marketAddress}, paying in super token ${deployed.superToken}`,
  );
  const connection: MarketConnection = {
    chainId: 31337,
    rpcUrl: anvil.rpcUrl,
    wsUrl: anvil.wsUrl,
    marketAddress: deployed.marketAddress,
    deployBlock: deployed.deployBlock,
    pollingIntervalMs: 200,
  };

  const state: DevnetState = {
    chainId: 31337,
    rpcUrl: anvil.rpcUrl,
    wsUrl: anvil.wsUrl,
    marketAddress: deployed.marketAddress,
    deployBlock: deployed.deployBlock.toString(),
    anvilPid: anvil.pid,
    providerPid: undefined,
    provider: undefined,
    providerIpfs: [],
    logDir: paths.devnetDir,
    startedAt: new Date().toISOString(),
  };
  await writeFile(paths.devnetState, JSON.stringify(state, null, 2));

  if (wantProvider) {
    const started = await startDevnetProvider(
      { home: options.home, cores: options.providerCores, memoryMb: options.providerMemoryMb },
      connection,
      progress,
    );
    Object.assign(state, started);
    await writeFile(paths.devnetState, JSON.stringify(state, null, 2));
  }
  const requester = await ensureDemoWallet(options.home, connection, progress);
  return { ...state, reused: false, requester };
}

/** Stops everything `devnetUp` started and forgets the devnet. */
export async function devnetDown(home: string): Promise<{ stopped: string[] }> {
  const state = await readDevnetState(home);
  const stopped: string[] = [];
  if (!state) return { stopped };
  for (const [name, pid] of [
    ['provider daemon', state.providerPid],
    ['anvil', state.anvilPid],
  ] as const) {
    if (!alive(pid)) continue;
    process.kill(pid!, 'SIGTERM');
    const until = Date.now() + 10_000;
    while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid!, 'SIGKILL');
    stopped.push(`${name} (pid ${pid})`);
  }
  await rm(homePaths(home).devnetState, { force: true });
  return { stopped };
}

export interface DevnetStatus {
  running: boolean;
  state: DevnetState | undefined;
  anvil: boolean;
  provider: boolean;
}

export async function devnetStatus(home: string): Promise<DevnetStatus> {
  const state = await readDevnetState(home);
  if (!state) return { running: false, state, anvil: false, provider: false };
  const anvil = alive(state.anvilPid);
  let reachable = false;
  if (anvil) {
    try {
      await waitForRpc(state.rpcUrl, () => false, 2_000);
      reachable = true;
    } catch {
      reachable = false;
    }
  }
  const provider = alive(state.providerPid);
  return { running: reachable && provider, state, anvil: reachable, provider };
}
