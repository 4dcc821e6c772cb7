import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Files whose presence marks a folder as a project's root (Python's, Node.js's, any git work tree). */
export const PROJECT_MARKERS = [
  'pyproject.toml',
  'requirements.txt',
  'setup.py',
  'package.json',
  '.git',
] as const;

/**
 * The project an entry file belongs to: the nearest folder from the file's own up to `ceiling`
 * (inclusive) that holds a project marker; the file's own folder when none does, or when the
 * file lies outside the ceiling. Never above the ceiling, so a stray `.git` in the home
 * directory cannot pull the whole home folder into a job.
 *
 * `hasEntry(folder, name)` is the only I/O, so the rule is testable without a file system.
 */
export function findProjectRoot(
  entryFile: string,
  ceiling: string,
  hasEntry: (folder: string, name: string) => boolean,
): string {
  const own = dirname(resolve(entryFile));
  const top = resolve(ceiling);
  if (!isWithin(own, top)) return own;
  for (let folder = own; ; folder = dirname(folder)) {
    if (PROJECT_MARKERS.some((marker) => hasEntry(folder, marker))) return folder;
    if (folder === top || dirname(folder) === folder) return own;
  }
}

/** True when `path` is `folder` or lies beneath it. */
export function isWithin(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}
