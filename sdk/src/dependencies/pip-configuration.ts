import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { devNull, homedir } from 'node:os';
import { join } from 'node:path';

/**
 * What of the user's pip configuration can change the wheels pip picks (its index, extra
 * indexes, find-links, no-index, pre-releases...): every `PIP_*` variable, and a hash of each
 * pip configuration file that exists. It goes into the wheel cache key, so pointing pip at
 * another index fetches again instead of reusing wheels from the old one. Whole files are
 * hashed rather than parsed: any edit costs one fetch, a missed setting would cost a wrong one.
 */
export interface PipConfiguration {
  /** `PIP_*` variables by name; values are only ever hashed, never stored or shown. */
  variables: Record<string, string>;
  /** pip configuration files that exist, in pip's loading order, with their SHA-256. */
  files: { path: string; sha256: string }[];
}

/**
 * The configuration pip would read with this environment on Linux and macOS, the files pip
 * itself loads: `/etc/xdg/pip/pip.conf` (each of `XDG_CONFIG_DIRS`), `/etc/pip.conf`,
 * `~/.pip/pip.conf`, `$XDG_CONFIG_HOME/pip/pip.conf` (default `~/.config`), the active
 * virtualenv's `pip.conf`, then `PIP_CONFIG_FILE`. `PIP_CONFIG_FILE` set to the null device
 * loads no file at all, as in pip.
 */
export async function pipConfiguration(
  env: NodeJS.ProcessEnv,
  read: (path: string) => Promise<Uint8Array> = readFile,
): Promise<PipConfiguration> {
  const variables: Record<string, string> = {};
  for (const name of Object.keys(env).sort())
    if (name.startsWith('PIP_') && env[name] !== undefined) variables[name] = env[name];
  const files: PipConfiguration['files'] = [];
  for (const path of pipConfigFiles(env)) {
    const content = await read(path).catch(() => undefined);
    if (content !== undefined)
      files.push({ path, sha256: createHash('sha256').update(content).digest('hex') });
  }
  return { variables, files };
}

/** The paths pip looks for configuration at, in its order (see `pipConfiguration`). */
export function pipConfigFiles(env: NodeJS.ProcessEnv): string[] {
  const named = env.PIP_CONFIG_FILE;
  if (named === devNull) return [];
  const home = env.HOME ?? homedir();
  const xdgDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter((d) => d !== '');
  const xdgHome = env.XDG_CONFIG_HOME || join(home, '.config');
  return [
    ...xdgDirs.map((dir) => join(dir, 'pip', 'pip.conf')),
    '/etc/pip.conf',
    join(home, '.pip', 'pip.conf'),
    join(xdgHome, 'pip', 'pip.conf'),
    ...(env.VIRTUAL_ENV ? [join(env.VIRTUAL_ENV, 'pip.conf')] : []),
    ...(named ? [named] : []),
  ];
}
