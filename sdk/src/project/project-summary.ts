import { OrangeError } from '../errors.js';

/** Umbral's ciphertext adds a fixed 40 bytes (nonce and tag) to what it seals. */
export const SEAL_OVERHEAD_BYTES = 40;
/** The default cap on a sealed project: big enough for data files, small enough to move. */
export const DEFAULT_MAX_PROJECT_BYTES = 50 * 1024 * 1024;
/** How many files a summary or a refusal names. */
const SHOWN = 3;

export interface ProjectFileSize {
  path: string;
  bytes: number;
}

/** What the user is shown before anything is posted. */
export interface ProjectSummary {
  /** The project's own files (dependency wheels are listed apart). */
  files: number;
  /** The whole sealed payload, wheels included: what the cap counts. */
  sealedBytes: number;
  /** The largest project files, largest first. */
  largest: ProjectFileSize[];
  /** The declared dependencies and the wheels that travel for them, when any were declared. */
  dependencies?: DependencySummary;
  /** The prepared npm tree that travels, for a Node.js project whose package.json declares dependencies. */
  npm?: NpmDependencySummary;
}

export interface NpmDependencySummary {
  /** Every package in the tree as `name version`, dependencies first. */
  packages: string[];
  /** The tree's packed size. */
  bytes: number;
  /** The tree came from the local cache (npm was not called). */
  cached: boolean;
  /** The packages whose install scripts run in the container (the user allowed them). */
  installScripts: string[];
}

export interface DependencySummary {
  /** Where they were declared: `script metadata`, `requirements.txt` or `pyproject.toml`. */
  source: string;
  requirements: string[];
  /** Requirements a runtime already holds, so no wheel travels for them; absent = none. */
  fromRuntime?: { requirement: string; runtime: string }[];
  /** Every wheel that travels, by file name, with its size. */
  wheels: ProjectFileSize[];
  /** The wheels came from the local cache (pip was not called). */
  cached: boolean;
}

export function summarizeProject(
  files: readonly ProjectFileSize[],
  packedBytes: number,
  dependencies?: DependencySummary,
  npm?: NpmDependencySummary,
): ProjectSummary {
  return {
    files: files.length,
    sealedBytes: packedBytes + SEAL_OVERHEAD_BYTES,
    largest: largestFirst(files).slice(0, SHOWN),
    ...(dependencies ? { dependencies } : {}),
    ...(npm ? { npm } : {}),
  };
}

function largestFirst(files: readonly ProjectFileSize[]): ProjectFileSize[] {
  return [...files].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
}

/** Refuses a project whose sealed size exceeds the cap, naming the files that make it big. */
export function checkProjectCap(
  files: readonly ProjectFileSize[],
  sealedBytes: number,
  maxBytes: number,
): void {
  if (sealedBytes <= maxBytes) return;
  const offenders = largestFirst(files)
    .slice(0, SHOWN)
    .map((f) => `${f.path} (${formatBytes(f.bytes)})`)
    .join(', ');
  throw new OrangeError(
    'PROJECT_TOO_LARGE',
    `The project is ${formatBytes(sealedBytes)} sealed, over the ${formatBytes(maxBytes)} cap; largest: ${offenders}.`,
    {
      hint: 'List big files in .orangeignore, raise the cap (--max-project-mb), or run the file alone (--no-project). Nothing was posted.',
    },
  );
}

/** `12.4 KiB`, `3.0 MiB`: sizes the way the user reads them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The stage line shells print before posting. */
export function projectSummaryLine(summary: ProjectSummary): string {
  const largest = summary.largest.map((f) => `${f.path} ${formatBytes(f.bytes)}`).join(', ');
  const noun = summary.files === 1 ? 'file' : 'files';
  return `sending ${summary.files} ${noun}, ${formatBytes(summary.sealedBytes)} sealed (largest: ${largest})`;
}

/** How many wheels the dependency line names before "and N more". */
const WHEELS_SHOWN = 6;

/**
 * The stage line naming the dependencies: those a runtime holds, then the wheels that travel, e.g.
 * `dependencies from script metadata: numpy>=1.20 from python-data; 2 wheels, 71.3 KiB (attrs 23.1.0 60.1 KiB, six 1.16.0 11.2 KiB)`;
 * undefined when nothing was left to a runtime and no wheel travels.
 */
export function dependencySummaryLine(summary: ProjectSummary): string | undefined {
  if (summary.npm) return npmPart(summary.npm);
  const deps = summary.dependencies;
  if (!deps) return undefined;
  const parts = (deps.fromRuntime ?? []).map((r) => `${r.requirement} from ${r.runtime}`);
  if (deps.wheels.length > 0) parts.push(wheelsPart(deps));
  return parts.length > 0 ? `dependencies from ${deps.source}: ${parts.join('; ')}` : undefined;
}

function wheelsPart(deps: DependencySummary): string {
  const total = deps.wheels.reduce((sum, w) => sum + w.bytes, 0);
  const named = deps.wheels
    .slice(0, WHEELS_SHOWN)
    .map((w) => `${wheelLabel(w.path)} ${formatBytes(w.bytes)}`);
  const more = deps.wheels.length - named.length;
  if (more > 0) named.push(`and ${more} more`);
  const noun = deps.wheels.length === 1 ? 'wheel' : 'wheels';
  const cached = deps.cached ? ', cached' : '';
  return `${deps.wheels.length} ${noun}, ${formatBytes(total)}${cached} (${named.join(', ')})`;
}

/**
 * `dependencies from package.json: 2 npm packages, 8.5 KiB, cached (left-pad 1.3.0, ...)`, and
 * the packages whose install scripts will run, when the user allowed them.
 */
function npmPart(npm: NpmDependencySummary): string {
  const named = npm.packages.slice(0, WHEELS_SHOWN);
  const more = npm.packages.length - named.length;
  if (more > 0) named.push(`and ${more} more`);
  const noun = npm.packages.length === 1 ? 'package' : 'packages';
  const cached = npm.cached ? ', cached' : '';
  const scripts =
    npm.installScripts.length > 0
      ? `; install scripts allowed, run in the container for ${npm.installScripts.join(', ')}`
      : '';
  return `dependencies from package.json: ${npm.packages.length} npm ${noun}, ${formatBytes(npm.bytes)}${cached} (${named.join(', ')})${scripts}`;
}

/** `attrs-23.1.0-py3-none-any.whl` -> `attrs 23.1.0`. */
function wheelLabel(file: string): string {
  const [name, version] = file.split('-');
  return version ? `${name} ${version}` : file;
}
