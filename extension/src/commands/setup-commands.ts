import type * as vscode from 'vscode';
import { MarketClient, NETWORK_PRESETS, OrangeError, formatTokens } from '@orange-cloud/sdk';
import { DEVNET_FUNDING, fundOnDevnet } from '@orange-cloud/sdk/devnet';
import type { SessionManager } from '../session/session-manager.js';
import type { WalletStore } from '../wallet/wallet-store.js';
import type { Notifier } from '../errors/notifier.js';
import { devnetCommand } from '../devnet/devnet-launcher.js';
import type { DevnetReadiness } from '../devnet/devnet-readiness.js';
import { COMMANDS, WALKTHROUGH } from './command-ids.js';

/** Network choice, devnet funding and start, settings, log and walkthrough: the helpers errors point to. */
export function registerSetupCommands(
  vs: typeof vscode,
  sessions: SessionManager,
  wallet: WalletStore,
  notifier: Notifier,
  log: vscode.LogOutputChannel,
  devnetReadiness: () => Promise<DevnetReadiness>,
): vscode.Disposable[] {
  return [
    vs.commands.registerCommand(
      COMMANDS.selectNetwork,
      notifier.guard(async (given?: string) => {
        const current = vs.workspace.getConfiguration('orangeCloud').get<string>('network');
        const name =
          given ??
          (
            await vs.window.showQuickPick(
              Object.values(NETWORK_PRESETS).map((preset) => ({
                label: preset.name,
                description: `chain ${preset.chainId}${preset.name === current ? ' · current' : ''}`,
                detail:
                  preset.name === 'devnet'
                    ? 'A local chain on this machine (Start Devnet starts it)'
                    : preset.rpcUrl,
              })),
              { title: 'Orange Cloud network' },
            )
          )?.label;
        if (!name) return undefined;
        if (!(name in NETWORK_PRESETS)) {
          throw new OrangeError('UNKNOWN_NETWORK', `Unknown network "${name}".`, {
            hint: `Known networks: ${Object.keys(NETWORK_PRESETS).join(', ')}.`,
          });
        }
        await vs.workspace
          .getConfiguration('orangeCloud')
          .update('network', name, vs.ConfigurationTarget.Global);
        return name;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.fundWallet,
      notifier.guard(async () => {
        const address = (await wallet.address()) ?? (await wallet.require(), undefined);
        const network = vs.workspace.getConfiguration('orangeCloud').get<string>('network');
        if (network !== 'devnet' || !address) {
          throw new OrangeError(
            'FUND_DEVNET_ONLY',
            `One-click funding exists only on the devnet, not on ${network}.`,
            {
              hint: "On a public testnet, get test ETH from its faucet and the market's payment token for the address Orange Cloud shows.",
            },
          );
        }
        const connection = await sessions.connection();
        await fundOnDevnet(connection, address);
        const terms = await new MarketClient(connection).paymentTerms();
        const given = `${formatTokens(DEVNET_FUNDING.ether, { symbol: 'ETH', decimals: 18 })} for gas and ${formatTokens(DEVNET_FUNDING.tokens, terms)} for jobs`;
        log.info(`funded ${address} on the devnet: ${given}`);
        // The walkthrough's Fund step completes on this key: after the funds arrived, not on the click.
        await vs.commands.executeCommand('setContext', 'orangeCloud.funded', true);
        void vs.window.showInformationMessage(`Funded ${address} on the devnet: ${given}.`);
        return address;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.startDevnet,
      notifier.guard(async () => {
        // The devnet is the CLI's job: the project's own CLI, never `npx orange` (an unrelated
        // public package outside this project), with anvil and Docker checked first so that a
        // missing piece is named now rather than half-way through `devnet up`. A terminal shows
        // its progress and its errors.
        const launcher = await devnetReadiness();
        if (!launcher.ok) {
          // Not awaited: the command ends now; the button works whenever it is clicked.
          const settings = 'Open Settings';
          void vs.window
            .showWarningMessage(`${launcher.reason} Or pick another network.`, settings)
            .then((picked) =>
              picked === settings ? vs.commands.executeCommand(COMMANDS.openSettings) : undefined,
            );
          return undefined;
        }
        const terminal = vs.window.createTerminal({
          name: 'Orange Cloud devnet',
          cwd: launcher.folder,
        });
        terminal.show();
        terminal.sendText(devnetCommand(process.execPath, launcher.cli));
        log.info(`starting the devnet with ${launcher.cli}`);
        return launcher.cli;
      }),
    ),
    vs.commands.registerCommand(COMMANDS.openSettings, () =>
      vs.commands.executeCommand(
        'workbench.action.openSettings',
        '@ext:orange-cloud.orange-cloud-vscode',
      ),
    ),
    vs.commands.registerCommand(COMMANDS.showLog, () => log.show()),
    vs.commands.registerCommand(COMMANDS.openWalkthrough, () =>
      vs.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false),
    ),
  ];
}
