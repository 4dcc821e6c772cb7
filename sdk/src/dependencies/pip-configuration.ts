import { readFile } from 'node:fs/promises';
import { devNull, homedir } from 'node:os';
import { join } from 'node:path';
import { hashedFiles, toolVariables, type ToolConfiguration } from './tool-configuration.js';

/**
 * What of the user's pip configuration can change the wheels pip picks (its index, extra
 * indexes, find-links, no-index, pre-releases...): every `PIP_*` variable, and a hash of each
 * pip configuration file that exists (see ToolConfiguration).
 */
export type PipConfiguration = ToolConfiguration;

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
  return {
    variables: toolVariables(env, (name) => name.startsWith('PIP_')),
    files: await hashedFiles(pipConfigFiles(env), read),
  };
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
