import { zeroAddress } from 'viem';
import type { JobView } from '../chain/market-index.js';
import { OrangeError } from '../errors.js';
import type { JobResult } from '../job/result.js';
import { expectedResult, fetchJobResult } from './job-result.js';
import { saveJobOutputs } from './job-outputs.js';
import type { LiveSession } from './live-session.js';
import { waitUntilDone } from './follow-run.js';
import { outcomeOf } from './run-outcome.js';
import { isTerminal, type RunInProgress, type RunOutcome } from './run-types.js';

/**
 * Ends a run: waits for a terminal state, fetches and opens the sealed result (refused unless
 * the job's provider signed it for this job), checks the live output against it (or falls back
 * to the provider's last checkpoint), saves the files it returned when the request named a
 * folder, and assembles the outcome. Where the complete live stream and the stored result
 * differ, the live stream's output is shown: every one of its events was checked as it came.
 */
export async function finishRun(
  run: RunInProgress,
  job: JobView,
  extra: Partial<RunOutcome>,
  live?: LiveSession,
): Promise<RunOutcome> {
  const { ctx, keys, timings, since, onStage } = run;
  if (!isTerminal(job)) job = await waitUntilDone(ctx, job.jobId);
  timings.completedMs = since();
  let result: JobResult | undefined;
  try {
    if (job.resultCid) {
      // A provider that restarted since the hire listens at a new address: dial it where it
      // is now (not awaited: the fetch asks each peer as it connects).
      const peers = job.provider ? (ctx.index.providers.get(job.provider)?.ipfsPeers ?? []) : [];
      void Promise.allSettled(peers.map((address) => ctx.store.connect(address)));
      const expected = expectedResult(
        ctx.market.connection.chainId,
        ctx.market.address,
        job.jobId,
        job.provider ?? zeroAddress,
      );
      result = await fetchJobResult(ctx.store, job.resultCid, keys, expected);
    }
  } catch (error) {
    live?.stop();
    throw error;
  }
  const liveCheck = live ? await live.finish(result) : undefined;
  if (!result && liveCheck?.checkpoint) {
    result = liveCheck.checkpoint.result;
    onStage({
      stage: 'notice',
      jobId: job.jobId,
      message: `the job is ${job.status} without a result; showing the output of the provider's last checkpoint (${liveCheck.checkpoint.cid})`,
    });
  }
  if (result && liveCheck?.matchesResult === false && liveCheck.output) {
    result = { ...result, ...liveCheck.output };
    onStage({
      stage: 'notice',
      jobId: job.jobId,
      message:
        "the stored result's output differs from the signed live stream: showing the live stream's",
    });
  } else if (liveCheck && !liveCheck.complete && job.status === 'completed') {
    onStage({
      stage: 'notice',
      jobId: job.jobId,
      message: `no complete live output: ${liveCheck.reason}`,
    });
  }
  onStage({ stage: 'finished', jobId: job.jobId, status: job.status });
  // After `finished`: the job is over on chain whatever happens to its files here.
  const saved = await saveOutputs(run, result);
  return outcomeOf(run, job, {
    ...saved,
    ...extra,
    result,
    exitCode: result?.exitCode ?? job.exitCode ?? null,
    stdout: result?.stdout ?? '',
    stderr: result?.stderr ?? '',
    failureReason: job.failureReason ?? result?.failure,
    live: liveCheck,
  });
}

/**
 * Saves the result's returned files under the run's outputs folder. A refusal does not lose the
 * run: the output, status and payment still come back, with the reason beside them.
 */
async function saveOutputs(
  run: RunInProgress,
  result: JobResult | undefined,
): Promise<Pick<RunOutcome, 'outputs' | 'outputsError'>> {
  if (!result?.outputs || run.outputsDir === undefined)
    return { outputs: undefined, outputsError: undefined };
  try {
    const outputs = await saveJobOutputs(run.ctx.store, {
      jobId: run.jobId,
      outputs: result.outputs,
      keys: run.keys,
      parentDir: run.outputsDir,
    });
    return { outputs, outputsError: undefined };
  } catch (error) {
    if (!(error instanceof OrangeError)) throw error;
    return { outputs: undefined, outputsError: error };
  }
}
