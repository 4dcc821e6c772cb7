import { basename, relative, sep } from 'node:path';
import { dependencySummaryLine, projectSummaryLine, type PackedPayload } from '@orange-cloud/sdk';

/**
 * The project folder as the user knows it: the workspace folder's name, a path inside it,
 * or the absolute path of a folder outside every workspace.
 */
export function projectLabel(
  root: string,
  workspaceFolder: string | undefined,
  alone: boolean,
): string {
  if (alone) return 'the file alone';
  if (workspaceFolder === undefined) return root;
  const rel = relative(workspaceFolder, root);
  if (rel === '') return basename(workspaceFolder);
  if (rel.startsWith('..') || rel.startsWith(sep)) return root;
  return rel.split(sep).join('/');
}

/**
 * What goes, as the run's channel and the Run with Options quote say it: the SDK's own words
 * (the CLI prints the same), where from, and which files went as the editor holds them.
 *
 * @param from the project folder as the user knows it ("plot", "the file alone")
 */
export function projectLine(payload: PackedPayload, from: string): string {
  const unsaved = payload.unsaved?.length
    ? `; unsaved changes sent: ${payload.unsaved.join(', ')}`
    : '';
  const dependencies = dependencySummaryLine(payload.summary);
  return `${from}: ${projectSummaryLine(payload.summary)}${unsaved}${dependencies ? `; ${dependencies}` : ''}`;
}
