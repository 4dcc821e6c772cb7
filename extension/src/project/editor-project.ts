import type * as vscode from 'vscode';
import {
  orangeHome,
  userDependencyOptions,
  type PackedPayload,
  type DependencySources,
  type ProjectToSend,
} from '@orange-cloud/sdk';
import type { Settings } from '../settings/settings.js';
import type { ScriptSource } from '../run/script-source.js';
import { outputsRoot } from '../outputs/outputs-folder.js';
import { packRun } from './pack-run.js';
import { planProject } from './project-plan.js';
import { projectLabel, projectLine } from './project-line.js';

/**
 * A run's project, checked and packed, before its declared dependencies become wheels: that
 * waits for the runtime (`session.prepare`), whose advertised Python and platform they fit.
 */
export interface PreparedRun {
  project: ProjectToSend;
  /** The user's pip, npm and their caches. */
  dependencies: DependencySources;
  /** The project folder as the user knows it ("plot", "the file alone"). */
  label: string;
  /** Where this run's returned files will be saved (one folder per job inside). */
  outputsRoot: string;
}

/** "plot: sending 4 files, 2.1 KiB sealed (largest: …)": what goes, once it is final. */
export const preparedLine = (prepared: PreparedRun, payload: PackedPayload): string =>
  projectLine(payload, prepared.label);

/**
 * What a run sends, as the editor sees it: the entry's workspace folder is the ceiling,
 * `orangeCloud.project` picks the project, and every dirty editor of a file the project sends
 * goes as it is on screen.
 */
export class EditorProject {
  private readonly vs: typeof vscode;
  /** Where returned files go when there is neither a workspace nor a file on disk. */
  private readonly storageDir: string;

  constructor(vs: typeof vscode, storageDir: string) {
    this.vs = vs;
    this.storageDir = storageDir;
  }

  async prepare(source: ScriptSource, settings: Settings): Promise<PreparedRun> {
    const plan = planProject(source.path, source.workspaceFolder, settings.project);
    const workspaceFolder =
      source.workspaceFolder ?? this.vs.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const projectRoot = plan.alone ? undefined : (plan.root ?? plan.ceiling);
    const outputs = outputsRoot(settings.outputs.folder, {
      workspaceFolder,
      projectRoot,
      fallback: this.storageDir,
    });
    const project = await packRun(
      {
        fileName: source.fileName,
        path: source.path,
        text: source.text,
        ...(source.bytes ? { bytes: source.bytes } : {}),
        dirty: source.dirty,
      },
      {
        plan,
        maxBytes: settings.maxProjectMb * 1024 * 1024,
        unsaved: this.unsavedDocuments(source),
        leaveOut: [outputs],
      },
    );
    const label = projectLabel(project.packed.root, source.workspaceFolder, plan.alone);
    return {
      project,
      dependencies: userDependencyOptions(orangeHome(), undefined, {
        allowInstallScripts: settings.allowInstallScripts,
      }),
      label,
      outputsRoot: outputs,
    };
  }

  /** Every dirty editor of a file on disk (the SDK keeps those of the project's files). */
  private unsavedDocuments(source: ScriptSource): Map<string, Uint8Array> {
    const encoder = new TextEncoder();
    const unsaved = new Map<string, Uint8Array>();
    for (const document of this.vs.workspace.textDocuments) {
      if (document.isDirty && document.uri.scheme === 'file') {
        unsaved.set(document.uri.fsPath, encoder.encode(document.getText()));
      }
    }
    // The entry runs as the editor holds it, even when it was opened through another URI.
    if (source.path !== undefined && source.dirty) {
      unsaved.set(source.path, encoder.encode(source.text));
    }
    return unsaved;
  }
}
