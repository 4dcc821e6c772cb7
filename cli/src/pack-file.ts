import { readFile } from 'node:fs/promises';
import {
  OrangeError,
  PYTHON3_TARGET,
  packProject,
  packScriptAlone,
  userDependencyOptions,
  type DependencyOptions,
  type PackedPayload,
} from '@orange-cloud/sdk';
import { home } from './context.js';

/** The flags that say what a run of FILE sends (`orange run` and `orange providers --for`). */
export interface PackFlags {
  /** The runtime asked for; unset = chosen from the project's imports and the market. */
  runtime?: string;
  /** A folder (`--project DIR`), false (`--no-project`), or unset: found from the file. */
  project?: string | false;
  maxProjectMb: number;
  /** The folder returned files are saved under: never sent with the project. */
  out: string;
}

/**
 * FILE and what goes with it, packed and checked before any network work: a bad file or
 * project fails fast and posts nothing. `say` gets the progress lines (pip fetching wheels).
 */
export async function packFile(
  file: string,
  flags: PackFlags,
  say: (line: string) => void,
): Promise<{ source: Buffer; payload: PackedPayload }> {
  let source: Buffer;
  try {
    source = await readFile(file);
  } catch (error) {
    throw new OrangeError(
      'FILE_NOT_FOUND',
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`,
      { hint: 'Check the path. Nothing was posted.' },
    );
  }
  // Declared dependencies become wheels with the user's pip, unless a runtime holds them.
  const dependencies: DependencyOptions = {
    ...userDependencyOptions(home, flags.runtime),
    onFetch: (declared, fetching) =>
      say(
        `fetching wheels for ${fetching.join(', ')} (from ${declared.source}) with pip, for ${PYTHON3_TARGET.label}…`,
      ),
  };
  const payload =
    flags.project === false
      ? await packScriptAlone(file, source, dependencies)
      : await packProject({
          entryFile: file,
          ceiling: process.cwd(),
          ...(flags.project ? { root: flags.project } : {}),
          maxBytes: flags.maxProjectMb * 1024 * 1024,
          dependencies,
          // Files a job returned never travel back with the next run.
          leaveOut: [flags.out],
        });
  return { source, payload };
}
