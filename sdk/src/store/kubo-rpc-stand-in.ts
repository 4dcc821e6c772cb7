/**
 * Test support only: a STAND-IN for Kubo's RPC API, because no Kubo binary can be had on the
 * build machine (the npm `kubo` package downloads it at install). It serves, on 127.0.0.1, just
 * the endpoints that kubo-store.ts and its test call, backed by a real Helia node with no
 * network at all (like an offline Kubo):
 *
 * - `POST /api/v0/add`: multipart files; `cid-version` (default 0), `raw-leaves` (default: true
 *   with CIDv1), `wrap-with-directory`, `pin`, `chunker` (`size-<bytes>`, default Kubo's 256
 *   KiB); Kubo's balanced layout (174 links a node); answers NDJSON `{Name, Hash, Size}`, the
 *   root last.
 * - `POST /api/v0/block/get?arg=<cid>`: the raw block.
 * - `POST /api/v0/dag/put`: one multipart block, `input-codec` and `store-codec` dag-cbor or
 *   dag-json; answers `{Cid: {"/": cid}}`.
 *
 * As Kubo does, an RPC that exists but fails answers 500 with `{Message, Code, Type: "error"}`,
 * an unknown one 404, and anything but POST 405. What it does not reproduce: every other
 * endpoint, and Kubo's own wording of messages beyond "not found" for a missing block.
 */
import * as dagCbor from '@ipld/dag-cbor';
import * as dagJson from '@ipld/dag-json';
import { unixfs } from '@helia/unixfs';
import { createHeliaLight } from 'helia';
import type { ImportCandidate } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';

export interface KuboRpcStandIn {
  /** Base URL of the RPC API, e.g. http://127.0.0.1:40123 */
  url: string;
  stop(): Promise<void>;
}

/** Kubo's defaults for `ipfs add`: chunker size-262144, balanced DAG of at most 174 links. */
const KUBO_CHUNK_SIZE = 262_144;
const KUBO_MAX_LINKS = 174;

const dagCodecs = { 'dag-cbor': dagCbor, 'dag-json': dagJson } as const;

/** An RPC that exists but could not do its job: Kubo answers 500 with this body. */
class RpcError extends Error {}

export async function startKuboRpcStandIn(): Promise<KuboRpcStandIn> {
  const helia = createHeliaLight();
  await helia.start();
  const fs = unixfs(helia);

  const endpoints: Record<string, (query: URLSearchParams, req: IncomingMessage) => Promise<Body>> =
    {
      async add(query, req) {
        const cidVersion = Number(query.get('cid-version') ?? 0);
        if (cidVersion !== 0 && cidVersion !== 1) throw new RpcError('unknown CID version');
        const entries = (await multipartParts(req)).map(({ path, content }): ImportCandidate =>
          content === undefined ? { path } : { ...(path === '' ? {} : { path }), content },
        );
        const results = [];
        for await (const entry of fs.addAll(entries, {
          cidVersion,
          rawLeaves: flag(query, 'raw-leaves') ?? cidVersion === 1,
          wrapWithDirectory: flag(query, 'wrap-with-directory') ?? false,
          chunker: fixedSize({ chunkSize: chunkSize(query.get('chunker')) }),
          layout: balanced({ maxChildrenPerNode: KUBO_MAX_LINKS }),
        })) {
          results.push(entry);
        }
        const root = results.at(-1);
        if (root === undefined) throw new RpcError('no files given');
        if (flag(query, 'pin') ?? true) {
          for await (const pinned of helia.pins.add(root.cid)) void pinned;
        }
        const lines = results.map((entry) =>
          JSON.stringify({
            Name: entry.path ?? entry.cid.toString(),
            Hash: entry.cid.toString(),
            Size: String(entry.size),
          }),
        );
        return { type: 'application/x-ndjson', bytes: `${lines.join('\n')}\n` };
      },

      async 'block/get'(query) {
        const cid = parseCid(query.get('arg'));
        // No network: a block that is not here is not found, at once (an offline Kubo does that).
        if (!(await helia.blockstore.has(cid))) {
          throw new RpcError(`block was not found locally (offline): ipld: could not find ${cid}`);
        }
        const parts: Uint8Array[] = [];
        for await (const part of helia.blockstore.get(cid)) parts.push(part);
        return { type: 'text/plain', bytes: Buffer.concat(parts) };
      },

      async 'dag/put'(query, req) {
        const input = codecNamed(query.get('input-codec') ?? 'dag-json');
        const store = codecNamed(query.get('store-codec') ?? 'dag-cbor');
        const [block] = await multipartParts(req);
        if (block?.content === undefined) throw new RpcError('no block given');
        const bytes = store.encode(input.decode(block.content));
        const cid = CID.createV1(store.code, await sha256.digest(bytes));
        await helia.blockstore.put(cid, bytes);
        return {
          type: 'application/json',
          bytes: JSON.stringify({ Cid: { '/': cid.toString() } }),
        };
      },
    };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const endpoint = endpoints[url.pathname.replace(/^\/api\/v0\//, '')];
    if (!url.pathname.startsWith('/api/v0/') || endpoint === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('405 - Method Not Allowed');
      return;
    }
    endpoint(url.searchParams, req).then(
      (body) => send(res, 200, body),
      (err: unknown) =>
        send(res, 500, {
          type: 'application/json',
          bytes: JSON.stringify({
            Message: err instanceof Error ? err.message : String(err),
            Code: 0,
            Type: 'error',
          }),
        }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await helia.stop();
    },
  };
}

interface Body {
  type: string;
  bytes: string | Uint8Array;
}

function send(res: ServerResponse, status: number, body: Body): void {
  res.writeHead(status, { 'content-type': body.type }).end(body.bytes);
}

/** The parts of a multipart/form-data body (no content: a directory), paths URL-decoded. */
async function multipartParts(
  req: IncomingMessage,
): Promise<{ path: string; content?: Uint8Array }[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const form = await new Response(Buffer.concat(chunks), {
    headers: { 'content-type': req.headers['content-type'] ?? '' },
  })
    .formData()
    .catch((err: unknown) => {
      throw new RpcError(`cannot read the multipart body: ${String(err)}`);
    });
  const files = [];
  for (const value of form.values()) {
    if (typeof value === 'string') continue;
    const path = decodeURIComponent(value.name);
    files.push(
      value.type === 'application/x-directory'
        ? { path }
        : { path, content: new Uint8Array(await value.arrayBuffer()) },
    );
  }
  return files;
}

/** Kubo's `chunker` argument: only the fixed-size form `size-<bytes>` is reproduced. */
function chunkSize(value: string | null): number {
  if (value === null) return KUBO_CHUNK_SIZE;
  const size = /^size-([1-9][0-9]{0,7})$/.exec(value);
  if (!size) throw new RpcError(`the stand-in does not support chunker ${value}`);
  return Number(size[1]);
}

function flag(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  return value === null ? undefined : value === 'true' || value === '';
}

function parseCid(text: string | null): CID {
  try {
    return CID.parse(text ?? '');
  } catch {
    throw new RpcError(`invalid path "${text ?? ''}": invalid cid`);
  }
}

function codecNamed(name: string): (typeof dagCodecs)[keyof typeof dagCodecs] {
  if (!(name in dagCodecs)) throw new RpcError(`the stand-in does not support codec ${name}`);
  return dagCodecs[name as keyof typeof dagCodecs];
}
