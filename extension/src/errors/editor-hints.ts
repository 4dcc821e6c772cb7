import { OrangeError } from '@orange-cloud/sdk';

/**
 * Some SDK refusals suggest the CLI's flags (`--max-project-mb`, `--no-project`, `--out`); in
 * VS Code the same fixes are settings. The message stays the SDK's.
 */
const EDITOR_HINTS: Partial<Record<OrangeError['code'], string>> = {
  PROJECT_TOO_LARGE:
    'List big files in .orangeignore, raise orangeCloud.maxProjectMB (at most 64), or set orangeCloud.project to "file" to run the file alone. Nothing was posted.',
  PROJECT_LINK_OUTSIDE:
    'Copy what it points to into the project, list the link in .orangeignore, or name another project folder in orangeCloud.project. Nothing was posted.',
  PROJECT_ENTRY_OUTSIDE:
    'Set orangeCloud.project to a folder that holds the file, to "auto" or to "file". Nothing was posted.',
  OUTPUTS_DIR_UNUSABLE:
    'Set orangeCloud.outputs.folder to a folder you can write to. Nothing was posted or fetched.',
  NPM_INSTALL_SCRIPTS:
    "Drop or replace those dependencies, or turn on orangeCloud.allowInstallScripts: the scripts then run inside the provider's container, offline, before your entry. Nothing was posted.",
};

/** The error with the extension's hint when it has one; any other error as it is. */
export function inEditorTerms(error: unknown): unknown {
  if (!(error instanceof OrangeError)) return error;
  const hint = EDITOR_HINTS[error.code];
  if (hint === undefined) return error;
  return new OrangeError(error.code, error.message, { hint, cause: error.cause });
}
