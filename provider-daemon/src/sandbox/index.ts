export type { OutputChunk, RunOutcome, RunSpec, Sandbox, SandboxFile } from './types.js';
export {
  createDockerSandbox,
  DEFAULT_RUNTIME_IMAGE,
  type DockerSandboxOptions,
} from './docker-sandbox.js';
export { JOB_LABEL, MANAGED_LABEL } from './container-config.js';
