import type { JobView } from '@orange-cloud/sdk';
import type { Sandbox, StartedContainer } from '../sandbox/types.js';
import type { EndedState, JobLedger } from '../state/types.js';
import { hireRecord, jobEnd } from '../state/job-records.js';
import type { Logger } from '../logger.js';
import { providerAddress, type MarketEvents, type ProviderMarket } from './components.js';
import { planRecovery, type RecoveryAction } from './recovery-plan.js';

export interface RecoveryComponents {
  market: Pick<ProviderMarket, 'account' | 'failJob' | 'expireJob'>;
  events: Pick<MarketEvents, 'jobs'>;
  sandbox: Pick<Sandbox, 'containers' | 'remove'>;
  ledger: Pick<JobLedger, 'unfinished' | 'hired' | 'ended'>;
  log: Logger;
}

/** A job whose container an earlier run started: to be followed to its end. */
export interface ResumedJob {
  job: JobView;
  container: StartedContainer;
  /** Its manifest as first fetched, when kept. */
  manifest: Uint8Array | undefined;
}

/** What is left to run after recovery: the node runs these. */
export interface Recovered {
  resume: ResumedJob[];
  /** Hired and not started: run as fresh hires. */
  start: JobView[];
}

/**
 * What a daemon does on start about an earlier run of itself that died: reads the database,
 * its containers and the chain (planRecovery decides), ends on chain and writes down what
 * cannot go on, removes the containers nobody will read, and hands back the jobs to resume or
 * start. Needs the market's events read up to now.
 */
export class Recovery {
  private readonly c: RecoveryComponents;

  constructor(components: RecoveryComponents) {
    this.c = components;
  }

  async reconcile(): Promise<Recovered> {
    const { market, events, sandbox, ledger, log } = this.c;
    const actions = planRecovery({
      me: providerAddress(market),
      nowSec: nowSec(),
      chainJobs: events.jobs.values(),
      records: ledger.unfinished(),
      containers: await sandbox.containers(),
    });
    const recovered: Recovered = { resume: [], start: [] };
    for (const action of actions) {
      switch (action.kind) {
        case 'resume':
          recovered.resume.push({
            job: action.job,
            container: { containerId: action.containerId, markerNonce: action.markerNonce },
            manifest: action.manifest,
          });
          log.info('re-attaching to a job an earlier run started', {
            job: action.job.jobId,
            container: action.containerId.slice(0, 12),
          });
          break;
        case 'start':
          recovered.start.push(action.job);
          log.info('starting a job hired while the daemon was down', { job: action.job.jobId });
          break;
        case 'remove':
          await sandbox.remove(action.containerId);
          log.warn('removed a container left by an earlier run', {
            job: action.jobId,
            container: action.containerId.slice(0, 12),
          });
          break;
        case 'record': {
          // The chain says how long it ran (its completion records the seconds paid).
          const seconds = action.job?.runSeconds ?? 0;
          const rate = action.job ? action.job.pricePerCoreSecond * BigInt(action.job.cores) : 0n;
          ledger.ended(action.jobId, {
            state: action.state,
            reason: action.reason,
            endedAt: nowSec(),
            runSeconds: seconds,
            earnedWei: rate * BigInt(seconds),
          });
          break;
        }
        case 'fail':
        case 'expire':
          await this.end(action);
          break;
      }
    }
    // A container create the dead process had in flight can land after the listing above:
    // Docker finishes it without its client. Once those jobs are ended (a block later), sweep
    // again, keeping only the containers of jobs handed back.
    if (actions.some((a) => a.kind === 'fail' || a.kind === 'expire'))
      await this.removeStrays(recovered);
    return recovered;
  }

  private async removeStrays(recovered: Recovered): Promise<void> {
    const keep = new Set(recovered.resume.map((r) => r.container.containerId));
    const starting = new Set(recovered.start.map((j) => j.jobId.toString()));
    for (const c of await this.c.sandbox.containers()) {
      if (keep.has(c.containerId) || starting.has(c.jobId)) continue;
      await this.c.sandbox.remove(c.containerId);
      this.c.log.warn('removed a container left by an earlier run', { job: c.jobId });
    }
  }

  /** Fails (or, past its deadline, expires) a job that cannot go on, and writes it down. */
  private async end(action: Extract<RecoveryAction, { kind: 'fail' | 'expire' }>): Promise<void> {
    const { market, ledger, log } = this.c;
    const { job } = action;
    const reason = action.kind === 'fail' ? action.reason : undefined;
    const state: EndedState = action.kind === 'fail' ? 'failed' : 'expired';
    try {
      await (reason === undefined
        ? market.expireJob(job.jobId)
        : market.failJob(job.jobId, reason));
      log.warn('ended a job left by an earlier run', { job: job.jobId, state, reason });
    } catch (error) {
      log.warn('could not end a job left by an earlier run', {
        job: job.jobId,
        reason: (error as Error).message,
      });
    }
    ledger.hired(hireRecord(job, nowSec()));
    ledger.ended(job.jobId, jobEnd(job, state, reason, nowSec()));
  }
}

const nowSec = () => Math.floor(Date.now() / 1000);
