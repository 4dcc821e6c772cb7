import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { OrangeError } from '../errors.js';
import { createEmbeddedStore, type EmbeddedStore } from './helia-store.js';

const generous = { maxBytes: 16 * 1024 * 1024, timeoutMs: 30_000 };

/** A syntactically valid CID that no node holds. */
async function unknownCid(): Promise<string> {
  return CID.create(1, raw.code, await sha256.digest(randomBytes(32))).toString();
}

async function allBlocks(store: EmbeddedStore): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const block of store.blocks()) out.push(block);
  return out;
}

function isOrangeErrorWith(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof OrangeError, `expected OrangeError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    assert.ok(err.hint, 'every store error carries a hint');
    return true;
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('embedded Helia store', function () {
  const started: EmbeddedStore[] = [];
  const start = async (options: Parameters<typeof createEmbeddedStore>[0] = {}) => {
    const store = await createEmbeddedStore(options);
    started.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
  });

  it('moves small content between two nodes over loopback', async () => {
    const a = await start();
    const b = await start();
    const bytes = new TextEncoder().encode('print("hello from orange")');
    const cid = await a.put(bytes);
    assert.equal(CID.parse(cid).version, 1);
    await b.connect(a.addresses()[0]!);
    assert.deepEqual(await b.get(cid, generous), bytes);
  });

  it('moves ~3 MiB multi-block content between two nodes', async () => {
    const a = await start();
    const b = await start();
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 123));
    const cid = await a.put(bytes);
    assert.ok((await allBlocks(a)).length > 1, 'content is chunked into several blocks');
    await b.connect(a.addresses()[0]!);
    assert.deepEqual(await b.get(cid, generous), bytes);
    assert.ok((await allBlocks(b)).length > 1, 'B now holds the blocks too');
  });

  it('listens on loopback only by default and advertises dialable addresses', async () => {
    const a = await start();
    assert.ok(a.addresses().length > 0);
    for (const address of a.addresses()) {
      assert.match(address, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//);
      assert.ok(address.endsWith(a.peerId));
    }
  });

  it('dials the peers given at start', async () => {
    const a = await start();
    const cid = await a.put(new TextEncoder().encode('via start peers'));
    const b = await start({ peers: a.addresses() });
    assert.equal(new TextDecoder().decode(await b.get(cid, generous)), 'via start peers');
  });

  it('reports an unreachable start peer without failing', async () => {
    const gone = await start();
    const address = gone.addresses()[0]!;
    await gone.stop();
    started.splice(started.indexOf(gone), 1);
    const warnings: string[] = [];
    const b = await start({ peers: [address], onWarning: (m) => warnings.push(m) });
    assert.ok(b.peerId);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /Could not connect to the IPFS peer/);
  });

  it('keeps identity and content across a restart with a directory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'orange-helia-'));
    try {
      const first = await createEmbeddedStore({ directory });
      const bytes = new Uint8Array(randomBytes(2 * 1024 * 1024));
      const cid = await first.put(bytes);
      const peerId = first.peerId;
      await first.stop();

      const second = await start({ directory });
      assert.equal(second.peerId, peerId);
      assert.deepEqual(await second.get(cid, generous), bytes);
    } finally {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('rejects a block that was altered on disk (CONTENT_CORRUPT)', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'orange-helia-'));
    try {
      const bytes = new TextEncoder().encode('the original script');
      const first = await createEmbeddedStore({ directory });
      const cid = await first.put(bytes);
      await first.stop();
      let altered = 0;
      for (const file of await filesUnder(join(directory, 'blocks'))) {
        if (Buffer.compare(await readFile(file), Buffer.from(bytes)) === 0) {
          await writeFile(file, 'the altered script!');
          altered++;
        }
      }
      assert.equal(altered, 1, 'found the block file to alter');

      const second = await start({ directory });
      await assert.rejects(
        second.get(cid, generous),
        isOrangeErrorWith('CONTENT_CORRUPT', /does not match its hash/),
      );
    } finally {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses content larger than maxBytes (CONTENT_TOO_LARGE), single and multi-block', async () => {
    const a = await start();
    const small = await a.put(new Uint8Array(100));
    const big = await a.put(new Uint8Array(randomBytes(3 * 1024 * 1024)));
    assert.equal((await a.get(small, { maxBytes: 100, timeoutMs: 5000 })).byteLength, 100);
    await assert.rejects(
      a.get(small, { maxBytes: 99, timeoutMs: 5000 }),
      isOrangeErrorWith('CONTENT_TOO_LARGE', /99 bytes/),
    );
    await assert.rejects(
      a.get(big, { maxBytes: 1024 * 1024, timeoutMs: 5000 }),
      isOrangeErrorWith('CONTENT_TOO_LARGE', /1048576 bytes/),
    );
  });

  it('gives up on content nobody has (CONTENT_TIMEOUT)', async () => {
    const a = await start();
    const b = await start();
    await b.connect(a.addresses()[0]!);
    const cid = await unknownCid();
    await assert.rejects(
      b.get(cid, { maxBytes: 1000, timeoutMs: 300 }),
      isOrangeErrorWith('CONTENT_TIMEOUT', /could not be found within 0\.3 s/),
    );
  });

  it('passes the caller’s own abort reason through', async () => {
    const a = await start();
    const controller = new AbortController();
    const pending = a.get(await unknownCid(), {
      maxBytes: 1000,
      timeoutMs: 30_000,
      signal: controller.signal,
    });
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await assert.rejects(pending, (err) => err === reason);
  });

  it('rejects a malformed CID (INVALID_CID)', async () => {
    const a = await start();
    for (const bad of ['not-a-cid', '', 'bafy!!!', 'Qm123']) {
      await assert.rejects(a.get(bad, generous), isOrangeErrorWith('INVALID_CID'));
    }
  });

  it('rejects nonsense limits instead of treating them as unlimited', async () => {
    const a = await start();
    const cid = await a.put(new Uint8Array(10));
    await assert.rejects(a.get(cid, { maxBytes: -1, timeoutMs: 1000 }), RangeError);
    await assert.rejects(a.get(cid, { maxBytes: Number.NaN, timeoutMs: 1000 }), RangeError);
    await assert.rejects(a.get(cid, { maxBytes: 10, timeoutMs: 0 }), RangeError);
  });

  it('rejects bad multiaddrs and unreachable peers', async () => {
    const a = await start();
    await assert.rejects(a.connect('127.0.0.1:4001'), isOrangeErrorWith('INVALID_MULTIADDR'));
    await assert.rejects(
      createEmbeddedStore({ listen: ['nonsense'] }),
      isOrangeErrorWith('INVALID_MULTIADDR'),
    );
    const gone = await start();
    const address = gone.addresses()[0]!;
    await gone.stop();
    started.splice(started.indexOf(gone), 1);
    await assert.rejects(a.connect(address), isOrangeErrorWith('PEER_UNREACHABLE'));
  });

  it('blocks() yields exactly the stored blocks', async () => {
    const a = await start();
    assert.equal((await allBlocks(a)).length, 0);
    const bytes = new TextEncoder().encode('a single raw block');
    await a.put(bytes);
    assert.deepEqual(await allBlocks(a), [bytes]);
  });

  it('stops cleanly and refuses work afterwards', async () => {
    const a = await createEmbeddedStore();
    await a.stop();
    await a.stop();
    await assert.rejects(a.put(new Uint8Array(1)), isOrangeErrorWith('STORE_STOPPED'));
    await assert.rejects(a.get(await unknownCid(), generous), isOrangeErrorWith('STORE_STOPPED'));
  });
});
