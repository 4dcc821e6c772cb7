import { join } from 'node:path';
import { formatBytes, type SavedOutputFile, type SavedOutputs } from '@orange-cloud/sdk';
import type { NodeModel } from '../jobs/job-model.js';

/** What VS Code's image preview shows; other files are listed, not opened. */
const IMAGE = /\.(png|jpe?g|svg)$/i;
/** A job that writes a hundred plots should not open a hundred tabs. */
export const MAX_IMAGES_OPENED = 4;

export const isImage = (path: string) => IMAGE.test(path);

/** The images to open when the run ends, in the order the result lists them. */
export function imagesToOpen(saved: SavedOutputs): SavedOutputFile[] {
  return saved.files.filter((file) => isImage(file.path)).slice(0, MAX_IMAGES_OPENED);
}

/**
 * The run channel's account of the returned files: where each one was saved (absolute paths,
 * which the Output view turns into links when they lie in the workspace), what the provider
 * left behind and why, and whether the set may be incomplete.
 *
 * @param opened how many images open in tabs (0 when the setting keeps them closed)
 */
export function outputLines(saved: SavedOutputs, opened: number): string[] {
  const total = saved.files.reduce((sum, file) => sum + file.bytes, 0);
  const noun = saved.files.length === 1 ? 'file' : 'files';
  const lines = [
    saved.dir === undefined || saved.files.length === 0
      ? '[Outputs] no file came back'
      : `[Outputs] ${saved.files.length} ${noun}, ${formatBytes(total)}, saved in ${saved.dir}`,
  ];
  for (const file of saved.files) lines.push(`  ${file.savedPath}  ${formatBytes(file.bytes)}`);
  for (const { path, reason } of saved.skipped) lines.push(`  left behind: ${path} (${reason})`);
  if (saved.truncated) lines.push("  some files did not fit under the provider's outputs cap");
  if (saved.partial) lines.push('  the job did not end on its own: files may be incomplete');
  const images = saved.files.filter((file) => isImage(file.path)).length;
  if (opened > 0 && images > opened) lines.push(`  opened the first ${opened} of ${images} images`);
  return lines;
}

/** A returned file under its job in the Jobs view; a click opens it. */
export interface OutputNodeModel extends NodeModel {
  /** The saved file on disk. */
  fsPath: string;
}

export function outputNodeModel(
  jobId: bigint | string,
  dir: string,
  file: { path: string; bytes: number },
): OutputNodeModel {
  const fsPath = join(dir, ...file.path.split('/'));
  return {
    id: `job-${jobId}/out/${file.path}`,
    label: file.path,
    description: formatBytes(file.bytes),
    tooltip: `Returned by job #${jobId}, saved as ${fsPath}`,
    icon: { id: isImage(file.path) ? 'file-media' : 'file' },
    contextValue: ':output:',
    fsPath,
  };
}
