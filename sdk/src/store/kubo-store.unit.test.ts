// Kubo itself cannot run on the build machine (no binary can be had), so these tests talk to
// kubo-rpc-stand-in.ts: a loopback stand-in for the few Kubo RPC endpoints the store calls,
// backed by a real Helia node. The client, the proxy and the error paths are real.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { create as createRpcClient } from 'kubo-rpc-client';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { OrangeError } from '../errors.js';
import { createContentStore } from './index.js';
import { createKuboStore } from './kubo-store.js';
import { startKuboRpcStandIn, type KuboRpcStandIn } from './kubo-rpc-stand-in.js';

const generous = { maxBytes: 16 * 1024 * 1024, timeoutMs: 30_000 };

function isOrangeErrorWith(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof OrangeError, `expected OrangeError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    assert.ok(err.hint, 'every store error carries a hint');
    return true;
  };
}

interface ProxyBehaviour {
  /** Answers 401 unless the request carries exactly this Authorization header. */
  requireAuthorization?: string;
  /** Flips a byte in every block/get response body: a node serving wrong data. */
  corruptBlocks?: boolean;
  /** Never answers block/get: a node that keeps searching for content nobody has. */
  stallBlocks?: boolean;
  /** Answers every add with this CID instead: a hostile node substituting content of its own. */
  substituteCid?: string;
}

/** A loopback HTTP proxy in front of the RPC server that can misbehave on purpose. */
async function startProxy(
  target: string,
  behaviour: ProxyBehaviour,
): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (
      behaviour.requireAuthorization !== undefined &&
      req.headers.authorization !== behaviour.requireAuthorization
    ) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    if (behaviour.stallBlocks && req.url?.startsWith('/api/v0/block/get')) return;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        if (behaviour.substituteCid !== undefined && req.url?.startsWith('/api/v0/add')) {
          const root = { Name: behaviour.substituteCid, Hash: behaviour.substituteCid, Size: '1' };
          up.resume();
          res
            .writeHead(200, { 'content-type': 'application/x-ndjson' })
            .end(`${JSON.stringify(root)}\n`);
          return;
        }
        if (!(behaviour.corruptBlocks && req.url?.startsWith('/api/v0/block/get'))) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        up.on('data', (part: Buffer) => parts.push(part));
        up.on('end', () => {
          const body = Buffer.concat(parts);
          if (body.length > 0) body[0] = body[0]! ^ 0xff;
          const headers = { ...up.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(up.statusCode ?? 502, headers).end(body);
        });
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('Kubo RPC store (against a loopback stand-in for Kubo RPC, backed by Helia)', function () {
  let node: KuboRpcStandIn;
  const servers: Server[] = [];
  const proxy = async (behaviour: ProxyBehaviour) => {
    const started = await startProxy(node.url, behaviour);
    servers.push(started.server);
    return started.url;
  };

  before(async () => {
    node = await startKuboRpcStandIn();
  });
  after(async () => {
    await node?.stop();
  });
  afterEach(async () => {
    await Promise.all(
      servers
        .splice(0)
        .map((s) => new Promise((resolve) => s.close(resolve) && s.closeAllConnections())),
    );
  });

  it('puts and gets small content, returning a CIDv1', async () => {
    const store = createKuboStore({ url: node.url });
    const bytes = new TextEncoder().encode('print("hello from kubo")');
    const cid = await store.put(bytes);
    assert.equal(CID.parse(cid).version, 1);
    assert.deepEqual(await store.get(cid, generous), bytes);
    assert.deepEqual(store.addresses(), []);
    await store.connect('/ip4/127.0.0.1/tcp/1');
    await store.stop();
  });

  it('puts and gets ~3 MiB multi-block content, block by block', async () => {
    const store = createKuboStore({ url: node.url });
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 7));
    const cid = await store.put(bytes);
    assert.equal(CID.parse(cid).code, 0x70, 'a dag-pb root: the content spans several blocks');
    assert.deepEqual(await store.get(cid, generous), bytes);
  });

  it('refuses an add answered with a CID of other content (STORE_CID_MISMATCH)', async () => {
    // A stand-in for a hostile Kubo node: the add reaches the node, the answer names a CID of
    // content the node chose (here a script of its own), as a real compromised node could.
    const theirs = await createKuboStore({ url: node.url }).put(
      new TextEncoder().encode('print("their script")'),
    );
    const store = createKuboStore({ url: await proxy({ substituteCid: theirs }) });
    const bytes = new TextEncoder().encode('print("our script")');
    await assert.rejects(
      store.put(bytes),
      isOrangeErrorWith('STORE_CID_MISMATCH', new RegExp(`answered CID ${theirs} for content`)),
    );
  });

  it('rejects blocks whose bytes do not match their CID (CONTENT_CORRUPT)', async () => {
    const cid = await createKuboStore({ url: node.url }).put(
      new TextEncoder().encode('honest bytes'),
    );
    const store = createKuboStore({ url: await proxy({ corruptBlocks: true }) });
    await assert.rejects(
      store.get(cid, generous),
      isOrangeErrorWith('CONTENT_CORRUPT', /does not match its hash/),
    );
  });

  it('rejects corrupted multi-block content too', async () => {
    const cid = await createKuboStore({ url: node.url }).put(
      new Uint8Array(randomBytes(1024 * 1024)),
    );
    const store = createKuboStore({ url: await proxy({ corruptBlocks: true }) });
    await assert.rejects(store.get(cid, generous), isOrangeErrorWith('CONTENT_CORRUPT'));
  });

  it('refuses content larger than maxBytes (CONTENT_TOO_LARGE)', async () => {
    const store = createKuboStore({ url: node.url });
    const cid = await store.put(new Uint8Array(randomBytes(2 * 1024 * 1024)));
    await assert.rejects(
      store.get(cid, { maxBytes: 1024, timeoutMs: 10_000 }),
      isOrangeErrorWith('CONTENT_TOO_LARGE'),
    );
  });

  it('gives up when blocks do not arrive in time (CONTENT_TIMEOUT)', async () => {
    const cid = await createKuboStore({ url: node.url }).put(new TextEncoder().encode('slow'));
    const store = createKuboStore({ url: await proxy({ stallBlocks: true }) });
    await assert.rejects(
      store.get(cid, { maxBytes: 1000, timeoutMs: 300 }),
      isOrangeErrorWith('CONTENT_TIMEOUT', /could not be found within 0\.3 s/),
    );
  });

  it('sends the configured auth header; a wrong one gives STORE_AUTH_FAILED', async () => {
    const url = await proxy({ requireAuthorization: 'Bearer x' });
    const good = createKuboStore({ url, headers: { Authorization: 'Bearer x' } });
    const cid = await good.put(new TextEncoder().encode('behind auth'));
    assert.equal(new TextDecoder().decode(await good.get(cid, generous)), 'behind auth');

    const wrong = createKuboStore({ url, headers: { Authorization: 'Bearer secret-wrong-token' } });
    const checkAuthError = (err: unknown) => {
      isOrangeErrorWith('STORE_AUTH_FAILED', /HTTP 401/)(err);
      assert.ok(
        !(err as OrangeError).userMessage.includes('secret-wrong-token'),
        'never shows the token',
      );
      return true;
    };
    await assert.rejects(wrong.put(new Uint8Array(1)), checkAuthError);
    await assert.rejects(wrong.get(cid, generous), checkAuthError);
    await assert.rejects(createKuboStore({ url }).get(cid, generous), checkAuthError);
  });

  it('reports a closed port as STORE_UNREACHABLE, naming the URL without credentials', async () => {
    const url = await closedPortUrl();
    const withCredentials = url.replace('http://', 'http://alice:hunter2@') + '/?token=abc';
    const store = createKuboStore({ url: withCredentials });
    const check = (err: unknown) => {
      isOrangeErrorWith('STORE_UNREACHABLE', new RegExp(url.replace(/\./g, '\\.')))(err);
      const text = (err as OrangeError).userMessage;
      assert.ok(
        !text.includes('hunter2') && !text.includes('alice') && !text.includes('abc'),
        text,
      );
      return true;
    };
    await assert.rejects(store.put(new Uint8Array(1)), check);
    const cid = CID.create(1, raw.code, await sha256.digest(new Uint8Array(1))).toString();
    await assert.rejects(store.get(cid, generous), check);
  });

  it('rejects a malformed URL and a malformed CID', async () => {
    assert.throws(
      () => createKuboStore({ url: 'not a url' }),
      isOrangeErrorWith('INVALID_STORE_URL'),
    );
    assert.throws(
      () => createKuboStore({ url: 'ftp://127.0.0.1:5001' }),
      isOrangeErrorWith('INVALID_STORE_URL'),
    );
    await assert.rejects(
      createKuboStore({ url: node.url }).get('definitely-not-a-cid', generous),
      isOrangeErrorWith('INVALID_CID'),
    );
  });

  it('reports content an offline node does not hold as CONTENT_NOT_FOUND', async () => {
    const store = createKuboStore({ url: node.url });
    const cid = CID.create(1, raw.code, await sha256.digest(randomBytes(32))).toString();
    await assert.rejects(
      store.get(cid, { maxBytes: 1000, timeoutMs: 10_000 }),
      isOrangeErrorWith('CONTENT_NOT_FOUND', new RegExp(`${cid} is not available`)),
    );
  });

  it('refuses CIDs that do not name a single file (NOT_A_FILE)', async () => {
    const client = createRpcClient({ url: node.url });
    const directory = await client.add(
      { path: 'job/main.py', content: new TextEncoder().encode('print(1)') },
      { cidVersion: 1, wrapWithDirectory: true },
    );
    const cbor = await client.dag.put({ not: 'a file' }, { storeCodec: 'dag-cbor' });
    const store = createKuboStore({ url: node.url });
    for (const cid of [directory.cid.toString(), cbor.toString()]) {
      await assert.rejects(store.get(cid, generous), isOrangeErrorWith('NOT_A_FILE'));
    }
  });

  it('turns user:password in the URL into Basic auth and never shows them', async () => {
    const basic = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    const url = await proxy({ requireAuthorization: basic });
    const store = createKuboStore({ url: url.replace('http://', 'http://alice:s3cret@') });
    const cid = await store.put(new TextEncoder().encode('basic auth'));
    assert.equal(new TextDecoder().decode(await store.get(cid, generous)), 'basic auth');

    const wrong = createKuboStore({ url: url.replace('http://', 'http://alice:wrong@') });
    await assert.rejects(wrong.put(new Uint8Array(1)), (err: unknown) => {
      isOrangeErrorWith('STORE_AUTH_FAILED')(err);
      assert.ok(
        !(err as OrangeError).userMessage.includes('alice'),
        (err as OrangeError).userMessage,
      );
      return true;
    });
  });

  it('createContentStore builds either kind of store and rejects unknown modes', async () => {
    const kubo = await createContentStore({ mode: 'kubo', url: node.url });
    const cid = await kubo.put(new TextEncoder().encode('shared'));
    const embedded = await createContentStore({ mode: 'embedded' });
    try {
      assert.equal(
        await embedded.put(new TextEncoder().encode('shared')),
        cid,
        'same bytes, same CID on both',
      );
      assert.ok(embedded.addresses().length > 0);
    } finally {
      await embedded.stop();
    }
    await assert.rejects(
      createContentStore({ mode: 'pinata' } as unknown as Parameters<typeof createContentStore>[0]),
      isOrangeErrorWith('INVALID_STORE_CONFIG'),
    );
  });
});
