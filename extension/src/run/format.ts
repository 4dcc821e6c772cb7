import {
  costText,
  formatTokens,
  quoteText,
  runtimeChoiceLines,
  runningText,
  type RunOutcome,
  type RunStage,
  type TokenTerms,
} from '@orange-cloud/sdk';

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

/** Every stage but live output, which the channel shows as it is. */
export type StageEvent = Exclude<RunStage, { stage: 'output' }>;

/** What stage lines need to know about their run. */
export interface StageContext {
  timeoutSec: number;
  terms: TokenTerms;
}

/** "[+1.2 s] posted job #7 …": one stage of a run as the output channel shows it. */
export function stageLine(stage: StageEvent, elapsedMs: number, run: StageContext): string {
  const at = `[+${formatDuration(elapsedMs)}]`;
  switch (stage.stage) {
    case 'quoted': {
      const runtime = stage.runtime ? `${runtimeChoiceLines(stage.runtime)[0]}; ` : '';
      return `${at} ${runtime}${quoteText(stage.quote, run.timeoutSec)}`;
    }
    case 'sealed':
      return `${at} sealed the files (manifest ${stage.manifestCid})`;
    case 'posted':
      return `${at} posted job #${stage.jobId} (tx ${stage.txHash.slice(0, 10)}…), at most ${formatTokens(stage.maxCostWei, run.terms)}`;
    case 'accepted':
      return `${at} accepted by ${stage.provider} at ${formatTokens(stage.pricePerCoreSecond, run.terms)} per core-second`;
    case 'rehiring':
      return `${at} ${stage.provider} did not start job #${stage.jobId} in time; it expired, hiring another provider (hire ${stage.attempt})`;
    case 'running':
      return `${at} ${runningText(stage.rateWei, run.terms)}`;
    case 'notice':
      return `${at} note: ${stage.message}`;
    case 'finished':
      return `${at} ${stage.status}`;
  }
}

/**
 * The closing line, Code Runner style: how it ended, the exit code, how long
 * it took (with the provider's time installing declared dependencies apart, as
 * it is billed like run time) and what it cost (a job that never ran, or ran
 * free, paid nothing).
 */
export function doneLine(outcome: RunOutcome, elapsedMs: number): string {
  const parts = [`[Done] job #${outcome.jobId} ${outcome.status}`];
  if (outcome.exitCode !== null) parts.push(`exit code ${outcome.exitCode}`);
  const installMs = outcome.result?.timings.installMs;
  const install =
    installMs !== undefined ? ` (${formatDuration(installMs)} installing dependencies)` : '';
  parts.push(`in ${formatDuration(elapsedMs)}${install}`);
  if (outcome.failureReason) parts.push(`(${outcome.failureReason})`);
  parts.push(outcome.payment ? costText(outcome.payment, outcome.paymentTerms) : 'nothing paid');
  return parts.join(', ');
}

/** Text that ends with exactly one newline, so stdout and stderr blocks do not run together. */
export const asBlock = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
