import type * as vscode from 'vscode';
import type { SessionManager } from '../session/session-manager.js';
import type { Settings } from '../settings/settings.js';
import { historyScope, type RunHistory } from '../jobs/run-history.js';
import type { RunChannels } from '../run/run-channels.js';
import { outputsRoot } from './outputs-folder.js';
import { ReturnedFiles } from './returned-files.js';

export interface JobOutputsDeps {
  sessions: SessionManager;
  settings: () => Settings;
  history: RunHistory;
  channels: RunChannels;
  /** Where returned files go when no workspace folder is open. */
  storageDir: string;
}

/**
 * The Jobs view's Save Returned Files: fetches a finished job's files again (a job that ended
 * while VS Code was closed, or whose files were deleted) into a fresh folder under the outputs
 * folder, lists them in a channel of their own, opens the images, and shows them under the
 * job when this machine posted it.
 */
export class JobOutputsCommand {
  private readonly vs: typeof vscode;
  private readonly deps: JobOutputsDeps;
  private readonly returned: ReturnedFiles;

  constructor(vs: typeof vscode, deps: JobOutputsDeps) {
    this.vs = vs;
    this.deps = deps;
    this.returned = new ReturnedFiles(vs);
  }

  /** Returns the saved files' paths. */
  async save(jobId: bigint): Promise<string[]> {
    const settings = this.deps.settings();
    const session = await this.deps.sessions.get();
    const scope = historyScope(
      session.market.address,
      session.market.connection.chainId,
      session.address,
    );
    const local = this.deps.history.find(scope, jobId);
    const name = session.index.jobs.get(jobId)?.name ?? local?.fileName ?? '';
    const result = await this.vs.window.withProgress(
      {
        location: this.vs.ProgressLocation.Notification,
        title: `Fetching the files job #${jobId} returned…`,
      },
      () => session.result(jobId),
    );
    if (!result.outputs) {
      void this.vs.window.showInformationMessage(`Job #${jobId} returned no files.`);
      return [];
    }
    // Beside the file that ran, as at the end of a run; else in the first workspace folder.
    const fileFolder = local
      ? this.vs.workspace.getWorkspaceFolder(this.vs.Uri.parse(local.fileUri))
      : undefined;
    const root = outputsRoot(settings.outputs.folder, {
      workspaceFolder: (fileFolder ?? this.vs.workspace.workspaceFolders?.[0])?.uri.fsPath,
      projectRoot: undefined,
      fallback: this.deps.storageDir,
    });
    // Not the job's output: Show Output keeps opening the run's own channel.
    const channel = this.deps.channels.create(`job #${jobId} ${name} files`);
    channel.channel.show(true);
    // Fetched within its stated size, checked against the result's list, written fresh.
    const saved = await session.saveOutputs(jobId, result.outputs, root);
    this.returned.list(saved, channel, settings.outputs.openImages);
    if (local && saved.dir !== undefined) {
      const files = saved.files.map(({ path, bytes }) => ({ path, bytes }));
      await this.deps.history.save(scope, { ...local, outputs: { dir: saved.dir, files } });
    }
    if (settings.outputs.openImages) await this.returned.openImages(saved);
    return saved.files.map((file) => file.savedPath);
  }
}
