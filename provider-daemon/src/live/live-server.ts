import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LiveNonces, liveAuthSigner, type MarketIndex } from '@orange-cloud/sdk';
import type { Logger } from '../logger.js';
import type { RateLimitInit } from '../node/client-rate-limit.js';
import type { QuoteDesk } from '../node/quote-desk.js';
import type { HandOverIntake } from '../node/hand-overs.js';
import type { LiveStreams } from './live-streams.js';
import { QuoteRoute } from './quote-route.js';
import { HandOverRoute } from './hand-over-route.js';

export interface LiveServerOptions {
  streams: LiveStreams;
  index: Pick<MarketIndex, 'jobs'>;
  chainId: number;
  market: `0x${string}`;
  host: string;
  port: number;
  /** The nonces of accepted authorizations (default: 10 000 at most, each for its max age). */
  nonces?: LiveNonces;
  /**
   * Answers `POST /v2/quote` and `POST /v2/quote/release` (market v2), as the provider of
   * `streams`; none = no quotes here (404).
   */
  quotes?: Pick<QuoteDesk, 'quote' | 'release'>;
  /** Quote requests per remote address; default 20 a second, bursts of 40. */
  quoteRate?: RateLimitInit;
  /**
   * Takes hired jobs' content on `PUT /v2/jobs/<jobId>/content/<cid>` (the hand-over, so the
   * requester may go offline before the start); none = 404, requesters wait for the start.
   */
  handOvers?: Pick<HandOverIntake, 'admit' | 'accept'>;
  /** Hand-overs per remote address; default 5 a second, bursts of 10. */
  handOverRate?: RateLimitInit;
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

function refuse(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
}

/**
 * The provider's public log endpoint: Server-Sent Events of a job's
 * encrypted, signed output, for the job's requester only (a signature over
 * the job id, checked against the requester on chain). Each signed request is good once: its
 * nonce is remembered for as long as its timestamp is acceptable, so a header seen on the wire
 * cannot be replayed.
 */
export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const nonces = options.nonces ?? new LiveNonces();
  const receiver = {
    chainId: options.chainId,
    market: options.market,
    provider: options.streams.provider as `0x${string}`,
  };
  const quotes = options.quotes && new QuoteRoute(options.quotes, receiver, options.quoteRate);
  const handOvers = options.handOvers && new HandOverRoute(options.handOvers, options.handOverRate);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (quotes?.matches(req)) return quotes.answer(req, res);
    if (handOvers?.matches(req)) return handOvers.answer(req, res);
    const match =
      req.method === 'GET' ? ROUTE.exec(new URL(req.url ?? '/', 'http://x').pathname) : null;
    if (!match) return refuse(res, 404, 'Not found.');
    const jobId = match[1]!;
    const job = options.index.jobs.get(BigInt(jobId));
    if (!job) return refuse(res, 404, `Job ${jobId} is unknown here.`);
    const auth = await liveAuthSigner(
      req.headers.authorization,
      options.chainId,
      options.market,
      BigInt(jobId),
    );
    if (!auth) return refuse(res, 401, 'Sign the request with the wallet that posted the job.');
    if (auth.signer.toLowerCase() !== job.requester.toLowerCase()) {
      return refuse(res, 403, `Only the requester of job ${jobId} may follow its output.`);
    }
    const verdict = nonces.admit(auth.nonce, auth.issuedAt);
    if (verdict === 'replayed') return refuse(res, 401, 'This signed request was already used.');
    if (verdict === 'full') {
      res.setHeader('retry-after', '30');
      return refuse(res, 503, 'Too many live requests; try again shortly.');
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
