import type * as vscode from 'vscode';
import { OrangeError } from '@orange-cloud/sdk';
import { ACTION_COMMANDS } from '../commands/command-ids.js';
import { ACTION_LABELS, actionsFor, errorText, type ErrorAction } from './error-actions.js';
import { inEditorTerms } from './editor-hints.js';
import type { DevnetReadiness } from '../devnet/devnet-readiness.js';

export interface ShownError {
  code: string;
  text: string;
  actions: ErrorAction[];
}

/**
 * Turns errors into notifications whose buttons help (create a wallet, start
 * the devnet, open settings…), and writes the whole error, cause included,
 * to the log.
 */
export class Notifier {
  private readonly vs: typeof vscode;
  private readonly log: vscode.LogOutputChannel;
  private readonly network: () => string;
  private readonly explain: (error: unknown) => unknown;
  private readonly devnetReadiness: (() => Promise<DevnetReadiness>) | undefined;
  /** The last notifications, newest last: what the end-to-end tests check. */
  readonly shown: ShownError[] = [];

  /** `explain` turns a connection failure (viem's "HTTP request failed") into its plain state. */
  constructor(
    vs: typeof vscode,
    log: vscode.LogOutputChannel,
    network: () => string,
    explain: (error: unknown) => unknown = (error) => error,
    devnetReadiness?: () => Promise<DevnetReadiness>,
  ) {
    this.vs = vs;
    this.log = log;
    this.network = network;
    this.explain = explain;
    this.devnetReadiness = devnetReadiness;
  }

  /** Shows the error; resolves once the user picked an action (or dismissed it). */
  async showError(raised: unknown): Promise<void> {
    // The SDK's hints may name CLI flags; here the same fixes are settings.
    const error = inEditorTerms(this.explain(raised));
    let network = 'devnet';
    try {
      network = this.network();
    } catch {
      // Invalid settings are themselves the error being shown; assume the default network.
    }
    let actions = actionsFor(error, network);
    let text = errorText(error);
    // Start Devnet is offered only where it can work; elsewhere the text says what is missing.
    if (actions.includes('startDevnet') && this.devnetReadiness) {
      const readiness = await this.devnetReadiness();
      if (!readiness.ok) {
        actions = actions.filter((action) => action !== 'startDevnet');
        text = `${text} ${readiness.reason}`;
      }
    }
    const code = error instanceof OrangeError ? error.code : 'UNEXPECTED';
    this.shown.push({ code, text, actions });
    if (this.shown.length > 20) this.shown.shift();
    this.log.error(`${code}: ${text}`);
    if (error instanceof Error && error.cause !== undefined)
      this.log.error('caused by', error.cause);
    if (!(error instanceof OrangeError) && error instanceof Error) this.log.error(error);

    const picked = await this.vs.window.showErrorMessage(
      text,
      ...actions.map((action) => ACTION_LABELS[action]),
    );
    const action = actions.find((a) => ACTION_LABELS[a] === picked);
    if (action) await this.vs.commands.executeCommand(ACTION_COMMANDS[action]);
  }

  /** For command handlers: shows the error instead of letting VS Code print a bare message. */
  guard<A extends unknown[]>(handler: (...args: A) => Promise<unknown>) {
    return async (...args: A): Promise<unknown> => {
      try {
        return await handler(...args);
      } catch (error) {
        void this.showError(error);
        return undefined;
      }
    };
  }
}
