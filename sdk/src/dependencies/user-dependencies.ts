import { homePaths } from '../config/paths.js';
import { runtimesThatMayHold } from '../runtime/runtime-catalog.js';
import { systemPip } from './pip-runner.js';
import { PYTHON3_TARGET } from './python-target.js';
import type { DependencyOptions } from './resolve-wheels.js';

/**
 * How a shell resolves its user's declared dependencies: what a runtime's image already holds
 * is left to it (routing then picks a runtime that has it; `askedRuntime` narrows that to the
 * runtime the user named), and the rest become wheels with the user's own pip (its
 * configuration and PIP_* variables) for the runtimes' interpreter and platform, cached in
 * the Orange Cloud home.
 */
export function userDependencyOptions(home: string, askedRuntime?: string): DependencyOptions {
  return {
    target: PYTHON3_TARGET,
    cacheDir: homePaths(home).wheelCache,
    pip: systemPip(),
    runtimes: runtimesThatMayHold(askedRuntime),
  };
}
