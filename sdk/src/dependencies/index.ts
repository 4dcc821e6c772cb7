export type { DeclaredDependencies, DependencySource } from './declared.js';
export { readDeclared, pickDeclared } from './read-declared.js';
export { satisfiesRequiresPython } from './requires-python.js';
export {
  PYTHON3_TARGET,
  pythonTarget,
  type AdvertisedRuntime,
  type PythonTarget,
} from './python-target.js';
export { systemPip, type PipOutcome, type PipRunner, type SystemPipOptions } from './pip-runner.js';
export {
  checkRequiresPython,
  resolveWheels,
  type DependencyOptions,
  type ResolvedDependencies,
  type WheelSource,
} from './resolve-wheels.js';
export type { LocalWheel } from './wheel-cache.js';
export { leaveToRuntime, type RuntimeProvidedRequirement } from './left-to-runtime.js';
export {
  userDependencyOptions,
  type DependencySources,
  type UserDependencyChoices,
} from './user-dependencies.js';
export * from './npm/index.js';
export { runtimesForPython, wheelTarget, type RuntimesForPython } from './offered-python.js';
export { pipConfiguration, type PipConfiguration } from './pip-configuration.js';
