import type * as vscode from 'vscode';
import type { Notifier } from '../errors/notifier.js';
import type { RunController } from '../run/run-controller.js';
import { COMMANDS } from './command-ids.js';

/** Run on Orange Cloud, Run with Options… and the editor's stop button. */
export function registerRunCommands(
  vs: typeof vscode,
  runs: RunController,
  notifier: Notifier,
): vscode.Disposable[] {
  return [
    vs.commands.registerCommand(
      COMMANDS.runFile,
      notifier.guard((uri?: vscode.Uri) =>
        runs.runFile(uri instanceof vs.Uri ? uri : undefined, false),
      ),
    ),
    vs.commands.registerCommand(
      COMMANDS.runFileWithOptions,
      notifier.guard((uri?: vscode.Uri) =>
        runs.runFile(uri instanceof vs.Uri ? uri : undefined, true),
      ),
    ),
    vs.commands.registerCommand(COMMANDS.stopRun, () => runs.stopAll()),
  ];
}
