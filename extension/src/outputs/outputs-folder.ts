import { isAbsolute, resolve } from 'node:path';

/** Where a run's returned files may be saved, most fitting first. */
export interface OutputsBase {
  /** The workspace folder holding the entry file (or the first one open). */
  workspaceFolder: string | undefined;
  /** The project the run sent, for a file outside every workspace folder. */
  projectRoot: string | undefined;
  /** The extension's own storage: an untitled buffer in an empty window. */
  fallback: string;
}

/**
 * The folder that holds each job's returned files (`orangeCloud.outputs.folder`): absolute as
 * given, or relative to the workspace folder, else to the project, else to the extension's
 * storage. The project packer leaves it out, so returned files never travel back up.
 */
export function outputsRoot(folder: string, base: OutputsBase): string {
  if (isAbsolute(folder)) return resolve(folder);
  return resolve(base.workspaceFolder ?? base.projectRoot ?? base.fallback, folder);
}
