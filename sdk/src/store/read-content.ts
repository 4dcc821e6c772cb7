import { unixfs } from '@helia/unixfs';
import { CID } from 'multiformats/cid';
import { isOrangeError } from '../errors.js';
import type { FetchLimits } from './content-store.js';
import { contentTimeout, contentTooLarge, invalidCid, notAFile } from './store-errors.js';
import type { ReadableBlockstore } from './verified-blocks.js';

export function parseCid(cid: string): CID {
  try {
    return CID.parse(cid);
  } catch (err) {
    throw invalidCid(cid, err);
  }
}

/** Throws when limits are nonsense, so a typo cannot turn into "no limit". */
export function assertValidLimits(limits: FetchLimits): void {
  if (!Number.isSafeInteger(limits.maxBytes) || limits.maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${limits.maxBytes}`);
  }
  if (!Number.isFinite(limits.timeoutMs) || limits.timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a positive number, got ${limits.timeoutMs}`);
  }
}

/**
 * Reads a UnixFS file (or raw block) through `blockstore` within `limits`.
 * The root's declared size is checked first so an oversized file is refused
 * before its data is fetched; the streamed bytes are counted too, because a
 * root can lie. At most maxBytes plus one chunk is ever held in memory.
 */
export async function readContent(
  blockstore: ReadableBlockstore,
  cid: string,
  limits: FetchLimits,
): Promise<Uint8Array> {
  const root = parseCid(cid);
  assertValidLimits(limits);
  limits.signal?.throwIfAborted();
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = limits.signal ? AbortSignal.any([limits.signal, timeout]) : timeout;
  const fs = unixfs({ blockstore });
  try {
    const stat = await fs.stat(root, { signal });
    if (stat.size > BigInt(limits.maxBytes)) throw contentTooLarge(cid, limits.maxBytes);
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of fs.cat(root, { signal })) {
      received += chunk.byteLength;
      if (received > limits.maxBytes) throw contentTooLarge(cid, limits.maxBytes);
      chunks.push(chunk);
    }
    return concat(chunks, received);
  } catch (err) {
    if (isOrangeError(err)) throw err;
    if (err instanceof Error && NOT_A_FILE_ERRORS.has(err.name)) throw notAFile(cid, err);
    if (limits.signal?.aborted) throw limits.signal.reason;
    if (timeout.aborted) throw contentTimeout(cid, limits.timeoutMs, err);
    throw err;
  }
}

/** What @helia/unixfs and its exporter throw for CIDs that do not name one file. */
const NOT_A_FILE_ERRORS = new Set([
  'NotAFileError',
  'NotUnixFSError',
  'NoContentError',
  'NoResolverError',
  'InvalidPBNodeError',
]);

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
