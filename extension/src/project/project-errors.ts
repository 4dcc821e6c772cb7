import { OrangeError } from '@orange-cloud/sdk';

/**
 * The SDK's project refusals suggest the CLI's flags; in VS Code the same fixes are settings.
 * Every other error passes through unchanged.
 */
const EDITOR_HINTS: Partial<Record<OrangeError['code'], string>> = {
  PROJECT_TOO_LARGE:
    'List big files in .orangeignore, raise orangeCloud.maxProjectMb (at most 64), or set orangeCloud.project to "file" to run the file alone. Nothing was posted.',
  PROJECT_LINK_OUTSIDE:
    'Copy what it points to into the project, list the link in .orangeignore, or name another project folder in orangeCloud.project. Nothing was posted.',
  PROJECT_ENTRY_OUTSIDE:
    'Set orangeCloud.project to a folder that holds the file, to "auto" or to "file". Nothing was posted.',
};

export function inEditorTerms(error: unknown): unknown {
  if (!(error instanceof OrangeError)) return error;
  const hint = EDITOR_HINTS[error.code];
  if (hint === undefined) return error;
  return new OrangeError(error.code, error.message, { hint, cause: error.cause });
}
