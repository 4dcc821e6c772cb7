import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { ProviderStatus } from '../observe/provider-status.js';

/** What the admin endpoint answers from and acts on. */
export interface AdminComponents {
  /** 200 when ok, 503 with why otherwise. */
  health(): Promise<{ ok: true } | { ok: false; why: string }>;
  metrics: Pick<Registry, 'metrics' | 'contentType'>;
  status(): ProviderStatus;
  /** Pauses (true) or resumes (false) intake: the quote desk's operator hold. */
  hold(on: boolean): void;
  log: Logger;
}

export interface AdminInit {
  host: string;
  port: number;
  /** The Bearer token /status, /pause and /resume require. */
  token: string;
}

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 10_000;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body); // first: a body that cannot be written is a 500
  res
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(text);
}

/** Compared in constant time: the token is the only thing between a caller and pause. */
function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * The operator's endpoint, apart from the public live/quote server and on loopback by default:
 * `GET /healthz` and `GET /metrics` (Prometheus text) for anyone who can reach it, `GET /status`
 * and `POST /pause` / `POST /resume` with the Bearer token of `<stateDir>/admin.json`.
 */
export async function startAdminServer(c: AdminComponents, init: AdminInit): Promise<AdminServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /healthz': {
        const health = await c.health();
        return json(res, health.ok ? 200 : 503, health);
      }
      case 'GET /metrics':
        return res
          .writeHead(200, { 'content-type': c.metrics.contentType })
          .end(await c.metrics.metrics());
      case 'GET /status':
      case 'POST /pause':
      case 'POST /resume':
        if (!authorized(req, init.token)) {
          res.setHeader('www-authenticate', 'Bearer');
          return json(res, 401, { error: 'Send the token of admin.json as a Bearer token.' });
        }
        if (route !== 'GET /status') {
          const on = route === 'POST /pause';
          c.hold(on);
          c.log.info(on ? 'paused by the operator' : 'resumed by the operator');
        }
        return json(res, 200, c.status());
      default:
        return json(res, 404, { error: `No ${route} here.` });
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      c.log.error('admin request failed', { path: req.url, error: error.message });
      if (!res.headersSent) json(res, 500, { error: 'Internal error.' });
      else res.end();
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(init.port, init.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = init.host.includes(':') ? `[${init.host}]` : init.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
