import type { OutputSegment, RunOutputs } from '@orange-cloud/sdk';

/** One file of a job, delivered into the container under /tmp/job. */
export interface SandboxFile {
  /** Relative POSIX path, e.g. `main.py` or `data/input.csv`. */
  path: string;
  /** 0o644 or 0o755: the executable bit is the only permission a requester chooses. */
  mode: number;
  content: Uint8Array;
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: Uint8Array;
}

export interface RunSpec {
  /** Labels the container so a crashed daemon can find and remove it later. */
  jobId: string;
  image: string;
  files: SandboxFile[];
  /** Path of one of `files`, run as `python3 <entrypoint>` from /tmp/job, which is on sys.path. */
  entrypoint: string;
  /**
   * The command line that runs the entry instead (`entryCommand` from the SDK's catalog, e.g.
   * `node main.js`), from /tmp/job; absent or empty: the entry is Python, run as above.
   */
  command?: readonly string[];
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  /** Cap on stdout + stderr combined; the job is stopped once it is exceeded. */
  outputCapBytes: number;
  /** Cap on the total bytes of the files returned from out/; over it, what fits comes back. */
  outputsCapBytes: number;
  /** Called live, in arrival order across both streams, never beyond the cap. */
  onOutput?: (chunk: OutputChunk) => void;
  /** Abort stops the job (job cancelled or payment stopped); its out/ files still come back, partial. */
  signal?: AbortSignal;
  /**
   * Called once the container has started, before its files go in: what a restarted daemon
   * needs to re-attach to it (`Sandbox.resume`), to be written down now.
   */
  onStarted?: (started: StartedContainer) => void;
}

/** A job's container as started: its id, and the secret marker nonce of its outputs section. */
export interface StartedContainer {
  containerId: string;
  markerNonce: string;
}

/** What supervising a container to its end reads of its spec, fresh or resumed. */
export type SupervisedSpec = Pick<
  RunSpec,
  | 'jobId'
  | 'timeoutSec'
  | 'outputCapBytes'
  | 'outputsCapBytes'
  | 'onOutput'
  | 'signal'
  | 'onStarted'
>;

/**
 * A container an earlier run of the daemon started, to follow to its end: its output so far is
 * read back, `timeoutSec` is what is left of its wall clock.
 */
export interface ResumeSpec extends StartedContainer, Omit<SupervisedSpec, 'onStarted'> {}

/** A job container of this daemon, as the engine lists it. */
export interface JobContainer {
  containerId: string;
  /** Its job label. */
  jobId: string;
  /** created (never started), running, or stopped (exited or dead). */
  state: 'created' | 'running' | 'stopped';
}

export interface RunOutcome {
  /** The job's exit code; null when it never produced one (e.g. start failed). */
  exitCode: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** The order stdout and stderr arrived in, as runs of bytes. */
  interleaving?: OutputSegment[];
  outputTruncated: boolean;
  timedOut: boolean;
  outOfMemory: boolean;
  aborted: boolean;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  /** Of durationMs, the time the bootstrap spent installing the job's dependency wheels. */
  installMs?: number;
  /** The files the job left under out/; absent when it left none (or never ran). */
  outputs?: RunOutputs;
}

export interface Sandbox {
  run(spec: RunSpec): Promise<RunOutcome>;
  /** Follows a container an earlier run started to its end, as `run` would have; removes it. */
  resume(spec: ResumeSpec): Promise<RunOutcome>;
  /** This daemon's job containers, running or not. */
  containers(): Promise<JobContainer[]>;
  /** Removes one container (gone already is fine). */
  remove(containerId: string): Promise<void>;
  /** Throws DOCKER_UNAVAILABLE, CONFIG_INVALID (an OCI runtime Docker lacks) or RUNTIME_IMAGE_MISSING. */
  check(): Promise<void>;
  /** Whether the engine holds this image (a runtime is offered only when it does). */
  hasImage(image: string): Promise<boolean>;
}
