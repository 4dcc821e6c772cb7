import { OrangeError } from '../errors.js';
import { isWheelFileName } from '../job/paths.js';
import type { RuntimeDescriptor } from '../runtime/runtime-descriptor.js';
import type { DeclaredDependencies } from './declared.js';
import { leaveToRuntime, type RuntimeProvidedRequirement } from './left-to-runtime.js';
import { pipDownloadArgs, pipDownloadFailure } from './pip-download.js';
import type { PipRunner } from './pip-runner.js';
import type { PythonTarget } from './python-target.js';
import { satisfiesRequiresPython } from './requires-python.js';
import { WheelCache, type LocalWheel } from './wheel-cache.js';

/** How a requester turns declared dependencies into wheels. */
export interface DependencyOptions {
  /** The runtime the wheels are for (its Python version and platform). */
  target: PythonTarget;
  /** Where fetched wheels are kept (`homePaths(home).wheelCache`). */
  cacheDir: string;
  pip: PipRunner;
  /** Extra `pip download` arguments, e.g. `--no-index --find-links DIR`; pip's own PIP_* variables work too. */
  pipArgs?: readonly string[];
  /**
   * Runtimes whose images may stand for declared requirements (`runtimesThatMayHold`): a
   * requirement one of them already holds at a compatible version is left to it, not fetched;
   * routing then sends the job to a runtime that holds it. Without it, everything is fetched.
   */
  runtimes?: readonly RuntimeDescriptor[];
  /** Called before pip runs (not on a cache hit) with what it fetches, so a shell can say why it waits. */
  onFetch?: (
    declared: DeclaredDependencies,
    fetching: readonly string[],
    target: PythonTarget,
  ) => void;
}

/**
 * Where wheels come from, without a fixed target: a run resolves them for the chosen runtime's
 * advertised Python and platform (`prepareJob`).
 */
export type WheelSource = Omit<DependencyOptions, 'target'>;

/** Declared dependencies, resolved into the wheels that travel with the payload. */
export interface ResolvedDependencies {
  declared: DeclaredDependencies;
  wheels: LocalWheel[];
  /** Requirements a runtime already holds: no wheel travels for them. */
  fromRuntime: RuntimeProvidedRequirement[];
  /** The wheels came from the local cache, or nothing was left to fetch; pip was not called. */
  cached: boolean;
}

/**
 * Checks `requires-python` against the target, leaves to a runtime what its image already
 * holds, and fetches wheels for every other requirement and its dependencies (those pip pulls
 * in travel even when a runtime holds them), for the target's Python and platform, from the
 * cache when this exact request was fetched before. Every refusal is an OrangeError before
 * anything is posted.
 */
export async function resolveWheels(
  declared: DeclaredDependencies,
  options: DependencyOptions,
): Promise<ResolvedDependencies> {
  checkRequiresPython(declared, options.target);
  const { fromRuntime, toFetch } = leaveToRuntime(declared.requirements, options.runtimes ?? []);
  if (toFetch.length === 0) return { declared, wheels: [], fromRuntime, cached: true };
  const { target } = options;
  const pipArgs = options.pipArgs ?? [];
  const cache = new WheelCache(options.cacheDir);
  const key = WheelCache.key({
    requirements: toFetch,
    target: {
      pythonVersion: target.pythonVersion,
      implementation: target.implementation,
      abis: target.abis,
      platforms: target.platforms,
    },
    pipArgs,
    // A changed index or find-links must not reuse what the old one served.
    pipConfiguration: await options.pip.configuration?.(),
  });
  const hit = await cache.get(key);
  if (hit) return { declared, wheels: hit, fromRuntime, cached: true };
  options.onFetch?.(declared, toFetch, target);
  const wheels = await cache.put(
    key,
    async (folder) => {
      const outcome = await options.pip.run(pipDownloadArgs(target, toFetch, folder, pipArgs));
      if (outcome.exitCode !== 0) throw pipDownloadFailure(outcome.stderr, target);
    },
    (files) => {
      const odd = files.find((file) => !isWheelFileName(file));
      if (odd) {
        throw new OrangeError(
          'DEPENDENCY_NO_WHEEL',
          `pip fetched ${odd}, which is not a wheel; only wheels can be installed on the provider.`,
          { hint: 'Pick a version that publishes a wheel, or drop it. Nothing was posted.' },
        );
      }
    },
  );
  return { declared, wheels, fromRuntime, cached: false };
}

/** Refuses a run whose declared `requires-python` the runtime's Python does not meet. */
export function checkRequiresPython(declared: DeclaredDependencies, target: PythonTarget): void {
  const wanted = declared.requiresPython;
  if (wanted === undefined) return;
  if (satisfiesRequiresPython(target.pythonVersion, wanted, `${declared.file}'s requires-python`))
    return;
  throw new OrangeError(
    'REQUIRES_PYTHON_UNMET',
    `${declared.file} requires Python ${wanted}, but the ${target.runtime} runtime runs Python ${target.pythonVersion}.`,
    {
      hint: `Relax requires-python to admit ${target.pythonVersion} if the code runs there, or pick a runtime with a matching Python. Nothing was posted.`,
    },
  );
}
