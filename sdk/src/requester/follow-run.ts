import type { Address } from 'viem';
import type { JobView } from '../chain/market-index.js';
import { cancelUnlessEnded, grantWinner, keyFragForWinner } from './job-matching.js';
import { LiveSession } from './live-session.js';
import {
  isTerminal,
  type RequesterContext,
  type RunInProgress,
  type RunRequest,
} from './run-types.js';

/**
 * Follows an accepted job to its end: grants the winner, opens the live output (when the
 * provider offers it), says when the run starts (and pays), and waits for a terminal state.
 * A user who gives up cancels the job on chain, so the provider stops and billing with it.
 * Returns the job as the chain last showed it and the live session, if one was opened.
 */
export async function followRun(
  run: RunInProgress,
  accepted: JobView,
  winner: Address,
  request: Pick<RunRequest, 'signal'>,
): Promise<{ job: JobView; live: LiveSession | undefined }> {
  const { ctx, jobId, timings, since, onStage } = run;
  let job: JobView = accepted;
  let live: LiveSession | undefined;
  try {
    const { provider, kfrag } = keyFragForWinner(run, winner);
    request.signal?.throwIfAborted();
    const notice = (message: string) => onStage({ stage: 'notice', jobId, message });
    if (provider.endpoint) {
      live = new LiveSession({
        endpoint: provider.endpoint,
        jobId,
        chainId: ctx.market.connection.chainId,
        market: ctx.market.address,
        account: ctx.wallet.account,
        provider: provider.address,
        keys: run.keys,
        store: ctx.store,
        onOutput: (stream, data) => onStage({ stage: 'output', jobId, stream, data }),
        onNotice: notice,
      });
    } else {
      notice('this provider offers no live output; the output arrives when the job ends');
    }
    await grantWinner(run, kfrag);
    job = await ctx.index.waitForJob(jobId, (j) => j.status !== 'accepted', request.signal);
    // Events can arrive in one batch: a fast job may already be over here.
    if (job.startedAt !== undefined) {
      timings.startedMs = since();
      onStage({
        stage: 'running',
        jobId,
        rateWei: job.payment?.rateWei ?? 0n,
        startedAt: job.startedAt,
      });
      job = await waitUntilDone(ctx, jobId, request.signal);
    }
  } catch (error) {
    if (!request.signal?.aborted) throw error;
    // The user gave up: end the job on chain so the provider stops (and billing with it).
    const cancelled = await cancelUnlessEnded(ctx, jobId);
    if (cancelled) run.gasUsed.cancel = cancelled.gasUsed;
    job = ctx.index.jobs.get(jobId)!;
  }
  return { job, live };
}

/**
 * Waits for a terminal state. If the provider lets the run deadline pass,
 * the requester expires the job itself: nobody has to be trusted to end it.
 */
export async function waitUntilDone(
  ctx: RequesterContext,
  jobId: bigint,
  signal?: AbortSignal,
): Promise<JobView> {
  const job = ctx.index.jobs.get(jobId)!;
  let retry: NodeJS.Timeout | undefined;
  // Try after the deadline, and again every few seconds: the chain's clock may lag ours.
  const tryExpire = () => {
    ctx.market.expireJob(jobId).catch(() => undefined);
    retry = setTimeout(tryExpire, 3_000);
  };
  retry = setTimeout(tryExpire, Math.max(job.deadline * 1000 - Date.now() + 1_000, 0));
  try {
    return await ctx.index.waitForJob(jobId, isTerminal, signal);
  } finally {
    clearTimeout(retry);
  }
}
