import assert from 'node:assert/strict';
import { hiredJob } from '../node/test-fakes.js';
import { parsePrometheusText, sampleValue } from '../testing/prometheus-text.js';
import { Activity } from './activity.js';
import { providerMetrics, type MetricsSources } from './provider-metrics.js';

const clock = { ms: 1_764_470_000_000, nowMs: () => clock.ms };

function setup(overrides: Partial<MetricsSources> = {}) {
  const activity = new Activity(undefined, clock);
  const registry = providerMetrics({
    activity,
    capacity: () => ({ cores: 2, memoryMb: 2048, coresInUse: 1, memoryMbInUse: 512 }),
    paused: () => false,
    chainLag: async () => 3,
    ...overrides,
  });
  const scrape = async () => parsePrometheusText(await registry.metrics());
  return { activity, scrape };
}

describe('provider metrics', () => {
  it('renders valid Prometheus text with every metric of the spec, typed', async () => {
    const { scrape } = setup();
    const m = await scrape();
    const expected: Record<string, string> = {
      orange_provider_jobs_total: 'counter',
      orange_provider_run_seconds_total: 'counter',
      orange_provider_earned_wei_total: 'counter',
      orange_provider_rpc_errors_total: 'counter',
      orange_provider_jobs_running: 'gauge',
      orange_provider_cores_offered: 'gauge',
      orange_provider_memory_mb_offered: 'gauge',
      orange_provider_cores_in_use: 'gauge',
      orange_provider_memory_mb_in_use: 'gauge',
      orange_provider_paused: 'gauge',
      orange_provider_chain_lag_blocks: 'gauge',
    };
    for (const [name, type] of Object.entries(expected))
      assert.equal(m.types.get(name), type, name);
    // Its own registry: no process collectors.
    assert.ok(m.samples.every((s) => s.name.startsWith('orange_provider_')));
    for (const state of ['completed', 'failed', 'cancelled', 'expired'])
      assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state }), 0);
    assert.equal(sampleValue(m, 'orange_provider_cores_in_use'), 1);
    assert.equal(sampleValue(m, 'orange_provider_memory_mb_offered'), 2048);
    assert.equal(sampleValue(m, 'orange_provider_chain_lag_blocks'), 3);
    assert.equal(sampleValue(m, 'orange_provider_paused'), 0);
  });

  it('counts the jobs as they end, their run seconds, what they were paid and RPC errors', async () => {
    const { activity, scrape } = setup();
    const paid = hiredJob(1n, { cores: 2, pricePerCoreSecond: 1000n });
    activity.jobRunning(paid, clock.ms);
    assert.equal(sampleValue(await scrape(), 'orange_provider_jobs_running'), 1);
    activity.jobEnded(paid, { state: 'completed', runSeconds: 3.5 });
    activity.jobEnded(hiredJob(2n), { state: 'failed', runSeconds: 0 });
    activity.jobPaid(1n, 7000n);
    activity.jobPaid(1n, 7000n); // the same PaymentStopped seen again counts once
    activity.rpcError();
    const m = await scrape();
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'completed' }), 1);
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'failed' }), 1);
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'cancelled' }), 0);
    assert.equal(sampleValue(m, 'orange_provider_jobs_running'), 0);
    assert.equal(sampleValue(m, 'orange_provider_run_seconds_total'), 3.5);
    assert.equal(sampleValue(m, 'orange_provider_earned_wei_total'), 7000);
    assert.equal(sampleValue(m, 'orange_provider_rpc_errors_total'), 1);
    // Scraping again changes nothing: counters are the totals, not increments per scrape.
    assert.deepEqual((await scrape()).samples, m.samples);
  });

  it('keeps the last chain lag read when the head cannot be read', async () => {
    let lag: number | undefined = 4;
    const { scrape } = setup({ chainLag: async () => lag });
    assert.equal(sampleValue(await scrape(), 'orange_provider_chain_lag_blocks'), 4);
    lag = undefined;
    assert.equal(sampleValue(await scrape(), 'orange_provider_chain_lag_blocks'), 4);
  });

  it('shows the pause as 1', async () => {
    const { scrape } = setup({ paused: () => true });
    assert.equal(sampleValue(await scrape(), 'orange_provider_paused'), 1);
  });
});

describe('activity: running and served jobs for /status', () => {
  it('lists a running job with its rate, then serves it with its earnings, newest first', () => {
    const activity = new Activity(undefined, clock);
    const job = hiredJob(12n, { cores: 2, pricePerCoreSecond: 500n });
    activity.jobRunning(job, clock.ms);
    activity.incomingFlow(1000n);
    assert.deepEqual(activity.running(), [
      {
        jobId: '12',
        requester: job.requester,
        startedAt: clock.ms / 1000,
        ratePerSecondWei: '1000',
        runtime: 'python3',
      },
    ]);
    assert.equal(activity.incomingFlowRateWei(), 1000n);
    clock.ms += 3000;
    activity.jobEnded(job, { state: 'completed', runSeconds: 3 });
    activity.jobEnded(hiredJob(13n), { state: 'cancelled', runSeconds: 0 });
    // Estimated from the rate until the market's PaymentStopped says what the flow paid.
    assert.equal(activity.served.recent(5)[1]!.earnedWei, '3000');
    activity.jobPaid(12n, 2900n);
    const served = activity.served.recent(5);
    assert.deepEqual(
      served.map((j) => [j.jobId, j.state, j.runSeconds, j.earnedWei]),
      [
        ['13', 'cancelled', 0, '0'],
        ['12', 'completed', 3, '2900'],
      ],
    );
    assert.equal(activity.incomingFlowRateWei(), 0n); // nothing runs: no flow comes in
    assert.deepEqual(activity.served.counts(), {
      completed: 1,
      failed: 0,
      cancelled: 1,
      expired: 0,
    });
    assert.equal(activity.snapshot().settledWei, 2900n);
  });

  it('takes a payment seen before the run ended as the earnings', () => {
    const activity = new Activity(undefined, clock);
    const job = hiredJob(5n, { pricePerCoreSecond: 10n });
    activity.jobRunning(job, clock.ms);
    activity.jobPaid(5n, 42n);
    activity.jobEnded(job, { state: 'completed', runSeconds: 9 });
    assert.equal(activity.served.recent(1)[0]!.earnedWei, '42');
  });

  it('keeps the newest 50 served', () => {
    const activity = new Activity(undefined, clock);
    for (let i = 1n; i <= 60n; i++)
      activity.jobEnded(hiredJob(i), { state: 'failed', runSeconds: 0 });
    const served = activity.served.recent(100);
    assert.equal(served.length, 50);
    assert.equal(served[0]!.jobId, '60');
    assert.equal(activity.served.counts().failed, 60);
  });
});

describe('prometheus text reader (the check the tests rely on)', () => {
  it('rejects what is not Prometheus text', () => {
    assert.throws(() => parsePrometheusText('orange 1 2 3 4'), /not a sample/);
    assert.throws(() => parsePrometheusText('a{b=c} 1'), /bad labels/);
    assert.throws(() => parsePrometheusText('a one'), /bad value/);
    assert.throws(() => parsePrometheusText('a 1\n# TYPE a counter'), /TYPE of a/);
    assert.equal(sampleValue(parsePrometheusText('a{b="x\\"y"} 2.5'), 'a', { b: 'x"y' }), 2.5);
  });
});
