import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Address } from 'viem';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  QUOTE_PATH,
  QUOTE_RELEASE_PATH,
  encodeQuoteDecline,
  encodeSignedOffer,
  isOrangeError,
  parseQuoteRelease,
  parseQuoteRequest,
  quoteReleaseProblem,
} from '@orange-cloud/sdk';
import { ClientRateLimit, type RateLimitInit } from '../node/client-rate-limit.js';
import type { QuoteDesk } from '../node/quote-desk.js';
import { readBody } from './request-body.js';

/** Quote requests one remote address may make: 20 a second, bursts of 40. */
export const DEFAULT_QUOTE_RATE: RateLimitInit = { perSecond: 20, burst: 40 };

function refuse(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
}

function answerJson(res: ServerResponse, status: number, body: string) {
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(body);
}

/** A malformed quote request: 400 (or 413, 415) with a BAD_REQUEST decline that says why. */
function badQuote(res: ServerResponse, status: number, message: string) {
  if (status === 413) res.setHeader('connection', 'close'); // the rest of the body is not read
  // The parser's message may name a key of the request: kept within what a client reads.
  const short = message.length > 500 ? `${message.slice(0, 499)}…` : message;
  answerJson(res, status, encodeQuoteDecline({ code: 'BAD_REQUEST', message: short }));
}

/** Who receives releases here: they must name this chain, market and provider. */
export interface ReleaseReceiver {
  chainId: number;
  market: Address;
  provider: Address;
}

/**
 * `POST /v2/quote` on the provider's endpoint (market v2): a QuoteRequest as JSON in, 200 a
 * signed offer or 409 a decline out; 400 a request that does not parse, 413 one over
 * MAX_QUOTE_MESSAGE_BYTES, 415 one not sent as JSON, 429 a client over its rate (each offer
 * reserves capacity: a flood must not take it).
 *
 * `POST /v2/quote/release`: a requester's signed QuoteRelease in, 200 `{released: n}` out (the
 * offers the desk freed); 401 one not signed by its requester, too old, dated ahead or for
 * another chain, market or provider; the same size cap, JSON rule and rate (its own bucket)
 * as quotes.
 */
export class QuoteRoute {
  private readonly quoteRate: ClientRateLimit;
  private readonly releaseRate: ClientRateLimit;

  constructor(
    private readonly desk: Pick<QuoteDesk, 'quote' | 'release'>,
    private readonly receiver: ReleaseReceiver,
    rate: RateLimitInit = DEFAULT_QUOTE_RATE,
    private readonly nowSec: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.quoteRate = new ClientRateLimit(rate);
    this.releaseRate = new ClientRateLimit(rate);
  }

  matches(req: IncomingMessage): boolean {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    return path === QUOTE_PATH || path === QUOTE_RELEASE_PATH;
  }

  answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return new URL(req.url ?? '/', 'http://x').pathname === QUOTE_PATH
      ? this.answerQuote(req, res)
      : this.answerRelease(req, res);
  }

  private async answerQuote(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, res, this.quoteRate, 'quote request', badQuote);
    if (!body) return;
    let request;
    try {
      request = parseQuoteRequest(body);
    } catch (error) {
      if (isOrangeError(error) && error.code === 'QUOTE_INVALID')
        return badQuote(res, 400, error.message);
      throw error;
    }
    const answer = await this.desk.quote(request);
    if ('offer' in answer) return answerJson(res, 200, encodeSignedOffer(answer.offer));
    return answerJson(res, 409, encodeQuoteDecline(answer.declined));
  }

  private async answerRelease(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req, res, this.releaseRate, 'quote release', badRelease);
    if (!body) return;
    let release;
    try {
      release = parseQuoteRelease(body);
    } catch (error) {
      if (isOrangeError(error) && error.code === 'QUOTE_INVALID')
        return badRelease(res, 400, error.message);
      throw error;
    }
    const problem = await quoteReleaseProblem(release, {
      ...this.receiver,
      nowSec: this.nowSec(),
    });
    if (problem) return refuse(res, 401, `Release refused: ${problem}.`);
    const released = await this.desk.release(release.requester, release.nonces);
    return answerJson(res, 200, JSON.stringify({ released }));
  }
}

/** A malformed release: 400 (or 413, 415) with the reason as text. */
function badRelease(res: ServerResponse, status: number, message: string) {
  if (status === 413) res.setHeader('connection', 'close'); // the rest of the body is not read
  refuse(res, status, message.length > 500 ? `${message.slice(0, 499)}…` : message);
}

/**
 * The rules every message to the quote routes meets before it is read: POST, within the
 * client's rate, sent as JSON, at most MAX_QUOTE_MESSAGE_BYTES. The body, or undefined once
 * the refusal is answered.
 */
async function readJson(
  req: IncomingMessage,
  res: ServerResponse,
  rate: ClientRateLimit,
  what: 'quote request' | 'quote release',
  bad: (res: ServerResponse, status: number, message: string) => void,
): Promise<Uint8Array | undefined> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    refuse(res, 405, `Send a ${what} with POST.`);
    return undefined;
  }
  if (!rate.take(req.socket.remoteAddress ?? '')) {
    res.setHeader('retry-after', '1');
    refuse(res, 429, `Too many ${what}s from this address; try again shortly.`);
    return undefined;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    bad(res, 415, `Send the ${what} as application/json.`);
    return undefined;
  }
  const body = await readBody(req, MAX_QUOTE_MESSAGE_BYTES);
  if (!body) bad(res, 413, `A ${what} is at most ${MAX_QUOTE_MESSAGE_BYTES} bytes.`);
  return body;
}
