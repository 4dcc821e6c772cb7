import { OrangeError } from '../errors.js';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  encodeQuoteRequest,
  type QuoteRequest,
} from '../market/quote-wire.js';

/** How long a provider's endpoint gets to answer a quote request, by default. */
export const DEFAULT_QUOTE_TIMEOUT_MS = 2_500;

/** What came back from one endpoint, before its content is read as an offer or a decline. */
export type QuoteAnswer =
  | { kind: 'offer'; bytes: Uint8Array }
  | { kind: 'declined'; bytes: Uint8Array }
  | { kind: 'offline'; reason: string }
  | { kind: 'invalid'; reason: string };

/**
 * POSTs a quote request to one endpoint and reads at most MAX_QUOTE_MESSAGE_BYTES of its
 * answer, all within `timeoutMs`. Redirects are refused: the registered endpoint answers, not
 * whatever host it names. Throws only when `signal` (the user) aborts.
 */
export async function askForOffer(
  url: URL,
  request: QuoteRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<QuoteAnswer> {
  const timer = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([signal, timer]) : timer;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: encodeQuoteRequest(request),
      redirect: 'error',
      signal: both,
    });
    if (response.status !== 200 && response.status !== 409) {
      await response.body?.cancel();
      return { kind: 'offline', reason: `its endpoint answered HTTP ${response.status}` };
    }
    const bytes = await readCapped(response, MAX_QUOTE_MESSAGE_BYTES);
    if (!bytes)
      return {
        kind: 'invalid',
        reason: `its answer is larger than ${MAX_QUOTE_MESSAGE_BYTES} bytes`,
      };
    return { kind: response.status === 200 ? 'offer' : 'declined', bytes };
  } catch (error) {
    if (signal?.aborted)
      throw new OrangeError('ABORTED', 'Stopped asking providers for offers.', { cause: error });
    if (timer.aborted) return { kind: 'offline', reason: `no answer within ${timeoutMs / 1000} s` };
    return { kind: 'offline', reason: `its endpoint is unreachable (${failureOf(error)})` };
  }
}

/** The body, or undefined as soon as it is longer than `max` bytes (the rest is not read). */
export async function readCapped(response: Response, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > max || !response.body) {
    await response.body?.cancel();
    return declared > max ? undefined : new Uint8Array();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The system's error code (ECONNREFUSED, ENOTFOUND…) under fetch's generic "fetch failed". */
function failureOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
