import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { OrangeError } from '@orange-cloud/sdk';
import type { ProjectSetting } from '../settings/settings.js';

/** How a run's payload is found: the file alone, or a project under a ceiling. */
export type ProjectPlan =
  | { alone: true }
  /** `root` when the setting names the folder; otherwise the SDK finds it, never above `ceiling`. */
  | { alone: false; entryFile: string; ceiling: string; root?: string };

const within = (path: string, folder: string) => {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/**
 * Where a run's project comes from. The ceiling is the file's workspace folder, so a stray
 * `.git` above the workspace never pulls a home folder into a job; a file outside every
 * workspace folder is its own ceiling (its own folder goes). An untitled buffer has no
 * folder: it goes alone.
 *
 * @param file the entry file on disk, undefined for an untitled buffer
 * @param workspaceFolder the workspace folder holding the file, if any
 */
export function planProject(
  file: string | undefined,
  workspaceFolder: string | undefined,
  setting: ProjectSetting,
): ProjectPlan {
  if (file === undefined || setting.mode === 'file') return { alone: true };
  const entryFile = resolve(file);
  if (workspaceFolder === undefined || !within(entryFile, resolve(workspaceFolder))) {
    // A folder named relative to a workspace means nothing here: the file's own project.
    return { alone: false, entryFile, ceiling: dirname(entryFile) };
  }
  const ceiling = resolve(workspaceFolder);
  if (setting.mode === 'auto') return { alone: false, entryFile, ceiling };
  const root = resolve(ceiling, setting.folder);
  if (!within(root, ceiling)) {
    // readSettings already refuses `..` and absolute paths; the plan does not rely on it.
    throw new OrangeError(
      'INVALID_SETTINGS',
      `The setting orangeCloud.project names ${root}, outside the workspace folder ${ceiling}.`,
      { hint: 'Name a folder inside the workspace folder, or use auto. Nothing was posted.' },
    );
  }
  return { alone: false, entryFile, ceiling, root };
}
