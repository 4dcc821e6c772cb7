import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OrangeError } from '../../errors.js';

/** The lifecycle scripts npm runs when it installs a package, in its order. */
export const INSTALL_SCRIPT_EVENTS = ['preinstall', 'install', 'postinstall'] as const;

/** A package in the prepared tree, with the code it would run when installed. */
export interface PackageWithInstallScripts {
  /** Its folder relative to the tree's root, e.g. `node_modules/sharp`. */
  path: string;
  name: string;
  version: string;
  /** The scripts npm would run, by event (empty: none); a `binding.gyp` alone implies `install: node-gyp rebuild`. */
  scripts: Partial<Record<(typeof INSTALL_SCRIPT_EVENTS)[number], string>>;
}

/**
 * The install scripts of one package as npm decides them: its own preinstall, install and
 * postinstall, and for a package with a `binding.gyp` and neither an install nor a preinstall
 * script, npm's default `node-gyp rebuild` (a native build).
 */
export function installScriptsOf(
  manifest: { scripts?: unknown },
  hasBindingGyp: boolean,
): PackageWithInstallScripts['scripts'] {
  const declared =
    typeof manifest.scripts === 'object' && manifest.scripts !== null
      ? (manifest.scripts as Record<string, unknown>)
      : {};
  const scripts: PackageWithInstallScripts['scripts'] = {};
  for (const event of INSTALL_SCRIPT_EVENTS) {
    const script = declared[event];
    if (typeof script === 'string' && script.trim() !== '') scripts[event] = script;
  }
  if (hasBindingGyp && scripts.install === undefined && scripts.preinstall === undefined)
    scripts.install = 'node-gyp rebuild';
  return scripts;
}

/**
 * Every package under `treeRoot/node_modules` (nested and scoped ones too) with the install
 * scripts it has (none for most), dependencies before their dependents (deeper folders first),
 * the order npm runs their scripts in.
 */
export async function listPackages(treeRoot: string): Promise<PackageWithInstallScripts[]> {
  const found: PackageWithInstallScripts[] = [];
  await visitModules(treeRoot, 'node_modules', found);
  const depth = (path: string) => path.split('/node_modules/').length;
  return found.sort((a, b) => depth(b.path) - depth(a.path) || a.path.localeCompare(b.path));
}

/** The packages of `listPackages` that have install scripts. */
export const withInstallScripts = (
  packages: readonly PackageWithInstallScripts[],
): PackageWithInstallScripts[] => packages.filter((p) => Object.keys(p.scripts).length > 0);

async function visitModules(
  treeRoot: string,
  modules: string,
  found: PackageWithInstallScripts[],
): Promise<void> {
  const names = await readdir(join(treeRoot, modules)).catch(() => [] as string[]);
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      const scoped = await readdir(join(treeRoot, modules, name)).catch(() => [] as string[]);
      for (const inner of scoped.sort())
        await visitPackage(treeRoot, `${modules}/${name}/${inner}`, found);
    } else {
      await visitPackage(treeRoot, `${modules}/${name}`, found);
    }
  }
}

async function visitPackage(
  treeRoot: string,
  path: string,
  found: PackageWithInstallScripts[],
): Promise<void> {
  const folder = join(treeRoot, path);
  const text = await readFile(join(folder, 'package.json'), 'utf8').catch(() => undefined);
  if (text !== undefined) {
    let manifest: { name?: unknown; version?: unknown; scripts?: unknown } = {};
    try {
      manifest = JSON.parse(text) as typeof manifest;
    } catch {
      // npm installed it, so it read it; an unreadable manifest has no scripts npm could run
    }
    const hasBindingGyp = await stat(join(folder, 'binding.gyp')).then(
      (info) => info.isFile(),
      () => false,
    );
    const scripts = installScriptsOf(manifest, hasBindingGyp);
    found.push({
      path,
      name: typeof manifest.name === 'string' ? manifest.name : path.split('node_modules/').pop()!,
      version: typeof manifest.version === 'string' ? manifest.version : '?',
      scripts,
    });
  }
  await visitModules(treeRoot, `${path}/node_modules`, found);
}

/** How many packages a refusal names before "and N more". */
const SHOWN = 5;

/**
 * Refuses a tree with install scripts unless the user allowed them for this job: they would
 * run on the provider's machine (inside the job's container, offline, before the entry), and
 * they are code no one reviewed as part of the project.
 */
export function checkInstallScripts(
  tree: readonly PackageWithInstallScripts[],
  allowed: boolean,
): void {
  const packages = withInstallScripts(tree);
  if (allowed || packages.length === 0) return;
  const named = packages.slice(0, SHOWN).map(
    (p) =>
      `${p.name}@${p.version} (${Object.entries(p.scripts)
        .map(([event, script]) => `${event}: ${script}`)
        .join('; ')})`,
  );
  if (packages.length > SHOWN) named.push(`and ${packages.length - SHOWN} more`);
  const one = packages.length === 1;
  throw new OrangeError(
    'NPM_INSTALL_SCRIPTS',
    `${one ? 'A dependency has' : `${packages.length} dependencies have`} install scripts, which Orange Cloud does not run unless you allow them: ${named.join(', ')}.`,
    {
      hint: `Drop or replace ${one ? 'it' : 'them'}, or allow install scripts for this job (orange run --allow-install-scripts, or the orangeCloud.allowInstallScripts setting): they then run inside the provider's container, offline, before your entry. Nothing was posted.`,
    },
  );
}
