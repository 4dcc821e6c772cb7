import type { RuntimeDescriptor, RuntimePackage } from './runtime-descriptor.js';

/** The language a runtime's entry files are written in (what reads their imports, if anything). */
export type RuntimeLanguage = 'python' | 'javascript' | 'wasm';

/**
 * How a runtime's declared dependencies travel: as wheels installed offline (pip), as npm
 * packages installed offline, or not at all (a WASI module brings everything it links).
 */
export type RuntimeDependencies = 'python-wheels' | 'npm' | 'none';

/** Placeholder for the entry's project-relative path in a catalog command line. */
export const ENTRY_ARG = '{entry}';

/**
 * A runtime the project knows how to build and route to, with what its image holds. Every
 * image installs Debian 12 packages, so the versions are pinned by the release; the runtime
 * e2e tests probe the real images and fail when these facts drift from them. A new runtime is
 * an entry here and an image in the image script.
 */
export interface CatalogRuntime extends RuntimeDescriptor {
  /** The image a provider runs it in (built by provider-daemon/scripts/ensure-runtime-image.sh). */
  image: string;
  description: string;
  /** The entry file names it runs, by their endings, e.g. ['.js', '.mjs', '.cjs']. */
  extensions: readonly string[];
  language: RuntimeLanguage;
  /** What the language is called and the version its image holds, for people: `Node.js 18.20.4`. */
  languageVersion: string;
  /**
   * The command line that runs the entry inside the container, from the job folder, with
   * ENTRY_ARG standing for the entry's path; empty for Python, which the bootstrap runs through
   * its own launcher (project-relative tracebacks, the real `__main__`).
   */
  command: readonly string[];
  dependencies: RuntimeDependencies;
  platform: string;
  libc: string;
  /**
   * Every distribution its image holds, as the daemon's probe reads them: what routing assumes
   * of a provider that advertises the name alone (an older daemon), what a refusal suggests when
   * no provider offers the runtime right now, and which declared requirements need not travel.
   */
  packages: RuntimePackage[];
}

/** The runtime a job gets when nothing asks for another. */
export const DEFAULT_RUNTIME = 'python3';

/** A package whose import names are its name with `-` read as `_` unless listed. */
const pkg = (name: string, version: string, imports = [name.replace(/-/g, '_')]) => ({
  name,
  version,
  imports,
});

const DEBIAN_12 = { platform: 'linux-x86_64', libc: 'glibc-2.36' };
const PYTHON_311 = {
  ...DEBIAN_12,
  python: '3.11.2',
  extensions: ['.py'],
  language: 'python',
  languageVersion: 'Python 3.11.2',
  command: [],
  dependencies: 'python-wheels',
} as const;
/** Node.js 18 from Debian 12's own archive (bookworm and bookworm-security carry 18.20.4). */
const NODE_18 = { ...DEBIAN_12, image: 'orange-cloud/node:18', languageVersion: 'Node.js 18.20.4' };
/** Where the image script installs provider-daemon/image/wasi-run.mjs. */
export const WASI_RUNNER = '/usr/lib/orange-cloud/wasi-run.mjs';
/** Where the image script installs provider-daemon/image/project-relative-errors.cjs. */
const PROJECT_RELATIVE_ERRORS = '/usr/lib/orange-cloud/project-relative-errors.cjs';
const SETUPTOOLS = pkg('setuptools', '66.1.1', [
  '_distutils_hack',
  'debian',
  'pkg_resources',
  'setuptools',
]);

export const RUNTIME_CATALOG: readonly CatalogRuntime[] = [
  {
    name: 'python3',
    image: 'orange-cloud/python:3',
    description: 'Python 3 with pip',
    ...PYTHON_311,
    packages: [pkg('pip', '23.0.1'), SETUPTOOLS, pkg('wheel', '0.38.4')],
  },
  {
    name: 'python-data',
    image: 'orange-cloud/python-data:3',
    description: 'Python 3 with numpy, pandas, scipy, matplotlib and scikit-learn',
    ...PYTHON_311,
    // Debian's kiwisolver and mpmath report 0.0.0 (built without their version plugin): a
    // requirement with a version on them is shipped, which is correct, only larger.
    packages: [
      pkg('appdirs', '1.4.4'),
      pkg('attrs', '22.2.0', ['attr', 'attrs']),
      pkg('brotli', '1.0.9', ['_brotli', 'brotli']),
      pkg('contourpy', '1.0.7'),
      pkg('cycler', '0.11.0'),
      pkg('decorator', '5.1.1'),
      pkg('fonttools', '4.38.0', ['fontTools']),
      pkg('fs', '2.4.16'),
      pkg('joblib', '1.2.0'),
      pkg('kiwisolver', '0.0.0', ['kiwisolver', 'src']),
      pkg('lxml', '4.9.2'),
      pkg('lz4', '4.0.2+dfsg'),
      pkg('matplotlib', '3.6.3', ['matplotlib', 'mpl_toolkits', 'pylab']),
      pkg('mpmath', '0.0.0'),
      pkg('numpy', '1.24.2'),
      pkg('packaging', '23.0'),
      pkg('pandas', '1.5.3'),
      pkg('pillow', '9.4.0', ['PIL']),
      pkg('pip', '23.0.1'),
      pkg('pyparsing', '3.0.9'),
      pkg('python-dateutil', '2.8.2', ['dateutil']),
      pkg('pytz', '2022.7.1'),
      pkg('scikit-learn', '1.2.1', ['sklearn']),
      pkg('scipy', '1.10.1'),
      SETUPTOOLS,
      pkg('six', '1.16.0'),
      pkg('sympy', '1.11.1'),
      pkg('threadpoolctl', '3.1.0'),
      pkg('typing-extensions', '4.4.0'),
      pkg('ufolib2', '0.14.0', ['ufoLib2']),
      pkg('unicodedata2', '15.0.0'),
      pkg('wheel', '0.38.4'),
    ],
  },
  {
    name: 'node',
    description: 'Node.js 18',
    ...NODE_18,
    extensions: ['.js', '.mjs', '.cjs'],
    language: 'javascript',
    // A crash names project files as the requester has them (`main.js:3:7`), not the
    // container's job folder, as a Python traceback does: the editor links them.
    command: ['node', '--require', PROJECT_RELATIVE_ERRORS, ENTRY_ARG],
    dependencies: 'npm',
    packages: [],
  },
  {
    name: 'wasi',
    description: 'WebAssembly (WASI preview 1) on Node.js 18',
    ...NODE_18,
    extensions: ['.wasm'],
    language: 'wasm',
    // Node 18 keeps WASI behind this flag; --no-warnings keeps its experimental warning out of
    // the job's stderr (the module itself cannot raise a Node.js warning).
    command: [
      'node',
      '--experimental-wasi-unstable-preview1',
      '--no-warnings',
      WASI_RUNNER,
      ENTRY_ARG,
    ],
    dependencies: 'none',
    packages: [],
  },
];

export const catalogRuntime = (name: string): CatalogRuntime | undefined =>
  RUNTIME_CATALOG.find((r) => r.name === name);

/** The top-level imports a catalog runtime provides beyond the standard library. */
export const catalogImports = (name: string): string[] =>
  catalogRuntime(name)?.packages.flatMap((p) => p.imports) ?? [];

/**
 * The runtimes whose images may stand for a job's declared requirements before the market is
 * read: the one asked for (none when it is not in the catalog), else every catalog runtime.
 */
export const runtimesThatMayHold = (asked?: string): readonly CatalogRuntime[] =>
  RUNTIME_CATALOG.filter(
    (r) => r.dependencies === 'python-wheels' && (asked === undefined || r.name === asked),
  );

/** The part of a file name a runtime is chosen by: `.mjs` for `src/main.mjs`, '' for none. */
export function entryExtension(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot) : '';
}

/** The catalog runtimes that run an entry file, the default first (python3 for `.py`). */
export const runtimesForEntry = (path: string): readonly CatalogRuntime[] =>
  RUNTIME_CATALOG.filter((r) => r.extensions.includes(entryExtension(path)));

/** Every entry file ending some runtime runs, e.g. ['.py', '.js', '.mjs', '.cjs', '.wasm']. */
export const ENTRY_EXTENSIONS: readonly string[] = [
  ...new Set(RUNTIME_CATALOG.flatMap((r) => r.extensions)),
];

/** The language of a runtime the catalog knows; undefined for a name it does not. */
export const runtimeLanguage = (name: string): RuntimeLanguage | undefined =>
  catalogRuntime(name)?.language;

/**
 * The container command line that runs an entry on a runtime: the catalog's, with the entry
 * put in; empty for Python runtimes (the bootstrap's launcher) and names the catalog lacks.
 */
export const entryCommand = (runtime: string, entrypoint: string): string[] =>
  (catalogRuntime(runtime)?.command ?? []).map((arg) => (arg === ENTRY_ARG ? entrypoint : arg));
