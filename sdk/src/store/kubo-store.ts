import { create, type KuboRPCClient } from 'kubo-rpc-client';
import { OrangeError, isOrangeError } from '../errors.js';
import type { ContentStore, FetchLimits } from './content-store.js';
import { IMPORT_PROFILE, localCid } from './local-cid.js';
import { readContent } from './read-content.js';
import {
  cidMismatch,
  contentNotFound,
  storeAuthFailed,
  storeRequestFailed,
  storeUnreachable,
} from './store-errors.js';
import { verifiedBlockstore, type BlockSource } from './verified-blocks.js';

export interface KuboStoreOptions {
  /** Kubo RPC base URL, e.g. http://127.0.0.1:5001 (the /api/v0 suffix is added when missing). */
  url: string;
  /** Sent with every request, e.g. { Authorization: 'Bearer …' } for a pinning service. */
  headers?: Record<string, string>;
}

/**
 * A content store backed by a Kubo RPC endpoint (IPFS Desktop, a local
 * daemon, a hosted pinning service). Writes use `add`, and the CID it answers
 * must equal the one computed here from the same bytes (STORE_CID_MISMATCH
 * otherwise), so a node cannot make a client post a CID of its choosing.
 * Reads deliberately avoid `cat`: blocks come one by one through `block/get`
 * and are hashed here, so a remote node can never hand us content that does
 * not match the CID we asked for.
 */
export function createKuboStore(options: KuboStoreOptions): ContentStore {
  const endpoint = parseEndpoint(options.url, options.headers ?? {});
  const client: KuboRPCClient = create({ url: endpoint.url, headers: endpoint.headers });
  const explain = (err: unknown): unknown => explainRpcError(err, endpoint.shownUrl);

  const blockSourceFor =
    (rootCid: string): BlockSource =>
    async (cid, opts) => {
      try {
        return await client.block.get(cid, { signal: opts.signal });
      } catch (err) {
        // An abort is the caller's timeout or cancellation, not a store failure.
        if (opts.signal?.aborted) throw err;
        if (isBlockNotFound(err)) throw contentNotFound(rootCid, endpoint.shownUrl, err);
        throw explain(err);
      }
    };

  return {
    async put(bytes) {
      const expected = await localCid(bytes);
      let returned: string;
      try {
        const result = await client.add(bytes, {
          cidVersion: IMPORT_PROFILE.cidVersion,
          rawLeaves: IMPORT_PROFILE.rawLeaves,
          chunker: `size-${IMPORT_PROFILE.chunkSize}`,
          pin: true,
        });
        returned = result.cid.toV1().toString();
      } catch (err) {
        throw explain(err);
      }
      if (returned !== expected) throw cidMismatch(expected, returned, endpoint.shownUrl);
      return expected;
    },
    async get(cid: string, limits: FetchLimits) {
      return readContent(verifiedBlockstore(blockSourceFor(cid), cid), cid, limits);
    },
    addresses: () => [],
    // A remote node finds peers through its own routing; nothing to dial from here.
    connect: async () => {},
    // The client keeps no connection open between requests.
    stop: async () => {},
  };
}

/** Maps what kubo-rpc-client throws to the store's typed errors. */
function explainRpcError(err: unknown, shownUrl: string): unknown {
  if (isOrangeError(err)) return err;
  if (!(err instanceof Error)) return err;
  const status = httpStatus(err);
  if (status === 401 || status === 403) return storeAuthFailed(shownUrl, status);
  if (status !== undefined)
    return storeRequestFailed(shownUrl, `HTTP ${status}: ${err.message}`, err);
  // Node's fetch reports refused connections, DNS failures and resets as
  // "TypeError: fetch failed" with the system error as its cause.
  if (err.name === 'TypeError' && err.message === 'fetch failed')
    return storeUnreachable(shownUrl, err);
  return storeRequestFailed(shownUrl, err.message, err);
}

/** An offline node answers "not found" at once instead of searching the network. */
function isBlockNotFound(err: unknown): boolean {
  return err instanceof Error && httpStatus(err) === 500 && /not found|ENOENT/i.test(err.message);
}

function httpStatus(err: Error): number | undefined {
  const response = (err as { response?: unknown }).response;
  if (response instanceof Response) return response.status;
  return undefined;
}

interface Endpoint {
  /** What the client talks to: the URL without user:password. */
  url: string;
  headers: Record<string, string>;
  /** What messages may show: no credentials, no query string (tokens hide there). */
  shownUrl: string;
}

/**
 * Accepts http(s)://user:password@host URLs, as some pinning services hand
 * out, by turning the credentials into a Basic Authorization header (fetch
 * refuses URLs that carry credentials); an explicit header wins.
 */
function parseEndpoint(url: string, headers: Record<string, string>): Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw invalidStoreUrl('The IPFS RPC URL is not a valid URL.', err);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidStoreUrl(`The IPFS RPC URL must use http or https, not ${parsed.protocol}`);
  }
  const withAuth = { ...headers };
  const hasAuthHeader = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  if ((parsed.username || parsed.password) && !hasAuthHeader) {
    const userInfo = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    withAuth.Authorization = `Basic ${Buffer.from(userInfo).toString('base64')}`;
  }
  parsed.username = '';
  parsed.password = '';
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return {
    url: parsed.toString(),
    headers: withAuth,
    shownUrl: `${parsed.protocol}//${parsed.host}${path}`,
  };
}

function invalidStoreUrl(message: string, cause?: unknown): OrangeError {
  return new OrangeError('INVALID_STORE_URL', message, {
    hint: 'Use the form http://127.0.0.1:5001 (or the https URL your pinning service gives you).',
    cause,
  });
}
