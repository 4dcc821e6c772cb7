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

/** manylinux_2_5 .. manylinux_2_<glibcMinor> for one architecture, newest first, plus the PEP 599 aliases. */
function manylinuxPlatforms(glibcMinor: number, arch: string): string[] {
  const perpetual = Array.from(
    { length: glibcMinor - 4 },
    (_, i) => `manylinux_2_${glibcMinor - i}_${arch}`,
  );
  return [...perpetual, `manylinux2014_${arch}`, `manylinux2010_${arch}`, `manylinux1_${arch}`];
}

/**
 * The `python3` runtime as the project's image builds it today: Debian 12's CPython 3.11.2 on
 * glibc 2.36, x86-64. This is the one place that states it; once providers advertise their
 * runtimes' versions, the advertised target replaces this constant.
 */
export const PYTHON3_TARGET: PythonTarget = {
  runtime: 'python3',
  pythonVersion: '3.11.2',
  implementation: 'cp',
  abis: ['cp311', 'abi3', 'none'],
  platforms: manylinuxPlatforms(36, 'x86_64'),
  label: 'CPython 3.11 on Linux x86-64 (glibc 2.36)',
};

/** The targets this client knows, by runtime name. */
export const KNOWN_TARGETS: Readonly<Record<string, PythonTarget>> = { python3: PYTHON3_TARGET };
