import type * as vscode from 'vscode';
import {
  MarketClient,
  MarketIndex,
  OrangeError,
  normalizePrivateKey,
  type MarketConnection,
  type TokenTerms,
} from '@orange-cloud/sdk';
import type { Notifier } from '../errors/notifier.js';
import type { SessionManager } from '../session/session-manager.js';
import { askShareChoices } from '../share/ask-share-choices.js';
import type { ProviderKeyStore } from '../share/daemon-key.js';
import { marketRangeText } from '../share/market-range.js';
import { settingIsSet } from '../settings/settings.js';
import {
  SHARE_SETTING_KEYS,
  priceInTokens,
  readShareChoices,
  type Machine,
  type ShareChoices,
} from '../share/share-choices.js';
import type { ShareController } from '../share/share-controller.js';
import { COMMANDS } from './command-ids.js';

export interface ShareCommandDeps {
  sessions: SessionManager;
  controller: ShareController;
  keys: ProviderKeyStore;
  notifier: Notifier;
  machine: Machine;
  docker: () => Promise<{ runtimes: string[] }>;
  canKeepRunning: () => Promise<boolean>;
  /** Remembers the market's token for the view once known. */
  setTerms: (terms: TokenTerms) => void;
}

const DOCKER_DOCS = 'https://docs.docker.com/engine/install/';
const NODE_DOCS = 'https://nodejs.org/en/download';

/** The settings keys Share Compute writes back, so that the next start offers the same. */
const SAVED: (keyof ShareChoices)[] = [
  'cores',
  'memoryMb',
  'pricePerCoreSecond',
  'runtimes',
  'keepRunning',
];

async function marketRange(connection: MarketConnection, exclude: string | undefined) {
  const market = new MarketClient(connection);
  const index = new MarketIndex(market);
  await index.sync();
  const terms = await market.paymentTerms();
  return { terms, range: marketRangeText([...index.providers.values()], terms, exclude) };
}

/**
 * Share Compute: start (the form, or the choices given by the walkthrough or a test), pause,
 * resume, stop, import a provider key, and the install buttons errors offer.
 */
export function registerShareCommands(
  vs: typeof vscode,
  deps: ShareCommandDeps,
): vscode.Disposable[] {
  const { controller, notifier } = deps;
  const config = () => vs.workspace.getConfiguration('orangeCloud');
  return [
    vs.commands.registerCommand(
      COMMANDS.shareStart,
      notifier.guard(async (given?: Partial<ShareChoices>) => {
        // Docker first: without it nothing else matters, and the error says what to install.
        const { runtimes } = await deps.docker();
        const connection = await deps.sessions.connection();
        const { terms, range } = await marketRange(connection, controller.provider);
        deps.setTerms(terms);
        // The price setting is in tokens: it is read (and a bad one refused) once they are known.
        const current = readShareChoices(
          (key) => config().get(key),
          deps.machine,
          terms,
          settingIsSet(config()),
        );
        const choices =
          given && typeof given === 'object'
            ? { ...current, ...given }
            : await askShareChoices(vs, current, {
                machine: deps.machine,
                terms,
                marketRange: range,
                runtimes,
                canKeepRunning: await deps.canKeepRunning(),
              });
        if (!choices) return undefined;
        for (const key of SAVED) {
          const value =
            key === 'pricePerCoreSecond' ? priceInTokens(choices[key], terms) : choices[key];
          await config().update(SHARE_SETTING_KEYS[key], value, vs.ConfigurationTarget.Global);
        }
        await controller.start(choices);
        return controller.provider;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.sharePause,
      notifier.guard(() => controller.pause()),
    ),
    vs.commands.registerCommand(
      COMMANDS.shareResume,
      notifier.guard(() => controller.resume()),
    ),
    vs.commands.registerCommand(
      COMMANDS.shareStop,
      notifier.guard(() => controller.stop()),
    ),
    vs.commands.registerCommand(
      COMMANDS.shareImportKey,
      notifier.guard(async (given?: { privateKey: string }) => {
        const text =
          given?.privateKey ??
          (await vs.window.showInputBox({
            title: 'Share Compute: import a provider key',
            prompt:
              'The private key the provider daemon signs with (0x and 64 hex digits). Without one, a key is derived from your wallet.',
            password: true,
            ignoreFocusOut: true,
            validateInput: (value) => {
              try {
                normalizePrivateKey(value);
                return undefined;
              } catch (error) {
                return error instanceof OrangeError ? error.message : String(error);
              }
            },
          }));
        if (text === undefined) return undefined;
        const address = await deps.keys.import({ privateKey: normalizePrivateKey(text) });
        void vs.window.showInformationMessage(
          `Share Compute will run as provider ${address} from its next start.`,
        );
        return address;
      }),
    ),
    vs.commands.registerCommand(COMMANDS.shareShowLog, () =>
      vs.window.showTextDocument(vs.Uri.file(controller.paths.log)),
    ),
    vs.commands.registerCommand(COMMANDS.installDocker, () =>
      vs.env.openExternal(vs.Uri.parse(DOCKER_DOCS)),
    ),
    vs.commands.registerCommand(COMMANDS.installNode, () =>
      vs.env.openExternal(vs.Uri.parse(NODE_DOCS)),
    ),
  ];
}
