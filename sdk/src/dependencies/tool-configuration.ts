import { createHash } from 'node:crypto';

/**
 * What of a package tool's configuration can change what it fetches (its index or registry,
 * find-links, scopes, pre-releases...): the environment variables it reads, and a hash of each
 * of its configuration files that exists. It goes into a dependency cache key, so pointing the
 * tool at another index fetches again instead of reusing what the old one served. Whole files
 * are hashed rather than parsed: any edit costs one fetch, a missed setting would cost a wrong
 * one. pip and npm both use it.
 */
export interface ToolConfiguration {
  /** The tool's variables by name; values are only ever hashed, never stored or shown. */
  variables: Record<string, string>;
  /** Configuration files that exist, in the tool's loading order, with their SHA-256. */
  files: { path: string; sha256: string }[];
}

/** The variables of `env` whose names `belongs` picks, sorted by name. */
export function toolVariables(
  env: NodeJS.ProcessEnv,
  belongs: (name: string) => boolean,
): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && belongs(name)) variables[name] = value;
  }
  return variables;
}

/** The SHA-256 of each of `paths` that can be read, in their order. */
export async function hashedFiles(
  paths: readonly string[],
  read: (path: string) => Promise<Uint8Array>,
): Promise<ToolConfiguration['files']> {
  const files: ToolConfiguration['files'] = [];
  for (const path of paths) {
    const content = await read(path).catch(() => undefined);
    if (content !== undefined)
      files.push({ path, sha256: createHash('sha256').update(content).digest('hex') });
  }
  return files;
}
