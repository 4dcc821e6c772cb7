import {
  TERMINAL_STATUSES,
  costAmount,
  costText,
  formatRate,
  formatTokens,
  type JobStatus,
  type JobView,
  type ProviderView,
  type TokenTerms,
} from '@orange-cloud/sdk';
import { formatDuration, shortAddress } from '../run/format.js';

/** What this machine remembers about a job it posted: the chain does not know the file. */
export interface LocalRunRecord {
  jobId: string;
  /** The file's URI (untitled documents included) so that Re-run can read it again. */
  fileUri: string;
  fileName: string;
  postedAt: string;
  finishedAt?: string;
  /** The files the job returned, as saved on this machine (`<outputs folder>/<job id>`). */
  outputs?: { dir: string; files: { path: string; bytes: number }[] };
}

/** A tree row, free of VS Code types so that it can be tested without VS Code. */
export interface NodeModel {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** A codicon id and an optional theme color id. */
  icon: { id: string; color?: string };
  /** Capability flags that package.json menus match with `viewItem =~ /:flag:/`. */
  contextValue: string;
}

const STATUS_ICONS: Record<JobStatus, { id: string; color?: string }> = {
  accepted: { id: 'person' },
  running: { id: 'sync~spin' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash' },
  expired: { id: 'watch', color: 'problemsWarningIcon.foreground' },
};

export const isTerminal = (status: JobStatus) => TERMINAL_STATUSES.includes(status);

function statusIcon(job: JobView) {
  // A script that exited non-zero "completed" on chain but failed for its author.
  if (job.status === 'completed' && job.exitCode !== undefined && job.exitCode !== 0) {
    return { id: 'warning', color: 'problemsWarningIcon.foreground' };
  }
  return STATUS_ICONS[job.status];
}

const isoSeconds = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

/** A job's row; amounts are in the market's payment token (`terms`). */
export function jobNodeModel(
  job: JobView,
  local: LocalRunRecord | undefined,
  terms: TokenTerms,
): NodeModel {
  const description = [
    job.status,
    job.runSeconds === undefined
      ? undefined
      : job.runSeconds === 0 // the chain counts whole seconds
        ? '<1 s'
        : formatDuration(job.runSeconds * 1000),
    job.exitCode === undefined ? undefined : `exit ${job.exitCode}`,
    job.payment ? costAmount(job.payment, terms) : undefined,
  ].filter((part) => part !== undefined);

  const tooltip = [
    `Job #${job.jobId}: ${job.name} (${job.status})`,
    `Resources: ${job.cores} core${job.cores === 1 ? '' : 's'}, ${job.memoryMb} MB, timeout ${job.timeoutSec} s`,
    `Provider: ${job.provider}`,
    `Price: ${formatTokens(job.pricePerCoreSecond, terms)} per core-second`,
    job.payment ? `Payment: ${costText(job.payment, terms)}` : undefined,
    `Manifest CID: ${job.manifestCid}`,
    job.resultCid ? `Result CID: ${job.resultCid}` : undefined,
    local ? `Posted: ${local.postedAt}` : `Posted in block ${job.postedBlock}`,
    job.startedAt === undefined ? undefined : `Started: ${isoSeconds(job.startedAt)}`,
    local?.finishedAt ? `Finished: ${local.finishedAt}` : undefined,
    isTerminal(job.status) ? undefined : `Deadline: ${isoSeconds(job.deadline)}`,
    job.failureReason ? `Failure: ${job.failureReason}` : undefined,
    local ? `File: ${local.fileUri}` : undefined,
    local?.outputs ? `Returned files: ${local.outputs.dir}` : undefined,
  ].filter((line) => line !== undefined);

  const flags = ['job'];
  if (!isTerminal(job.status)) flags.push('cancelable');
  if (job.resultCid) flags.push('hasResult');
  if (local) flags.push('rerunnable');
  return {
    id: `job-${job.jobId}`,
    label: job.name,
    description: description.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: statusIcon(job),
    contextValue: `:${flags.join(':')}:`,
  };
}

export function providerNodeModel(provider: ProviderView, terms: TokenTerms): NodeModel {
  const price = formatRate(provider.pricePerCoreSecond, terms);
  return {
    id: `provider-${provider.address}`,
    label: shortAddress(provider.address),
    description: `${provider.cores} cores · ${provider.memoryMb} MB · ${price} per core`,
    tooltip: [
      `Provider ${provider.address}`,
      `Capacity: ${provider.cores} cores, ${provider.memoryMb} MB`,
      `Price: ${price} per core while a job runs`,
      `Runtimes: ${provider.runtimes.join(', ') || 'none'}`,
      provider.endpoint ? `Log endpoint: ${provider.endpoint}` : undefined,
      provider.ipfsPeers.length ? `IPFS: ${provider.ipfsPeers.join(', ')}` : undefined,
    ]
      .filter((line) => line !== undefined)
      .join('\n'),
    icon: { id: 'server' },
    contextValue: ':provider:',
  };
}

/** "0x… CIDs" for Copy CIDs: manifest, then result when there is one. */
export const jobCids = (job: JobView) =>
  [`manifest ${job.manifestCid}`, job.resultCid ? `result ${job.resultCid}` : undefined]
    .filter((line) => line !== undefined)
    .join('\n');
