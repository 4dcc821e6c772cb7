import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { OrangeError } from '../../errors.js';
import { HashedFolderCache, type CachedFile } from '../hashed-folder-cache.js';
import { anchorLocalSpecs } from './anchor-local-specs.js';
import {
  checkInstallScripts,
  listPackages,
  withInstallScripts,
  type PackageWithInstallScripts,
} from './install-scripts.js';
import type { NpmDeclaration } from './npm-declaration.js';
import { npmInstallArgs, npmInstallFailure } from './npm-install-args.js';
import type { NpmRunner } from './npm-runner.js';
import type { NpmTarget } from './npm-target.js';
import { packNodeModules } from './node-modules-archive.js';

/** How a requester turns a package.json's dependencies into the tree that travels. */
export interface NpmOptions {
  /** The platform of the runtime the tree is for. */
  target: NpmTarget;
  /** Where prepared trees are kept (`homePaths(home).npmCache`). */
  cacheDir: string;
  npm: NpmRunner;
  /** Extra `npm ci`/`npm install` arguments, e.g. `--offline`; `npm_config_*` variables work too. */
  npmArgs?: readonly string[];
  /** The user allowed the tree's install scripts for this job (they run in the container). */
  allowInstallScripts?: boolean;
  /** Called before npm runs (not on a cache hit), so a shell can say why it waits. */
  onPrepare?: (declaration: NpmDeclaration, target: NpmTarget) => void;
}

/** Where npm trees come from, without a fixed target (see WheelSource). */
export type NpmSource = Omit<NpmOptions, 'target'>;

/** A package.json's production dependencies, prepared for the target and packed. */
export interface PreparedNpmDependencies {
  declaration: NpmDeclaration;
  /** The tree's tar (NODE_MODULES_ARCHIVE in the payload), in the cache. */
  archive: CachedFile;
  /** Every package in the tree, dependencies first. */
  packages: PackageWithInstallScripts[];
  /** The packages whose install scripts run in the container: empty unless the user allowed them. */
  installScripts: PackageWithInstallScripts[];
  /** The tree came from the local cache; npm was not called. */
  cached: boolean;
}

const ARCHIVE = 'node_modules.tar';
const TREE = 'tree.json';

/**
 * Prepares a Node.js project's production dependencies the way the user's own npm would
 * install them, for the runtime's platform: package.json and its lockfile (honoured: `npm ci`)
 * and the project's `.npmrc` are staged in a folder of their own, with relative `file:` specs
 * anchored to the project, and npm installs there with `--ignore-scripts` (see
 * npmInstallArgs). The tree is packed into one tar and cached by a hash of package.json, the
 * lockfile, `.npmrc`, local `file:` tarballs, the target, npm's extra arguments and the user's
 * npm configuration, so running the project again does not call npm. A tree with install
 * scripts is refused (NPM_INSTALL_SCRIPTS) unless `allowInstallScripts`. Every refusal is an
 * OrangeError before anything is posted.
 */
export async function resolveNpmDependencies(
  declaration: NpmDeclaration,
  options: NpmOptions,
): Promise<PreparedNpmDependencies> {
  const { target } = options;
  const npmArgs = options.npmArgs ?? [];
  const lockfile = declaration.lockfile && {
    name: declaration.lockfile.name,
    text: anchorLocalSpecs(declaration.lockfile.text, declaration.root),
  };
  const anchored = anchorLocalSpecs(declaration.packageJson, declaration.root);
  // Without a lockfile npm resolves dev dependencies too (then leaves them out): a job never
  // needs them, so they are not even looked up. With one, `npm ci` wants both files as written.
  const packageJson = lockfile ? anchored : withoutDevDependencies(anchored);
  const cache = new HashedFolderCache(
    options.cacheDir,
    (file) => file === ARCHIVE || file === TREE,
    'prepared.json',
    [ARCHIVE, TREE],
  );
  const key = HashedFolderCache.key({
    packageJson,
    lockfile,
    npmrc: declaration.npmrc,
    // A rebuilt local tarball under the same name must not reuse the old tree.
    localTarballs: await localTarballHashes(packageJson),
    target: { os: target.os, cpu: target.cpu, libc: target.libc },
    npmArgs,
    npmConfiguration: await options.npm.configuration?.(),
  });
  let files = await cache.get(key);
  const cached = files !== undefined;
  if (!files) {
    options.onPrepare?.(declaration, target);
    files = await cache.put(
      key,
      async (folder) => {
        const work = await mkdtemp(join(tmpdir(), 'orange-npm-'));
        try {
          await writeFile(join(work, 'package.json'), packageJson);
          if (lockfile) await writeFile(join(work, lockfile.name), lockfile.text);
          if (declaration.npmrc !== undefined)
            await writeFile(join(work, '.npmrc'), declaration.npmrc);
          const args = npmInstallArgs({
            locked: lockfile !== undefined,
            prefix: work,
            target,
            npmVersion: await options.npm.version(),
            extraArgs: npmArgs,
          });
          const outcome = await options.npm.run(args);
          if (outcome.exitCode !== 0) throw npmInstallFailure(outcome.stderr, target);
          const packages = await listPackages(work);
          await writeFile(join(folder, ARCHIVE), await packTree(work));
          await writeFile(join(folder, TREE), JSON.stringify(packages));
        } finally {
          await rm(work, { recursive: true, force: true });
        }
      },
      () => {},
    );
  }
  // Both are there: the cache trusts no folder without them, and the fill writes both.
  const archive = files.find((f) => f.file === ARCHIVE)!;
  const tree = files.find((f) => f.file === TREE)!;
  const packages = JSON.parse(await readFile(tree.path, 'utf8')) as PackageWithInstallScripts[];
  const allowed = options.allowInstallScripts ?? false;
  checkInstallScripts(packages, allowed);
  return {
    declaration,
    archive,
    packages,
    installScripts: allowed ? withInstallScripts(packages) : [],
    cached,
  };
}

/** The tree's archive; a project whose dependencies were all skipped (optional) has none. */
async function packTree(work: string): Promise<Buffer> {
  const modules = join(work, 'node_modules');
  const exists = await stat(modules).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!exists) {
    throw new OrangeError(
      'NPM_FAILED',
      'npm installed nothing: none of the declared dependencies fits the runtime.',
      {
        hint: 'Check that the dependencies support Linux (optional ones for other platforms are skipped). Nothing was posted.',
      },
    );
  }
  return packNodeModules(modules);
}

function withoutDevDependencies(packageJson: string): string {
  const manifest = JSON.parse(packageJson) as Record<string, unknown>;
  delete manifest.devDependencies;
  return JSON.stringify(manifest, null, 2) + '\n';
}

/** The SHA-256 of each absolute `file:` tarball package.json names, by path. */
async function localTarballHashes(packageJson: string): Promise<Record<string, string>> {
  const manifest = JSON.parse(packageJson) as Record<string, unknown>;
  const hashes: Record<string, string> = {};
  for (const field of ['dependencies', 'optionalDependencies']) {
    const specs = manifest[field];
    if (typeof specs !== 'object' || specs === null) continue;
    for (const spec of Object.values(specs as Record<string, unknown>)) {
      if (typeof spec !== 'string' || !spec.startsWith('file:')) continue;
      const path = spec.slice('file:'.length);
      if (!isAbsolute(path) || !/\.(tgz|tar\.gz|tar)$/.test(path)) continue;
      const content = await readFile(path).catch(() => undefined);
      if (content) hashes[path] = createHash('sha256').update(content).digest('hex');
    }
  }
  return hashes;
}
