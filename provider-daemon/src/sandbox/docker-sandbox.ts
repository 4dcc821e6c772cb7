import { MANAGED_LABEL, type OciRuntime } from './container-config.js';
import type { ContainerEngine } from './container-engine.js';
import { createDockerEngine } from './docker-engine.js';
import { ociRuntimeMissing, runtimeImageMissing } from './errors.js';
import { runInContainer } from './run-in-container.js';
import type { Sandbox } from './types.js';

/** The image `check()` looks for; built offline by scripts/ensure-runtime-image.sh. */
export const DEFAULT_RUNTIME_IMAGE = 'orange-cloud/python:3';

export interface DockerSandboxOptions {
  /** Docker engine socket; defaults to /var/run/docker.sock. */
  socketPath?: string;
  /** The image `check()` requires; defaults to DEFAULT_RUNTIME_IMAGE. */
  runtimeImage?: string;
  /**
   * Who manages the containers (the provider's address): removeOrphans() removes only this
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

    async removeOrphans() {
      const ids = await engine.listContainerIds(`${MANAGED_LABEL}=${owner}`);
      for (const id of ids) await engine.removeContainer(id);
      return ids.length;
    },

    hasImage: (image) => engine.hasImage(image),

    async check() {
      await engine.ping();
      const known = await engine.ociRuntimes();
      if (!known.includes(ociRuntime)) throw ociRuntimeMissing(ociRuntime, known);
      if (!(await engine.hasImage(runtimeImage))) throw runtimeImageMissing(runtimeImage);
    },
  };
}
