import type * as vscode from 'vscode';
import { OrangeError, walletFromSecret, type WalletSecret } from '@orange-cloud/sdk';
import { noWallet } from '../errors/error-actions.js';

const SECRET_KEY = 'orangeCloud.wallet';

/**
 * The user's wallet secret (mnemonic or private key), kept only in VS Code's
 * SecretStorage (the OS keychain where there is one). Never in settings,
 * files or logs.
 */
export class WalletStore {
  private readonly secrets: vscode.SecretStorage;

  constructor(secrets: vscode.SecretStorage) {
    this.secrets = secrets;
  }

  /** The stored secret, or undefined when there is no wallet yet. */
  async read(): Promise<WalletSecret | undefined> {
    const raw = await this.secrets.get(SECRET_KEY);
    if (raw === undefined) return undefined;
    try {
      const parsed = JSON.parse(raw) as WalletSecret;
      walletFromSecret(parsed); // throws on anything that is not a usable secret
      return parsed;
    } catch (error) {
      throw new OrangeError('WALLET_CORRUPT', 'The stored wallet cannot be read.', {
        hint: 'Forget the wallet and import it again from your mnemonic or private key.',
        cause: error,
      });
    }
  }

  async require(): Promise<WalletSecret> {
    const secret = await this.read();
    if (!secret) throw noWallet();
    return secret;
  }

  /** Stores a secret after checking that it yields a wallet; returns its address. */
  async write(secret: WalletSecret): Promise<`0x${string}`> {
    const wallet = walletFromSecret(secret);
    await this.secrets.store(SECRET_KEY, JSON.stringify(secret));
    return wallet.account.address;
  }

  async address(): Promise<`0x${string}` | undefined> {
    const secret = await this.read().catch(() => undefined);
    return secret ? walletFromSecret(secret).account.address : undefined;
  }

  async forget(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
  }

  /** Fires when the wallet changes, in this window or another one. */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.secrets.onDidChange((event) => {
      if (event.key === SECRET_KEY) listener();
    });
  }
}
