import type { JobView } from '@orange-cloud/sdk';

/** What this provider offers and whom it serves. */
export interface ProviderPolicy {
  cores: number;
  memoryMb: number;
  pricePerCoreSecond: bigint;
  runtimes: string[];
  /** When non-empty, only these requesters are served. */
  allowRequesters: string[];
  denyRequesters: string[];
}

/** Resources held by jobs this provider has accepted and not finished. */
export interface Usage {
  cores: number;
  memoryMb: number;
}

export type Decision = { take: true } | { take: false; reason: string };

/**
 * Whether to take a posted job. Pure: the daemon calls it for every job it
 * hears of, before it spends gas on an acceptance.
 */
export function decide(
  job: JobView,
  self: string,
  policy: ProviderPolicy,
  usage: Usage,
  nowSec: number,
): Decision {
  const requester = job.requester.toLowerCase();
  if (job.status !== 'posted') return { take: false, reason: `job is ${job.status}` };
  if (job.deadline < nowSec) return { take: false, reason: 'acceptance window is over' };
  if (job.provider && job.provider.toLowerCase() !== self.toLowerCase()) {
    return { take: false, reason: 'offered to another provider' };
  }
  if (policy.denyRequesters.some((a) => a.toLowerCase() === requester)) {
    return { take: false, reason: 'requester is on the deny list' };
  }
  if (
    policy.allowRequesters.length > 0 &&
    !policy.allowRequesters.some((a) => a.toLowerCase() === requester)
  ) {
    return { take: false, reason: 'requester is not on the allow list' };
  }
  if (!policy.runtimes.includes(job.runtime))
    return { take: false, reason: `runtime ${job.runtime} not offered` };
  if (job.cores > policy.cores)
    return { take: false, reason: `needs ${job.cores} cores, offering ${policy.cores}` };
  if (job.memoryMb > policy.memoryMb) {
    return { take: false, reason: `needs ${job.memoryMb} MB, offering ${policy.memoryMb} MB` };
  }
  if (job.maxPricePerCoreSecond < policy.pricePerCoreSecond) {
    return { take: false, reason: 'price ceiling below our price' };
  }
  if (usage.cores + job.cores > policy.cores || usage.memoryMb + job.memoryMb > policy.memoryMb) {
    return { take: false, reason: 'no free capacity right now' };
  }
  return { take: true };
}
