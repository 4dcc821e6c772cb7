import { readFile } from 'node:fs/promises';
import {
  OrangeError,
  readProject,
  readScriptAlone,
  userDependencyOptions,
  type DependencySources,
  type ProjectToSend,
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
  /** `--allow-install-scripts`: the npm tree's install scripts may run in the container. */
  allowInstallScripts?: boolean;
}

/** FILE, its project as it goes, and where its declared dependencies' wheels come from. */
export interface FileToSend {
  source: Buffer;
  project: ProjectToSend;
  /** The user's pip, npm and their caches; `say` gets their progress lines. */
  dependencies: DependencySources;
}

/**
 * FILE and what goes with it, read, packed and checked before any network work: a bad file,
 * project or declaration fails fast and posts nothing. Its dependencies become wheels once the
 * runtime is chosen (`session.prepare`), for that runtime's advertised Python and platform.
 */
export async function packFile(
  file: string,
  flags: PackFlags,
  say: (line: string) => void,
): Promise<FileToSend> {
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
  // Declared dependencies become wheels with the user's pip, unless a runtime holds them; a
  // package.json's become a prepared tree with the user's npm.
  const sources = userDependencyOptions(home, flags.runtime, {
    allowInstallScripts: flags.allowInstallScripts === true,
  });
  const dependencies: DependencySources = {
    ...sources,
    onFetch: (declared, fetching, target) =>
      say(
        `fetching wheels for ${fetching.join(', ')} (from ${declared.source}) with pip, for ${target.label}…`,
      ),
    ...(sources.npm && {
      npm: {
        ...sources.npm,
        onPrepare: (_, target) =>
          say(`installing package.json's dependencies with npm, for ${target.label}…`),
      },
    }),
  };
  const project =
    flags.project === false
      ? await readScriptAlone(file, source)
      : await readProject({
          entryFile: file,
          ceiling: process.cwd(),
          ...(flags.project ? { root: flags.project } : {}),
          maxBytes: flags.maxProjectMb * 1024 * 1024,
          // Files a job returned never travel back with the next run.
          leaveOut: [flags.out],
        });
  return { source, project, dependencies };
}
