import type { Duplex } from 'node:stream';
import { isOrangeError } from '@orange-cloud/sdk/errors';
import { buildContainerConfig } from './container-config.js';
import type { ContainerEngine, EngineContainer } from './container-engine.js';
import { sandboxFailed } from './errors.js';
import { packJobFiles } from './job-archive.js';
import { MultiplexedStreamParser } from './multiplexed-stream.js';
import { OutputCollector } from './output-collector.js';
import { validateRunSpec } from './run-spec-validation.js';
import type { RunOutcome, RunSpec } from './types.js';

/**
 * After the container stops the engine closes the attach stream; should it
 * not (a wedged engine), this bounds how long we wait before reading what
 * arrived. It never shortens a job.
 */
const STREAM_DRAIN_GRACE_MS = 5000;

/**
 * Runs one job in a fresh container: create, attach, start, feed the files
 * on stdin, stream output, enforce wall clock / abort / output cap by
 * killing, then inspect for exit code and OOM and always remove.
 */
export async function runInContainer(
  engine: ContainerEngine,
  spec: RunSpec,
  owner?: string,
): Promise<RunOutcome> {
  validateRunSpec(spec);
  const archive = await packJobFiles(spec.files);
  if (spec.signal?.aborted) return abortedBeforeStart();
  const container = await engine.createContainer(buildContainerConfig(spec, owner));
  try {
    return await superviseContainer(container, spec, archive);
  } finally {
    // A failed removal must not lose the job's result: the container keeps its
    // labels, and removeOrphans() at the next daemon start deletes it.
    await container.remove().catch(() => undefined);
  }
}

function abortedBeforeStart(): RunOutcome {
  const now = new Date();
  return {
    exitCode: null,
    stdout: new Uint8Array(0),
    stderr: new Uint8Array(0),
    outputTruncated: false,
    timedOut: false,
    outOfMemory: false,
    aborted: true,
    startedAt: now,
    endedAt: now,
    durationMs: 0,
  };
}

async function superviseContainer(
  container: EngineContainer,
  spec: RunSpec,
  archive: Uint8Array,
): Promise<RunOutcome> {
  const asSandboxError = (error: unknown): never => {
    throw isOrangeError(error) ? error : sandboxFailed(spec.jobId, error);
  };
  const stream = await container.attach().catch(asSandboxError);
  const parser = new MultiplexedStreamParser();
  let callbackError: unknown;
  const collector = new OutputCollector(spec.outputCapBytes, (chunk) => {
    if (callbackError !== undefined || !spec.onOutput) return;
    try {
      spec.onOutput(chunk);
    } catch (error) {
      // a throwing consumer stops the job; the error is re-raised after cleanup
      callbackError = error;
      kill();
    }
  });

  let killing: Promise<void> | undefined;
  const kill = (): void => {
    killing ??= container.kill().catch(() => undefined);
  };
  let timedOut = false;
  let aborted = false;

  // a broken attach shows up as missing output; the exit state still comes from inspect
  stream.on('error', () => undefined);
  stream.on('data', (chunk: Uint8Array) => {
    for (const frame of parser.push(chunk)) {
      if (collector.add(frame.stream, frame.data)) kill();
    }
  });
  const streamClosed = whenClosed(stream);

  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    aborted = true;
    kill();
  };
  let startedAt = new Date();
  try {
    await container.start();
    startedAt = new Date();
    timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, spec.timeoutSec * 1000);
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    if (spec.signal?.aborted) onAbort();
    stream.end(archive);
    await container.wait();
  } catch (error) {
    stream.destroy();
    return asSandboxError(error);
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
  }
  const endedAt = new Date();
  await Promise.race([streamClosed, delay(STREAM_DRAIN_GRACE_MS)]);
  stream.destroy();
  await killing;
  if (callbackError !== undefined) throw callbackError;

  const state = await container.inspect().catch(asSandboxError);
  return {
    exitCode: state.exitCode,
    stdout: collector.stdout,
    stderr: collector.stderr,
    outputTruncated: collector.truncated,
    timedOut,
    outOfMemory: state.oomKilled,
    aborted,
    startedAt,
    endedAt,
    durationMs: endedAt.getTime() - startedAt.getTime(),
  };
}

/** Resolves when the stream ends, closes or fails: whichever comes first. */
function whenClosed(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
