import { OrangeError } from '@orange-cloud/sdk/errors';

export function dockerUnavailable(where: string, cause: unknown): OrangeError {
  return new OrangeError('DOCKER_UNAVAILABLE', `Cannot reach the Docker engine at ${where}.`, {
    hint: 'Start Docker (e.g. `dockerd` or Docker Desktop) and make sure this user may use its socket.',
    cause,
  });
}

export function runtimeImageMissing(image: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'RUNTIME_IMAGE_MISSING',
    `The runtime image ${image} is not present on this machine.`,
    {
      hint: `Build it with scripts/ensure-runtime-image.sh or pull it with \`docker pull ${image}\`.`,
      cause,
    },
  );
}

export function ociRuntimeMissing(runtime: string, known: string[]): OrangeError {
  return new OrangeError(
    'CONFIG_INVALID',
    `Provider config: sandbox.runtime "${runtime}" is not known to the Docker engine (it knows ${known.join(', ') || 'none'}).`,
    {
      hint:
        runtime === 'runsc'
          ? 'Install gVisor and register runsc with Docker (its "runtimes" in /etc/docker/daemon.json), or set sandbox.runtime to "runc".'
          : 'Set sandbox.runtime to a runtime listed by `docker info`.',
    },
  );
}

export function invalidRunSpec(problem: string): OrangeError {
  return new OrangeError('INVALID_RUN_SPEC', `This job cannot be run: ${problem}.`, {
    hint: 'The job manifest is malformed; ask the requester to post it again.',
  });
}

export function sandboxFailed(jobId: string, cause: unknown): OrangeError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new OrangeError('SANDBOX_FAILED', `The container for job ${jobId} failed: ${detail}`, {
    hint: 'Check the Docker engine (`docker info`) and the daemon log, then retry.',
    cause,
  });
}
