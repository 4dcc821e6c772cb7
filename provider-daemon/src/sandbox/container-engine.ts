import type { Duplex } from 'node:stream';
import type { ContainerCreateBody } from './container-config.js';

/**
 * What the sandbox needs from a container engine. The Docker adapter
 * (docker-engine.ts) is the only implementation that talks to dockerode;
 * everything else depends on this interface. Implementations raise
 * OrangeErrors (DOCKER_UNAVAILABLE, RUNTIME_IMAGE_MISSING) for what a user can fix.
 */
export interface ContainerEngine {
  ping(): Promise<void>;
  hasImage(image: string): Promise<boolean>;
  /** The OCI runtimes the engine knows (`docker info`'s Runtimes), e.g. ['runc']. */
  ociRuntimes(): Promise<string[]>;
  createContainer(body: ContainerCreateBody): Promise<EngineContainer>;
  /** Ids of all containers, running or not, carrying `label` (`key=value`). */
  listContainerIds(label: string): Promise<string[]>;
  removeContainer(id: string): Promise<void>;
}

export interface ContainerState {
  exitCode: number | null;
  oomKilled: boolean;
}

export interface EngineContainer {
  /** The raw multiplexed stdin/stdout/stderr stream; attach before start. */
  attach(): Promise<Duplex>;
  start(): Promise<void>;
  /** Resolves once the container has stopped. */
  wait(): Promise<void>;
  /** SIGKILL; a container that already stopped is not an error. */
  kill(): Promise<void>;
  /** Sends `signal` to the container's init, which forwards it to the bootstrap; same errors as kill. */
  signal(signal: 'SIGUSR1'): Promise<void>;
  inspect(): Promise<ContainerState>;
  /** Force-removes the container and its anonymous volumes. */
  remove(): Promise<void>;
}
