import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ignoreModule, { type Ignore } from 'ignore';
import { OrangeError } from '../errors.js';
import { payloadMode, type FileMode } from '../job/payload.js';
import { isWithin } from './find-root.js';
import { VENV_MARKER, checkProjectPath, isNeverSent, isNeverSentFile } from './project-rules.js';

/** One file the project sends, found on disk but not read yet. */
export interface ProjectEntry {
  /** Project-relative, `/`-separated. */
  path: string;
  /** Where to read it (a link inside the project is read through). */
  absolute: string;
  bytes: number;
  mode: FileMode;
}

// `ignore` 5 is CommonJS typed as an ES module: under NodeNext its factory is `.default`.
const createIgnore = ignoreModule.default;

/** The ignore files honoured in every folder, each relative to its own folder as git does. */
const IGNORE_FILES = ['.gitignore', '.orangeignore'];

interface Scope {
  /** Project-relative folder the rules belong to ('' for the root). */
  folder: string;
  rules: Ignore;
}

/**
 * Lists the files a project sends, in a stable order: ignore files honoured, tools' folders
 * and virtualenvs skipped, links followed only while they stay inside the project. Reads no
 * file contents, so a huge ignored or over-cap file costs nothing. Folders in `leaveOut` (the
 * shell's folder for returned files, wherever the user put it) are skipped like `orange-out/`.
 */
export async function walkProject(
  root: string,
  leaveOut: readonly string[] = [],
): Promise<ProjectEntry[]> {
  const realRoot = await realpath(root);
  const entries: ProjectEntry[] = [];
  // Counted as walked already, the folders left out are never entered (one not made yet is moot).
  const skipped = await Promise.all(leaveOut.map((folder) => realpath(folder).catch(() => '')));
  await walkFolder(realRoot, '', [], entries, new Set([realRoot, ...skipped.filter(Boolean)]));
  return entries;
}

async function walkFolder(
  realRoot: string,
  folder: string,
  outer: readonly Scope[],
  entries: ProjectEntry[],
  visited: Set<string>,
): Promise<void> {
  const absolute = join(realRoot, folder);
  const names = (await readdir(absolute)).sort();
  const scopes = [...outer, ...(await readIgnoreFiles(absolute, folder, names))];
  for (const name of names) {
    const path = folder === '' ? name : `${folder}/${name}`;
    const info = await lstat(join(absolute, name));
    let target = join(absolute, name);
    let kind = info;
    if (info.isSymbolicLink()) {
      if (isIgnored(scopes, path, false)) continue;
      const resolved = await realpath(target).catch(() => undefined);
      if (!resolved || !isWithin(resolved, realRoot)) throw linkLeaves(path);
      target = resolved;
      kind = await stat(resolved);
    }
    if (kind.isDirectory()) {
      if (isNeverSent(name) || isIgnored(scopes, path, true)) continue;
      if (await isVirtualenv(target)) continue;
      // A folder reached twice (a link to one walked elsewhere, or a loop) is walked once.
      const real = await realpath(target);
      if (visited.has(real)) continue;
      visited.add(real);
      await walkFolder(realRoot, path, scopes, entries, visited);
    } else if (kind.isFile()) {
      if (isNeverSentFile(name) || isIgnored(scopes, path, false)) continue;
      checkProjectPath(path);
      entries.push({ path, absolute: target, bytes: kind.size, mode: payloadMode(kind.mode) });
    }
    // Pipes, sockets and devices have no content to send: they are left behind.
  }
}

async function readIgnoreFiles(
  absolute: string,
  folder: string,
  names: readonly string[],
): Promise<Scope[]> {
  const scopes: Scope[] = [];
  for (const file of IGNORE_FILES) {
    if (!names.includes(file)) continue;
    const text = await readFile(join(absolute, file), 'utf8').catch(() => undefined);
    if (text !== undefined) scopes.push({ folder, rules: createIgnore().add(text) });
  }
  return scopes;
}

function isIgnored(scopes: readonly Scope[], path: string, isFolder: boolean): boolean {
  return scopes.some(({ folder, rules }) => {
    const rel = folder === '' ? path : path.slice(folder.length + 1);
    try {
      return rules.ignores(isFolder ? `${rel}/` : rel);
    } catch {
      // `ignore` throws on names it cannot express as a relative path; the name check names them.
      checkProjectPath(path);
      throw badName(path);
    }
  });
}

async function isVirtualenv(folder: string): Promise<boolean> {
  return (await lstat(join(folder, VENV_MARKER)).catch(() => undefined)) !== undefined;
}

function linkLeaves(path: string): OrangeError {
  return new OrangeError(
    'PROJECT_LINK_OUTSIDE',
    `${path} is a symbolic link that leads outside the project (or nowhere); it is not followed.`,
    {
      hint: 'Copy what it points to into the project, list the link in .orangeignore, or pick another project folder (--project). Nothing was posted.',
    },
  );
}

function badName(path: string): OrangeError {
  return new OrangeError(
    'PROJECT_BAD_NAME',
    `The project file ${JSON.stringify(path)} cannot be sent.`,
    {
      hint: 'Rename the file, or list it in .orangeignore to leave it behind. Nothing was posted.',
    },
  );
}
