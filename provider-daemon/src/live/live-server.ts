import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  QUOTE_PATH,
  encodeQuoteDecline,
  encodeSignedOffer,
  liveAuthSigner,
  parseQuoteRequest,
  type MarketIndex,
  type QuoteDecline,
  type QuoteRequest,
  type SignedOffer,
} from '@orange-cloud/sdk';
import type { LiveStreams } from './live-streams.js';

export interface LiveServerOptions {
  streams: LiveStreams;
  index: MarketIndex;
  chainId: number;
  market: `0x${string}`;
  host: string;
  port: number;
  /** Answers quote requests (POST /v2/quote); without it the route is not served. */
  quotes?: (request: QuoteRequest) => Promise<SignedOffer | QuoteDecline>;
}

export interface LiveServer {
  url: string;
  close(): Promise<void>;
}

const ROUTE = /^\/v1\/jobs\/(\d+)\/live$/;

function refuse(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
}

/**
 * The provider's public log endpoint: Server-Sent Events of a job's
 * encrypted, signed output, for the job's requester only (a signature over
 * the job id, checked against the requester on chain).
 */
export async function startLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (options.quotes && req.method === 'POST' && req.url === QUOTE_PATH)
      return answerQuote(req, res, options.quotes);
    const match =
      req.method === 'GET' ? ROUTE.exec(new URL(req.url ?? '/', 'http://x').pathname) : null;
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
    handle(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'Internal error.');
      else res.end();
    });
  });
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

/** The quote exchange: a JSON QuoteRequest in, a signed offer (200) or a decline (409) out. */
async function answerQuote(
  req: IncomingMessage,
  res: ServerResponse,
  quotes: NonNullable<LiveServerOptions['quotes']>,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_QUOTE_MESSAGE_BYTES) return refuse(res, 413, 'Quote request too large.');
    chunks.push(chunk);
  }
  let request: QuoteRequest;
  try {
    request = parseQuoteRequest(Buffer.concat(chunks));
  } catch (error) {
    const decline: QuoteDecline = { code: 'BAD_REQUEST', message: (error as Error).message };
    res.writeHead(400, { 'content-type': 'application/json' }).end(encodeQuoteDecline(decline));
    return;
  }
  const answer = await quotes(request);
  const json = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if ('signature' in answer) res.writeHead(200, json).end(encodeSignedOffer(answer));
  else res.writeHead(409, json).end(encodeQuoteDecline(answer));
}
