import { CID } from 'multiformats/cid';
import { localCid } from '../store/local-cid.js';

/**
 * The hand-over on a provider's endpoint (market v2): right after a hire the requester PUTs the
 * job's content to its provider, the manifest first and then the sealed payload, each as the
 * exact file bytes behind its CID, to `<endpoint>/v2/jobs/<jobId>/content/<cid>`. The provider
 * keeps a body only when it imports, under the import profile every store shares
 * (store/local-cid.ts), to that CID, and only for a CID the job's hire names (the manifest's,
 * then the payload's the manifest names). Anyone may push: bytes that hash to the job's CIDs are
 * the requester's own, whoever sends them. Once both are stored the provider needs the
 * requester no more, so the requester may go offline before the job starts.
 */
export const HAND_OVER_CONTENT_TYPE = 'application/octet-stream';

const HAND_OVER_ROUTE = /^\/v2\/jobs\/(\d{1,78})\/content\/([A-Za-z0-9]{1,200})$/;

/** `/v2/jobs/<jobId>/content/<cid>`: where one piece of a job's content is handed over. */
export function handOverPath(jobId: bigint, cid: string): string {
  return `/v2/jobs/${jobId}/content/${cid}`;
}

/** The job and CID a hand-over path names, or undefined for any other path or a bad CID. */
export function parseHandOverPath(pathname: string): { jobId: bigint; cid: string } | undefined {
  const match = HAND_OVER_ROUTE.exec(pathname);
  if (!match) return undefined;
  const cid = normalCid(match[2]!);
  return cid === undefined ? undefined : { jobId: BigInt(match[1]!), cid };
}

/** A CID in one spelling (CIDv1, base32), so two spellings of one CID compare equal. */
export function normalCid(cid: string): string | undefined {
  try {
    return CID.parse(cid).toV1().toString();
  } catch {
    return undefined;
  }
}

/**
 * Whether `bytes`, imported as every Orange Cloud store imports them, have the CID `cid`: the
 * check that makes a hand-over safe from anyone (the same blocks, hashed here, no store asked).
 */
export async function bytesHaveCid(bytes: Uint8Array, cid: string): Promise<boolean> {
  const wanted = normalCid(cid);
  return wanted !== undefined && (await localCid(bytes)) === wanted;
}
