import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OrangeError } from '../../errors.js';
import { packTar, type TarFile } from '../../job/pack-tar.js';
import { MAX_NODE_MODULES_FILES, isSafeRelativePath } from '../../job/paths.js';
import { payloadMode } from '../../job/payload.js';

/**
 * Packs a prepared `node_modules` folder into one tar of its regular files (paths relative to
 * the folder, modes 644/755, sorted, mtime 0), the form it travels in. npm ran with
 * `--no-bin-links` and `--install-links`, so the tree holds no links; one that does anyway (a
 * package that ships a link) is refused rather than followed, as is a tree of more than
 * MAX_NODE_MODULES_FILES files or a name the provider could not write back.
 */
export async function packNodeModules(folder: string): Promise<Buffer> {
  const listed: { path: string; mode: number }[] = [];
  await listFiles(folder, '', listed);
  listed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files: TarFile[] = [];
  for (const { path, mode } of listed)
    files.push({ path, mode, content: await readFile(join(folder, path)) });
  return packTar(files);
}

async function listFiles(
  folder: string,
  prefix: string,
  files: { path: string; mode: number }[],
): Promise<void> {
  for (const name of await readdir(join(folder, prefix))) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const info = await lstat(join(folder, path));
    if (info.isDirectory()) {
      await listFiles(folder, path, files);
    } else if (info.isFile()) {
      if (!isSafeRelativePath(path)) throw unsupported(`has a file named ${JSON.stringify(path)}`);
      files.push({ path, mode: payloadMode(info.mode) });
      if (files.length > MAX_NODE_MODULES_FILES)
        throw unsupported(`holds more than ${MAX_NODE_MODULES_FILES} files`);
    } else {
      throw unsupported(
        `holds ${JSON.stringify(path)}, a ${info.isSymbolicLink() ? 'symbolic link' : 'special file'}, which cannot travel`,
      );
    }
  }
}

function unsupported(problem: string): OrangeError {
  return new OrangeError(
    'DEPENDENCY_UNSUPPORTED',
    `The project's prepared npm dependencies ${problem}.`,
    {
      hint: 'Drop or replace the dependency that brings it. Nothing was posted.',
    },
  );
}
