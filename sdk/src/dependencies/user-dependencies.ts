import { homePaths } from '../config/paths.js';
import { runtimesThatMayHold } from '../runtime/runtime-catalog.js';
import { systemPip } from './pip-runner.js';
import type { WheelSource } from './resolve-wheels.js';

/**
 * How a shell resolves its user's declared dependencies: what a runtime's image already holds
 * is left to it (routing then picks a runtime that has it; `askedRuntime` narrows that to the
 * runtime the user named), and the rest become wheels with the user's own pip (its
 * configuration and PIP_* variables), cached in the Orange Cloud home. The wheels' target is the
 * chosen runtime's, as its providers advertise it (`prepareJob`).
 */
export function userDependencyOptions(home: string, askedRuntime?: string): WheelSource {
  return {
    cacheDir: homePaths(home).wheelCache,
    pip: systemPip(),
    runtimes: runtimesThatMayHold(askedRuntime),
  };
}
