export { anchorLocalSpecs } from './anchor-local-specs.js';
export {
  checkInstallScripts,
  installScriptsOf,
  type PackageWithInstallScripts,
} from './install-scripts.js';
export { npmConfiguration, type NpmConfiguration } from './npm-configuration.js';
export { pickNpmDeclaration, readNpmDeclaration, type NpmDeclaration } from './npm-declaration.js';
export { systemNpm, type NpmRunner, type SystemNpmOptions } from './npm-runner.js';
export { LINUX_X64_GLIBC, npmTarget, type NpmTarget } from './npm-target.js';
export {
  resolveNpmDependencies,
  type NpmOptions,
  type NpmSource,
  type PreparedNpmDependencies,
} from './resolve-npm.js';
