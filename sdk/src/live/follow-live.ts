import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { Address, LocalAccount } from 'viem';
import type { JobKeys } from '../keys/umbral-keys.js';
import { OrangeError } from '../errors.js';
import { liveAuthHeader, verifyLiveEvent, type LiveEvent } from './live-events.js';
import { StreamOpener, tampered, type OutputStream } from './stream-cipher.js';

export interface LiveOutputOptions {
  /** The provider's registered endpoint, e.g. `http://10.0.0.5:4012`. */
  endpoint: string;
  jobId: bigint;
  chainId: number;
  market: Address;
  /** The requester's account: it signs the request. */
  account: LocalAccount;
  /** The job's provider: every event must carry its signature. */
  provider: Address;
  keys: JobKeys;
  onOutput: (stream: OutputStream, data: Uint8Array) => void;
  /** Called for each checkpoint the provider announces (a CID of the sealed output so far). */
  onCheckpoint?: (cid: string) => void;
  /** Called when the connection drops and is retried. */
  onReconnect?: (attempt: number, reason: string) => void;
  /** Resume after this event id (a client that restarts passes what it had). */
  lastEventId?: number;
  signal?: AbortSignal;
  /** Reconnection attempts in a row before giving up. */
  maxAttempts?: number;
  /**
   * How long a provider that does not know the job yet is asked again (its view of the chain
   * may lag the hire by some blocks). 60 s by default.
   */
  unknownJobWaitMs?: number;
}

export interface LiveOutputEnd {
  /** True when the provider's end event arrived: every chunk was received. */
  complete: boolean;
  exitCode: number | null | undefined;
  /** Id of the last event received (to resume from). */
  lastEventId: number;
  /** Why the stream ended without its end event, for the user. */
  reason: string | undefined;
}

/** How often a provider that does not know the job yet is asked again. */
const UNKNOWN_JOB_RETRY_MS = 500;

const b64 = (s: string) => Buffer.from(s, 'base64');

/**
 * Follows a job's live output from the provider's endpoint: proves who we
 * are, checks every event's signature and sequence, decrypts, and resumes
 * after a dropped connection from the last event received (exactly once).
 * Resolves when the end event arrives, the job is over before we connected
 * (HTTP 410: the result on IPFS has everything), or the endpoint stays
 * unreachable; rejects only for a refused authorization or tampering.
 */
export async function followLiveOutput(options: LiveOutputOptions): Promise<LiveOutputEnd> {
  let lastId = options.lastEventId ?? -1;
  let opener: StreamOpener | undefined;
  let attempt = 0;
  const maxAttempts = options.maxAttempts ?? 5;
  const unknownJobWaitMs = options.unknownJobWaitMs ?? 60_000;
  let unknownSince: number | undefined;
  const jobId = options.jobId.toString();

  const handle = async (event: LiveEvent): Promise<LiveOutputEnd | undefined> => {
    const body = await verifyLiveEvent(event, options.provider, options);
    if (body.jobId !== jobId) throw tampered(`event ${body.id} belongs to job ${body.jobId}`);
    if (body.type === 'key') {
      if (body.id !== 0) throw tampered('the key event is out of place');
      opener = new StreamOpener(jobId, options.keys, {
        capsule: b64(body.capsule),
        ciphertext: b64(body.ciphertext),
      });
      lastId = Math.max(lastId, 0);
      return undefined;
    }
    if (body.id !== lastId + 1) throw tampered(`event ${body.id} arrived after ${lastId}`);
    if (!opener) throw tampered(`event ${body.id} arrived before the key`);
    lastId = body.id;
    if (body.type === 'output') {
      options.onOutput(body.stream, opener.open(body.id, body.stream, b64(body.data)));
      return undefined;
    }
    if (body.type === 'checkpoint') {
      options.onCheckpoint?.(body.cid);
      return undefined;
    }
    return { complete: true, exitCode: body.exitCode, lastEventId: lastId, reason: undefined };
  };

  for (;;) {
    options.signal?.throwIfAborted();
    let reason: string;
    try {
      const headers: Record<string, string> = {
        accept: 'text/event-stream',
        authorization: await liveAuthHeader(
          options.account,
          options.chainId,
          options.market,
          options.jobId,
        ),
      };
      // The key event is always replayed: a resumed client needs it to decrypt.
      if (lastId >= 0) headers['last-event-id'] = String(lastId);
      const response = await fetch(new URL(`/v1/jobs/${jobId}/live`, options.endpoint), {
        headers,
        signal: options.signal ?? null,
      });
      if (response.status === 401 || response.status === 403) {
        throw new OrangeError(
          'LIVE_UNAUTHORIZED',
          `The provider refused live output of job ${jobId}: ${await response.text()}`,
          {
            hint: 'Only the wallet that posted the job can follow its output.',
          },
        );
      }
      if (response.status === 404) {
        // Not a dropped connection: the provider has not seen the hire yet. Ask again while
        // that is plausible, without spending the reconnection attempts.
        await response.body?.cancel();
        unknownSince ??= Date.now();
        if (Date.now() - unknownSince < unknownJobWaitMs) {
          await new Promise((r) => setTimeout(r, UNKNOWN_JOB_RETRY_MS));
          continue;
        }
        return {
          complete: false,
          exitCode: undefined,
          lastEventId: lastId,
          reason: `the provider did not know job ${jobId} within ${Math.round(unknownJobWaitMs / 1000)} s`,
        };
      }
      unknownSince = undefined;
      if (response.status === 410) {
        return {
          complete: false,
          exitCode: undefined,
          lastEventId: lastId,
          reason: 'the job ended before the live output was followed',
        };
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const events = response.body
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream());
      for await (const message of events) {
        attempt = 0;
        const end = await handle(JSON.parse(message.data) as LiveEvent);
        if (end) return end;
      }
      reason = 'the connection closed';
    } catch (error) {
      if (error instanceof OrangeError || options.signal?.aborted) throw error;
      reason = (error as Error).message;
    }
    attempt++;
    if (attempt > maxAttempts) {
      return {
        complete: false,
        exitCode: undefined,
        lastEventId: lastId,
        reason: `the provider's live endpoint is unreachable (${reason})`,
      };
    }
    options.onReconnect?.(attempt, reason);
    await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** (attempt - 1), 3_000)));
  }
}
