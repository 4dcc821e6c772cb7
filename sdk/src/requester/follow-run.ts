import type { JobView } from '../chain/market-index.js';
import { cancelUnlessEnded } from './job-matching.js';
import { LiveSession } from './live-session.js';
import {
  isTerminal,
  type RequesterContext,
  type RunInProgress,
  type RunRequest,
} from './run-types.js';

/**
 * Follows a hired job: opens the live output (when the provider offers it), waits for the start
 * (expiring the job when the provider lets its start deadline pass), says when the run starts
 * (and pays), and waits for a terminal state. A user who gives up cancels the job on chain, so
 * the provider stops and billing with it. Returns the job as the chain last showed it (an
 * expired job that never started: the caller may hire another provider) and the live session,
 * if one was opened.
 */
export async function followRun(
  run: RunInProgress,
  hired: JobView,
  request: Pick<RunRequest, 'signal'>,
): Promise<{ job: JobView; live: LiveSession | undefined }> {
  const { ctx, jobId, timings, since, onStage } = run;
  let job: JobView = hired;
  let live: LiveSession | undefined;
  try {
    const provider = ctx.index.providers.get(hired.provider);
    request.signal?.throwIfAborted();
    const notice = (message: string) => onStage({ stage: 'notice', jobId, message });
    if (provider?.endpoint) {
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
    job = await waitForStart(ctx, jobId, request.signal);
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
export function waitUntilDone(
  ctx: RequesterContext,
  jobId: bigint,
  signal?: AbortSignal,
): Promise<JobView> {
  return waitPastDeadline(ctx, jobId, isTerminal, signal);
}

/**
 * Waits until the hired job's provider starts it, or the job ends; past its start deadline the
 * requester expires it (an expired job that never started: the caller may hire another).
 */
export function waitForStart(
  ctx: RequesterContext,
  jobId: bigint,
  signal?: AbortSignal,
): Promise<JobView> {
  return waitPastDeadline(ctx, jobId, (j) => j.status !== 'accepted', signal);
}

/**
 * Waits until `until` holds for the job. Once the job's current deadline (startBy while hired,
 * runBy while running) has passed the requester expires it itself, and again every few seconds:
 * the chain's clock may lag ours.
 */
async function waitPastDeadline(
  ctx: RequesterContext,
  jobId: bigint,
  until: (job: JobView) => boolean,
  signal?: AbortSignal,
): Promise<JobView> {
  const job = ctx.index.jobs.get(jobId)!;
  let retry: NodeJS.Timeout | undefined;
  const tryExpire = () => {
    ctx.market.expireJob(jobId).catch(() => undefined);
    retry = setTimeout(tryExpire, 3_000);
  };
  retry = setTimeout(tryExpire, Math.max(job.deadline * 1000 - Date.now() + 1_000, 0));
  try {
    return await ctx.index.waitForJob(jobId, until, signal);
  } finally {
    clearTimeout(retry);
  }
}
