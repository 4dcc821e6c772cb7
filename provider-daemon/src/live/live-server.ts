import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  QUOTE_PATH,
  encodeQuoteDecline,
  encodeSignedOffer,
  isOrangeError,
  liveAuthSigner,
  parseQuoteRequest,
  type MarketIndex,
} from '@orange-cloud/sdk';
import type { Logger } from '../logger.js';
import { ClientRateLimit, type RateLimitInit } from '../node/client-rate-limit.js';
import type { QuoteDesk } from '../node/quote-desk.js';
import type { LiveStreams } from './live-streams.js';

export interface LiveServerOptions {
  streams: LiveStreams;
  index: Pick<MarketIndex, 'jobs'>;
  chainId: number;
  market: `0x${string}`;
  host: string;
  port: number;
  /** Answers `POST /v2/quote` (market v2); none = no quotes here (404). */
  quotes?: Pick<QuoteDesk, 'quote'>;
  /** Quote requests per remote address; default 20 a second, bursts of 40. */
  quoteRate?: RateLimitInit;
  /** Hears requests that failed on the server's side (answered 500). */
  log?: Logger;
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

const ROUTE = /^\/v1\/jobs\/(\d+)\/live$/;
/** What a client has to send its whole request in: a slow sender cannot hold a socket long. */
const REQUEST_TIMEOUT_MS = 10_000;
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
 * `POST /v2/quote`: a QuoteRequest as JSON in, 200 a signed offer or 409 a decline out; 400 a
 * request that does not parse, 413 one over MAX_QUOTE_MESSAGE_BYTES, 415 one not sent as
 * JSON, 429 a client over its rate (each offer reserves capacity: a flood must not take it).
 */
async function answerQuote(
  req: IncomingMessage,
  res: ServerResponse,
  quotes: Pick<QuoteDesk, 'quote'>,
  rate: ClientRateLimit,
) {
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

/**
 * The provider's public endpoint: Server-Sent Events of a job's encrypted, signed output, for
 * the job's requester only (a signature over the job id, checked against the requester on
 * chain), and the quote desk (market v2) when one is given.
 */
export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const quoteRate = new ClientRateLimit(options.quoteRate ?? DEFAULT_QUOTE_RATE);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === QUOTE_PATH && options.quotes)
      return answerQuote(req, res, options.quotes, quoteRate);
    const match = req.method === 'GET' ? ROUTE.exec(path) : null;
    if (!match) return refuse(res, 404, 'Not found.');
    const jobId = match[1]!;
    const job = options.index.jobs.get(BigInt(jobId));
    if (!job) return refuse(res, 404, `Job ${jobId} is unknown here.`);
    const signer = await liveAuthSigner(
      req.headers.authorization,
      options.chainId,
      options.market,
      BigInt(jobId),
    );
    if (!signer) return refuse(res, 401, 'Sign the request with the wallet that posted the job.');
    if (signer.toLowerCase() !== job.requester.toLowerCase()) {
      return refuse(res, 403, `Only the requester of job ${jobId} may follow its output.`);
    }
    const ours = job.provider?.toLowerCase() === options.streams.provider.toLowerCase();
    const waiting = ours && (job.status === 'accepted' || job.status === 'running');
    if (!options.streams.has(jobId) && !waiting) {
      return refuse(
        res,
        410,
        `Job ${jobId} has no live output here (any more); its result is on IPFS.`,
      );
    }
    const lastId = Number(req.headers['last-event-id'] ?? -1);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    const unsubscribe = options.streams.subscribe(
      jobId,
      Number.isInteger(lastId) ? lastId : -1,
      (event) =>
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
      () => res.end(),
    );
    req.on('close', unsubscribe);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      options.log?.error('request failed', { path: req.url, error: error.message });
      if (!res.headersSent) refuse(res, 500, 'Internal error.');
      else res.end();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
