import type * as vscode from 'vscode';
import {
  generateMnemonic,
  normalizeMnemonic,
  normalizePrivateKey,
  walletFromSecret,
  type WalletSecret,
} from '@orange-cloud/sdk';
import type { WalletStore } from '../wallet/wallet-store.js';
import {
  checkConfirmationWord,
  numberedWords,
  ordinal,
  wordsToConfirm,
} from '../wallet/mnemonic-confirmation.js';
import { COMMANDS } from './command-ids.js';
import type { Notifier } from '../errors/notifier.js';

/** A secret handed to the import command by a program (tests, automation) instead of typed. */
export type ImportArgument = { mnemonic: string } | { privateKey: string };

const validate = (parse: (text: string) => unknown) => (text: string) => {
  try {
    parse(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

/** Create, import, show, export and forget: the wallet lives only in SecretStorage. */
export function registerWalletCommands(
  vs: typeof vscode,
  wallet: WalletStore,
  notifier: Notifier,
  network: () => string = () => 'devnet',
): vscode.Disposable[] {
  /**
   * Asks before a wallet is replaced. `incoming` is the address a program handed the import
   * command: another extension can run any command, so it never replaces the wallet silently.
   */
  const replaceOk = async (incoming?: string) => {
    const existing = await wallet.address();
    if (!existing) return true;
    if (incoming !== undefined && incoming.toLowerCase() === existing.toLowerCase()) return true;
    const replace = 'Replace Wallet';
    const answer = await vs.window.showWarningMessage(
      incoming === undefined
        ? `Replace the wallet ${existing}?`
        : `A program (another extension or a script) asks to replace your wallet ${existing} with ${incoming}. Replace it?`,
      {
        modal: true,
        detail:
          incoming === undefined
            ? 'Without its mnemonic or private key, the old wallet and its funds are lost to this machine.'
            : 'Replace it only if you started this yourself. Without its mnemonic or private key, the old wallet and its funds are lost to this machine, and jobs would be paid from a wallet someone else chose.',
      },
      replace,
    );
    return answer === replace;
  };

  const saved = async (secret: WalletSecret) => {
    const address = await wallet.write(secret);
    void vs.window.showInformationMessage(`Orange Cloud wallet ready: ${address}`);
    return address;
  };

  return [
    vs.commands.registerCommand(
      COMMANDS.createWallet,
      notifier.guard(async () => {
        if (!(await replaceOk())) return undefined;
        const mnemonic = generateMnemonic();
        // The devnet pays in test money that vanishes with it: no phrase to write down and confirm.
        let onDevnet = false;
        try {
          onDevnet = network() === 'devnet';
        } catch {
          // invalid settings: the full ceremony
        }
        if (onDevnet) {
          const address = await wallet.write({ mnemonic });
          void vs.window.showInformationMessage(
            `Orange Cloud devnet wallet ready: ${address}. It holds test money only; Export Wallet shows its phrase if you ever need it.`,
          );
          return address;
        }
        const written = 'I Have Written It Down';
        const answer = await vs.window.showInformationMessage(
          'Your new Orange Cloud recovery phrase',
          {
            modal: true,
            detail: `${numberedWords(mnemonic)}\n\nWrite these 12 words down, in order, and keep them offline. They are shown only this once; anyone who has them controls the wallet.`,
          },
          written,
        );
        if (answer !== written) return undefined;
        for (const position of wordsToConfirm(12)) {
          const typed = await vs.window.showInputBox({
            title: 'Confirm your recovery phrase',
            prompt: `Type word ${ordinal(position)} of the phrase you wrote down.`,
            ignoreFocusOut: true,
            validateInput: (text) => checkConfirmationWord(mnemonic, position, text),
          });
          if (typed === undefined) {
            void vs.window.showWarningMessage(
              'No wallet was created: the phrase was not confirmed.',
            );
            return undefined;
          }
        }
        return saved({ mnemonic });
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.importWallet,
      notifier.guard(async (given?: ImportArgument) => {
        if (given) {
          const secret: WalletSecret =
            'mnemonic' in given
              ? { mnemonic: normalizeMnemonic(given.mnemonic) }
              : { privateKey: normalizePrivateKey(given.privateKey) };
          if (!(await replaceOk(walletFromSecret(secret).account.address))) return undefined;
          return saved(secret);
        }
        if (!(await replaceOk())) return undefined;
        const picked = await vs.window.showQuickPick(
          [
            {
              label: 'Recovery phrase',
              description: '12 to 24 BIP-39 words',
              secretKind: 'mnemonic' as const,
            },
            {
              label: 'Private key',
              description: '0x + 64 hex digits',
              secretKind: 'privateKey' as const,
            },
          ],
          { title: 'Import an Orange Cloud wallet' },
        );
        if (!picked) return undefined;
        const parse = picked.secretKind === 'mnemonic' ? normalizeMnemonic : normalizePrivateKey;
        const text = await vs.window.showInputBox({
          title: `Import from a ${picked.label.toLowerCase()}`,
          password: true,
          ignoreFocusOut: true,
          validateInput: validate(parse),
        });
        if (text === undefined) return undefined;
        return saved(
          picked.secretKind === 'mnemonic'
            ? { mnemonic: normalizeMnemonic(text) }
            : { privateKey: normalizePrivateKey(text) },
        );
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.showAddress,
      notifier.guard(async () => {
        const address = await wallet.address();
        if (!address) return wallet.require(); // throws NO_WALLET with its actions
        const copy = 'Copy Address';
        const picked = await vs.window.showInformationMessage(
          `Your Orange Cloud address: ${address}`,
          copy,
        );
        if (picked === copy) await vs.env.clipboard.writeText(address);
        return address;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.exportWallet,
      notifier.guard(async () => {
        const secret = await wallet.require();
        const reveal = 'Show Secret';
        const answer = await vs.window.showWarningMessage(
          'Export the wallet secret?',
          {
            modal: true,
            detail:
              "Anyone who sees it can spend the wallet's funds and read the results of your jobs. Make sure nobody is watching your screen.",
          },
          reveal,
        );
        if (answer !== reveal) return undefined;
        const text = 'mnemonic' in secret ? secret.mnemonic : secret.privateKey;
        const copy = 'Copy to Clipboard';
        const picked = await vs.window.showInformationMessage(
          'mnemonic' in secret ? 'Your recovery phrase' : 'Your private key',
          { modal: true, detail: text },
          copy,
        );
        if (picked === copy) await vs.env.clipboard.writeText(text);
        return undefined;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.forgetWallet,
      notifier.guard(async () => {
        const address = await wallet.address();
        if (!address) return undefined;
        const forget = 'Forget Wallet';
        const answer = await vs.window.showWarningMessage(
          `Forget the wallet ${address}?`,
          {
            modal: true,
            detail:
              'It is removed from this machine. Only its mnemonic or private key can bring it back.',
          },
          forget,
        );
        if (answer === forget) await wallet.forget();
        return undefined;
      }),
    ),
  ];
}
