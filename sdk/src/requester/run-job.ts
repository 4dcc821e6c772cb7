import type { Address } from 'viem';
import { packScriptAlone } from '../project/pack-project.js';
import { finishRun } from './finish-run.js';
import { checkOutputsParent } from './job-outputs.js';
import { chooseJobRuntime } from './job-runtime.js';
import { followRun } from './follow-run.js';
import { MAX_HIRES, hireBestOffer } from './job-matching.js';
import { checkCanRun, quoteRun } from './run-quote.js';
import type {
  DetachedOutcome,
  RequesterContext,
  RunInProgress,
  RunOutcome,
  RunRequest,
  RunStage,
} from './run-types.js';
import { sealJob } from './seal-and-post.js';
import { handOverOrWaitForStart } from './detach-hire.js';

export { HANDED_OVER } from './detach-hire.js';

export { quoteRun, type RunQuote } from './run-quote.js';
export { chooseJobRuntime } from './job-runtime.js';
export { prepareJob, type PreparedJob } from './prepare-job.js';
export type {
  RequesterContext,
  RunOutcome,
  RunRequest,
  RunStage,
  RunTimings,
} from './run-types.js';

/**
 * The requester's whole side of a job (market v2): seal the project (or the script alone), ask
 * the providers that could take it for signed offers, hire the best one in one transaction
 * (manifest bound to the offer, grant for the offer's per-job key), follow the run and open the
 * result. Nothing is posted unless the script is valid, the wallet can pay and some provider
 * offers. A hired provider that does not start by its start deadline loses the job: it is
 * expired and the next-best offer hired, at most MAX_HIRES hires in all.
 *
 * This coordinates the steps, each in a module of its own: quote, seal, hire, following the run,
 * finishing.
 */
export function runJob(
  ctx: RequesterContext,
  request: RunRequest,
  onStage: (stage: RunStage) => void = () => {},
): Promise<RunOutcome> {
  return hireAndFollow(ctx, request, onStage, false);
}

/**
 * `runJob` up to the hire: returns once the hired provider holds the sealed project, handed to
 * its endpoint right after the hire (hand-over.ts), so this process may exit before the job
 * starts. A provider that does not take it (an older daemon, a network failure) fetches it from
 * this process as before: then the run says why and returns once the job has started (one that
 * does not start is replaced as in `runJob`). Nobody follows the job from here; `orange output
 * JOBID` (RequesterSession.result) fetches its result later, from any process.
 */
export function submitJob(
  ctx: RequesterContext,
  request: RunRequest,
  onStage: (stage: RunStage) => void = () => {},
): Promise<DetachedOutcome> {
  return hireAndFollow(ctx, request, onStage, true);
}

async function hireAndFollow(
  ctx: RequesterContext,
  request: RunRequest,
  onStage: (stage: RunStage) => void,
  detach: true,
): Promise<DetachedOutcome>;
async function hireAndFollow(
  ctx: RequesterContext,
  request: RunRequest,
  onStage: (stage: RunStage) => void,
  detach: false,
): Promise<RunOutcome>;
async function hireAndFollow(
  ctx: RequesterContext,
  request: RunRequest,
  onStage: (stage: RunStage) => void,
  detach: boolean,
): Promise<RunOutcome | DetachedOutcome> {
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const payload = request.payload ?? (await packScriptAlone(request.fileName, request.source));
  if (request.outputsDir !== undefined) await checkOutputsParent(request.outputsDir);

  // The runtime first: a job no runtime can run is refused before anything else happens.
  const runtime = request.chosenRuntime ?? (await chooseJobRuntime(ctx, request, payload));
  const routed = { ...request, runtime: runtime.runtime };
  const quote = await quoteRun(ctx, routed);
  await checkCanRun(ctx, quote, request.timeoutSec);
  onStage({ stage: 'quoted', quote, runtime });

  const sealed = await sealJob(ctx, payload);
  const expiredHires: bigint[] = [];
  const passedOver: Address[] = [];
  for (let attempt = 1; ; attempt++) {
    const { chosen, hired } = await hireBestOffer(
      ctx,
      routed,
      sealed,
      quote,
      passedOver,
      (busyProviders, waitSec) => onStage({ stage: 'waiting', busyProviders, waitSec }),
    );
    const { jobId, manifestCid } = hired;
    const provider = chosen.signed.offer.provider;
    // The stages below tell of a job the index already shows.
    await ctx.index.sync();
    const job = await ctx.index.waitForJob(jobId, () => true, request.signal);
    if (attempt === 1) onStage({ stage: 'sealed', manifestCid });
    onStage({ stage: 'posted', jobId, txHash: hired.hash, maxCostWei: quote.maxCostWei });
    onStage({
      stage: 'accepted',
      jobId,
      provider,
      pricePerCoreSecond: chosen.signed.offer.pricePerCoreSecond,
    });
    if (detach) {
      const detached = await handOverOrWaitForStart(
        ctx,
        { chosen, jobId, manifestCid, manifestBytes: hired.manifestBytes },
        sealed,
        request,
        onStage,
      );
      if (detached.handedOver) return { status: 'detached', jobId, handedOver: true };
      const { job: started } = detached;
      const neverStarted = started.status === 'expired' && started.startedAt === undefined;
      if (!neverStarted || attempt >= MAX_HIRES)
        return { status: 'detached', jobId, handedOver: false };
      expiredHires.push(jobId);
      passedOver.push(provider);
      onStage({ stage: 'rehiring', jobId, provider, attempt: attempt + 1 });
      continue;
    }
    const run: RunInProgress = {
      ctx,
      jobId,
      manifestCid,
      keys: sealed.keys,
      timings: {
        postedMs: since(),
        acceptedMs: since(),
        startedMs: undefined,
        completedMs: undefined,
      },
      gasUsed: { hire: hired.gasUsed, cancel: undefined },
      expiredHires,
      paymentTerms: quote.terms,
      outputsDir: request.outputsDir,
      since,
      onStage,
    };
    const followed = await followRun(run, job, request);
    const neverStarted = followed.job.status === 'expired' && followed.job.startedAt === undefined;
    if (!neverStarted || attempt >= MAX_HIRES || request.signal?.aborted) {
      return finishRun(run, followed.job, {}, followed.live);
    }
    followed.live?.stop();
    expiredHires.push(jobId);
    passedOver.push(provider);
    onStage({ stage: 'rehiring', jobId, provider, attempt: attempt + 1 });
  }
}
