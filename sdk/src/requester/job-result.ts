import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import type { ContentStore } from '../store/content-store.js';
import type { jobKeys } from '../keys/umbral-keys.js';
import { openAsRequester } from '../crypto/result-box.js';
import {
  openSignedResult,
  parseSealedResult,
  type ExpectedResult,
  type JobResult,
} from '../job/result.js';

/** Upper bound for a stored result: the daemon caps output well below it. */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024;

/** What a result of `jobId` on this chain and market must be bound to and signed by. */
export function expectedResult(
  chainId: number,
  market: Address,
  jobId: bigint,
  provider: Address,
): ExpectedResult {
  return {
    binding: { chainId, market: market.toLowerCase() as Address, jobId: jobId.toString() },
    provider,
  };
}

/**
 * Fetches a job's sealed result from IPFS, opens it with the job's key, and accepts it only
 * when it is signed by the job's provider and bound to this job (see `openSignedResult`).
 */
export async function fetchJobResult(
  store: ContentStore,
  resultCid: string,
  keys: ReturnType<typeof jobKeys>,
  expected: ExpectedResult,
  timeoutMs = 60_000,
): Promise<JobResult> {
  const bytes = await store.get(resultCid, { maxBytes: MAX_RESULT_BYTES, timeoutMs });
  const sealed = parseSealedResult(bytes);
  let opened: Uint8Array;
  try {
    opened = openAsRequester(keys, sealed);
  } catch (error) {
    if (error instanceof OrangeError) throw error;
    throw new OrangeError('RESULT_INVALID', `The result ${resultCid} cannot be opened.`, {
      cause: error,
    });
  }
  return openSignedResult(opened, expected);
}
