import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { grantKeyFrag, publicKeyFromHex, runJob } from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from '../testing/local-network.js';
import { hireTestJob, sealTestJob, testOffer } from '../testing/sealed-job.js';
import { parsePrometheusText, sampleValue } from '../testing/prometheus-text.js';
import type { ProviderStatus } from '../observe/provider-status.js';
import type { AdminFile } from './admin-file.js';

const PRICE = 10n ** 12n; // token wei per core-second

/**
 * The admin endpoint over a real node (anvil, Superfluid, IPFS, Docker): its metrics parse as
 * Prometheus text and count the jobs really run and what they were paid; pause makes the desk
 * decline so no job is taken, resume takes them again.
 */
describe('admin endpoint: metrics, status and pause on a real provider', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let requester: TestRequester;
  let admin: AdminFile;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider({ pricePerCoreSecond: PRICE }, { admin: true });
    requester = await net.addRequester();
    for (const addr of provider.store.addresses()) await requester.store.connect(addr);
    admin = JSON.parse(await readFile(join(provider.stateDir, 'admin.json'), 'utf8')) as AdminFile;
  });
  after(() => net?.stop());

  const metrics = async () => {
    const res = await fetch(`${admin.url}/metrics`);
    assert.equal(res.status, 200);
    return parsePrometheusText(await res.text());
  };
  const post = (path: string) =>
    fetch(admin.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
    });
  const status = async () => {
    const res = await fetch(`${admin.url}/status`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(res.status, 200);
    return (await res.json()) as ProviderStatus;
  };
  const hello = () =>
    runJob(requester, {
      fileName: 'hello.py',
      source: new TextEncoder().encode('import time\ntime.sleep(2)\nprint("hello")\n'),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 30,
    });

  it('names the endpoint in admin.json and is healthy once started', async () => {
    assert.equal(admin.provider, provider.wallet.account.address);
    assert.equal(admin.pid, process.pid);
    assert.match(admin.token, /^[0-9a-f]{64}$/);
    const res = await fetch(`${admin.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
  });

  it('counts a completed and a failed job, their run seconds and what the flow paid', async () => {
    const completed = await hello();
    assert.equal(completed.status, 'completed', completed.failureReason);
    const cost = completed.payment?.stopped?.costWei;
    assert.ok(cost && cost > 0n, 'the run was paid');
    // A job whose manifest is not one: the daemon fails it without running it.
    const signed = await testOffer(requester, provider);
    const junk = await requester.store.put(new TextEncoder().encode('{"not":"a manifest"}'));
    const { keys } = await sealTestJob(requester, signed);
    const failed = await hireTestJob(
      requester,
      signed,
      junk,
      grantKeyFrag(keys, publicKeyFromHex(signed.offer.jobPublicKey)),
    );
    assert.equal(failed.status, 'failed');

    // The provider's index sees the PaymentStopped of the completed job a sync after the
    // requester's: wait for that state, then read every figure from one scrape.
    let m = await metrics();
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; m = await metrics()) {
      if (sampleValue(m, 'orange_provider_earned_wei_total')! > 0) break;
      await new Promise((r) => setTimeout(r, 100)); // polls the state it waits for
    }
    const s = await status();
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'completed' }), 1);
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'failed' }), 1);
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'cancelled' }), 0);
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'expired' }), 0);
    assert.equal(sampleValue(m, 'orange_provider_jobs_running'), 0);
    assert.equal(sampleValue(m, 'orange_provider_earned_wei_total'), Number(cost));
    assert.equal(sampleValue(m, 'orange_provider_cores_offered'), 2);
    assert.equal(sampleValue(m, 'orange_provider_paused'), 0);
    const lag = sampleValue(m, 'orange_provider_chain_lag_blocks');
    assert.ok(lag !== undefined && lag >= 0, `chain lag ${lag}`);

    // The run seconds: the completed job's (it slept 2 s), the failed one never started.
    const runSeconds = sampleValue(m, 'orange_provider_run_seconds_total')!;
    const [newest, older] = s.served;
    assert.deepEqual(
      [newest?.jobId, newest?.state, newest?.runSeconds],
      [failed.jobId.toString(), 'failed', 0],
    );
    assert.equal(older?.jobId, completed.jobId.toString());
    assert.equal(older?.state, 'completed');
    assert.ok(older!.runSeconds >= 2, `ran ${older!.runSeconds} s`);
    assert.ok(
      Math.abs(runSeconds - older!.runSeconds) < 0.001,
      `${runSeconds} vs ${older!.runSeconds}`,
    );
    // Earnings as the flow paid them; they are what the requester was charged.
    assert.equal(older!.earnedWei, cost.toString());
    assert.equal(s.earnings.settledWei, cost.toString());
    assert.deepEqual(s.counts, { completed: 1, failed: 1, cancelled: 0, expired: 0 });
    assert.equal(s.online, true);
    assert.equal(s.registered, true);
    assert.deepEqual(s.running, []);
  });

  it('pause: quotes are declined "paused" and no job is taken; resume: taken again', async () => {
    const paused = await post('/pause');
    assert.equal(paused.status, 200);
    assert.equal(((await paused.json()) as ProviderStatus).paused, true);
    assert.equal(sampleValue(await metrics(), 'orange_provider_paused'), 1);
    await assert.rejects(testOffer(requester, provider), /HTTP 409.*PAUSED/);
    const before = [...requester.index.jobs.values()].length;
    await assert.rejects(hello(), /No offer to run the job[\s\S]*PAUSED/);
    assert.equal([...requester.index.jobs.values()].length, before, 'nothing was hired');
    assert.deepEqual((await status()).counts, {
      completed: 1,
      failed: 1,
      cancelled: 0,
      expired: 0,
    });

    const resumed = await post('/resume');
    assert.equal(((await resumed.json()) as ProviderStatus).paused, false);
    const taken = await hello();
    assert.equal(taken.status, 'completed', taken.failureReason);
    const m = await metrics();
    assert.equal(sampleValue(m, 'orange_provider_jobs_total', { state: 'completed' }), 2);
    assert.equal(sampleValue(m, 'orange_provider_paused'), 0);
  });
});
