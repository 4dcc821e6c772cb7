import { formatRate, formatTokens, type TokenTerms } from '@orange-cloud/sdk';
import type { NodeModel } from '../jobs/job-model.js';
import { formatDuration, shortAddress } from '../run/format.js';
import type { DaemonStatus } from './daemon-status.js';
import { earnedAt } from './earnings.js';

/** Where sharing is: what the view and the status bar say before any /status arrives. */
export type SharePhase =
  | { phase: 'stopped'; problem?: string }
  | { phase: 'starting'; detail: string }
  | { phase: 'sharing'; status?: DaemonStatus; problem?: string }
  | { phase: 'stopping' };

export interface ShareRow extends NodeModel {
  children: ShareRow[];
}

export interface ShareViewModel {
  rows: ShareRow[];
  /** Undefined while not sharing: the status bar item is hidden then. */
  statusBar: string | undefined;
  /** For the view's welcome content and menus (`orangeCloud.share.state`). */
  state: 'stopped' | 'starting' | 'online' | 'paused' | 'offline' | 'stopping';
}

const row = (
  id: string,
  label: string,
  description: string,
  icon: string,
  tooltip = '',
  children: ShareRow[] = [],
): ShareRow => ({
  id: `share:${id}`,
  label,
  description,
  tooltip: tooltip || `${label}: ${description}`,
  icon: { id: icon },
  contextValue: `share:${id.split(':')[0]}`,
  children,
});

/** The Share Compute view and the status bar, from the daemon's last /status and the clock. */
export function shareViewModel(
  share: SharePhase,
  terms: TokenTerms,
  nowMs: number,
): ShareViewModel {
  if (share.phase === 'stopped') {
    const rows = share.problem ? [row('problem', 'Not sharing', share.problem, 'warning')] : [];
    return { rows, statusBar: undefined, state: 'stopped' };
  }
  if (share.phase === 'starting') {
    return {
      rows: [row('phase', 'Starting', share.detail, 'loading~spin')],
      statusBar: '$(loading~spin) Sharing: starting',
      state: 'starting',
    };
  }
  if (share.phase === 'stopping') {
    return {
      rows: [row('phase', 'Stopping', 'running jobs finish first', 'loading~spin')],
      statusBar: '$(loading~spin) Sharing: stopping',
      state: 'stopping',
    };
  }
  const { status, problem } = share;
  if (!status) {
    return {
      rows: [row('phase', 'Starting', problem ?? 'waiting for the daemon', 'loading~spin')],
      statusBar: '$(loading~spin) Sharing: starting',
      state: 'starting',
    };
  }
  const { capacity } = status;
  const earned = formatTokens(earnedAt(status.earnings, nowMs), terms);
  const flow = BigInt(status.earnings.incomingFlowRateWei);
  const state = !status.online ? 'offline' : status.paused ? 'paused' : 'online';
  const headline = {
    online: status.registered
      ? ['Online', 'taking jobs', 'vm-running']
      : ['Online', 'registering the offer on the market', 'loading~spin'],
    paused: ['Paused', 'running jobs finish; no new jobs', 'debug-pause'],
    offline: ['Offline', problem ?? 'the chain or the daemon is not reachable', 'vm-outline'],
  }[state] as [string, string, string];
  const nowSec = Math.floor(nowMs / 1000);
  const running = status.running.map((job) =>
    row(
      `running:${job.jobId}`,
      `Job #${job.jobId}`,
      `${job.runtime} · ${shortAddress(job.requester)} · ${formatRate(BigInt(job.ratePerSecondWei), terms)} · ${formatDuration(Math.max(0, nowSec - job.startedAt) * 1000)}`,
      'sync~spin',
      `Job #${job.jobId} for ${job.requester}, ${job.runtime}, paying ${formatRate(BigInt(job.ratePerSecondWei), terms)}.`,
    ),
  );
  const served = status.served.map((job) =>
    row(
      `served:${job.jobId}`,
      `Job #${job.jobId}`,
      `${job.state} · ${job.runSeconds} s · earned ${formatTokens(BigInt(job.earnedWei), terms)}`,
      job.state === 'completed' ? 'pass' : 'circle-slash',
    ),
  );
  const rows = [
    row('state', headline[0], headline[1], headline[2], `Provider ${status.provider}`),
    row(
      'capacity',
      'Capacity in use',
      `${capacity.coresInUse}/${capacity.cores} cores · ${capacity.memoryMbInUse}/${capacity.memoryMb} MB`,
      'server',
    ),
    row(
      'earned',
      'Earned',
      flow > 0n ? `${earned} · +${formatRate(flow, terms)}` : earned,
      'credit-card',
      `Settled ${formatTokens(BigInt(status.earnings.settledWei), terms)}, plus the incoming payment flows since.`,
    ),
    row('running', 'Running', String(running.length), 'play', '', running),
    row('served', 'Served', String(served.length), 'history', '', served),
  ];
  const icon = state === 'paused' ? '$(debug-pause) Paused' : '$(server) Sharing';
  return {
    rows,
    statusBar: `${icon} ${capacity.coresInUse}/${capacity.cores} cores · ${earned}`,
    state,
  };
}
