import { OrangeError } from '../errors.js';
import type { PythonTarget } from './python-target.js';

/**
 * `pip download` arguments that fetch wheels, and only wheels, for another machine: the
 * target's Python version, implementation, ABIs and platforms, every transitive dependency
 * resolved for that target, nothing built from source.
 */
export function pipDownloadArgs(
  target: PythonTarget,
  requirements: readonly string[],
  dest: string,
  extraArgs: readonly string[] = [],
): string[] {
  return [
    'download',
    '--only-binary=:all:',
    '--dest',
    dest,
    '--python-version',
    target.pythonVersion,
    '--implementation',
    target.implementation,
    ...target.abis.flatMap((abi) => ['--abi', abi]),
    ...target.platforms.flatMap((platform) => ['--platform', platform]),
    '--progress-bar',
    'off',
    '--no-input',
    ...extraArgs,
    '--',
    ...requirements,
  ];
}

/**
 * Turns a failed `pip download` into what the user needs to know: which package has no wheel
 * for the runtime (the common case: sdist-only, or no build for this Python or platform), or
 * pip's own error lines otherwise.
 */
export function pipDownloadFailure(stderr: string, target: PythonTarget): OrangeError {
  const otherPython = /Package '([^']+)' requires a different Python: \S+ not in '([^']*)'/.exec(
    stderr,
  );
  if (otherPython) {
    const [, name, wanted] = otherPython;
    return new OrangeError(
      'DEPENDENCY_NO_WHEEL',
      `${name} requires Python ${wanted}, but the runtime runs Python ${target.pythonVersion}.`,
      {
        hint: `Pin a version of ${name} that supports Python ${target.pythonVersion}, or drop it. Nothing was posted.`,
      },
    );
  }
  const missing =
    /No matching distribution found for (\S+)/.exec(stderr)?.[1] ??
    /Could not find a version that satisfies the requirement (\S+)/.exec(stderr)?.[1];
  if (missing) {
    const otherPython = /require a different python version/.test(stderr)
      ? ` (some of its versions need another Python than ${target.pythonVersion})`
      : '';
    return new OrangeError(
      'DEPENDENCY_NO_WHEEL',
      `${missing} has no wheel for the runtime's ${target.label}${otherPython}; only wheels can be installed on the provider, which builds nothing from source.`,
      {
        hint: `Pick a version of ${missing} that publishes a wheel for this platform (or a pure-Python one), or drop it. Nothing was posted.`,
      },
    );
  }
  const errors = stderr
    .split('\n')
    .filter((line) => line.startsWith('ERROR:') || /conflict|ResolutionImpossible/i.test(line))
    .slice(0, 8)
    .join('\n');
  return new OrangeError(
    'PIP_FAILED',
    `pip could not fetch the dependencies' wheels:\n${errors || lastLines(stderr)}`,
    {
      hint: 'Check the requirements and your pip configuration (index, find-links, certificates); run the pip command yourself to see all of its output. Nothing was posted.',
    },
  );
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-8).join('\n');
}
