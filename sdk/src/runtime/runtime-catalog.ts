/** A runtime the project knows how to build and route to. */
export interface CatalogRuntime {
  name: string;
  /** The image a provider runs it in (built by provider-daemon/scripts/ensure-runtime-image.sh). */
  image: string;
  description: string;
  /**
   * Top-level imports its image provides beyond the standard library: what routing assumes of a
   * provider that advertises the name alone (an older daemon), and what a refusal suggests when
   * no provider on the network offers the runtime right now.
   */
  imports: readonly string[];
}

/** The runtime a job gets when nothing asks for another. */
export const DEFAULT_RUNTIME = 'python3';

export const RUNTIME_CATALOG: readonly CatalogRuntime[] = [
  {
    name: 'python3',
    image: 'orange-cloud/python:3',
    description: 'Python 3 with pip',
    imports: ['pip', 'setuptools', 'pkg_resources', 'wheel'],
  },
  {
    name: 'python-data',
    image: 'orange-cloud/python-data:3',
    description: 'Python 3 with numpy, pandas, scipy, matplotlib and scikit-learn',
    imports: [
      'pip',
      'setuptools',
      'pkg_resources',
      'wheel',
      'numpy',
      'pandas',
      'scipy',
      'matplotlib',
      'mpl_toolkits',
      'sklearn',
      'joblib',
      'threadpoolctl',
      'PIL',
      'dateutil',
      'pytz',
      'six',
      'cycler',
      'kiwisolver',
      'fontTools',
      'pyparsing',
      'packaging',
      'contourpy',
    ],
  },
];

export const catalogRuntime = (name: string): CatalogRuntime | undefined =>
  RUNTIME_CATALOG.find((r) => r.name === name);
