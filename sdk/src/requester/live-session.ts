import type { Address, LocalAccount } from 'viem';
import type { JobKeys } from '../keys/umbral-keys.js';
import { followLiveOutput, type LiveOutputEnd } from '../live/follow-live.js';
import type { OutputStream } from '../live/stream-cipher.js';
import type { JobResult } from '../job/result.js';
import type { ContentStore } from '../store/content-store.js';
import { expectedResult, fetchJobResult } from './job-result.js';

export interface LiveCheck {
  /** Whether live output was received up to the provider's end event. */
  complete: boolean;
  /** Whether what streamed equals the verified result from IPFS (undefined when incomplete). */
  matchesResult: boolean | undefined;
  /** Everything that streamed, when the stream was complete: signed event by event. */
  output: { stdout: string; stderr: string } | undefined;
  /** Why there was no (complete) live output, for the user. */
  reason: string | undefined;
  /** The last checkpoint fetched during the run: the output so far, if the provider died. */
  checkpoint: { cid: string; result: JobResult } | undefined;
}

/**
 * Follows one job's live output while the requester waits for the chain,
 * keeping what arrived so it can be checked against the final result.
 */
export class LiveSession {
  private readonly chunks: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly abort = new AbortController();
  private readonly done: Promise<LiveOutputEnd | Error>;
  private checkpoint: LiveCheck['checkpoint'];
  private checkpointing: Promise<void> = Promise.resolve();

  constructor(options: {
    endpoint: string;
    jobId: bigint;
    chainId: number;
    market: Address;
    account: LocalAccount;
    provider: Address;
    keys: JobKeys;
    store: ContentStore;
    onOutput: (stream: OutputStream, data: Uint8Array) => void;
    onNotice: (message: string) => void;
  }) {
    this.done = followLiveOutput({
      ...options,
      // Fetch each checkpoint at once: it must outlive a provider that dies.
      onCheckpoint: (cid) => {
        this.checkpointing = this.checkpointing.then(async () => {
          try {
            this.checkpoint = {
              cid,
              result: await fetchJobResult(
                options.store,
                cid,
                options.keys,
                expectedResult(options.chainId, options.market, options.jobId, options.provider),
                30_000,
              ),
            };
          } catch (error) {
            options.onNotice(`checkpoint ${cid} could not be fetched: ${(error as Error).message}`);
          }
        });
      },
      signal: this.abort.signal,
      onOutput: (stream, data) => {
        this.chunks[stream].push(Buffer.from(data));
        options.onOutput(stream, data);
      },
      onReconnect: (attempt, reason) =>
        options.onNotice(`live output interrupted (${reason}); reconnecting (${attempt})`),
    }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  }

  /**
   * Called once the job is over on chain: waits briefly for the end event
   * (the provider sends it before it completes the job), then compares.
   */
  async finish(result: JobResult | undefined, graceMs = 3_000): Promise<LiveCheck> {
    const timer = setTimeout(() => this.abort.abort(), graceMs);
    const end = await this.done;
    clearTimeout(timer);
    await this.checkpointing;
    const checkpoint = this.checkpoint;
    if (end instanceof Error) {
      return {
        complete: false,
        matchesResult: undefined,
        output: undefined,
        reason: this.abort.signal.aborted ? 'the live stream did not finish' : end.message,
        checkpoint,
      };
    }
    if (!end.complete) {
      return {
        complete: false,
        matchesResult: undefined,
        output: undefined,
        reason: end.reason,
        checkpoint,
      };
    }
    const text = (stream: OutputStream) =>
      new TextDecoder().decode(Buffer.concat(this.chunks[stream]));
    const output = { stdout: text('stdout'), stderr: text('stderr') };
    const matchesResult = result
      ? output.stdout === result.stdout && output.stderr === result.stderr
      : undefined;
    return { complete: true, matchesResult, output, reason: undefined, checkpoint };
  }

  stop(): void {
    this.abort.abort();
  }
}
