import { bytesToHex, type Address } from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';
import { OrangeError } from '../errors.js';
import type { JobView } from '../chain/market-index.js';
import { grantKeyFrag } from '../crypto/envelope.js';
import { publicKeyFromHex } from '../keys/umbral-keys.js';
import { outcomeOf } from './run-outcome.js';
import {
  isTerminal,
  type RequesterContext,
  type RunInProgress,
  type RunOutcome,
  type RunRequest,
} from './run-types.js';

/**
 * Waits for a provider to take the posted job. When nobody takes it in time, or the user
 * gives up, the job is cancelled: a user who gave up gets the cancelled outcome, a timeout
 * throws. A provider that took it meanwhile wins over the cancel.
 */
export async function waitForTaker(
  run: RunInProgress,
  request: Pick<RunRequest, 'matchTimeoutMs' | 'signal'>,
): Promise<{ job: JobView } | { outcome: RunOutcome }> {
  const { ctx, jobId } = run;
  const matchTimer = AbortSignal.timeout(request.matchTimeoutMs);
  const matchSignal = request.signal ? AbortSignal.any([request.signal, matchTimer]) : matchTimer;
  try {
    return { job: await ctx.index.waitForJob(jobId, (j) => j.status !== 'posted', matchSignal) };
  } catch (error) {
    if (!matchSignal.aborted) throw error;
    const cancelled = await cancelIfStillPosted(ctx, jobId);
    if (cancelled) {
      run.gasUsed.cancel = cancelled.gasUsed;
      const view = ctx.index.jobs.get(jobId)!;
      run.onStage({ stage: 'finished', jobId, status: 'cancelled' });
      if (request.signal?.aborted) return { outcome: outcomeOf(run, view) };
      throw new OrangeError(
        'NO_PROVIDER_ACCEPTED',
        `No provider accepted job ${jobId} within ${Math.round(request.matchTimeoutMs / 1000)} s; it was cancelled.`,
        { hint: 'Try again later, raise the price ceiling, or ask for fewer resources.' },
      );
    }
    return { job: await ctx.index.waitForJob(jobId, (j) => j.status !== 'posted') };
  }
}

/** The winner's registration and the kfrag that lets its per-job key open this job. */
export function keyFragForWinner(run: RunInProgress, winner: Address) {
  const provider = run.ctx.index.providers.get(winner);
  if (!provider) {
    throw new OrangeError('CHAIN_ERROR', `Provider ${winner} has no registration.`);
  }
  return { provider, kfrag: grantKeyFrag(run.keys, publicKeyFromHex(provider.umbralPublicKey)) };
}

/** Puts the winner's kfrag on chain: from now on only its key can re-encrypt the capsule. */
export async function grantWinner(run: RunInProgress, kfrag: Uint8Array): Promise<void> {
  const granted = await run.ctx.market.grantAccess(run.jobId, bytesToHex(kfrag));
  run.gasUsed.grant = granted.gasUsed;
  run.onStage({ stage: 'granted', jobId: run.jobId });
}

/** Cancels the job unless a provider took it meanwhile; returns the cancel transaction, if sent. */
async function cancelIfStillPosted(ctx: RequesterContext, jobId: bigint) {
  await ctx.index.sync();
  if (ctx.index.jobs.get(jobId)?.status !== 'posted') return undefined;
  return cancelUnlessEnded(ctx, jobId);
}

/** Cancels a job that has not ended; a job that ended meanwhile is left as it is. */
export async function cancelUnlessEnded(ctx: RequesterContext, jobId: bigint) {
  try {
    return await ctx.market.cancelJob(jobId);
  } catch (error) {
    await ctx.index.sync();
    const job = ctx.index.jobs.get(jobId);
    if (job && isTerminal(job)) return undefined;
    throw error;
  } finally {
    await ctx.index.sync();
  }
}

/** Blocks between the post and the acceptance, from the JobAccepted log. */
export async function blocksBetween(
  ctx: RequesterContext,
  postedBlock: bigint,
  jobId: bigint,
): Promise<bigint | undefined> {
  const logs = await ctx.market.publicClient.getContractEvents({
    address: ctx.market.address,
    abi: marketAbi,
    eventName: 'JobAccepted',
    args: { jobId },
    fromBlock: postedBlock,
  });
  const accepted = logs[0];
  return accepted ? accepted.blockNumber - postedBlock : undefined;
}
