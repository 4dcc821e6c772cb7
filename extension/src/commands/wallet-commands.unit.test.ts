import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { generateMnemonic, walletFromSecret } from '@orange-cloud/sdk';
import type { Notifier } from '../errors/notifier.js';
import { FakeSecretStorage } from '../test/fakes/secret-storage.js';
import { WalletStore } from '../wallet/wallet-store.js';
import { COMMANDS } from './command-ids.js';
import { registerWalletCommands, type ImportArgument } from './wallet-commands.js';

/** The commands registered on a VS Code stub whose modal warnings answer `answer`. */
function setup(answer: string | undefined) {
  const handlers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const warnings: { message: string; modal: boolean }[] = [];
  const vs = {
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => Promise<unknown>) => {
        handlers.set(id, handler);
        return { dispose: () => handlers.delete(id) };
      },
    },
    window: {
      showWarningMessage: async (message: string, options: { modal?: boolean }) => {
        warnings.push({ message, modal: options.modal === true });
        return answer;
      },
      showInformationMessage: async () => undefined,
    },
  } as unknown as typeof vscode;
  // Errors propagate to the test instead of becoming notifications.
  const notifier = { guard: (handler: unknown) => handler } as unknown as Notifier;
  const wallet = new WalletStore(new FakeSecretStorage() as unknown as vscode.SecretStorage);
  registerWalletCommands(vs, wallet, notifier);
  const importWallet = (given: ImportArgument) => handlers.get(COMMANDS.importWallet)!(given);
  return { wallet, warnings, importWallet };
}

const addressOf = (mnemonic: string) => walletFromSecret({ mnemonic }).account.address;

describe('Import Wallet called with an argument (by a program)', () => {
  it('imports at once when there is no wallet yet', async () => {
    const t = setup(undefined);
    const mnemonic = generateMnemonic();
    assert.equal(await t.importWallet({ mnemonic }), addressOf(mnemonic));
    assert.deepEqual(t.warnings, []);
  });

  it('asks before replacing a wallet, naming both, and keeps the old one when declined', async () => {
    const t = setup(undefined);
    const mine = generateMnemonic();
    await t.wallet.write({ mnemonic: mine });
    const theirs = generateMnemonic();
    assert.equal(await t.importWallet({ mnemonic: theirs }), undefined);
    assert.equal(t.warnings.length, 1);
    assert.ok(
      t.warnings[0]!.modal,
      'a modal dialog: it cannot be missed or clicked away by a toast',
    );
    assert.match(
      t.warnings[0]!.message,
      new RegExp(`replace your wallet ${addressOf(mine)} with ${addressOf(theirs)}`),
    );
    assert.equal(await t.wallet.address(), addressOf(mine));
  });

  it('replaces the wallet once the user confirms', async () => {
    const t = setup('Replace Wallet');
    await t.wallet.write({ mnemonic: generateMnemonic() });
    const privateKey = `0x${'11'.repeat(32)}`;
    const imported = await t.importWallet({ privateKey });
    assert.equal(t.warnings.length, 1);
    assert.equal(imported, await t.wallet.address());
    assert.deepEqual(await t.wallet.read(), { privateKey });
  });

  it('does not ask when the argument is the wallet already there', async () => {
    const t = setup(undefined);
    const mnemonic = generateMnemonic();
    await t.wallet.write({ mnemonic });
    assert.equal(await t.importWallet({ mnemonic }), addressOf(mnemonic));
    assert.deepEqual(t.warnings, []);
  });
});
