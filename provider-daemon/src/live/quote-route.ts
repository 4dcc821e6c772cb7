import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  QUOTE_PATH,
  encodeQuoteDecline,
  encodeSignedOffer,
  isOrangeError,
  parseQuoteRequest,
} from '@orange-cloud/sdk';
import { ClientRateLimit, type RateLimitInit } from '../node/client-rate-limit.js';
import type { QuoteDesk } from '../node/quote-desk.js';

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

/**
 * The request body, or undefined past `max` bytes: the rest is then read and dropped (so the
 * 413 reaches the client) until the connection closes after the answer.
 */
function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let length = 0;
    let chunks: Buffer[] | undefined = [];
    const tooLarge = () => {
      chunks = undefined;
      resolve(undefined);
    };
    if (Number.isFinite(declared) && declared > max) tooLarge();
    req.on('data', (chunk: Buffer) => {
      if (!chunks) return;
      length += chunk.length;
      if (length > max) tooLarge();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks && Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * `POST /v2/quote` on the provider's endpoint (market v2): a QuoteRequest as JSON in, 200 a
 * signed offer or 409 a decline out; 400 a request that does not parse, 413 one over
 * MAX_QUOTE_MESSAGE_BYTES, 415 one not sent as JSON, 429 a client over its rate (each offer
 * reserves capacity: a flood must not take it).
 */
export class QuoteRoute {
  private readonly rate: ClientRateLimit;

  constructor(
    private readonly quotes: Pick<QuoteDesk, 'quote'>,
    rate: RateLimitInit = DEFAULT_QUOTE_RATE,
  ) {
    this.rate = new ClientRateLimit(rate);
  }

  matches(req: IncomingMessage): boolean {
    return new URL(req.url ?? '/', 'http://x').pathname === QUOTE_PATH;
  }

  answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return answerQuote(req, res, this.quotes, this.rate);
  }
}

async function answerQuote(
  req: IncomingMessage,
  res: ServerResponse,
  quotes: Pick<QuoteDesk, 'quote'>,
  rate: ClientRateLimit,
): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return refuse(res, 405, 'Ask for a quote with POST.');
  }
  if (!rate.take(req.socket.remoteAddress ?? '')) {
    res.setHeader('retry-after', '1');
    return refuse(res, 429, 'Too many quote requests from this address; try again shortly.');
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    return badQuote(res, 415, 'Send the quote request as application/json.');
  const body = await readBody(req, MAX_QUOTE_MESSAGE_BYTES);
  if (!body)
    return badQuote(res, 413, `A quote request is at most ${MAX_QUOTE_MESSAGE_BYTES} bytes.`);
  let request;
  try {
    request = parseQuoteRequest(body);
  } catch (error) {
    if (isOrangeError(error) && error.code === 'QUOTE_INVALID')
      return badQuote(res, 400, error.message);
    throw error;
  }
  const answer = await quotes.quote(request);
  if ('offer' in answer) return answerJson(res, 200, encodeSignedOffer(answer.offer));
  return answerJson(res, 409, encodeQuoteDecline(answer.declined));
}
