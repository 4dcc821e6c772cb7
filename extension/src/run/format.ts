import type { RunOutcome, RunStage } from '@orange-cloud/sdk';

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Wei as ETH with up to 6 significant decimals, exact for small amounts ("0 ETH", "0.000012 ETH"). */
export function formatWei(wei: bigint): string {
  const negative = wei < 0n;
  const abs = negative ? -wei : wei;
  const whole = abs / 10n ** 18n;
  let fraction = (abs % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  if (fraction.length > 6 && whole > 0n) fraction = fraction.slice(0, 6).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : `${whole}`;
  return `${negative ? '-' : ''}${text} ETH`;
}

/** Every stage but live output, which the channel shows as it is. */
export type StageEvent = Exclude<RunStage, { stage: 'output' }>;

/** "[+1.2 s] posted job #7 …": one stage of a run as the output channel shows it. */
export function stageLine(stage: StageEvent, elapsedMs: number): string {
  const at = `[+${formatDuration(elapsedMs)}]`;
  switch (stage.stage) {
    case 'sealed':
      return `${at} sealed the script (manifest ${stage.manifestCid})`;
    case 'posted':
      return `${at} posted job #${stage.jobId} (tx ${stage.txHash.slice(0, 10)}…), at most ${formatWei(stage.maxCostWei)}`;
    case 'accepted':
      return `${at} accepted by ${stage.provider} at ${stage.pricePerCoreSecond} wei per core-second`;
    case 'granted':
      return `${at} granted the provider access to the script`;
    case 'running':
      return `${at} running`;
    case 'notice':
      return `${at} note: ${stage.message}`;
    case 'finished':
      return `${at} ${stage.status}`;
  }
}

/** The closing line, Code Runner style: how it ended, the exit code and how long it took. */
export function doneLine(outcome: RunOutcome, elapsedMs: number): string {
  const parts = [`[Done] job #${outcome.jobId} ${outcome.status}`];
  if (outcome.exitCode !== null) parts.push(`exit code ${outcome.exitCode}`);
  parts.push(`in ${formatDuration(elapsedMs)}`);
  if (outcome.failureReason) parts.push(`(${outcome.failureReason})`);
  return parts.join(', ');
}

/** Text that ends with exactly one newline, so stdout and stderr blocks do not run together. */
export const asBlock = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
