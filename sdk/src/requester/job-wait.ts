import type { JobView } from '../chain/market-index.js';
import { OrangeError } from '../errors.js';
import { isTerminal, type RequesterContext } from './run-types.js';

export interface JobWaitOptions {
  /** The job as found, then again at each change of its status, until it ends. */
  onStatus?: (job: JobView) => void;
  /** Once per status, when the clock passes the job's deadline and it has not moved on. */
  onOverdue?: (job: JobView) => void;
  /** Unix seconds now (default: the clock). */
  nowSec?: () => number;
  /** Stops waiting (the job goes on): rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** How often an unchanged job's deadline is looked at. */
const OVERDUE_CHECK_MS = 1_000;

/**
 * Waits until a job ends (completed, failed, cancelled, expired) and returns it as it ended;
 * a job that already ended returns at once. The index must be following new blocks
 * (`session.follow()`). Throws UNKNOWN_JOB for a job the market does not have.
 */
export async function waitForJobEnd(
  ctx: Pick<RequesterContext, 'index'>,
  jobId: bigint,
  options: JobWaitOptions = {},
): Promise<JobView> {
  await ctx.index.sync();
  const found = ctx.index.jobs.get(jobId);
  if (!found) throw new OrangeError('UNKNOWN_JOB', `There is no job ${jobId} on this market.`);
  if (isTerminal(found)) return found;
  const nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
  let current = found;
  let overdueSaid = false;
  options.onStatus?.(found);
  const overdue = setInterval(() => {
    if (overdueSaid || nowSec() <= current.deadline) return;
    overdueSaid = true;
    options.onOverdue?.(current);
  }, OVERDUE_CHECK_MS);
  overdue.unref();
  try {
    return await ctx.index.waitForJob(
      jobId,
      (job) => {
        if (isTerminal(job)) return true;
        if (job.status !== current.status) {
          overdueSaid = false;
          options.onStatus?.(job);
        }
        current = job;
        return false;
      },
      options.signal,
    );
  } finally {
    clearInterval(overdue);
  }
}
