import type { ProviderStatus } from './provider-status.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function ago(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** What `orange-provider status` prints: the /status JSON as a few lines for a person. */
export function statusSummary(s: ProviderStatus, nowSec: number): string {
  const state = !s.online ? 'offline (starting or stopping)' : s.paused ? 'paused' : 'online';
  const lines = [
    `Provider ${s.provider}: ${state}${s.registered ? '' : ', not registered on the market'}`,
    `Capacity: ${s.capacity.coresInUse} of ${plural(s.capacity.cores, 'core')} and ` +
      `${s.capacity.memoryMbInUse} of ${s.capacity.memoryMb} MB in use`,
  ];
  if (s.paused) lines.push('Not taking new jobs (resume with POST /resume); running jobs go on.');
  lines.push(`Running: ${s.running.length === 0 ? 'none' : plural(s.running.length, 'job')}`);
  for (const j of s.running)
    lines.push(
      `  job ${j.jobId}  ${j.runtime}  for ${ago(nowSec - j.startedAt)}  ` +
        `${j.ratePerSecondWei} wei/s  from ${j.requester}`,
    );
  const c = s.counts;
  lines.push(
    `Served: ${c.completed} completed, ${c.failed} failed, ${c.cancelled} cancelled, ${c.expired} expired`,
  );
  for (const j of s.served.slice(0, 10))
    lines.push(
      `  job ${j.jobId}  ${j.state}  ${j.runSeconds} s  earned ${j.earnedWei} wei  ` +
        `(${ago(nowSec - j.endedAt)} ago)`,
    );
  if (s.served.length > 10)
    lines.push(`  ... and ${s.served.length - 10} more (--json lists them)`);
  const earned =
    BigInt(s.earnings.settledWei) +
    BigInt(s.earnings.incomingFlowRateWei) * BigInt(Math.max(0, nowSec - s.earnings.at));
  lines.push(
    `Earnings: ${earned} wei settled` +
      (s.earnings.incomingFlowRateWei === '0'
        ? ''
        : `, ${s.earnings.incomingFlowRateWei} wei/s streaming in now`),
  );
  return lines.join('\n');
}
