import { JOB_LABEL, MANAGED_LABEL, type OciRuntime } from './container-config.js';
import type { ContainerEngine } from './container-engine.js';
import { createDockerEngine } from './docker-engine.js';
import { ociRuntimeMissing, runtimeImageMissing } from './errors.js';
import { resumeInContainer, runInContainer } from './run-in-container.js';
import type { JobContainer, Sandbox } from './types.js';

/** The image `check()` looks for; built offline by scripts/ensure-runtime-image.sh. */
export const DEFAULT_RUNTIME_IMAGE = 'orange-cloud/python:3';

export interface DockerSandboxOptions {
  /** Docker engine socket; defaults to /var/run/docker.sock. */
  socketPath?: string;
  /** The image `check()` requires; defaults to DEFAULT_RUNTIME_IMAGE. */
  runtimeImage?: string;
  /**
   * Who manages the containers (the provider's address): containers() lists only this
   * owner's, so daemons sharing one engine leave each other's runs alone. Default 'true'.
   */
  owner?: string;
  /** The OCI runtime for job containers (config `sandbox.runtime`); default runc. */
  ociRuntime?: OciRuntime;
}

export function createDockerSandbox(options: DockerSandboxOptions = {}): Sandbox {
  return createSandbox(
    createDockerEngine(options.socketPath),
    options.runtimeImage ?? DEFAULT_RUNTIME_IMAGE,
    options.owner,
    options.ociRuntime,
  );
}

/** A Sandbox over any ContainerEngine. */
export function createSandbox(
  engine: ContainerEngine,
  runtimeImage: string,
  owner = 'true',
  ociRuntime: OciRuntime = 'runc',
): Sandbox {
  return {
    run: (spec) => runInContainer(engine, spec, owner, ociRuntime),

    resume: (spec) => resumeInContainer(engine, spec),

    async containers() {
      const listed = await engine.listContainers(`${MANAGED_LABEL}=${owner}`);
      return listed.flatMap((c): JobContainer[] => {
        const jobId = c.labels[JOB_LABEL];
        if (jobId === undefined) return [];
        const state =
          c.state === 'created' ? 'created' : c.state === 'running' ? 'running' : 'stopped';
        return [{ containerId: c.id, jobId, state }];
      });
    },

    remove: (containerId) => engine.removeContainer(containerId),

    hasImage: (image) => engine.hasImage(image),

    async check() {
      await engine.ping();
      const known = await engine.ociRuntimes();
      if (!known.includes(ociRuntime)) throw ociRuntimeMissing(ociRuntime, known);
      if (!(await engine.hasImage(runtimeImage))) throw runtimeImageMissing(runtimeImage);
    },
  };
}
