import { OrangeError } from '../errors.js';
import type { ContentStore } from '../store/content-store.js';
import type { jobKeys } from '../keys/umbral-keys.js';
import { openAsRequester } from '../crypto/result-box.js';
import { parseResult, parseSealedResult, type JobResult } from '../job/result.js';

/** Upper bound for a stored result: the daemon caps output well below it. */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024;

/** Fetches a job's sealed result from IPFS and opens it with the job's key. */
export async function fetchJobResult(
  store: ContentStore,
  resultCid: string,
  keys: ReturnType<typeof jobKeys>,
  timeoutMs = 60_000,
): Promise<JobResult> {
  const bytes = await store.get(resultCid, { maxBytes: MAX_RESULT_BYTES, timeoutMs });
  const sealed = parseSealedResult(bytes);
  try {
    return parseResult(openAsRequester(keys, sealed));
  } catch (error) {
    if (error instanceof OrangeError) throw error;
    throw new OrangeError('RESULT_INVALID', `The result ${resultCid} cannot be opened.`, {
      cause: error,
    });
  }
}
