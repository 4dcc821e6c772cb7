import { CID } from 'multiformats/cid';
import { identity } from 'multiformats/hashes/identity';
import { sha256, sha512 } from 'multiformats/hashes/sha2';
import { equals } from 'multiformats/bytes';
import type { MultihashHasher } from 'multiformats/hashes/interface';
import type { Blockstore } from 'interface-blockstore';
import { contentCorrupt } from './store-errors.js';

/** Fetches one block's bytes exactly as the source holds them (unverified). */
export type BlockSource = (cid: CID, options: { signal?: AbortSignal }) => Promise<Uint8Array>;

/** The part of a blockstore that @helia/unixfs needs to read a file. */
export type ReadableBlockstore = Pick<Blockstore, 'get' | 'put' | 'has'>;

const hashers = new Map<number, MultihashHasher>(
  [sha256, sha512, identity].map((h) => [h.code, h]),
);

/**
 * Wraps an untrusted block source so every block is hashed and compared with
 * its CID before the UnixFS walker sees it. A node that serves wrong bytes
 * (bug, disk rot or malice) is caught here, whichever store it sits behind.
 * `rootCid` names the content in error messages.
 */
export function verifiedBlockstore(source: BlockSource, rootCid: string): ReadableBlockstore {
  return {
    async *get(cid, options = {}) {
      const bytes = await source(cid, options);
      await assertBlockMatches(cid, bytes, rootCid);
      yield bytes;
    },
    has: async () => false,
    put: () => {
      throw new Error('verifiedBlockstore is read-only');
    },
  };
}

export async function assertBlockMatches(
  cid: CID,
  bytes: Uint8Array,
  rootCid: string,
): Promise<void> {
  const hasher = hashers.get(cid.multihash.code);
  if (hasher === undefined) {
    throw contentCorrupt(
      rootCid,
      `block ${cid} uses unsupported hash function 0x${cid.multihash.code.toString(16)}`,
    );
  }
  const digest = await hasher.digest(bytes);
  if (!equals(digest.bytes, cid.multihash.bytes)) {
    throw contentCorrupt(rootCid, `block ${cid} does not match its hash`);
  }
}
