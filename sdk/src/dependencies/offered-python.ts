import { OrangeError } from '../errors.js';
import { catalogRuntime } from '../runtime/runtime-catalog.js';
import type { RuntimeDescriptor } from '../runtime/runtime-descriptor.js';
import type { DeclaredDependencies } from './declared.js';
import { pythonTarget, type PythonTarget } from './python-target.js';
import { satisfiesRequiresPython } from './requires-python.js';

/** The Python a provider's runtime runs: as it advertised it, else as the catalog knows the name. */
const pythonOf = (runtime: RuntimeDescriptor): string | undefined =>
  runtime.python ?? catalogRuntime(runtime.name)?.python;

/** The advertised runtimes a job may run on, given its `requires-python`. */
export interface RuntimesForPython {
  /** The advertised runtimes whose Python meets it (all of them when nothing is required). */
  kept: RuntimeDescriptor[];
  /** Runtime names the market offers, but never with a Python that meets it. */
  unavailable: string[];
}

/**
 * Checks a job's `requires-python` against the Pythons the providers on the network advertise
 * (the catalog's for a runtime advertised by name alone, unknown for a name the catalog lacks)
 * and keeps the runtimes that meet it, so routing picks among those. Refuses, before anything
 * is fetched or posted, when no provider offers a matching Python (or none offers one for the
 * runtime asked for), naming what is offered.
 */
export function runtimesForPython(
  declared: Pick<DeclaredDependencies, 'file' | 'requiresPython'> | undefined,
  advertised: readonly RuntimeDescriptor[],
  asked?: string,
): RuntimesForPython {
  const wanted = declared?.requiresPython;
  if (wanted === undefined) return { kept: [...advertised], unavailable: [] };
  const where = `${declared!.file}'s requires-python`;
  const meets = (runtime: RuntimeDescriptor) => {
    const python = pythonOf(runtime);
    return python !== undefined && satisfiesRequiresPython(python, wanted, where);
  };
  const kept = advertised.filter(meets);
  const keptNames = new Set(kept.map((r) => r.name));
  const unavailable = [...new Set(advertised.map((r) => r.name))].filter((n) => !keptNames.has(n));
  const considered = asked === undefined ? advertised : advertised.filter((r) => r.name === asked);
  if (considered.length > 0 && !considered.some(meets)) {
    const offered = offeredPythons(considered);
    throw new OrangeError(
      'REQUIRES_PYTHON_UNMET',
      `${declared!.file} requires Python ${wanted}, but no provider offers ${asked === undefined ? 'it' : `${asked} with it`} (${offered}).`,
      {
        hint: `Relax requires-python to admit a Python on offer if the code runs there${asked === undefined ? '' : ', or ask for another runtime'}. Nothing was posted.`,
      },
    );
  }
  return { kept, unavailable };
}

/** `python3 has 3.11.2, python-data has 3.11.2 and 3.12.1`: what the market offers. */
function offeredPythons(advertised: readonly RuntimeDescriptor[]): string {
  const byName = new Map<string, Set<string>>();
  for (const runtime of advertised) {
    const versions = byName.get(runtime.name) ?? new Set<string>();
    versions.add(pythonOf(runtime) ?? 'an unknown Python');
    byName.set(runtime.name, versions);
  }
  return [...byName]
    .map(([name, versions]) => `${name} has ${[...versions].join(' and ')}`)
    .join(', ');
}

/**
 * What the wheels of a job on `runtime` must fit: the interpreter and platform its provider
 * advertised (`descriptor`, the chosen runtime's), else, for a provider that advertised the
 * name alone (an older daemon), what the catalog knows of that name. Refuses a runtime whose
 * platform this client cannot tag wheels for (not Linux with glibc on x86-64 or ARM64), or
 * one nothing is known of.
 */
export function wheelTarget(
  runtime: string,
  descriptor: RuntimeDescriptor | undefined,
): PythonTarget {
  const facts = descriptor?.platform !== undefined && descriptor.libc !== undefined;
  const known = facts ? descriptor : catalogRuntime(runtime);
  const target = known && pythonTarget({ ...known, name: runtime });
  if (target) return target;
  const what = facts
    ? `its providers advertise Python ${descriptor.python} on ${descriptor.platform} with ${descriptor.libc}, which Orange Cloud cannot fetch wheels for`
    : 'its providers do not say which Python and platform it runs';
  throw new OrangeError(
    'DEPENDENCY_TARGET_UNKNOWN',
    `The declared dependencies need wheels for the ${runtime} runtime, but ${what}.`,
    {
      hint: 'Ask for a runtime on Linux with glibc (--runtime python3), or declare no dependencies. Nothing was posted.',
    },
  );
}
