import { packScriptAlone } from '../project/pack-project.js';
import { finishRun } from './finish-run.js';
import { checkOutputsParent } from './job-outputs.js';
import { followRun } from './follow-run.js';
import { blocksBetween, waitForTaker } from './job-matching.js';
import { checkCanRun, quoteRun } from './run-quote.js';
import type {
  RequesterContext,
  RunInProgress,
  RunOutcome,
  RunRequest,
  RunStage,
} from './run-types.js';
import { postSealedJob, sealJob } from './seal-and-post.js';

export { quoteRun, type RunQuote } from './run-quote.js';
export type {
  RequesterContext,
  RunOutcome,
  RunRequest,
  RunStage,
  RunTimings,
} from './run-types.js';

/**
 * The requester's whole side of a job: seal the project (or the script alone), post it, grant the
 * winning provider access, wait for the result and open it. Nothing is
 * posted unless the script is valid and some provider could take the job;
 * a job nobody takes in time is cancelled.
 *
 * This coordinates the steps, each in a module of its own: quote, seal and post, matching
 * and grant, following the run, finishing.
 */
export async function runJob(
  ctx: RequesterContext,
  request: RunRequest,
  onStage: (stage: RunStage) => void = () => {},
): Promise<RunOutcome> {
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const payload = request.payload ?? (await packScriptAlone(request.fileName, request.source));
  if (request.outputsDir !== undefined) await checkOutputsParent(request.outputsDir);

  const quote = await quoteRun(ctx, request);
  await checkCanRun(ctx, quote, request.timeoutSec);
  onStage({ stage: 'quoted', quote });

  const { keys, manifestCid } = await sealJob(ctx, request, payload);
  onStage({ stage: 'sealed', manifestCid });

  const posted = await postSealedJob(ctx, request, quote, manifestCid);
  const jobId = posted.jobId;
  const run: RunInProgress = {
    ctx,
    jobId,
    manifestCid,
    keys,
    timings: {
      postedMs: since(),
      acceptedMs: undefined,
      startedMs: undefined,
      completedMs: undefined,
    },
    gasUsed: { post: posted.gasUsed, grant: undefined, cancel: undefined },
    paymentTerms: quote.terms,
    outputsDir: request.outputsDir,
    since,
    onStage,
  };
  onStage({ stage: 'posted', jobId, txHash: posted.hash, maxCostWei: quote.maxCostWei });

  // Wait for a taker; cancel when nobody takes it in time or the user gives up.
  const taken = await waitForTaker(run, request);
  if ('outcome' in taken) return taken.outcome;
  const job = taken.job;
  if (job.status !== 'accepted' || !job.provider) {
    return finishRun(run, job, {});
  }
  run.timings.acceptedMs = since();
  const acceptedAfterBlocks = await blocksBetween(ctx, job.postedBlock, jobId);
  onStage({
    stage: 'accepted',
    jobId,
    provider: job.provider,
    pricePerCoreSecond: job.pricePerCoreSecond ?? 0n,
  });
  const followed = await followRun(run, job, job.provider, request);
  return finishRun(run, followed.job, { acceptedAfterBlocks }, followed.live);
}
