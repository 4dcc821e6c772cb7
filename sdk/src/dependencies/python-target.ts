import { catalogRuntime, DEFAULT_RUNTIME } from '../runtime/runtime-catalog.js';

/**
 * What wheels must fit: the interpreter and platform of the runtime a job runs on. pip is
 * asked for wheels for this target, and `requires-python` is checked against its version.
 */
export interface PythonTarget {
  /** The runtime name a job posts, e.g. `python3`. */
  runtime: string;
  /** The runtime's full Python version, e.g. `3.11.2`. */
  pythonVersion: string;
  /** PEP 425 implementation: `cp` for CPython. */
  implementation: string;
  /** ABI tags a wheel may carry, most specific first. */
  abis: readonly string[];
  /** Platform tags a wheel may carry (a pure `any` wheel always fits). */
  platforms: readonly string[];
  /** How the target is shown to users, e.g. `CPython 3.11 on Linux x86-64 (glibc 2.36)`. */
  label: string;
}

/** What a provider says about one runtime: the fields of its advertised descriptor that matter here. */
export interface AdvertisedRuntime {
  name: string;
  /** e.g. `3.11.2` */
  python?: string;
  /** `sysconfig.get_platform()`, e.g. `linux-x86_64` */
  platform?: string;
  /** e.g. `glibc-2.36` */
  libc?: string;
}

const ARCH_LABELS: Readonly<Record<string, string>> = { x86_64: 'x86-64', aarch64: 'ARM64' };

/**
 * The wheel target of an advertised CPython runtime on Linux with glibc, or undefined when the
 * advertisement does not say enough (no Python, platform or libc) or names a platform this
 * client cannot tag (another OS, musl).
 */
export function pythonTarget(runtime: AdvertisedRuntime): PythonTarget | undefined {
  const version = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(runtime.python ?? '');
  const arch = /^linux-(x86_64|aarch64)$/.exec(runtime.platform ?? '')?.[1];
  const glibc = /^glibc-2\.(\d+)$/.exec(runtime.libc ?? '');
  if (!version || !arch || !glibc) return undefined;
  const [, major, minor] = version;
  const glibcMinor = Number(glibc[1]);
  // manylinux_2_17 is the oldest tag pip still pairs with aarch64; x86-64 goes back to 2_5.
  const oldest = arch === 'x86_64' ? 5 : 17;
  if (glibcMinor < oldest) return undefined;
  const perpetual = Array.from(
    { length: glibcMinor - oldest + 1 },
    (_, i) => `manylinux_2_${glibcMinor - i}_${arch}`,
  );
  const legacy =
    arch === 'x86_64'
      ? [
          ...(glibcMinor >= 17 ? [`manylinux2014_${arch}`] : []),
          ...(glibcMinor >= 12 ? [`manylinux2010_${arch}`] : []),
          `manylinux1_${arch}`,
        ]
      : [`manylinux2014_${arch}`];
  return {
    runtime: runtime.name,
    pythonVersion: runtime.python!,
    implementation: 'cp',
    abis: [`cp${major}${minor}`, 'abi3', 'none'],
    platforms: [...perpetual, ...legacy],
    label: `CPython ${major}.${minor} on Linux ${ARCH_LABELS[arch]} (glibc 2.${glibcMinor})`,
  };
}

/** The `python3` runtime as the project's image builds it (its facts live in the catalog). */
export const PYTHON3_TARGET: PythonTarget = pythonTarget(catalogRuntime(DEFAULT_RUNTIME)!)!;
