import type * as vscode from 'vscode';
import type { SessionManager } from '../session/session-manager.js';
import type { Notifier } from '../errors/notifier.js';
import type { RunController } from '../run/run-controller.js';
import type { JobOutputsCommand } from '../outputs/job-outputs-command.js';
import type { JobNode, JobTreeProvider } from '../jobs/job-tree-provider.js';
import type { ProviderTreeProvider } from '../providers/provider-tree-provider.js';
import { jobCids, type LocalRunRecord } from '../jobs/job-model.js';
import { storedOutputText } from '../jobs/stored-output.js';
import { COMMANDS } from './command-ids.js';

/**
 * The job view's context actions: Show Output, Cancel, Re-run, Save Returned Files, Copy Job
 * ID / CIDs, and Refresh.
 */
export function registerJobCommands(
  vs: typeof vscode,
  sessions: SessionManager,
  runs: RunController,
  notifier: Notifier,
  trees: { jobs: JobTreeProvider; providers: ProviderTreeProvider; retry: () => Promise<void> },
  local: (node: JobNode) => LocalRunRecord | undefined,
  outputs: JobOutputsCommand,
): vscode.Disposable[] {
  return [
    vs.commands.registerCommand(
      COMMANDS.showOutput,
      notifier.guard(async (node: JobNode) => {
        const live = runs.channels.forJob(node.job.jobId);
        if (live) return live.channel.show();
        // A job from earlier (or another machine): fetch and decrypt its stored result.
        const session = await sessions.get();
        const result = await vs.window.withProgress(
          {
            location: vs.ProgressLocation.Notification,
            title: `Fetching the result of job #${node.job.jobId}…`,
          },
          () => session.result(node.job.jobId),
        );
        const channel = runs.channels.create(`job #${node.job.jobId} ${node.job.name}`);
        channel.jobId = node.job.jobId;
        channel.appendLine(
          `[Result] job #${node.job.jobId} ${node.job.name}, ${node.job.status}, exit code ${result.exitCode}`,
        );
        channel.append(storedOutputText(result));
        channel.channel.show(true);
        return undefined;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.cancelJob,
      notifier.guard(async (node: JobNode) => {
        // A run of this window ends through its abort signal, which also cancels on chain.
        if (runs.abortJob(node.job.jobId)) return undefined;
        const session = await sessions.get();
        await session.cancel(node.job.jobId);
        void vs.window.showInformationMessage(`Job #${node.job.jobId} cancelled.`);
        return undefined;
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.rerunJob,
      notifier.guard(async (node: JobNode) => {
        const record = local(node);
        if (!record) return undefined; // the menu only offers Re-run when the file is known
        return runs.rerun(vs.Uri.parse(record.fileUri), {
          cores: node.job.cores,
          memoryMb: node.job.memoryMb,
          timeoutSec: node.job.timeoutSec,
          maxPricePerCoreSecond: node.job.pricePerCoreSecond,
        });
      }),
    ),
    vs.commands.registerCommand(
      COMMANDS.saveOutputs,
      notifier.guard((node: JobNode) => outputs.save(node.job.jobId)),
    ),
    vs.commands.registerCommand(COMMANDS.copyJobId, (node: JobNode) =>
      vs.env.clipboard.writeText(String(node.job.jobId)),
    ),
    vs.commands.registerCommand(COMMANDS.copyCids, (node: JobNode) =>
      vs.env.clipboard.writeText(jobCids(node.job)),
    ),
    // Refresh is also Retry: a stale or failed session is closed and opened again.
    vs.commands.registerCommand(COMMANDS.refresh, () => trees.retry()),
  ];
}
