import { hexToBytes } from 'viem';
import {
  COMPLETION_FLAGS,
  MAX_PAYLOAD_BYTES,
  OrangeError,
  checkEntryRuntime,
  entryCommand,
  fetchAcceptedJob,
  fetchAcceptedManifest,
  encodeManifest,
  openGrantedJob,
  publicKeyFromHex,
  publishResult,
  type ContentStore,
  type FetchedJob,
  type JobView,
  type ProviderKeys,
  type ResultSigner,
} from '@orange-cloud/sdk';
import type { RunOutcome, RunSpec, Sandbox, StartedContainer } from '../sandbox/types.js';
import type { JobLedger } from '../state/types.js';
import type { Logger } from '../logger.js';
import { DEFAULT_OUTPUTS_CAP } from '../config.js';
import type { LiveOutput, MarketEvents, ProviderMarket } from './components.js';
import { startCheckpoints } from './checkpoints.js';
import type { JobEnd, JobObserver } from '../observe/job-observer.js';

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
  sandbox: Pick<Sandbox, 'run' | 'resume'>;
  /** Where the job's container is written down, for a restarted daemon to re-attach. */
  ledger: Pick<JobLedger, 'manifestFetched' | 'containerCreated'>;
  log: Logger;
  live?: LiveOutput | undefined;
  /** Hears each job start running and end (metrics, status); none = nobody listens. */
  observer?: Pick<JobObserver, 'jobRunning' | 'rpcError'> | undefined;
}

/** A container an earlier daemon started for the job, and the job's manifest if it kept it. */
export interface Resumed extends StartedContainer {
  manifest?: Uint8Array | undefined;
}

/** How a run ended here: what its observer hears, and for the database why it failed. */
export interface RunEnd extends JobEnd {
  reason?: string | undefined;
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
 * over here. Made with `resumeFrom`, it is the rest of a run an earlier daemon started: the
 * job is already started on chain and its container exists, so it is followed, not started.
 */
export class JobRun {
  readonly job: JobView;
  /** The run is under way (or over). */
  running = false;
  /** The start is mined: the payment flow is live and the container may run. */
  started = false;
  private readonly c: JobRunComponents;
  private readonly init: JobRunInit;
  private readonly keys: ProviderKeys | undefined;
  private readonly abort = new AbortController();
  private readonly onEnd: (end: RunEnd) => void;
  private readonly resumeFrom: Resumed | undefined;
  /** When the start was mined (ms since the epoch): the run's seconds count from there. */
  private startedAtMs: number | undefined;
  /** How it ended as far as it knows (the chain may say more); failed unless a path says otherwise. */
  private end: Omit<RunEnd, 'runSeconds'> = { state: 'failed' };

  constructor(
    c: JobRunComponents,
    init: JobRunInit,
    job: JobView,
    keys: ProviderKeys | undefined,
    onEnd: (end: RunEnd) => void,
    resumeFrom?: Resumed,
  ) {
    this.c = c;
    this.init = init;
    this.job = job;
    this.keys = keys;
    this.onEnd = onEnd;
    this.resumeFrom = resumeFrom;
    // The payment watch checks a resumed job's flow from the first pass.
    this.started = resumeFrom !== undefined;
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
      const market = { chainId: c.market.connection.chainId, address: c.market.address };
      const limits = {
        maxBytes: this.init.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
        timeoutMs: this.init.fetchTimeoutMs ?? 60_000,
        signal: abort.signal,
      };
      const resumeFrom = this.resumeFrom;
      // A resumed run's container holds its files already: only the manifest is needed, to
      // seal the result to the requester, and it was kept when first fetched (the requester,
      // which serves it, may not reach the restarted daemon's new address).
      const fetched = resumeFrom ? undefined : await fetchAcceptedJob(c.store, job, market, limits);
      const manifest =
        fetched?.manifest ??
        (await fetchAcceptedManifest(c.store, job, market, limits, resumeFrom?.manifest));
      if (fetched) c.ledger.manifestFetched(job.jobId, encodeManifest(fetched.manifest));
      const files = fetched ? await this.open(fetched) : undefined;
      abort.signal.throwIfAborted();
      if (resumeFrom) {
        // Its start was mined before the restart: its seconds count from there.
        const minedSec = c.events.jobs.get(job.jobId)?.startedAt ?? job.startedAt;
        this.startedAtMs = minedSec === undefined ? Date.now() : minedSec * 1000;
      } else {
        // Simulated first: a requester that has not authorized or cannot afford the run makes
        // the start revert, and the job is failed below with the market's reason. The container
        // only runs once the start, and with it the payment flow, is mined.
        await c.market.startJob(job.jobId);
        this.started = true;
        this.startedAtMs = Date.now();
      }
      c.observer?.jobRunning(job, this.startedAtMs);
      c.log.info(resumeFrom ? 'resuming job' : 'running job', { job: job.jobId });
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
      const watched = {
        jobId: job.jobId.toString(),
        outputCapBytes: this.init.outputCapBytes,
        outputsCapBytes: this.init.outputsCapBytes ?? DEFAULT_OUTPUTS_CAP,
        signal: abort.signal,
        ...(live
          ? {
              onOutput: (chunk: { stream: 'stdout' | 'stderr'; data: Uint8Array }) => {
                live.output(job.jobId, chunk.stream, chunk.data);
                checkpoints?.record(chunk.stream, chunk.data);
              },
            }
          : {}),
      };
      const outcome: RunOutcome = files
        ? await c.sandbox.run({
            ...watched,
            ...files,
            cores: job.cores,
            memoryMb: job.memoryMb,
            timeoutSec: job.timeoutSec,
            onStarted: ({ containerId, markerNonce }) =>
              c.ledger.containerCreated(job.jobId, containerId, markerNonce, nowSec()),
          })
        : await c.sandbox.resume({
            ...watched,
            containerId: resumeFrom!.containerId,
            markerNonce: resumeFrom!.markerNonce,
            // What is left of its wall clock, counted from the start mined on chain.
            timeoutSec:
              (c.events.jobs.get(job.jobId)?.startedAt ?? nowSec()) + job.timeoutSec - nowSec(),
          });
      await checkpoints?.stop();
      await live?.end(job.jobId, outcome.exitCode);
      const stop = outcome.aborted ? (abort.signal.reason as StopReason) : undefined;
      if (stop) {
        c.log.info('job stopped before the end', { job: job.jobId, reason: stop.what });
        if (stop.kind === 'ended') {
          this.end = { state: stop.state };
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
        this.end = { state: 'failed', reason: stop.what };
        return;
      }
      const flags =
        (outcome.timedOut ? COMPLETION_FLAGS.timedOut : 0) |
        (outcome.outOfMemory ? COMPLETION_FLAGS.outOfMemory : 0) |
        (outcome.outputTruncated ? COMPLETION_FLAGS.outputTruncated : 0);
      await c.market.completeJob(job.jobId, resultCid, outcome.exitCode ?? -1, flags);
      this.end = { state: 'completed' };
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
        this.startedAtMs === undefined ? 0 : Math.max(0, Date.now() - this.startedAtMs) / 1000;
      this.onEnd({ ...this.end, runSeconds });
    }
  }

  /** Opens the job's payload with the offer's key and the hire's grant: its image and files. */
  private async open(
    fetched: FetchedJob,
  ): Promise<Pick<RunSpec, 'image' | 'files' | 'entrypoint' | 'command'>> {
    const { job, c } = this;
    const kfrag = c.events.jobs.get(job.jobId)?.kfrag ?? job.kfrag;
    if (!kfrag) throw new OrangeError('KEYFRAG_INVALID', 'The hire carries no grant.');
    if (!this.keys) throw new OrangeError('KEYFRAG_INVALID', 'The provider holds no job key.');
    const payload = await openGrantedJob(fetched, hexToBytes(kfrag), this.keys);
    const image = this.init.images[job.runtime];
    if (!image)
      throw new OrangeError('RUNTIME_UNSUPPORTED', `Runtime ${job.runtime} is not installed.`);
    checkEntryRuntime(job.runtime, payload.entrypoint);
    return {
      image,
      files: payload.files,
      entrypoint: payload.entrypoint,
      command: entryCommand(job.runtime, payload.entrypoint),
    };
  }

  /** Fails the job on chain with the reason, unless the market already ended it. */
  private async fail(error: unknown): Promise<void> {
    const { job, c } = this;
    const reason =
      error instanceof OrangeError ? error.message : `internal error: ${(error as Error).message}`;
    c.log.error('job failed', { job: job.jobId, reason, started: this.started });
    const state = c.events.jobs.get(job.jobId)?.status;
    // The market may have ended it first (cancelled, expired): that is how it ended.
    const ended = state === 'cancelled' || state === 'expired' || state === 'completed';
    this.end = { state: ended ? state : 'failed', reason };
    if (state === 'accepted' || state === 'running') {
      await c.market.failJob(job.jobId, reason.slice(0, 200)).catch((e: Error) => {
        c.observer?.rpcError();
        c.log.error('could not fail job on chain', { job: job.jobId, reason: e.message });
      });
    }
  }
}

const nowSec = () => Math.floor(Date.now() / 1000);
