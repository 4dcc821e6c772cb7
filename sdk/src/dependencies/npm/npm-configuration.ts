import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { hashedFiles, toolVariables, type ToolConfiguration } from '../tool-configuration.js';

/**
 * What of the user's npm configuration can change the tree npm installs (registry, scoped
 * registries, auth, proxies, overrides of os/cpu...): every `npm_config_*` variable (any
 * case, as npm reads them) but those npm itself sets for the scripts it runs, and a hash of
 * each npm configuration file that exists (see ToolConfiguration). The project's `.npmrc` is
 * hashed with the declaration itself.
 */
export type NpmConfiguration = ToolConfiguration;

/**
 * Variables `npm run` and `npx` put in their children's environment that describe the
 * calling npm, not the configuration: keying on them would miss the cache whenever the
 * requester is started through npm from another folder.
 */
const SET_BY_NPM_RUN = new Set([
  'npm_config_local_prefix',
  'npm_config_user_agent',
  'npm_config_npm_version',
  'npm_config_node_gyp',
  'npm_config_init_module',
]);

export async function npmConfiguration(
  env: NodeJS.ProcessEnv,
  read: (path: string) => Promise<Uint8Array> = readFile,
): Promise<NpmConfiguration> {
  return {
    variables: toolVariables(env, (name) => {
      const lower = name.toLowerCase();
      return lower.startsWith('npm_config_') && !SET_BY_NPM_RUN.has(lower);
    }),
    files: await hashedFiles(npmConfigFiles(env), read),
  };
}

/**
 * Where npm looks for its user and global configuration: `npm_config_globalconfig` when set,
 * else `etc/npmrc` under the usual prefixes (npm's own prefix is that of the node running it,
 * which only npm knows: the common ones are all looked at); then `npm_config_userconfig`, else
 * `~/.npmrc`.
 */
export function npmConfigFiles(env: NodeJS.ProcessEnv): string[] {
  const value = (name: string) =>
    Object.entries(env).find(([key]) => key.toLowerCase() === name)?.[1] || undefined;
  const prefix = value('npm_config_prefix') ?? env.PREFIX;
  const global = value('npm_config_globalconfig');
  const globals = global
    ? [global]
    : [
        ...(prefix ? [join(prefix, 'etc', 'npmrc')] : []),
        '/etc/npmrc',
        '/usr/etc/npmrc',
        '/usr/local/etc/npmrc',
      ];
  const user = value('npm_config_userconfig') ?? join(env.HOME ?? homedir(), '.npmrc');
  return [...new Set([...globals, user])];
}
