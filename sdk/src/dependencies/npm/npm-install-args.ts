import { OrangeError } from '../../errors.js';
import type { NpmTarget } from './npm-target.js';

export interface NpmInstallRequest {
  /** A lockfile travels: `npm ci` installs exactly it; else `npm install` resolves afresh. */
  locked: boolean;
  /** The folder holding the staged package.json: npm's project (`--prefix`). */
  prefix: string;
  target: NpmTarget;
  /** The user's npm version (`npm --version`): the platform flags need a recent one. */
  npmVersion: string;
  /** Extra arguments, e.g. `--offline`; npm's own `npm_config_*` variables work too. */
  extraArgs?: readonly string[];
}

/**
 * `npm ci` / `npm install` arguments that prepare the production tree for another machine:
 * never a script (`--ignore-scripts`: install scripts are detected afterwards and run, if the
 * user allows them, only in the provider's container), no dev dependencies, no `.bin` links
 * (they would be links out of the tree), `file:` folders copied rather than linked, and the
 * target's os, cpu and libc for optional platform packages. npm took `--os`/`--cpu`/`--libc`
 * in its 10 series; an older npm resolves them for the requester's own machine (the tree still
 * works wherever the optional native packages are not needed).
 */
export function npmInstallArgs(request: NpmInstallRequest): string[] {
  const { target } = request;
  return [
    request.locked ? 'ci' : 'install',
    '--prefix',
    request.prefix,
    '--ignore-scripts',
    '--omit=dev',
    '--no-bin-links',
    '--install-links',
    '--no-audit',
    '--no-fund',
    '--no-update-notifier',
    ...(takesPlatformFlags(request.npmVersion)
      ? ['--os', target.os, '--cpu', target.cpu, '--libc', target.libc]
      : []),
    ...(request.extraArgs ?? []),
  ];
}

/** True for an npm version that knows `--os`, `--cpu` and `--libc` (10.3 and later). */
export function takesPlatformFlags(version: string): boolean {
  const match = /^(\d+)\.(\d+)\./.exec(version.trim());
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 10 || (major === 10 && minor >= 3);
}

/** npm's own error lines (`npm error ...`, `npm ERR! ...`), for a failed install. */
export function npmInstallFailure(stderr: string, target: NpmTarget): OrangeError {
  const lines = stderr
    .split('\n')
    .filter((line) => /^npm (error|ERR!)/.test(line) && !/A complete log of this run/.test(line))
    .slice(0, 10)
    .join('\n');
  const noLock =
    /can only install with an existing package-lock|`npm ci` can only install packages when/.test(
      stderr,
    );
  return new OrangeError(
    'NPM_FAILED',
    `npm could not prepare the project's dependencies for ${target.label}:\n${lines || lastLines(stderr)}`,
    {
      hint: noLock
        ? 'package.json and the lockfile disagree: run "npm install" in the project to update the lockfile. Nothing was posted.'
        : 'Check package.json, the lockfile and your npm configuration (registry, auth, proxy); "npm install --omit=dev" in the project shows all of npm\'s output. Nothing was posted.',
    },
  );
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-8).join('\n');
}
