import {
  OutputOrder,
  publishResult,
  type ContentStore,
  type JobManifest,
  type JobView,
  type ResultSigner,
} from '@orange-cloud/sdk';
import type { Logger } from '../logger.js';
import type { LiveOutput } from './components.js';

export interface CheckpointComponents {
  store: ContentStore;
  /** Signs each checkpoint like a result: the requester refuses it otherwise. */
  signer: ResultSigner;
  live: Pick<LiveOutput, 'checkpoint'>;
  log: Logger;
}

/** One run's checkpoints: feed it the output as it comes, stop it when the run ends. */
export interface Checkpoints {
  record(stream: 'stdout' | 'stderr', data: Uint8Array): void;
  /** Stops taking checkpoints; resolves once the last one is written. */
  stop(): Promise<void>;
}

/**
 * Every `everyMs` with new output, the output so far is sealed to the requester, put on IPFS
 * and announced on the live stream: a requester that keeps it still has the output if this
 * provider dies mid-run.
 */
export function startCheckpoints(
  c: CheckpointComponents,
  job: JobView,
  manifest: JobManifest,
  everyMs: number,
): Checkpoints {
  const out: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  const order = new OutputOrder();
  const startedAt = new Date();
  let bytes = 0;
  let saved = 0;
  let writing: Promise<void> = Promise.resolve();
  const save = () => {
    if (bytes === saved) return;
    saved = bytes;
    const now = new Date();
    writing = writing
      .then(async () => {
        const cid = await publishResult(
          c.store,
          c.signer,
          job.jobId,
          manifest,
          {
            exitCode: null,
            stdout: Buffer.concat(out.stdout),
            stderr: Buffer.concat(out.stderr),
            interleaving: order.segments(),
            outputTruncated: false,
            timedOut: false,
            outOfMemory: false,
            startedAt,
            endedAt: now,
            durationMs: now.getTime() - startedAt.getTime(),
          },
          'checkpoint: the output so far, taken while the job was still running',
        );
        c.live.checkpoint(job.jobId, cid);
      })
      .catch((error: Error) =>
        c.log.warn('checkpoint failed', { job: job.jobId, reason: error.message }),
      );
  };
  const timer = setInterval(save, everyMs);
  return {
    record(stream, data) {
      out[stream].push(Buffer.from(data));
      order.add(stream, data.length);
      bytes += data.length;
    },
    async stop() {
      clearInterval(timer);
      await writing;
    },
  };
}
