import { BOOTSTRAP } from './bootstrap.js';
import { NODE_MODULES_ARCHIVE } from '@orange-cloud/sdk';
import { DEPS_BASE, WHEELS_SUBDIR } from './install-step.js';
import { containerLogCapMb } from './output-bounds.js';
import type { RunSpec } from './types.js';

export const JOB_LABEL = 'orange-cloud.job';
export const MANAGED_LABEL = 'orange-cloud.managed';
/** Matches the runtime image's non-root user; numeric so no passwd entry is needed. */
export const SANDBOX_USER = '10001:10001';
/** Enough for multiprocessing pools and threads; a fork bomb stops here. */
export const PIDS_LIMIT = 128;
const MAX_TMPFS_MB = 256;
/**
 * RLIMIT_NPROC counts every process of the uid on the whole host (there is
 * no user namespace), so it is only a host-wide backstop above PIDS_LIMIT,
 * which is the per-container bound.
 */
const NPROC_LIMIT = 1024;
const NOFILE_LIMIT = 1024;
const MIB = 1024 * 1024;

/**
 * The OCI runtime Docker runs job containers with: runc (Docker's default) or gVisor's runsc,
 * which puts a user-space kernel between the job and the host's (see docs/security.md).
 */
export const OCI_RUNTIMES = ['runc', 'runsc'] as const;
export type OciRuntime = (typeof OCI_RUNTIMES)[number];

/** The subset of Docker's `POST /containers/create` body the sandbox sets. */
export interface ContainerCreateBody {
  Image: string;
  Cmd: string[];
  User: string;
  WorkingDir: string;
  Env: string[];
  Labels: Record<string, string>;
  Hostname: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Tty: boolean;
  NetworkDisabled: boolean;
  HostConfig: {
    NetworkMode: string;
    ReadonlyRootfs: boolean;
    Tmpfs: Record<string, string>;
    CapDrop: string[];
    SecurityOpt: string[];
    PidsLimit: number;
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    Ulimits: { Name: string; Soft: number; Hard: number }[];
    Init: boolean;
    AutoRemove: boolean;
    Privileged: boolean;
    IpcMode: string;
    Runtime: OciRuntime;
    LogConfig: { Type: string; Config: Record<string, string> };
  };
}

/** The tmpfs scratch size: counted against the memory limit anyway, and bounded so it stays small. */
export function tmpfsSizeMb(memoryMb: number): number {
  return Math.min(memoryMb, MAX_TMPFS_MB);
}

/**
 * noexec on /tmp: Python and Node.js read the script (and the WASI runner the module), none
 * execs files from /tmp; this stops dropped native binaries. A job with dependency wheels or
 * an npm tree also gets DEPS_BASE, a tmpfs of the same size that allows exec, because loading
 * a native extension (`.so`, `.node`) maps it executable.
 */
function scratchMounts(spec: RunSpec, scratchMb: number): Record<string, string> {
  const mounts: Record<string, string> = {
    '/tmp': `rw,nosuid,nodev,noexec,size=${scratchMb}m,mode=1777`,
  };
  if (
    spec.files.some(
      (f) => f.path.startsWith(`${WHEELS_SUBDIR}/`) || f.path === NODE_MODULES_ARCHIVE,
    )
  )
    mounts[DEPS_BASE] = `rw,nosuid,nodev,exec,size=${scratchMb}m,mode=1777`;
  return mounts;
}

/** The hardened container for one job; see the hardening table in the daemon's README. */
/** `owner` names the daemon that manages the container (MANAGED_LABEL's value). */
export function buildContainerConfig(
  spec: RunSpec,
  owner = 'true',
  runtime: OciRuntime = 'runc',
): ContainerCreateBody {
  const memoryBytes = spec.memoryMb * MIB;
  const scratchMb = tmpfsSizeMb(spec.memoryMb);
  return {
    Image: spec.image,
    Cmd: ['python3', '-I', '-c', BOOTSTRAP, spec.entrypoint, ...(spec.command ?? [])],
    User: SANDBOX_USER,
    WorkingDir: '/tmp',
    Env: ['PYTHONUNBUFFERED=1', 'HOME=/tmp'],
    Labels: { [JOB_LABEL]: spec.jobId, [MANAGED_LABEL]: owner },
    Hostname: 'orange-job',
    // stdin carries the job's files (see bootstrap.ts); StdinOnce closes it after we end our side
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: scratchMounts(spec, scratchMb),
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      PidsLimit: PIDS_LIMIT,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(spec.cores * 1e9),
      Ulimits: [
        { Name: 'nofile', Soft: NOFILE_LIMIT, Hard: NOFILE_LIMIT },
        { Name: 'nproc', Soft: NPROC_LIMIT, Hard: NPROC_LIMIT },
        { Name: 'fsize', Soft: scratchMb * MIB, Hard: scratchMb * MIB },
        { Name: 'core', Soft: 0, Hard: 0 },
      ],
      Init: true,
      AutoRemove: false,
      Privileged: false,
      IpcMode: 'private',
      Runtime: runtime,
      // Output is read through attach. The engine keeps a bounded copy too, one file that starts
      // over at the cap (a flood cannot fill the disk), uncompressed: a restarted daemon reads
      // it back to re-attach to a job that ran on while it was down (sandbox.resume).
      LogConfig: {
        Type: 'local',
        Config: {
          'max-size': `${containerLogCapMb(spec.outputCapBytes, spec.outputsCapBytes)}m`,
          'max-file': '1',
          compress: 'false',
        },
      },
    },
  };
}
