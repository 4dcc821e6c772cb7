import type { JobView } from '@orange-cloud/sdk';
import type { EndedState, JobEnd, JobRecord } from './types.js';

/** What the database keeps of a hire, from the market's view of the job. */
export function hireRecord(
  job: JobView,
  nowSec: number,
): Pick<
  JobRecord,
  'jobId' | 'offerNonce' | 'requester' | 'runtime' | 'ratePerSecondWei' | 'hiredAt'
> {
  return {
    jobId: job.jobId,
    offerNonce: job.offerNonce,
    requester: job.requester,
    runtime: job.runtime,
    ratePerSecondWei: job.pricePerCoreSecond * BigInt(job.cores),
    hiredAt: nowSec,
  };
}

/**
 * How a job ended here, at `nowSec`: it was paid from the start mined on chain (`startedAt`)
 * until now, at its rate (price x cores).
 */
export function jobEnd(
  job: Pick<JobView, 'startedAt' | 'pricePerCoreSecond' | 'cores'>,
  state: EndedState,
  reason: string | undefined,
  nowSec: number,
): JobEnd {
  const runSeconds = job.startedAt === undefined ? 0 : Math.max(0, nowSec - job.startedAt);
  return {
    state,
    reason,
    endedAt: nowSec,
    runSeconds,
    earnedWei: job.pricePerCoreSecond * BigInt(job.cores) * BigInt(runSeconds),
  };
}
