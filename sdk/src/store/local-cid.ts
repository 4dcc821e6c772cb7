import { importBytes, type ImporterOptions, type WritableStorage } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';

/**
 * How every store turns bytes into a CID: CIDv1, raw leaves, 256 KiB chunks, a balanced DAG of
 * at most 174 links a node. These are Kubo's defaults for `ipfs add --cid-version 1`; the
 * embedded Helia store uses them too (Helia's own defaults differ: 1 MiB, 1024 links), so the
 * same bytes have the same CID whichever store holds them, and a client can compute it alone.
 */
export const IMPORT_PROFILE = {
  cidVersion: 1,
  rawLeaves: true,
  chunkSize: 262_144,
  maxChildrenPerNode: 174,
} as const;

/** The importer options for IMPORT_PROFILE (for Helia's unixfs and for `localCid`). */
export function importerOptions(): Pick<
  ImporterOptions,
  'cidVersion' | 'rawLeaves' | 'chunker' | 'layout' | 'reduceSingleLeafToSelf'
> {
  return {
    cidVersion: IMPORT_PROFILE.cidVersion,
    rawLeaves: IMPORT_PROFILE.rawLeaves,
    chunker: fixedSize({ chunkSize: IMPORT_PROFILE.chunkSize }),
    layout: balanced({ maxChildrenPerNode: IMPORT_PROFILE.maxChildrenPerNode }),
    reduceSingleLeafToSelf: true,
  };
}

/** Hashes blocks without keeping them: only the root CID is wanted. */
const discard: WritableStorage = { put: async (cid) => cid };

/** The CID `bytes` get under IMPORT_PROFILE, computed here without any store. */
export async function localCid(bytes: Uint8Array): Promise<string> {
  const { cid } = await importBytes(bytes, discard, importerOptions());
  return cid.toString();
}
