import {
  costText,
  formatTokens,
  quoteText,
  runtimeChoiceLines,
  runningText,
  type RunOutcome,
  type RunStage,
  type TokenTerms,
  waitingText,
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
    case 'waiting':
      return `${at} ${noteText(stage)}`;
    case 'running':
      return `${at} ${runningText(stage.rateWei, run.terms)}`;
    case 'notice':
      return `${at} note: ${noteText(stage)}`;
    case 'finished':
      return `${at} ${stage.status}`;
  }
}

/** What a run's channel says of a re-hire, a wait for a busy provider or an SDK notice (a "[Note]" line). */
export function noteText(
  stage: Extract<StageEvent, { stage: 'rehiring' } | { stage: 'waiting' } | { stage: 'notice' }>,
): string {
  if (stage.stage === 'notice') return stage.message;
  if (stage.stage === 'waiting') return waitingText(stage.busyProviders, stage.waitSec);
  return `${stage.provider} did not start job #${stage.jobId} in time; it expired, hiring another provider (hire ${stage.attempt})`;
}

/** "[Running] main.py on Orange Cloud (2 cores, at most 0.0009 OTTx)": the run's first line. */
export function runningLine(
  fileName: string,
  cores: number,
  ceiling: { maxCostWei: bigint; rateWei: bigint; terms: TokenTerms } | undefined,
): string {
  const parts = [`${cores} ${cores === 1 ? 'core' : 'cores'}`];
  if (ceiling) {
    parts.push(
      ceiling.rateWei === 0n
        ? 'free'
        : `at most ${formatTokens(ceiling.maxCostWei, ceiling.terms)}`,
    );
  }
  return `[Running] ${fileName} on Orange Cloud (${parts.join(', ')})`;
}

/**
 * "[Job #7] provider 0xfc16…13e5, 0.00001 OTTx per core-second, tx 0x5f2a9c01…": the
 * protocol's part of a run in one short line (the Orange Cloud log has every stage).
 */
export function jobLine(
  jobId: bigint,
  accepted: { provider: string; pricePerCoreSecond: bigint },
  txHash: string | undefined,
  terms: TokenTerms,
): string {
  const parts = [
    `provider ${shortAddress(accepted.provider)}`,
    accepted.pricePerCoreSecond === 0n
      ? 'free'
      : `${formatTokens(accepted.pricePerCoreSecond, terms)} per core-second`,
  ];
  if (txHash) parts.push(`tx ${txHash.slice(0, 10)}…`);
  return `[Job #${jobId}] ${parts.join(', ')}`;
}

/**
 * The closing line, Code Runner style: "[Done] exit 0 in 1.2 s, cost 0.0000012 OTTx (…)".
 * How it ended (the exit code of a completed run, else its status and why), the time since
 * the click (with the provider's time installing declared dependencies apart, as it is
 * billed like run time) and what it cost (a job that never ran, or ran free, paid nothing).
 */
export function doneLine(outcome: RunOutcome, elapsedMs: number): string {
  const ended =
    outcome.status === 'completed' && outcome.exitCode !== null
      ? `exit ${outcome.exitCode}`
      : [
          outcome.status,
          outcome.exitCode === null ? '' : ` (exit ${outcome.exitCode})`,
          outcome.failureReason ? `: ${outcome.failureReason}` : '',
        ].join('');
  const installMs = outcome.result?.timings.installMs;
  const install =
    installMs !== undefined ? ` (${formatDuration(installMs)} installing dependencies)` : '';
  const cost = outcome.payment ? costText(outcome.payment, outcome.paymentTerms) : 'nothing paid';
  return `[Done] ${ended} in ${formatDuration(elapsedMs)}${install}, ${cost}`;
}

/** Text that ends with exactly one newline, so stdout and stderr blocks do not run together. */
export const asBlock = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
