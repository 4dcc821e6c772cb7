import { homePaths } from '../config/paths.js';
import { runtimesThatMayHold } from '../runtime/runtime-catalog.js';
import { systemNpm } from './npm/npm-runner.js';
import type { NpmSource } from './npm/resolve-npm.js';
import { systemPip } from './pip-runner.js';
import type { WheelSource } from './resolve-wheels.js';

/**
 * Where a run's declared dependencies come from: wheels for a Python project, and (`npm`) the
 * prepared tree for a Node.js project's package.json. Which one applies is the chosen runtime's
 * (its catalog entry's `dependencies`).
 */
export interface DependencySources extends WheelSource {
  npm?: NpmSource;
}

/** What the user decided for this run about its dependencies. */
export interface UserDependencyChoices {
  /** Let the npm tree's install scripts run in the provider's container (CLI `--allow-install-scripts`). */
  allowInstallScripts?: boolean;
}

/**
 * How a shell resolves its user's declared dependencies: what a runtime's image already holds
 * is left to it (routing then picks a runtime that has it; `askedRuntime` narrows that to the
 * runtime the user named), and the rest become wheels with the user's own pip (its
 * configuration and PIP_* variables), cached in the Orange Cloud home. The wheels' target is the
 * chosen runtime's, as its providers advertise it (`prepareJob`). A Node.js project's
 * package.json is prepared with the user's own npm (the one on PATH, with its configuration),
 * cached there too; its install scripts are refused unless the user allowed them.
 */
export function userDependencyOptions(
  home: string,
  askedRuntime?: string,
  choices: UserDependencyChoices = {},
): DependencySources {
  return {
    cacheDir: homePaths(home).wheelCache,
    pip: systemPip(),
    runtimes: runtimesThatMayHold(askedRuntime),
    npm: {
      cacheDir: homePaths(home).npmCache,
      npm: systemNpm(),
      allowInstallScripts: choices.allowInstallScripts ?? false,
    },
  };
}
