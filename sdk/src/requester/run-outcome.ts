import type { JobView } from '../chain/market-index.js';
import type { RunInProgress, RunOutcome } from './run-types.js';

/** The outcome of a run as the chain shows `job`, before any result is opened. */
export function outcomeOf(
  run: RunInProgress,
  job: JobView,
  extra: Partial<RunOutcome> = {},
): RunOutcome {
  return {
    jobId: run.jobId,
    status: job.status,
    exitCode: job.exitCode ?? null,
    stdout: '',
    stderr: '',
    provider: job.provider,
    manifestCid: run.manifestCid,
    resultCid: job.resultCid,
    result: undefined,
    failureReason: job.failureReason,
    timings: run.timings,
    gasUsed: run.gasUsed,
    expiredHires: run.expiredHires,
    live: undefined,
    payment: job.payment,
    paymentTerms: run.paymentTerms,
    outputs: undefined,
    outputsError: undefined,
    ...extra,
  };
}
