import { runtimesForEntry } from '../runtime/runtime-catalog.js';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { OrangeError } from '../errors.js';
import {
  INSTALL_SCRIPTS_ALLOWED,
  NODE_MODULES_ARCHIVE,
  WHEELS_DIR,
  checkScript,
  packPayload,
  payloadMode,
  scriptPayload,
  type Payload,
  type PayloadFile,
} from '../job/payload.js';
import type { DeclaredDependencies } from '../dependencies/declared.js';
import { readDeclared } from '../dependencies/read-declared.js';
import {
  resolveWheels,
  type DependencyOptions,
  type ResolvedDependencies,
} from '../dependencies/resolve-wheels.js';
import type { PreparedNpmDependencies } from '../dependencies/npm/resolve-npm.js';
import { readNpmDeclaration, type NpmDeclaration } from '../dependencies/npm/npm-declaration.js';
import { findProjectRoot, isWithin } from './find-root.js';
import {
  DEFAULT_MAX_PROJECT_BYTES,
  checkProjectCap,
  summarizeProject,
  type DependencySummary,
  type NpmDependencySummary,
  type ProjectFileSize,
  type ProjectSummary,
} from './project-summary.js';
import { walkProject, type ProjectEntry } from './walk-project.js';

/** A payload packed and checked, ready to seal: what a run sends. */
export interface PackedPayload {
  /** The project folder on the requester's machine (the script's folder when sent alone). */
  root: string;
  /** Project-relative path of the file to run. */
  entrypoint: string;
  bytes: Uint8Array;
  summary: ProjectSummary;
  /** Project-relative paths sent as the editor holds them (`unsaved`), not as saved on disk. */
  unsaved?: string[];
}

export interface ProjectOptions {
  entryFile: string;
  /** Root discovery never climbs above this folder (CLI: the current directory). */
  ceiling: string;
  /** The project folder, when the user named it instead of letting it be found. */
  root?: string;
  /** Cap on the sealed size; default 50 MiB. */
  maxBytes?: number;
  /**
   * How declared dependencies become wheels. Without it, declarations are not read and no
   * wheel travels (a shell that does not resolve dependencies yet).
   */
  dependencies?: DependencyOptions;
  /** Folders never sent, wherever they are (the folder returned files are saved in). */
  leaveOut?: readonly string[];
  /**
   * Text an editor holds but has not saved, by absolute path: sent instead of what is on disk,
   * for files the project sends anyway, so what the user sees is what runs.
   */
  unsaved?: ReadonlyMap<string, Uint8Array>;
}

/** Tar stores each file as a 512-byte header and its content rounded up to 512 bytes. */
function tarBytes(entries: readonly ProjectEntry[]): number {
  return entries.reduce((sum, e) => sum + 512 + Math.ceil(e.bytes / 512) * 512, 1024);
}

/** A project read and checked, before its declared dependencies become wheels. */
export interface ProjectToSend {
  /** The project packed as it goes when no wheel travels: what the user is shown first. */
  packed: PackedPayload;
  /** What the project declares (PEP 723, requirements.txt, pyproject); undefined = nothing. */
  declared: DeclaredDependencies | undefined;
  /**
   * What a Node.js project's package.json declares (production dependencies, lockfile,
   * `.npmrc`), for an entry whose runtime takes npm dependencies; absent = nothing.
   */
  npm?: NpmDeclaration;
  /** The project's own files, packed again with the wheels (`packWithDependencies`). */
  payload: Payload;
  maxBytes: number;
}

/**
 * Finds the entry file's project, lists what goes, checks the entry script and the cap, and
 * packs it. Every refusal is an OrangeError thrown before anything is stored or posted; the
 * cap is checked on the file sizes before any content is read. With `dependencies`, the
 * declared dependencies are resolved for `dependencies.target` (a fixed target: shells with a
 * market view use `readProject` and let `prepareJob` pick the target the chosen runtime's
 * providers advertise).
 */
export async function packProject(options: ProjectOptions): Promise<PackedPayload> {
  const project = await collectProject(options);
  const resolved = await resolveDeclared(project.root, project.payload, options.dependencies);
  return withUnsaved(
    await pack(project.root, project.payload, project.maxBytes, resolved),
    project.unsaved,
  );
}

/**
 * `packProject` without wheels: the project found, checked and packed, and what it declares
 * read (malformed declarations refused), all before any network work. `packWithDependencies`
 * adds the wheels once the runtime, and so the target, is known.
 */
export async function readProject(
  options: Omit<ProjectOptions, 'dependencies'>,
): Promise<ProjectToSend> {
  const project = await collectProject(options);
  const declared = await readDeclaredOf(project.root, project.payload);
  const npm = await readNpmDeclarationOf(project.root, project.payload);
  const packed = await pack(project.root, project.payload, project.maxBytes);
  return {
    packed: withUnsaved(packed, project.unsaved),
    declared,
    ...(npm ? { npm } : {}),
    payload: project.payload,
    maxBytes: project.maxBytes,
  };
}

/** The project of `readProject` packed again with its resolved dependencies (and their wheels). */
export async function packWithDependencies(
  project: ProjectToSend,
  resolved: ResolvedDependencies,
): Promise<PackedPayload> {
  const packed = await pack(project.packed.root, project.payload, project.maxBytes, resolved);
  return project.packed.unsaved ? { ...packed, unsaved: project.packed.unsaved } : packed;
}

/**
 * The project of `readProject` packed again with its prepared npm tree (NODE_MODULES_ARCHIVE,
 * and INSTALL_SCRIPTS_ALLOWED when the user allowed its install scripts). The tree counts
 * against the project cap like wheels do.
 */
export async function packWithNpmDependencies(
  project: ProjectToSend,
  prepared: PreparedNpmDependencies,
): Promise<PackedPayload> {
  const packed = await pack(
    project.packed.root,
    project.payload,
    project.maxBytes,
    undefined,
    prepared,
  );
  return project.packed.unsaved ? { ...packed, unsaved: project.packed.unsaved } : packed;
}

interface CollectedProject {
  root: string;
  payload: Payload;
  maxBytes: number;
  /** Project-relative paths sent as the editor holds them. */
  unsaved: string[];
}

/** Finds the project, walks it, checks the cap on file sizes and the entry script. */
async function collectProject(
  options: Omit<ProjectOptions, 'dependencies'>,
): Promise<CollectedProject> {
  const entryFile = resolve(options.entryFile);
  const root = resolve(
    options.root ??
      findProjectRoot(entryFile, options.ceiling, (folder, name) => existsSync(join(folder, name))),
  );
  if (!isWithin(entryFile, root)) {
    throw new OrangeError(
      'PROJECT_ENTRY_OUTSIDE',
      `${options.entryFile} is not inside the project folder ${root}.`,
      {
        hint: 'Pick a project folder that holds the file, or run it alone (--no-project). Nothing was posted.',
      },
    );
  }
  const entrypoint = projectPath(root, entryFile);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PROJECT_BYTES;
  const walked = await walkProject(root, options.leaveOut);
  // The entry runs even when an ignore file lists it: the user asked for it by name.
  if (!walked.some((e) => e.path === entrypoint)) {
    const found = await walkEntry(entryFile, entrypoint);
    walked.push(found);
  }
  const unsaved = byProjectPath(root, options.unsaved);
  const entries = walked.map((e) => {
    const held = unsaved.get(e.path);
    return held ? { ...e, bytes: held.length } : e;
  });
  checkProjectCap(entries, tarBytes(entries), maxBytes);
  const files = await Promise.all(
    entries.map(async (e) => ({
      path: e.path,
      mode: e.mode,
      content: unsaved.get(e.path) ?? (await readFile(e.absolute)),
    })),
  );
  const entry = files.find((f) => f.path === entrypoint)!;
  checkScript({ fileName: entrypoint, bytes: entry.content });
  return {
    root,
    payload: { version: 2, entrypoint, files },
    maxBytes,
    unsaved: entries.filter((e) => unsaved.has(e.path)).map((e) => e.path),
  };
}

const withUnsaved = (packed: PackedPayload, unsaved: readonly string[]): PackedPayload =>
  unsaved.length > 0 ? { ...packed, unsaved: [...unsaved] } : packed;

/**
 * What a payload declares: its entry's PEP 723 block, else (in a project) the root's files.
 * Only for an entry whose runtime takes wheels (Python): a `.js` or `.wasm` entry declares none.
 */
function readDeclaredOf(
  root: string | undefined,
  payload: Payload,
): Promise<DeclaredDependencies | undefined> {
  if (runtimesForEntry(payload.entrypoint)[0]?.dependencies !== 'python-wheels')
    return Promise.resolve(undefined);
  const entry = payload.files.find((f) => f.path === payload.entrypoint)!;
  return readDeclared(root, payload.entrypoint, new TextDecoder().decode(entry.content));
}

/**
 * What the project root's package.json declares, for an entry whose runtime takes npm
 * dependencies (`.js`, `.mjs`, `.cjs`); a script sent alone has no package.json.
 */
function readNpmDeclarationOf(root: string, payload: Payload): Promise<NpmDeclaration | undefined> {
  if (runtimesForEntry(payload.entrypoint)[0]?.dependencies !== 'npm')
    return Promise.resolve(undefined);
  return readNpmDeclaration(root);
}

/** Reads what the run declares and fetches its wheels; undefined when nothing is declared. */
async function resolveDeclared(
  root: string | undefined,
  payload: Payload,
  options: DependencyOptions | undefined,
): Promise<ResolvedDependencies | undefined> {
  if (!options) return undefined;
  const declared = await readDeclaredOf(root, payload);
  return declared && resolveWheels(declared, options);
}

function projectPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}

/** Unsaved editor text keyed by project-relative path; files outside the project are dropped. */
function byProjectPath(
  root: string,
  unsaved: ReadonlyMap<string, Uint8Array> = new Map(),
): Map<string, Uint8Array> {
  const held = new Map<string, Uint8Array>();
  for (const [file, text] of unsaved) {
    const absolute = resolve(file);
    if (isWithin(absolute, root) && absolute !== root) held.set(projectPath(root, absolute), text);
  }
  return held;
}

async function walkEntry(entryFile: string, entrypoint: string): Promise<ProjectEntry> {
  const info = await stat(entryFile);
  return { path: entrypoint, absolute: entryFile, bytes: info.size, mode: payloadMode(info.mode) };
}

/**
 * The script alone, as a one-file payload (`--no-project`, or a shell that sends only it).
 * Only the script's own PEP 723 block can declare dependencies then.
 */
export async function packScriptAlone(
  file: string,
  source: Uint8Array,
  dependencies?: DependencyOptions,
): Promise<PackedPayload> {
  const payload = scriptPayload({ fileName: basename(file), bytes: source });
  const resolved = await resolveDeclared(undefined, payload, dependencies);
  return pack(dirname(resolve(file)), payload, DEFAULT_MAX_PROJECT_BYTES, resolved);
}

/** `packScriptAlone` without wheels, like `readProject`. */
export async function readScriptAlone(file: string, source: Uint8Array): Promise<ProjectToSend> {
  const payload = scriptPayload({ fileName: basename(file), bytes: source });
  const declared = await readDeclaredOf(undefined, payload);
  const packed = await pack(dirname(resolve(file)), payload, DEFAULT_MAX_PROJECT_BYTES);
  return { packed, declared, payload, maxBytes: DEFAULT_MAX_PROJECT_BYTES };
}

async function pack(
  root: string,
  project: Payload,
  maxBytes: number,
  resolved?: ResolvedDependencies,
  npm?: PreparedNpmDependencies,
): Promise<PackedPayload> {
  const sizes: ProjectFileSize[] = project.files.map((f) => ({
    path: f.path,
    bytes: f.content.length,
  }));
  const wheelFiles = await readWheels(resolved);
  let payload: Payload = wheelFiles.length
    ? {
        ...project,
        files: [...project.files, ...wheelFiles],
        wheels: wheelFiles.map((f) => f.path.slice(WHEELS_DIR.length + 1)),
      }
    : project;
  if (npm) payload = await withNpmTree(payload, npm);
  const bytes = await packPayload(payload);
  const summary = summarizeProject(
    sizes,
    bytes.length,
    dependencySummary(resolved),
    npm && npmSummary(npm),
  );
  const everything = [
    ...sizes,
    ...(resolved?.wheels ?? []).map((w) => ({ path: `${w.file} (dependency)`, bytes: w.bytes })),
    ...(npm ? [{ path: 'node_modules (npm dependencies)', bytes: npm.archive.bytes }] : []),
  ];
  checkProjectCap(everything, summary.sealedBytes, maxBytes);
  return { root, entrypoint: payload.entrypoint, bytes, summary };
}

async function readWheels(resolved: ResolvedDependencies | undefined): Promise<PayloadFile[]> {
  return Promise.all(
    (resolved?.wheels ?? []).map(async (w) => ({
      path: `${WHEELS_DIR}/${w.file}`,
      mode: 0o644 as const,
      content: await readFile(w.path),
    })),
  );
}

async function withNpmTree(payload: Payload, npm: PreparedNpmDependencies): Promise<Payload> {
  const allowed = npm.installScripts.length > 0;
  const files: PayloadFile[] = [
    { path: NODE_MODULES_ARCHIVE, mode: 0o644, content: await readFile(npm.archive.path) },
    ...(allowed
      ? [{ path: INSTALL_SCRIPTS_ALLOWED, mode: 0o644 as const, content: new Uint8Array() }]
      : []),
  ];
  return { ...payload, files: [...payload.files, ...files], npm: { installScripts: allowed } };
}

function npmSummary(npm: PreparedNpmDependencies): NpmDependencySummary {
  return {
    packages: npm.packages.map((p) => `${p.name} ${p.version}`),
    bytes: npm.archive.bytes,
    cached: npm.cached,
    installScripts: npm.installScripts.map((p) => `${p.name} ${p.version}`),
  };
}

function dependencySummary(
  resolved: ResolvedDependencies | undefined,
): DependencySummary | undefined {
  if (!resolved) return undefined;
  return {
    source: resolved.declared.source,
    requirements: resolved.declared.requirements,
    ...(resolved.fromRuntime.length > 0 ? { fromRuntime: resolved.fromRuntime } : {}),
    wheels: resolved.wheels.map((w) => ({ path: w.file, bytes: w.bytes })),
    cached: resolved.cached,
  };
}
