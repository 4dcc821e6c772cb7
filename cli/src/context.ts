import type { Address } from 'viem';
import {
  MarketClient,
  OrangeError,
  RequesterSession,
  openHistory,
  subgraphUrlFor,
  walletFromSecret,
  type HistoryReader,
  type HistorySource,
  homePaths,
  keystoreInfo,
  orangeHome,
  readKeystore,
  resolveNetwork,
  type WalletSecret,
} from '@orange-cloud/sdk';
import { promptHidden } from './prompt.js';
import { keystoreFor } from './wallet-scope.js';

/** The flags every command that talks to a network takes (see `withNetwork` in main.ts). */
export interface NetworkFlags {
  network: string;
  rpcUrl?: string;
  market?: Address;
}

/** Where the wallet, the devnet state and the IPFS repositories live (ORANGE_HOME or the default). */
export const home = orangeHome();

/** A progress line on standard error, so standard output stays the script's. */
export const stage = (line: string) => process.stderr.write(`› ${line}\n`);

/** The wallet's passphrase: ORANGE_PASSPHRASE, a prompt on a terminal, or none for an unprotected keystore. */
async function passphrase(path: string): Promise<string> {
  if (process.env.ORANGE_PASSPHRASE !== undefined) return process.env.ORANGE_PASSPHRASE;
  const info = await keystoreInfo(path);
  if (!info.protected) return '';
  if (!process.stdin.isTTY) {
    throw new OrangeError('PASSPHRASE_NEEDED', 'The wallet is protected by a passphrase.', {
      hint: 'Set ORANGE_PASSPHRASE or run the command in a terminal.',
    });
  }
  return promptHidden('Wallet passphrase: ');
}

/** The secret of the wallet used on `network` (see keystoreFor), opened with its passphrase. */
export async function loadSecret(network: string): Promise<WalletSecret> {
  const path = await keystoreFor(home, network);
  // The devnet's demo wallet has no passphrase, whatever ORANGE_PASSPHRASE says for the user's.
  if (path === homePaths(home).devnetWallet) return readKeystore(path, '');
  return readKeystore(path, await passphrase(path));
}

/** The wallet on the network the flags name, with the requester's embedded IPFS node. */
export async function openSession(flags: NetworkFlags): Promise<RequesterSession> {
  const connection = await resolveNetwork(flags.network, home, {
    ...(flags.rpcUrl ? { rpcUrl: flags.rpcUrl } : {}),
    ...(flags.market ? { marketAddress: flags.market } : {}),
  });
  const secret = await loadSecret(flags.network);
  return RequesterSession.open({
    connection,
    secret,
    store: { mode: 'embedded', directory: homePaths(home).requesterIpfs },
  });
}

/** Runs `work` with an open session and always closes it (its IPFS node, the index). */
export async function withSession<T>(
  flags: NetworkFlags,
  work: (session: RequesterSession) => Promise<T>,
): Promise<T> {
  const session = await openSession(flags);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

/** The flags of a command that reads the market's history (see `withHistorySource` in main.ts). */
export interface HistoryFlags extends NetworkFlags {
  source?: HistorySource;
  subgraphUrl?: string;
  maxLag?: bigint;
}

/** The history reader of the network the flags name, with the market it reads on the chain. */
export async function openHistoryReader(
  flags: HistoryFlags,
): Promise<{ reader: HistoryReader; market: MarketClient }> {
  const connection = await resolveNetwork(flags.network, home, {
    ...(flags.rpcUrl ? { rpcUrl: flags.rpcUrl } : {}),
    ...(flags.market ? { marketAddress: flags.market } : {}),
  });
  const market = new MarketClient(connection);
  const reader = openHistory({
    market,
    subgraphUrl: subgraphUrlFor(flags.network, flags.subgraphUrl),
    source: flags.source,
    maxLagBlocks: flags.maxLag,
    log: stage,
  });
  await market.checkReachable();
  return { reader, market };
}

/** The address of the wallet used on `network` (opening it, as a session would). */
export async function walletAddress(network: string): Promise<Address> {
  return walletFromSecret(await loadSecret(network)).account.address;
}
