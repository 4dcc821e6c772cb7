import { Counter, Gauge, Registry } from 'prom-client';
import { END_STATES } from './job-observer.js';
import type { Activity } from './activity.js';

/** What the metrics read at each scrape besides the activity. */
export interface MetricsSources {
  activity: Pick<Activity, 'snapshot' | 'running'>;
  /** The cores and memory offered, and those held by offers out and jobs hired. */
  capacity(): { cores: number; memoryMb: number; coresInUse: number; memoryMbInUse: number };
  /** Whether the operator paused intake. */
  paused(): boolean;
  /** The chain head minus the market index's last block read; undefined when unreadable. */
  chainLag(): Promise<number | undefined>;
}

/**
 * The daemon's Prometheus metrics (a registry of its own: no process collectors, only what a
 * provider operator watches). Every value is read from its source at scrape time, so the
 * counters are the activity's totals and cannot drift from the jobs really run.
 */
export function providerMetrics(sources: MetricsSources): Registry {
  const registry = new Registry();
  const registers = [registry];
  const totals = () => sources.activity.snapshot();
  new Counter({
    name: 'orange_provider_jobs_total',
    help: 'Jobs that ended here, by how they ended.',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      const { jobs } = totals();
      for (const state of END_STATES) this.labels({ state }).inc(jobs[state]);
    },
  });
  const counter = (name: string, help: string, value: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(value());
      },
    });
  const gauge = (name: string, help: string, value: () => number | Promise<number | undefined>) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        // An unreadable value keeps the last one read (the RPC error is counted apart).
        const v = await value();
        if (v !== undefined) this.set(v);
      },
    });
  counter(
    'orange_provider_run_seconds_total',
    'Seconds jobs ran here, from their mined start to their end.',
    () => totals().runSeconds,
  );
  counter(
    'orange_provider_earned_wei_total',
    'Token wei the payment flows of ended jobs paid (as a float: exact below 2^53).',
    () => Number(totals().settledWei),
  );
  counter(
    'orange_provider_rpc_errors_total',
    'RPC calls that failed and were retried later.',
    () => totals().rpcErrors,
  );
  gauge(
    'orange_provider_jobs_running',
    'Jobs running now.',
    () => sources.activity.running().length,
  );
  gauge('orange_provider_cores_offered', 'Cores offered.', () => sources.capacity().cores);
  gauge(
    'orange_provider_memory_mb_offered',
    'Memory offered (MB).',
    () => sources.capacity().memoryMb,
  );
  gauge(
    'orange_provider_cores_in_use',
    'Cores held by offers out and jobs hired.',
    () => sources.capacity().coresInUse,
  );
  gauge(
    'orange_provider_memory_mb_in_use',
    'Memory (MB) held by offers out and jobs hired.',
    () => sources.capacity().memoryMbInUse,
  );
  gauge('orange_provider_paused', '1 while the operator paused intake.', () =>
    sources.paused() ? 1 : 0,
  );
  gauge(
    'orange_provider_chain_lag_blocks',
    'The chain head minus the last block the market index read.',
    () => sources.chainLag(),
  );
  return registry;
}
