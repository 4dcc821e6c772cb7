import type * as vscode from 'vscode';
import {
  DEFAULT_ALLOWANCE,
  authorizationPrompt,
  dearestPrice,
  formatRate,
  parseAllowance,
} from '@orange-cloud/sdk';
import type { SessionManager } from '../session/session-manager.js';
import type { Notifier } from '../errors/notifier.js';
import { validateAllowance } from '../payments/authorization.js';
import { COMMANDS } from './command-ids.js';

/** Context key the walkthrough's "Authorize payments" step completes on. */
const PAYMENTS_AUTHORIZED = 'orangeCloud.paymentsAuthorized';

/**
 * Authorize and Revoke Payments: the market's bounded right to stream this
 * wallet's job payments. Authorizing always goes through a modal that says
 * what is allowed, so no caller can grant it without the user's yes.
 */
export function registerPaymentCommands(
  vs: typeof vscode,
  sessions: SessionManager,
  notifier: Notifier,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  return [
    vs.commands.registerCommand(
      COMMANDS.authorizePayments,
      notifier.guard(async () => {
        const session = await sessions.get();
        const status = await session.paymentStatus();
        const { terms } = status;
        const text = await vs.window.showInputBox({
          title: 'Orange Cloud: payment allowance',
          prompt: `${terms.symbol} per second the market may add to your payment flows, summed over every job start`,
          value: DEFAULT_ALLOWANCE,
          ignoreFocusOut: true,
          validateInput: (typed) => validateAllowance(typed, terms),
        });
        if (text === undefined) return undefined;
        const allowanceWei = parseAllowance(text, terms);
        const prompt = authorizationPrompt(
          status,
          allowanceWei,
          dearestPrice(session.index.activeProviders()),
        );
        const authorize = 'Authorize';
        const answer = await vs.window.showWarningMessage(
          prompt.message,
          { modal: true, detail: prompt.detail },
          authorize,
        );
        if (answer !== authorize) return undefined;
        const authorization = await vs.window.withProgress(
          {
            location: vs.ProgressLocation.Notification,
            title: 'Orange Cloud: authorizing payments…',
          },
          () => session.authorizePayments(allowanceWei),
        );
        // The walkthrough's onCommand only sees commands run by the workbench (palette, links);
        // an error's button runs this inside the extension host, so the step also needs this key.
        await vs.commands.executeCommand('setContext', PAYMENTS_AUTHORIZED, true);
        const allowance = formatRate(authorization.flowRateAllowance, terms);
        log.info(`authorized market ${terms.market} to stream payments, allowance ${allowance}`);
        void vs.window.showInformationMessage(
          `Payments authorized: the market may stream up to ${allowance} in total for your jobs.`,
        );
        return authorization;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.revokePayments,
      notifier.guard(async () => {
        const session = await sessions.get();
        const terms = await session.market.paymentTerms();
        const revoke = 'Revoke';
        const answer = await vs.window.showWarningMessage(
          "Revoke the market's permission to stream your payments?",
          {
            modal: true,
            detail: `Market: ${terms.market}\n\nJobs that are running still end cleanly; no new job can start until you authorize payments again.`,
          },
          revoke,
        );
        if (answer !== revoke) return undefined;
        const authorization = await vs.window.withProgress(
          {
            location: vs.ProgressLocation.Notification,
            title: 'Orange Cloud: revoking payments…',
          },
          () => session.revokePayments(),
        );
        await vs.commands.executeCommand('setContext', PAYMENTS_AUTHORIZED, false);
        log.info(`revoked market ${terms.market}'s permission to stream payments`);
        void vs.window.showInformationMessage(
          'Payments revoked: no new job of yours can start until you authorize them again.',
        );
        return authorization;
      }),
    ),
  ];
}
