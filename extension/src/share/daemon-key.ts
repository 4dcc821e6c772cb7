import { createHmac } from 'node:crypto';
import {
  OrangeError,
  normalizeMnemonic,
  normalizePrivateKey,
  walletFromSecret,
  type WalletSecret,
} from '@orange-cloud/sdk';

/** The HMAC key that separates the daemon's key from every other use of the wallet's secret. */
const DOMAIN = 'orange-cloud/provider-daemon-key/v1';
const SECRET_KEY = 'orangeCloud.share.providerKey';
const PASSPHRASE_KEY = 'orangeCloud.share.keystorePassphrase';

/**
 * The provider daemon's own key, derived from the user's wallet: the same wallet always gives
 * the same provider address (so a reinstall keeps its earnings and reputation), and the daemon,
 * which holds its key on disk, never holds the wallet's own key.
 */
export function deriveProviderSecret(wallet: WalletSecret): { privateKey: `0x${string}` } {
  const material =
    'mnemonic' in wallet
      ? `mnemonic:${normalizeMnemonic(wallet.mnemonic)}`
      : `privateKey:${normalizePrivateKey(wallet.privateKey)}`;
  const key = `0x${createHmac('sha256', DOMAIN).update(material).digest('hex')}` as const;
  walletFromSecret({ privateKey: key }); // a key outside the curve's range (odds 2^-128) throws
  return { privateKey: key };
}

/** The part of VS Code's SecretStorage this needs. */
export interface Secrets {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** The daemon's key and its keystore's passphrase, in SecretStorage only (never in settings). */
export class ProviderKeyStore {
  private readonly secrets: Secrets;

  constructor(secrets: Secrets) {
    this.secrets = secrets;
  }

  /** The stored provider key; else one derived from the wallet, stored for next time. */
  async secret(wallet: () => Promise<WalletSecret>): Promise<WalletSecret> {
    const stored = await this.secrets.get(SECRET_KEY);
    if (stored !== undefined) {
      try {
        const secret = JSON.parse(stored) as WalletSecret;
        walletFromSecret(secret);
        return secret;
      } catch (cause) {
        throw new OrangeError('WALLET_CORRUPT', 'The stored provider key cannot be read.', {
          hint: 'Import the provider key again, or forget it to derive it from the wallet.',
          cause,
        });
      }
    }
    const derived = deriveProviderSecret(await wallet());
    await this.secrets.store(SECRET_KEY, JSON.stringify(derived));
    return derived;
  }

  /** An imported key replaces the derived one. */
  async import(secret: WalletSecret): Promise<`0x${string}`> {
    const { address } = walletFromSecret(secret).account;
    await this.secrets.store(SECRET_KEY, JSON.stringify(secret));
    return address;
  }

  /** The keystore's passphrase: random, made once, handed to the daemon by environment. */
  async passphrase(random: () => string): Promise<string> {
    const stored = await this.secrets.get(PASSPHRASE_KEY);
    if (stored) return stored;
    const made = random();
    await this.secrets.store(PASSPHRASE_KEY, made);
    return made;
  }
}
