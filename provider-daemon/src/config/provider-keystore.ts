import { OrangeError, isOrangeError, readKeystore, type WalletSecret } from '@orange-cloud/sdk';
import type { ProviderConfig } from '../config.js';

/**
 * Opens the provider's keystore with the passphrase from the variable the config names. A
 * missing, damaged or garbage file, or a wrong passphrase, is a CONFIG_INVALID naming the
 * `keystore` field (the SDK's own error is its cause), raised before anything touches the chain.
 */
export async function unlockProviderKeystore(
  config: Pick<ProviderConfig, 'keystore' | 'passphraseEnv'>,
  env: NodeJS.ProcessEnv,
): Promise<WalletSecret> {
  try {
    return await readKeystore(config.keystore, env[config.passphraseEnv] ?? '');
  } catch (error) {
    if (!isOrangeError(error)) throw error;
    const why: Partial<Record<string, string>> = {
      NO_WALLET: `${config.keystore} does not exist`,
      WRONG_PASSPHRASE: `${config.keystore} does not open with the passphrase in ${config.passphraseEnv}`,
    };
    throw new OrangeError(
      'CONFIG_INVALID',
      `Provider config: keystore ${why[error.code] ?? `cannot be used: ${error.message.replace(/\.$/, '')}`}.`,
      {
        hint:
          error.code === 'WRONG_PASSPHRASE'
            ? `Set ${config.passphraseEnv} to the keystore's passphrase.`
            : 'Point keystore at the provider keystore, or make one with `orange-provider init`.',
        cause: error,
      },
    );
  }
}
