import { OrangeError } from '../errors.js';
import { hasControlCharacter } from '../job/paths.js';

/**
 * Folders that never travel, whatever the ignore files say: tools' state, not the project
 * (`orange-out` and `.orange` hold what earlier jobs returned, from the CLI and the editor).
 * The payload also reserves `.orange/` for the wheels it carries, so a user's own `.orange/`
 * can never be mistaken for them.
 */
const NEVER_SENT = new Set([
  '.git',
  '__pycache__',
  'node_modules',
  'orange-out',
  '.orange',
  '.venv',
  'venv',
]);

/**
 * Files that never travel, wherever they are: npm's configuration may hold registry tokens,
 * and only the requester's npm reads it (it prepares the tree; the job never runs npm).
 */
const NEVER_SENT_FILES = new Set(['.npmrc']);

/** True for a file name that is never sent. */
export function isNeverSentFile(fileName: string): boolean {
  return NEVER_SENT_FILES.has(fileName);
}

/** The marker Python's `venv` writes: a virtualenv of any name is skipped by it. */
export const VENV_MARKER = 'pyvenv.cfg';

/** True for a folder name that is never sent (a virtualenv is also known by its marker). */
export function isNeverSent(folderName: string): boolean {
  return NEVER_SENT.has(folderName);
}

/**
 * Refuses a project-relative path the provider could not write back as the same file: control
 * characters, backslashes, `.`/`..` or empty segments. The walk only produces names it read
 * from folders, so a refusal here is a name the user has to change.
 */
export function checkProjectPath(path: string): void {
  const segments = path.split('/');
  const bad = hasControlCharacter(path)
    ? 'contains a control character'
    : path.includes('\\')
      ? 'contains a backslash'
      : path.startsWith('/')
        ? 'is absolute'
        : segments.some((s) => s === '' || s === '.' || s === '..')
          ? 'has an empty, "." or ".." segment'
          : Buffer.byteLength(path) > 1024
            ? 'is longer than 1024 bytes'
            : undefined;
  if (bad) {
    throw new OrangeError(
      'PROJECT_BAD_NAME',
      `The project file ${JSON.stringify(path)} ${bad}; it cannot be sent.`,
      {
        hint: 'Rename the file, or list it in .orangeignore to leave it behind. Nothing was posted.',
      },
    );
  }
}
