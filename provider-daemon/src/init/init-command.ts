import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  OrangeError,
  generateMnemonic,
  normalizeMnemonic,
  normalizePrivateKey,
  walletFromSecret,
  writeKeystore,
  type WalletSecret,
} from '@orange-cloud/sdk';
import { loadConfig } from '../config.js';
import { renderConfigTemplate, type ConfigTemplateValues } from '../config/config-template.js';
import { checkFitsMachine, type Machine } from '../config/machine.js';
import { unlockProviderKeystore } from '../config/provider-keystore.js';
import { DEVNET_CHAIN_ID, initNetwork, initValues, type InitFlags } from './init-plan.js';

export interface InitOptions extends InitFlags {
  config: string;
  /** A file holding a private key (0x + 64 hex) or a BIP-39 mnemonic, to encrypt into a new keystore. */
  'import-key'?: string | undefined;
  /** An existing Orange Cloud keystore to use as it is. */
  keystore?: string | undefined;
  yes?: boolean | undefined;
  force?: boolean | undefined;
}

/** What init needs from outside: the environment, the machine, and a way to talk to the operator. */
export interface InitContext {
  env: NodeJS.ProcessEnv;
  home: string;
  machine: Machine;
  print(line: string): void;
  /** Asks a yes/no question; undefined when nobody can answer (no terminal). */
  confirm: ((question: string) => Promise<boolean>) | undefined;
}

export interface InitResult {
  config: string;
  keystore: string;
  /** How the keystore came to be. */
  keystoreSource: 'created' | 'imported' | 'existing';
  address: string;
  values: ConfigTemplateValues;
}

/**
 * `orange-provider init`: writes a commented config and creates, imports or adopts the keystore.
 * Refuses to overwrite either without --force, and a new keystore without a passphrase outside
 * the devnet. Everything is checked before the first file is written.
 */
export async function initProvider(
  options: InitOptions,
  context: InitContext,
): Promise<InitResult> {
  if (options['import-key'] && options.keystore)
    throw new OrangeError('CONFIG_INVALID', '--import-key and --keystore exclude each other.', {
      hint: '--import-key makes a new keystore from a key file; --keystore uses a keystore as it is.',
    });
  const network = await initNetwork(options, context.home);
  const values = initValues(options, network, context.machine, options);
  const passphrase = context.env[values.passphraseEnv] ?? '';

  if (!options.force && (await fileExists(options.config))) {
    throw new OrangeError('CONFIG_EXISTS', `A provider config exists at ${options.config}.`, {
      hint: 'Keep it, edit it, or pass --force to replace it.',
    });
  }
  let secret: WalletSecret;
  let keystoreSource: InitResult['keystoreSource'];
  if (options.keystore) {
    secret = await unlockProviderKeystore(values, context.env);
    keystoreSource = 'existing';
  } else {
    if (!options.force && (await fileExists(values.keystore))) {
      throw new OrangeError('WALLET_EXISTS', `A keystore exists at ${values.keystore}.`, {
        hint: 'Use it with --keystore FILE, or pass --force to replace it (its key is then lost).',
      });
    }
    if (passphrase === '' && network.chainId !== DEVNET_CHAIN_ID) {
      throw new OrangeError(
        'PASSPHRASE_NEEDED',
        `${values.passphraseEnv} is empty: a provider keystore needs a passphrase outside the devnet.`,
        { hint: `Set ${values.passphraseEnv} to a passphrase, then run init again.` },
      );
    }
    secret = options['import-key']
      ? await readKeyFile(options['import-key'])
      : { mnemonic: generateMnemonic() };
    keystoreSource = options['import-key'] ? 'imported' : 'created';
  }
  const address = walletFromSecret(secret).account.address;

  context.print(describePlan(options.config, values, keystoreSource, address));
  if (!options.yes) {
    if (!context.confirm)
      throw new OrangeError(
        'CONFIG_INVALID',
        'init needs a confirmation: there is no terminal to ask.',
        {
          hint: 'Pass --yes to write the files without asking.',
        },
      );
    if (!(await context.confirm('Write these files?')))
      throw new OrangeError('ABORTED', 'Nothing written.', {});
  }

  if (keystoreSource !== 'existing') await writeKeystore(values.keystore, secret, passphrase);
  await writeConfigFile(options.config, renderConfigTemplate(values), options.force ?? false);
  // What was written loads back as the daemon will read it.
  checkFitsMachine((await loadConfig(options.config)).policy, context.machine);

  context.print(describeDone(options.config, values, keystoreSource, address, passphrase === ''));
  return { config: options.config, keystore: values.keystore, keystoreSource, address, values };
}

/** A key file: a private key (0x + 64 hex, or 64 hex) or a mnemonic, surrounding space ignored. */
export async function readKeyFile(path: string): Promise<WalletSecret> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new OrangeError('FILE_NOT_FOUND', `Cannot read the key file ${path}.`, {
      hint: '--import-key takes a file holding a private key or a mnemonic.',
      cause: error,
    });
  }
  return /^(0x)?[0-9a-fA-F]{64}$/.test(text)
    ? { privateKey: normalizePrivateKey(text) }
    : { mnemonic: normalizeMnemonic(text) };
}

async function fileExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

/** 0600, and never over an existing file unless forced. */
async function writeConfigFile(path: string, text: string, force: boolean): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const handle = await open(path, force ? 'w' : 'wx', 0o600);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

function describePlan(
  config: string,
  v: ConfigTemplateValues,
  keystoreSource: InitResult['keystoreSource'],
  address: string,
): string {
  const keystore = {
    created: 'a new key',
    imported: 'the imported key',
    existing: 'kept as it is',
  };
  return [
    `Config     ${config}`,
    `Keystore   ${v.keystore} (${keystore[keystoreSource]}, address ${address})`,
    `Offer      ${v.cores} ${v.cores === 1 ? 'core' : 'cores'}, ${v.memoryMb} MB, ${v.pricePerCoreSecond} wei per core-second, runtimes ${v.runtimes?.join(', ') ?? 'every one whose image is present'}`,
    `Network    chain ${v.network.chainId}, market ${v.network.marketAddress}, RPC ${v.network.rpcUrls.join(', ')}`,
    `State      ${v.stateDir}`,
  ].join('\n');
}

function describeDone(
  config: string,
  v: ConfigTemplateValues,
  keystoreSource: InitResult['keystoreSource'],
  address: string,
  unprotected: boolean,
): string {
  const wrote =
    keystoreSource === 'existing'
      ? `Wrote ${config}.`
      : `Wrote ${config} and the keystore ${v.keystore}${unprotected ? ' (no passphrase: devnet only)' : ''}.`;
  return [
    wrote,
    `The provider's address is ${address}: it needs ether for gas and payment tokens for its bond${v.network.chainId === DEVNET_CHAIN_ID ? ` (\`npx orange devnet fund ${address}\`)` : ''}.`,
    'Start the daemon with:',
    `  ${unprotected ? '' : `${v.passphraseEnv}=... `}orange-provider run --config ${config}`,
  ].join('\n');
}
