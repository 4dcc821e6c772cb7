import type { JobView } from '../chain/market-index.js';
import { waitForStart } from './follow-run.js';
import { handOverJobContent } from './hand-over.js';
import type { OfferMatch } from './quotes.js';
import type { RequesterContext, RunRequest, RunStage } from './run-types.js';
import type { SealedJob } from './seal-and-post.js';

/** What a detached run says once its provider holds the sealed project. */
export const HANDED_OVER =
  'the provider holds the sealed project: the job runs without this process';

/**
 * A detached run's last step after the hire: hands the manifest and sealed payload to the hired
 * provider's endpoint (hand-over.ts), so this process may leave before the job starts. When the
 * provider does not take them (an older daemon, the network) it says why and waits until the
 * provider has started instead (it fetches them from our store), returning the job as it then
 * is (expired and never started: the caller may hire another).
 */
export async function handOverOrWaitForStart(
  ctx: RequesterContext,
  hire: { chosen: OfferMatch; jobId: bigint; manifestCid: string; manifestBytes: Uint8Array },
  sealed: SealedJob,
  request: Pick<RunRequest, 'signal'>,
  onStage: (stage: RunStage) => void,
): Promise<{ handedOver: true } | { handedOver: false; job: JobView }> {
  const { jobId } = hire;
  const handOver = await handOverJobContent(
    hire.chosen.provider.endpoint,
    jobId,
    [
      { cid: hire.manifestCid, bytes: hire.manifestBytes },
      { cid: sealed.payload.cid, bytes: sealed.ciphertext },
    ],
    request.signal ? { signal: request.signal } : {},
  );
  if (handOver.handedOver) {
    onStage({ stage: 'notice', jobId, message: HANDED_OVER });
    return { handedOver: true };
  }
  onStage({
    stage: 'notice',
    jobId,
    message: `the provider did not take the sealed project (${handOver.reason}); waiting until it has started the job`,
  });
  return { handedOver: false, job: await waitForStart(ctx, jobId, request.signal) };
}
