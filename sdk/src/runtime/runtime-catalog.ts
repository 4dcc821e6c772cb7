import type { RuntimeDescriptor, RuntimePackage } from './runtime-descriptor.js';

/**
 * A runtime the project knows how to build and route to, with what its image holds. Both images
 * install Debian 12 packages, so the versions are pinned by the release; the python-data e2e
 * test probes the real images and fails when these facts drift from them.
 */
export interface CatalogRuntime extends RuntimeDescriptor {
  /** The image a provider runs it in (built by provider-daemon/scripts/ensure-runtime-image.sh). */
  image: string;
  description: string;
  python: string;
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

const DEBIAN_12 = { python: '3.11.2', platform: 'linux-x86_64', libc: 'glibc-2.36' };
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
    ...DEBIAN_12,
    packages: [pkg('pip', '23.0.1'), SETUPTOOLS, pkg('wheel', '0.38.4')],
  },
  {
    name: 'python-data',
    image: 'orange-cloud/python-data:3',
    description: 'Python 3 with numpy, pandas, scipy, matplotlib and scikit-learn',
    ...DEBIAN_12,
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
  asked === undefined ? RUNTIME_CATALOG : RUNTIME_CATALOG.filter((r) => r.name === asked);
