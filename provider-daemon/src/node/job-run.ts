import { hexToBytes } from 'viem';
import {
  COMPLETION_FLAGS,
  MAX_PAYLOAD_BYTES,
  OrangeError,
  fetchAcceptedJob,
  openGrantedJob,
  publicKeyFromHex,
  publishResult,
  type ContentStore,
  type JobView,
  type ProviderKeys,
  type ResultSigner,
} from '@orange-cloud/sdk';
import type { Sandbox } from '../sandbox/types.js';
import type { Logger } from '../logger.js';
import { DEFAULT_OUTPUTS_CAP } from '../config.js';
import type { LiveOutput, MarketEvents, ProviderMarket } from './components.js';
import { startCheckpoints } from './checkpoints.js';
import type { EndState, JobEnd, JobObserver } from '../observe/job-observer.js';

/** Why a running job was stopped before its end: each ends differently on chain. */
export type StopReason =
  /** The requester cancelled or someone expired it: already terminal, nothing to record. */
  | { kind: 'ended'; what: string; state: 'cancelled' | 'expired' }
  /** The requester's payment flow is gone: fail the job, saying so. */
  | { kind: 'unpaid'; what: string }
  /** This daemon is shutting down: fail the job so the requester is not left waiting. */
  | { kind: 'shutdown'; what: string };

export interface JobRunComponents {
  market: Pick<ProviderMarket, 'address' | 'connection' | 'startJob' | 'completeJob' | 'failJob'>;
  events: Pick<MarketEvents, 'jobs'>;
  store: ContentStore;
  sandbox: Pick<Sandbox, 'run'>;
  log: Logger;
  live?: LiveOutput | undefined;
  /** Hears each job start running and end (metrics, status); none = nobody listens. */
  observer?: Pick<JobObserver, 'jobRunning' | 'rpcError'> | undefined;
}

export interface JobRunInit {
  /** The provider's EVM key, chain and market: every result and checkpoint is signed with it. */
  resultSigner: ResultSigner;
  /** Docker image per runtime name. */
  images: Record<string, string>;
  outputCapBytes: number;
  /** Cap on the bytes of out/ files returned with a result (default DEFAULT_OUTPUTS_CAP). */
  outputsCapBytes?: number | undefined;
  /** How often the output so far is checkpointed to IPFS during a run (ms). */
  checkpointMs?: number | undefined;
  /** Largest manifest or payload fetched from IPFS (default: the most any requester packs). */
  maxPayloadBytes?: number | undefined;
  fetchTimeoutMs?: number | undefined;
}

/**
 * One hired job's life: fetches it, checks its manifest is the requester's and bound to this
 * hire, opens it with the offer's per-job key and the grant that came with the hire, starts it on
 * chain, runs it in the sandbox and records how it ended: completed, or failed with a reason (and
 * the output so far when it was stopped). Whatever happens, `onEnd` is called once the job is
 * over here.
 */
export class JobRun {
  readonly job: JobView;
  /** The run is under way (or over). */
  running = false;
  /** The start is mined: the payment flow is live and the container may run. */
  started = false;
  private readonly c: JobRunComponents;
  private readonly init: JobRunInit;
  private readonly keys: ProviderKeys;
  private readonly abort = new AbortController();
  private readonly onEnd: (end: JobEnd) => void;
  /** When the start was mined (ms since the epoch): the run's seconds count from there. */
  private startedAtMs: number | undefined;
  /** How the job ended here; failed unless a path below says otherwise. */
  private endState: EndState = 'failed';

  constructor(
    c: JobRunComponents,
    init: JobRunInit,
    job: JobView,
    keys: ProviderKeys,
    onEnd: (end: JobEnd) => void,
  ) {
    this.c = c;
    this.init = init;
    this.job = job;
    this.keys = keys;
    this.onEnd = onEnd;
  }

  /** Runs the job; returns the run, or nothing if it already runs. */
  begin(): Promise<void> | undefined {
    if (this.running) return undefined;
    this.running = true;
    return this.run();
  }

  /** Stops the job (its out/ files still come back, partial), or keeps it from starting. */
  stop(reason: StopReason): void {
    this.abort.abort(reason);
  }

  private async run(): Promise<void> {
    const { job, abort, c } = this;
    try {
      const fetched = await fetchAcceptedJob(
        c.store,
        job,
        { chainId: c.market.connection.chainId, address: c.market.address },
        {
          maxBytes: this.init.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
          timeoutMs: this.init.fetchTimeoutMs ?? 60_000,
          signal: abort.signal,
        },
      );
      const { manifest } = fetched;
      const kfrag = c.events.jobs.get(job.jobId)?.kfrag ?? job.kfrag;
      if (!kfrag) throw new OrangeError('KEYFRAG_INVALID', 'The hire carries no grant.');
      const payload = await openGrantedJob(fetched, hexToBytes(kfrag), this.keys);
      const image = this.init.images[job.runtime];
      if (!image)
        throw new OrangeError('RUNTIME_UNSUPPORTED', `Runtime ${job.runtime} is not installed.`);
      abort.signal.throwIfAborted();
      // Simulated first: a requester that has not authorised or cannot afford the run makes the
      // start revert, and the job is failed below with the market's reason. The container only
      // runs once the start, and with it the payment flow, is mined.
      await c.market.startJob(job.jobId);
      this.started = true;
      this.startedAtMs = Date.now();
      c.observer?.jobRunning(job, this.startedAtMs);
      c.log.info('running job', { job: job.jobId });
      const live = c.live;
      live?.begin(job.jobId, publicKeyFromHex(manifest.keys.delegatingPublicKey));
      const checkpoints = live
        ? startCheckpoints(
            { store: c.store, signer: this.init.resultSigner, live, log: c.log },
            job,
            manifest,
            this.init.checkpointMs ?? 5_000,
          )
        : undefined;
      const outcome = await c.sandbox.run({
        jobId: job.jobId.toString(),
        image,
        files: payload.files,
        entrypoint: payload.entrypoint,
        cores: job.cores,
        memoryMb: job.memoryMb,
        timeoutSec: job.timeoutSec,
        outputCapBytes: this.init.outputCapBytes,
        outputsCapBytes: this.init.outputsCapBytes ?? DEFAULT_OUTPUTS_CAP,
        signal: abort.signal,
        ...(live
          ? {
              onOutput: (chunk) => {
                live.output(job.jobId, chunk.stream, chunk.data);
                checkpoints?.record(chunk.stream, chunk.data);
              },
            }
          : {}),
      });
      await checkpoints?.stop();
      await live?.end(job.jobId, outcome.exitCode);
      const stop = outcome.aborted ? (abort.signal.reason as StopReason) : undefined;
      if (stop) {
        c.log.info('job stopped before the end', { job: job.jobId, reason: stop.what });
        if (stop.kind === 'ended') {
          this.endState = stop.state;
          return;
        }
      }
      const resultCid = await publishResult(
        c.store,
        this.init.resultSigner,
        job.jobId,
        manifest,
        outcome,
        stop?.what,
      );
      if (stop) {
        // The output so far goes with the failure: the requester paid for those seconds.
        await c.market.failJob(job.jobId, stop.what.slice(0, 200), resultCid);
        return;
      }
      const flags =
        (outcome.timedOut ? COMPLETION_FLAGS.timedOut : 0) |
        (outcome.outOfMemory ? COMPLETION_FLAGS.outOfMemory : 0) |
        (outcome.outputTruncated ? COMPLETION_FLAGS.outputTruncated : 0);
      await c.market.completeJob(job.jobId, resultCid, outcome.exitCode ?? -1, flags);
      this.endState = 'completed';
      c.log.info('completed job', {
        job: job.jobId,
        exitCode: outcome.exitCode,
        ms: outcome.durationMs,
        outputFiles: outcome.outputs?.files.length ?? 0,
        resultCid,
      });
    } catch (error) {
      await this.fail(error);
    } finally {
      await c.live?.end(job.jobId, null);
      const runSeconds =
        this.startedAtMs === undefined ? 0 : (Date.now() - this.startedAtMs) / 1000;
      this.onEnd({ state: this.endState, runSeconds });
    }
  }

  /** Fails the job on chain with the reason, unless the market already ended it. */
  private async fail(error: unknown): Promise<void> {
    const { job, c } = this;
    const reason =
      error instanceof OrangeError ? error.message : `internal error: ${(error as Error).message}`;
    c.log.error('job failed', { job: job.jobId, reason, started: this.started });
    const state = c.events.jobs.get(job.jobId)?.status;
    // The market may have ended it first (cancelled, expired): that is how it ended.
    if (state === 'cancelled' || state === 'expired' || state === 'completed')
      this.endState = state;
    if (state === 'accepted' || state === 'running') {
      await c.market.failJob(job.jobId, reason.slice(0, 200)).catch((e: Error) => {
        c.observer?.rpcError();
        c.log.error('could not fail job on chain', { job: job.jobId, reason: e.message });
      });
    }
  }
}
