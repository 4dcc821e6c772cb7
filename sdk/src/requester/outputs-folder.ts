import { mkdir, mkdtemp, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { OrangeError } from '../errors.js';
import { isSafeRelativePath } from '../job/paths.js';

/** A file to write into a claimed folder: its relative path (already checked) and bytes. */
export interface FolderFile {
  path: string;
  content: Uint8Array;
}

/** How many `<name>-N` folders are tried beside an existing `<name>` before giving up. */
const MAX_SUFFIX = 100;

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

function unusable(parent: string, problem: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'OUTPUTS_DIR_UNUSABLE',
    `Cannot save returned files in ${parent}: ${problem}.`,
    {
      hint: 'Choose a folder you can write to for the files jobs return. Nothing was posted or fetched.',
      cause,
    },
  );
}

/**
 * Checks, before a run is posted or a result fetched, that returned files could be saved under
 * `parent`: it is a folder (or can be made one) that this process can create folders in. The
 * probe is real (a folder made and removed at once), since permission bits say little to root
 * or on read-only mounts. Nothing is left behind, so a run that returns no file makes no folder.
 */
export async function checkOutputsParent(parent: string): Promise<void> {
  let existing = resolve(parent);
  for (;;) {
    try {
      const info = await stat(existing);
      if (!info.isDirectory()) {
        throw unusable(
          parent,
          existing === resolve(parent) ? 'it is not a folder' : `${existing} is not a folder`,
        );
      }
      break;
    } catch (error) {
      if (error instanceof OrangeError) throw error;
      const code = errno(error);
      const up = dirname(existing);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || up === existing)
        throw unusable(parent, `${existing} cannot be read (${code})`, error);
      existing = up;
    }
  }
  try {
    await rmdir(await mkdtemp(join(existing, '.orange-probe-')));
  } catch (error) {
    throw unusable(parent, `${existing} cannot be written (${errno(error)})`, error);
  }
}

/**
 * A folder made fresh for one job's returned files under a parent folder: `<parent>/<name>`,
 * or `<name>-2`, `<name>-3`… when that exists (a file is never overwritten, a folder never
 * reused). Files are written with exclusive creation, so nothing that exists is followed or
 * replaced; `discard` removes the folder and whatever was written into it.
 */
export class OutputsFolder {
  private constructor(readonly path: string) {}

  /** Creates the folder (and the parent when missing); claims the first free name. */
  static async claim(parent: string, name: string): Promise<OutputsFolder> {
    if (!isSafeRelativePath(name) || name.includes('/'))
      throw new Error(`An outputs folder name must be one path segment, not ${name}.`);
    const base = resolve(parent);
    try {
      await mkdir(base, { recursive: true });
    } catch (error) {
      throw unusable(parent, `it cannot be created (${errno(error)})`, error);
    }
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const path = join(base, n === 1 ? name : `${name}-${n}`);
      try {
        await mkdir(path);
        return new OutputsFolder(path);
      } catch (error) {
        if (errno(error) !== 'EEXIST')
          throw unusable(parent, `${path} cannot be created (${errno(error)})`, error);
      }
    }
    throw new OrangeError(
      'OUTPUTS_DIR_EXISTS',
      `Cannot save returned files: ${join(base, name)} and ${MAX_SUFFIX - 1} numbered folders beside it exist already.`,
      { hint: 'Remove old folders of returned files, or choose another folder for them.' },
    );
  }

  /** Writes every file; on any failure removes the folder, so no half-saved set remains. */
  async write(files: readonly FolderFile[]): Promise<string[]> {
    const saved: string[] = [];
    try {
      for (const file of files) {
        if (!isSafeRelativePath(file.path))
          throw new Error(`Refusing to write the unsafe path ${JSON.stringify(file.path)}.`);
        const target = join(this.path, ...file.path.split('/'));
        // Every folder under this one was made here, just now: none is a link.
        await mkdir(dirname(target), { recursive: true, mode: 0o755 });
        await writeFile(target, file.content, { flag: 'wx', mode: 0o644 });
        saved.push(target);
      }
    } catch (error) {
      await this.discard();
      throw new OrangeError(
        'OUTPUTS_WRITE_FAILED',
        `Could not save returned file ${JSON.stringify(files[saved.length]?.path ?? '')} in ${this.path} (${errno(error)}); none of the files were kept.`,
        {
          hint: 'Free some disk space or choose another folder, then fetch them again.',
          cause: error,
        },
      );
    }
    return saved;
  }

  /** Removes the folder and its content (it is ours: claimed fresh). */
  async discard(): Promise<void> {
    await rm(this.path, { recursive: true, force: true });
  }
}
