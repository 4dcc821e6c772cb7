import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrangeError } from '../../errors.js';

/** The lockfiles npm honours, in its order: a shrinkwrap wins over a package lock. */
export const NPM_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;
export type NpmLockfileName = (typeof NPM_LOCKFILES)[number];

/** What a Node.js project declares in its root's package.json, before anything is resolved. */
export interface NpmDeclaration {
  /** The project root on the requester's machine: relative `file:` specs resolve from it. */
  root: string;
  /** The package.json text as written. */
  packageJson: string;
  /** Production dependencies by name (`dependencies` and `optionalDependencies`). */
  dependencies: Record<string, string>;
  /** The lockfile that pins them, when the project has one: npm then installs it as it is (`npm ci`). */
  lockfile?: { name: NpmLockfileName; text: string };
  /** The project's own `.npmrc`, which npm reads as project configuration. */
  npmrc?: string;
}

export interface NpmDeclarationFiles {
  root: string;
  packageJson: string;
  lockfiles: Partial<Record<NpmLockfileName, string>>;
  npmrc?: string;
}

/**
 * The production dependencies a package.json declares, or undefined when it declares none (a
 * project whose package.json only names it, sets `"type": "module"`, or lists dev tools sends
 * nothing more than its files). Dev dependencies never travel: the job runs, it does not build.
 */
export function pickNpmDeclaration(files: NpmDeclarationFiles): NpmDeclaration | undefined {
  let manifest: unknown;
  try {
    manifest = JSON.parse(files.packageJson);
  } catch (cause) {
    throw invalid('is not valid JSON', cause);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    throw invalid('is not a JSON object');
  const dependencies = {
    ...specMap(manifest, 'dependencies'),
    ...specMap(manifest, 'optionalDependencies'),
  };
  if (Object.keys(dependencies).length === 0) return undefined;
  const lockName = NPM_LOCKFILES.find((name) => files.lockfiles[name] !== undefined);
  return {
    root: files.root,
    packageJson: files.packageJson,
    dependencies,
    ...(lockName ? { lockfile: { name: lockName, text: files.lockfiles[lockName]! } } : {}),
    ...(files.npmrc !== undefined ? { npmrc: files.npmrc } : {}),
  };
}

/** Reads a project root's package.json, lockfile and `.npmrc`; undefined without a package.json. */
export async function readNpmDeclaration(root: string): Promise<NpmDeclaration | undefined> {
  const optional = (name: string) =>
    readFile(join(root, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
  const [packageJson, shrinkwrap, packageLock, npmrc] = await Promise.all([
    optional('package.json'),
    optional('npm-shrinkwrap.json'),
    optional('package-lock.json'),
    optional('.npmrc'),
  ]);
  if (packageJson === undefined) return undefined;
  return pickNpmDeclaration({
    root,
    packageJson,
    lockfiles: {
      ...(shrinkwrap !== undefined ? { 'npm-shrinkwrap.json': shrinkwrap } : {}),
      ...(packageLock !== undefined ? { 'package-lock.json': packageLock } : {}),
    },
    ...(npmrc !== undefined ? { npmrc } : {}),
  });
}

function specMap(manifest: object, field: string): Record<string, string> {
  const value = (manifest as Record<string, unknown>)[field];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`has a "${field}" that is not an object of name: version`);
  for (const [name, spec] of Object.entries(value))
    if (typeof spec !== 'string')
      throw invalid(`declares ${JSON.stringify(name)} in "${field}" with a non-string version`);
  return value as Record<string, string>;
}

function invalid(problem: string, cause?: unknown): OrangeError {
  return new OrangeError('DEPENDENCIES_INVALID', `The project's package.json ${problem}.`, {
    hint: 'Fix package.json (npm install reads the same file). Nothing was posted.',
    cause,
  });
}
