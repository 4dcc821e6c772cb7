import { formatEther } from 'viem';
import type { JobView } from '../chain/market-index.js';

/** JSON.stringify that writes bigints as decimal strings. */
export const toJson = (value: unknown, indent = 2) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

export const formatWei = (wei: bigint) => `${formatEther(wei)} ETH`;

/** The cost of a finished run at the agreed price (what streaming payments will charge). */
export function runCostWei(job: JobView): bigint | undefined {
  if (job.runSeconds === undefined || job.pricePerCoreSecond === undefined) return undefined;
  return job.pricePerCoreSecond * BigInt(job.cores) * BigInt(job.runSeconds);
}

export function jobLine(job: JobView): string {
  const cost = runCostWei(job);
  const parts = [
    `#${job.jobId}`.padEnd(6),
    job.status.padEnd(10),
    job.name.padEnd(24),
    job.exitCode === undefined ? '' : `exit ${job.exitCode}`,
    job.runSeconds === undefined ? '' : `${job.runSeconds}s`,
    cost === undefined ? '' : formatWei(cost),
    job.provider ? `by ${shortAddress(job.provider)}` : '',
  ];
  return parts.filter(Boolean).join('  ');
}
