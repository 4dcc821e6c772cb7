import type { Duplex, Readable } from 'node:stream';
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
  removeContainer(id: string): Promise<void>;
  /** Every container, running or not, carrying `label` (`key=value`), with its labels. */
  listContainers(label: string): Promise<ListedContainer[]>;
  /** A handle to an existing container (one an earlier run of the daemon created). */
  container(id: string): EngineContainer;
}

/** A container as the engine lists it; `state` is Docker's: created, running, exited, ... */
export interface ListedContainer {
  id: string;
  labels: Record<string, string>;
  state: string;
}

export interface ContainerState {
  exitCode: number | null;
  oomKilled: boolean;
}

export interface EngineContainer {
  readonly id: string;
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
  /**
   * Its stdout and stderr from the start, multiplexed as attach frames them, followed until it
   * stops (the engine keeps them: see the log settings in container-config.ts).
   */
  logs(): Promise<Readable>;
  /** Force-removes the container and its anonymous volumes. */
  remove(): Promise<void>;
}
