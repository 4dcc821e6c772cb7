import { HAND_OVER_CONTENT_TYPE, handOverPath } from '../market/content-hand-over.js';
import { readCapped } from './ask-for-offer.js';

/** One piece of a job's content: the exact bytes behind `cid`. */
export interface JobContent {
  cid: string;
  bytes: Uint8Array;
}

/** Whether the provider now holds the job's content, or why not. */
export type HandOverOutcome = { handedOver: true } | { handedOver: false; reason: string };

export interface HandOverOptions {
  /** Each PUT gets this long to be sent and answered (default 30 s). */
  timeoutMs?: number;
  /**
   * How long a provider may ask to be asked again (a 404, 429 or 503 with Retry-After: its index
   * is a block or two behind the hire's receipt, or it is busy); asked again every `retryMs`
   * until then. Default 15 s, every 500 ms. A bare 404 (an endpoint without the hand-over) ends
   * the hand-over at once.
   */
  retryForMs?: number;
  retryMs?: number;
  /** The user gave up: stops at once, with a reason. */
  signal?: AbortSignal;
}

/** The longest provider answer read: a line of text that says why. */
const MAX_ANSWER_BYTES = 1024;

/**
 * Hands a hired job's content to its provider's endpoint (content-hand-over.ts), in order (the
 * manifest first: the provider learns the payload's CID from it). Resolves once the provider
 * answered that it holds every piece, or with the reason it does not (an endpoint that predates
 * the hand-over, a network failure, a refusal): the caller then waits for the start as before.
 * Never throws, except that an aborted `signal` ends it with `handedOver: false`.
 */
export async function handOverJobContent(
  endpoint: string,
  jobId: bigint,
  content: readonly JobContent[],
  options: HandOverOptions = {},
): Promise<HandOverOutcome> {
  if (!URL.canParse(endpoint)) return { handedOver: false, reason: 'it has no endpoint' };
  const base = new URL(endpoint);
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    return { handedOver: false, reason: 'it has no http(s) endpoint' };
  const retryUntil = Date.now() + (options.retryForMs ?? 15_000);
  for (const piece of content) {
    for (;;) {
      const answer = await put(new URL(handOverPath(jobId, piece.cid), base), piece, options);
      if (answer.ok) break;
      if (!answer.again || Date.now() >= retryUntil || options.signal?.aborted)
        return { handedOver: false, reason: answer.reason };
      await pause(options.retryMs ?? 500, options.signal);
    }
  }
  return { handedOver: true };
}

/** A PUT's answer; `again`: the provider asked to be asked again (Retry-After). */
type PutAnswer = { ok: true } | { ok: false; again: boolean; reason: string };

const RETRYABLE = [404, 429, 503];

async function put(url: URL, piece: JobContent, options: HandOverOptions): Promise<PutAnswer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timer]) : timer;
  try {
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': HAND_OVER_CONTENT_TYPE },
      body: piece.bytes,
      redirect: 'error',
      signal,
    });
    if (response.status === 200 || response.status === 201) {
      await response.body?.cancel();
      return { ok: true };
    }
    const text = new TextDecoder()
      .decode((await readCapped(response, MAX_ANSWER_BYTES)) ?? new Uint8Array())
      .replace(/[^\x20-\x7e]+/g, ' ') // a stranger's text reaches a terminal: printable only
      .trim()
      .slice(0, 200);
    return {
      ok: false,
      again: RETRYABLE.includes(response.status) && response.headers.has('retry-after'),
      reason: `its endpoint answered HTTP ${response.status}${text ? `: ${text}` : ''}`,
    };
  } catch (error) {
    if (options.signal?.aborted) return { ok: false, again: false, reason: 'stopped' };
    if (timer.aborted)
      return { ok: false, again: false, reason: `no answer within ${timeoutMs / 1000} s` };
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : (error as Error).message;
    return { ok: false, again: false, reason: `its endpoint is unreachable (${code})` };
  }
}

/** Waits `ms`, or less when `signal` aborts (the caller checks it). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
