import { formatEther } from 'viem';
import {
  MarketClient,
  OrangeError,
  generateMnemonic,
  homePaths,
  keystoreExists,
  normalizeMnemonic,
  resolveNetwork,
  walletFromSecret,
  writeKeystore,
} from '@orange-cloud/sdk';
import { home, loadSecret, stage, type NetworkFlags } from '../context.js';
import { toJson } from '../format.js';
import { promptHidden, readStdin } from '../prompt.js';

export interface WalletWriteOptions {
  force?: boolean;
}

export interface WalletShowOptions extends NetworkFlags {
  json?: boolean;
}

async function newPassphrase(): Promise<string> {
  if (process.env.ORANGE_PASSPHRASE !== undefined) return process.env.ORANGE_PASSPHRASE;
  if (!process.stdin.isTTY) return '';
  const first = await promptHidden('New passphrase (empty for none): ');
  const again = await promptHidden('Repeat it: ');
  if (first !== again)
    throw new OrangeError('PASSPHRASE_MISMATCH', 'The passphrases differ; nothing was saved.');
  return first;
}

async function refuseOverwrite(force: boolean) {
  if (!force && (await keystoreExists(homePaths(home).wallet))) {
    throw new OrangeError(
      'WALLET_EXISTS',
      `A wallet already exists at ${homePaths(home).wallet}.`,
      {
        hint: 'Use --force to replace it (the old one is lost unless you kept its mnemonic).',
      },
    );
  }
}

/** `orange wallet create`: a new wallet; its mnemonic is shown once. */
export async function create(opts: WalletWriteOptions): Promise<void> {
  await refuseOverwrite(Boolean(opts.force));
  const mnemonic = generateMnemonic();
  const pass = await newPassphrase();
  await writeKeystore(homePaths(home).wallet, { mnemonic }, pass);
  const { account } = walletFromSecret({ mnemonic });
  console.log(`Address: ${account.address}`);
  console.log(`Mnemonic (write it down; it is shown only now):\n\n  ${mnemonic}\n`);
  if (!pass)
    stage(
      'the keystore has no passphrase: anyone with this file can use the wallet, so it is used on the devnet only',
    );
}

/** `orange wallet import`: a mnemonic or private key from the terminal or standard input. */
export async function importSecret(opts: WalletWriteOptions): Promise<void> {
  await refuseOverwrite(Boolean(opts.force));
  const input = (
    process.stdin.isTTY ? await promptHidden('Mnemonic or private key: ') : await readStdin()
  ).trim();
  const secret = /^(0x)?[0-9a-fA-F]{64}$/.test(input)
    ? { privateKey: (input.startsWith('0x') ? input : `0x${input}`) as `0x${string}` }
    : { mnemonic: normalizeMnemonic(input) };
  const { account } = walletFromSecret(secret);
  const pass = await newPassphrase();
  await writeKeystore(homePaths(home).wallet, secret, pass);
  console.log(`Imported ${account.address}`);
  if (!pass) stage('the keystore has no passphrase: it is used on the devnet only');
}

/** `orange wallet show`: the address, and its balance when the network answers. */
export async function show(opts: WalletShowOptions): Promise<void> {
  const { account } = walletFromSecret(await loadSecret(opts.network));
  let balance: bigint | undefined;
  try {
    const connection = await resolveNetwork(
      opts.network,
      home,
      opts.rpcUrl ? { rpcUrl: opts.rpcUrl } : {},
    );
    balance = await new MarketClient(connection).balance(account.address);
  } catch {
    balance = undefined;
  }
  if (opts.json)
    process.stdout.write(toJson({ address: account.address, balanceWei: balance ?? null }) + '\n');
  else
    console.log(
      `${account.address}${balance === undefined ? '' : `  ${formatEther(balance)} ETH on ${opts.network}`}`,
    );
}
