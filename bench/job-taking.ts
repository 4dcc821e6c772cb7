import { parseEventLogs, type Address, type Log } from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';

/**
 * The one place of the scale bench that knows how a job is bound to a provider: v1's
 * first-come `JobAccepted`, v2's `JobHired` (whichever the market's ABI has). Everything else the
 * bench counts (receipts, gas, timings) does not depend on how jobs are taken.
 */
const TAKEN_EVENTS: readonly string[] = ['JobAccepted', 'JobHired'];
const ENDED_EVENTS: readonly string[] = ['JobCompleted', 'JobFailed', 'JobCancelled', 'JobExpired'];

/**
 * The most jobs each provider held at once by the chain's own record: a job is held from the
 * event that bound it to the provider to the event that ended it, in block and log order (a job
 * that ends in the block it was taken still counts while both are in that block's order).
 */
export function mostJobsHeld(logs: Log[]): Map<Address, number> {
  const holder = new Map<bigint, Address>();
  const held = new Map<Address, number>();
  const most = new Map<Address, number>();
  const ordered = parseEventLogs({ abi: marketAbi, logs }).sort((a, b) =>
    a.blockNumber === b.blockNumber
      ? a.logIndex - b.logIndex
      : a.blockNumber < b.blockNumber
        ? -1
        : 1,
  );
  for (const log of ordered) {
    const args = log.args as { jobId?: bigint; provider?: Address };
    if (args.jobId === undefined) continue;
    if (TAKEN_EVENTS.includes(log.eventName) && args.provider) {
      const provider = args.provider.toLowerCase() as Address;
      holder.set(args.jobId, provider);
      const now = (held.get(provider) ?? 0) + 1;
      held.set(provider, now);
      most.set(provider, Math.max(most.get(provider) ?? 0, now));
    } else if (ENDED_EVENTS.includes(log.eventName)) {
      const provider = holder.get(args.jobId);
      if (!provider) continue; // ended before anyone took it (a cancelled or expired open job)
      holder.delete(args.jobId);
      held.set(provider, held.get(provider)! - 1);
    }
  }
  return most;
}

/** The transactions that touched one job: every market event naming its id, by transaction. */
export function jobTransactions(logs: Log[], jobId: bigint): Set<`0x${string}`> {
  const hashes = new Set<`0x${string}`>();
  for (const log of parseEventLogs({ abi: marketAbi, logs })) {
    const args = log.args as { jobId?: bigint };
    if (args.jobId === jobId && log.transactionHash) hashes.add(log.transactionHash);
  }
  return hashes;
}
