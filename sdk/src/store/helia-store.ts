import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { withBitswap } from '@helia/bitswap';
import { unixfs } from '@helia/unixfs';
import { identify } from '@libp2p/identify';
import { tcp } from '@libp2p/tcp';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { createHeliaLight } from 'helia';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentStore, FetchLimits } from './content-store.js';
import { importerOptions } from './local-cid.js';
import { readContent } from './read-content.js';
import { withLibp2pNode } from './libp2p-node.js';
import { invalidMultiaddr, peerUnreachable, storeStopped } from './store-errors.js';
import { verifiedBlockstore, type BlockSource } from './verified-blocks.js';

export interface EmbeddedStoreOptions {
  /** Keeps blocks and the node's identity (peer id) on disk when set; memory otherwise. */
  directory?: string;
  /** Multiaddrs to listen on; loopback only unless told otherwise. */
  listen?: string[];
  /** Peers dialled at start; a peer that cannot be reached is reported, not fatal. */
  peers?: string[];
  /** Where non-fatal problems (unreachable start peers) are reported; console.warn by default. */
  onWarning?: (message: string) => void;
}

export interface EmbeddedStore extends ContentStore {
  /** This node's libp2p peer id. */
  readonly peerId: string;
  /** Every raw block stored locally, e.g. to prove that no plaintext reached IPFS. */
  blocks(): AsyncIterable<Uint8Array>;
}

export const DEFAULT_LISTEN = ['/ip4/127.0.0.1/tcp/0'];

/**
 * Starts an in-process IPFS node: TCP + noise + yamux + identify + bitswap,
 * nothing else. No DHT, public routers, bootstrap list, mDNS or NAT
 * traversal: content moves only between peers that dial each other
 * explicitly, and start-up stays in the tens of milliseconds.
 */
export async function createEmbeddedStore(
  options: EmbeddedStoreOptions = {},
): Promise<EmbeddedStore> {
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const listen = options.listen ?? DEFAULT_LISTEN;
  const listenAddrs = listen.map(parseMultiaddr);
  const startPeers = (options.peers ?? []).map(parseMultiaddr);
  const storage = await openStorage(options.directory);
  const node = withBitswap(
    withLibp2pNode(
      createHeliaLight({ blockstore: storage.blockstore, datastore: storage.datastore }),
      {
        addresses: { listen: listenAddrs.map((a) => a.toString()) },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        // Without identify, bitswap never learns that a peer speaks bitswap.
        services: { identify: identify() },
      },
    ),
  );
  try {
    await node.start();
  } catch (err) {
    await storage.close();
    throw err;
  }
  const fs = unixfs(node);
  // Blocks fetched over bitswap are already hashed on arrival, but blocks read
  // back from disk are not: verify both the same way.
  const readBlock: BlockSource = async (cid, opts) =>
    concatBytes(await collect(node.blockstore.get(cid, opts)));

  const dial = async (address: Multiaddr, text: string): Promise<void> => {
    try {
      await node.libp2p.dial(address);
    } catch (err) {
      throw peerUnreachable(text, err);
    }
  };
  await Promise.all(
    startPeers.map((address) =>
      dial(address, address.toString()).catch((err: Error) =>
        warn(`${err.message} (${String(err.cause)})`),
      ),
    ),
  );

  let stopped = false;
  const assertRunning = () => {
    if (stopped) throw storeStopped();
  };

  return {
    peerId: node.libp2p.peerId.toString(),
    async put(bytes) {
      assertRunning();
      // The shared profile, not Helia's defaults: a client computes the same CID alone.
      const cid = await fs.addBytes(bytes, importerOptions());
      return cid.toString();
    },
    async get(cid: string, limits: FetchLimits) {
      assertRunning();
      return readContent(verifiedBlockstore(readBlock, cid), cid, limits);
    },
    addresses() {
      return node.libp2p.getMultiaddrs().map((a) => a.toString());
    },
    async connect(address) {
      assertRunning();
      await dial(parseMultiaddr(address), address);
    },
    async *blocks() {
      for await (const pair of node.blockstore.getAll()) {
        yield concatBytes(await collect(pair.bytes));
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await node.stop();
      await storage.close();
    },
  };
}

interface Storage {
  blockstore?: FsBlockstore;
  datastore?: FsDatastore;
  close(): Promise<void>;
}

/** Persistent FsBlockstore/FsDatastore under `directory`, or Helia's in-memory defaults. */
async function openStorage(directory: string | undefined): Promise<Storage> {
  if (directory === undefined) return { close: async () => {} };
  await mkdir(directory, { recursive: true });
  const blockstore = new FsBlockstore(join(directory, 'blocks'));
  const datastore = new FsDatastore(join(directory, 'datastore'));
  await blockstore.open();
  await datastore.open();
  return {
    blockstore,
    datastore,
    async close() {
      await blockstore.close();
      await datastore.close();
    },
  };
}

function parseMultiaddr(address: string): Multiaddr {
  try {
    return multiaddr(address);
  } catch (err) {
    throw invalidMultiaddr(address, err);
  }
}

async function collect(
  parts: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
