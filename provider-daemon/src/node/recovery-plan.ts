import type { Address } from 'viem';
import type { JobView } from '@orange-cloud/sdk';
import type { JobContainer } from '../sandbox/types.js';
import type { EndedState, JobRecord } from '../state/types.js';

/** What a daemon found on start about an earlier run of itself. */
export interface RecoveryInput {
  /** This provider. */
  me: Address;
  nowSec: number;
  /** The market's jobs, read up to the chain's head. */
  chainJobs: Iterable<JobView>;
  /** The jobs the database has not seen end. */
  records: readonly JobRecord[];
  /** This daemon's job containers. */
  containers: readonly JobContainer[];
}

/** One thing to do about what an earlier run left; see planRecovery. */
export type RecoveryAction =
  /** Its container ran on (or ended) while the daemon was down: follow it, complete the job. */
  | {
      kind: 'resume';
      job: JobView;
      containerId: string;
      markerNonce: string;
      manifest: Uint8Array | undefined;
    }
  /** Hired, not started, its start window open: run it as a fresh hire. */
  | { kind: 'start'; job: JobView }
  | { kind: 'fail'; job: JobView; reason: string }
  /** Past its deadline a job can only be expired (which refunds the overrun). */
  | { kind: 'expire'; job: JobView }
  /** A container no job here will read. */
  | { kind: 'remove'; containerId: string; jobId: string }
  /** The job ended on chain while the daemon was down: write down how. */
  | {
      kind: 'record';
      jobId: bigint;
      state: EndedState;
      reason: string | undefined;
      /** The chain's view of it, when the chain knows it. */
      job: JobView | undefined;
    };

export const REASON_CONTAINER_GONE = "the provider restarted and the job's container was gone";
export const REASON_CANNOT_REATTACH =
  "the provider restarted and could not re-attach to the job's container";
export const REASON_START_INTERRUPTED = 'the provider restarted while starting the job';

const OPEN_ON_CHAIN = new Set(['accepted', 'running']);
const ENDED_ON_CHAIN: Partial<Record<JobView['status'], EndedState>> = {
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
};

/**
 * Decides, from the database, Docker and the chain, what becomes of every job an earlier run
 * of this daemon left open and every container it left behind. The rules, per job of this
 * provider still open on chain:
 * - past its deadline: expired, its containers removed;
 * - running on chain, with the container the database wrote down (and its marker nonce),
 *   started and running or ended: resumed (its output read back, the job completed);
 * - running on chain otherwise (no container, or one never started or not written down):
 *   failed with a reason, its containers removed;
 * - hired, not started: started afresh when no container of it exists, else failed (a
 *   container means a start was under way: never a second one).
 * Every other container of this daemon is removed, and jobs the database thought open but the
 * chain has ended are recorded as the chain says. A job is resumed or started at most once,
 * with at most one container: nothing runs twice.
 */
export function planRecovery(input: RecoveryInput): RecoveryAction[] {
  const me = input.me.toLowerCase();
  const actions: RecoveryAction[] = [];
  const records = new Map(input.records.map((r) => [r.jobId, r]));
  const containersOf = new Map<string, JobContainer[]>();
  for (const c of input.containers) {
    const list = containersOf.get(c.jobId) ?? [];
    list.push(c);
    containersOf.set(c.jobId, list);
  }
  const removeAll = (jobId: string, keep?: JobContainer) => {
    for (const c of containersOf.get(jobId) ?? [])
      if (c !== keep) actions.push({ kind: 'remove', containerId: c.containerId, jobId });
    containersOf.delete(jobId);
  };

  for (const job of input.chainJobs) {
    const key = job.jobId.toString();
    const record = records.get(job.jobId);
    records.delete(job.jobId);
    if (job.provider?.toLowerCase() !== me) continue;
    if (!OPEN_ON_CHAIN.has(job.status)) {
      removeAll(key);
      const ended = ENDED_ON_CHAIN[job.status];
      if (record && ended)
        actions.push({
          kind: 'record',
          jobId: job.jobId,
          state: ended,
          reason: job.failureReason,
          job,
        });
      continue;
    }
    const containers = containersOf.get(key) ?? [];
    if (job.deadline < input.nowSec) {
      removeAll(key);
      actions.push({ kind: 'expire', job });
      continue;
    }
    if (job.status === 'accepted') {
      if (containers.length > 0) {
        removeAll(key);
        actions.push({ kind: 'fail', job, reason: REASON_START_INTERRUPTED });
      } else {
        actions.push({ kind: 'start', job });
      }
      continue;
    }
    // Running on chain: only the container the database wrote down, once started, is the job's.
    const own = containers.find(
      (c) => c.containerId === record?.containerId && c.state !== 'created',
    );
    if (own && record?.markerNonce) {
      removeAll(key, own);
      actions.push({
        kind: 'resume',
        job,
        containerId: own.containerId,
        markerNonce: record.markerNonce,
        manifest: record.manifest,
      });
    } else {
      removeAll(key);
      const reason = containers.length === 0 ? REASON_CONTAINER_GONE : REASON_CANNOT_REATTACH;
      actions.push({ kind: 'fail', job, reason });
    }
  }
  for (const [jobId] of containersOf) removeAll(jobId);
  // Open here, unknown to the chain (a chain reset): nothing can be done for it any more.
  for (const record of records.values())
    actions.push({
      kind: 'record',
      jobId: record.jobId,
      state: 'failed',
      reason: 'the market does not know the job',
      job: undefined,
    });
  return actions;
}
