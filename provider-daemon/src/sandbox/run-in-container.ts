import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isOrangeError } from '@orange-cloud/sdk/errors';
import { encodeBootstrapHeader, OUTPUTS_MARKER_PREFIX } from './bootstrap.js';
import { buildContainerConfig, type OciRuntime } from './container-config.js';
import type { ContainerEngine, EngineContainer } from './container-engine.js';
import { sandboxFailed } from './errors.js';
import { packJobFiles } from './job-archive.js';
import { MarkerScanner } from './marker-scanner.js';
import { MultiplexedStreamParser } from './multiplexed-stream.js';
import { OutputCollector } from './output-collector.js';
import { archiveCapBytes, MAX_REPORT_BYTES } from './output-bounds.js';
import { readOutputs, reportedInstallMs } from './outputs-report.js';
import { OutputsSectionReader } from './outputs-section.js';
import { validateRunSpec } from './run-spec-validation.js';
import type { OutputChunk, ResumeSpec, RunOutcome, RunSpec, SupervisedSpec } from './types.js';

/** A stopped job's bootstrap has this long to end it and send out/ before SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** Once the job has ended, sending out/ (at most the outputs cap) must finish within this. */
const COLLECT_GRACE_MS = 60_000;

/**
 * After the container stops the engine closes the attach stream; should it
 * not (a wedged engine), this bounds how long we wait before reading what
 * arrived. It never shortens a job.
 */
const STREAM_DRAIN_GRACE_MS = 5000;

/**
 * Runs one job in a fresh container: create, attach, start, feed the header and the files
 * on stdin, stream output, enforce wall clock / abort / output cap by stopping the job (the
 * bootstrap ends it and sends out/, SIGKILL after a grace), split the outputs section off
 * stdout at the run's marker, then inspect for exit code and OOM and always remove.
 */
export async function runInContainer(
  engine: ContainerEngine,
  spec: RunSpec,
  owner?: string,
  ociRuntime?: OciRuntime,
): Promise<RunOutcome> {
  validateRunSpec(spec);
  const archive = await packJobFiles(spec.files);
  if (spec.signal?.aborted) return abortedBeforeStart();
  const container = await engine.createContainer(buildContainerConfig(spec, owner, ociRuntime));
  try {
    // the job never sees the nonce, so it cannot write the marker that starts the outputs
    const markerNonce = randomBytes(16).toString('hex');
    return await superviseContainer(container, spec, markerNonce, { archive });
  } finally {
    // A failed removal must not lose the job's result: the container keeps its
    // labels, and the next daemon start's recovery deletes it.
    await container.remove().catch(() => undefined);
  }
}

/**
 * Follows a job's container that an earlier run of the daemon started (and fed) and that may
 * have ended since: reads its output from the start through the engine's log, enforces what
 * is left of its wall clock, the abort and the output cap as a run does, then inspects it and
 * always removes it.
 */
export async function resumeInContainer(
  engine: ContainerEngine,
  spec: ResumeSpec,
): Promise<RunOutcome> {
  const container = engine.container(spec.containerId);
  try {
    return await superviseContainer(container, spec, spec.markerNonce, undefined);
  } finally {
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

/**
 * Watches a job's container to its end. With `feed` it is a fresh one: attached, started and
 * fed its files, its output read as it comes. Without, one already running (or ended): its
 * wall clock and stop are enforced while it runs, and its output is read back from the start
 * once it has ended (the engine's log; a log followed while the container ends can lose its
 * tail, the outputs section).
 */
async function superviseContainer(
  container: EngineContainer,
  spec: SupervisedSpec,
  nonce: string,
  feed: { archive: Uint8Array } | undefined,
): Promise<RunOutcome> {
  const asSandboxError = (error: unknown): never => {
    throw isOrangeError(error) ? error : sandboxFailed(spec.jobId, error);
  };
  const attached = feed ? await container.attach().catch(asSandboxError) : undefined;
  const parser = new MultiplexedStreamParser();
  const scanner = new MarkerScanner(new TextEncoder().encode(`${OUTPUTS_MARKER_PREFIX}${nonce}\n`));
  const section = new OutputsSectionReader(archiveCapBytes(spec.outputsCapBytes), MAX_REPORT_BYTES);
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
  let grace: NodeJS.Timeout | undefined;
  let stopped = false;
  /** The container has ended: its output is read back, nothing is to be stopped any more. */
  let exited = false;
  /** Asks the bootstrap to end the job and send out/; SIGKILL if it has not finished in time. */
  const stop = (): void => {
    if (stopped || exited || scanner.markerFound) return;
    stopped = true;
    container.signal('SIGUSR1').catch(kill);
    grace = setTimeout(kill, STOP_GRACE_MS);
  };
  let timer: NodeJS.Timeout | undefined;
  const onMarker = (): void => {
    // the job has ended: the wall clock no longer runs, collection gets its own bound
    clearTimeout(timer);
    clearTimeout(grace);
    if (!exited) grace = setTimeout(kill, COLLECT_GRACE_MS);
  };
  const addOutput = (stream: OutputChunk['stream'], data: Uint8Array): void => {
    if (collector.add(stream, data)) stop();
  };
  let timedOut = false;
  let aborted = false;

  const onData = (chunk: Uint8Array): void => {
    for (const frame of parser.push(chunk)) {
      if (frame.stream === 'stderr') {
        addOutput('stderr', frame.data);
        continue;
      }
      const wasFound = scanner.markerFound;
      const { before, after } = scanner.push(frame.data);
      addOutput('stdout', before);
      if (after === undefined) continue;
      if (!wasFound) onMarker();
      if (!section.push(after)) kill();
    }
  };
  /** Reads `stream` to its end; a broken one shows up as missing output (inspect still tells the exit). */
  const consume = (stream: Readable): Promise<void> => {
    stream.on('error', () => undefined);
    stream.on('data', onData);
    return whenClosed(stream);
  };
  const attachedClosed = attached ? consume(attached) : undefined;

  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  let startedAt = new Date();
  try {
    if (feed) {
      await container.start();
      startedAt = new Date();
      // Written down before the files go in: a daemon that dies from here on finds the
      // container again (its id) and can read its outputs section (the nonce).
      spec.onStarted?.({ containerId: container.id, markerNonce: nonce });
    }
    timer = setTimeout(
      () => {
        timedOut = true;
        stop();
      },
      Math.max(0, spec.timeoutSec * 1000),
    );
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    if (spec.signal?.aborted) onAbort();
    if (feed && attached) {
      attached.write(encodeBootstrapHeader({ nonce, outputsCapBytes: spec.outputsCapBytes }));
      attached.end(feed.archive);
    }
    await container.wait();
  } catch (error) {
    attached?.destroy();
    return asSandboxError(error);
  } finally {
    clearTimeout(timer);
    clearTimeout(grace);
    spec.signal?.removeEventListener('abort', onAbort);
  }
  const endedAt = new Date();
  if (attached && attachedClosed) {
    await Promise.race([attachedClosed, delay(STREAM_DRAIN_GRACE_MS)]);
    attached.destroy();
  } else {
    exited = true;
    const logs = await container.logs().catch(asSandboxError);
    await consume(logs);
    logs.destroy();
    clearTimeout(grace);
  }
  await killing;
  if (callbackError !== undefined) throw callbackError;
  // a held tail that never became the marker was the job's output; the container is gone, so no stop
  collector.add('stdout', scanner.flush());

  const state = await container.inspect().catch(asSandboxError);
  const finished = scanner.markerFound ? section.finish() : undefined;
  const outputs = await readOutputs(finished, stopped);
  const durationMs = endedAt.getTime() - startedAt.getTime();
  const installMs = reportedInstallMs(finished);
  return {
    exitCode: state.exitCode,
    stdout: collector.stdout,
    stderr: collector.stderr,
    interleaving: collector.interleaving,
    outputTruncated: collector.truncated,
    timedOut,
    outOfMemory: state.oomKilled,
    aborted,
    startedAt,
    endedAt,
    durationMs,
    // Measured inside the container, so never more than the run the daemon timed around it.
    ...(installMs !== undefined ? { installMs: Math.min(installMs, durationMs) } : {}),
    ...(outputs ? { outputs } : {}),
  };
}

/** Resolves when the stream ends, closes or fails: whichever comes first. */
function whenClosed(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
