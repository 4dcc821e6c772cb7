import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { parseUnits, type Address } from 'viem';
import {
  OrangeError,
  authorizeMarket,
  cfaV1ForwarderAbi,
  grantKeyFrag,
  publicKeyFromHex,
  readFlowRate,
  revokeMarket,
  runJob,
  superTokenAbi,
  type PaymentTerms,
} from '@orange-cloud/sdk';
import { LocalNetwork, type TestProvider, type TestRequester } from './testing/local-network.js';
import { hireTestJob, sealTestJob, testOffer } from './testing/sealed-job.js';
import { JOB_LABEL } from './sandbox/index.js';

const PRICE = 10n ** 12n; // token wei per core-second

/**
 * Streaming payments on a devnet with the real Superfluid framework, a real daemon and Docker:
 * a requester pays for exactly the seconds its job ran, and a provider never runs unpaid.
 */
describe('pay per second: Superfluid flows around real runs', function () {
  this.timeout(180_000);
  let net: LocalNetwork;
  let provider: TestProvider;
  let terms: PaymentTerms;

  before(async () => {
    net = await LocalNetwork.start();
    provider = await net.addProvider({ pricePerCoreSecond: PRICE }, { paymentCheckMs: 300 });
    const probe = await net.addRequester(undefined, { authorizePayments: false });
    terms = await probe.market.paymentTerms();
  });
  after(() => net?.stop());

  const balanceOf = (requester: TestRequester, who: Address) =>
    requester.market.publicClient.readContract({
      address: terms.superToken,
      abi: superTokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });

  const source = (text: string) => new TextEncoder().encode(text);

  it('bills a 5 s job rate x the seconds it ran, to the second', async () => {
    const requester = await net.addRequester();
    const me = requester.wallet.account.address;
    const them = provider.wallet.account.address;
    const [mineBefore, theirsBefore] = [
      await balanceOf(requester, me),
      await balanceOf(requester, them),
    ];
    let quotedRate = -1n;
    let runningRate = -1n;
    const outcome = await runJob(
      requester,
      {
        fileName: 'sleep5.py',
        source: source('import time\ntime.sleep(5)\nprint("slept")\n'),
        cores: 2,
        memoryMb: 256,
        timeoutSec: 30,
      },
      (stage) => {
        if (stage.stage === 'quoted') quotedRate = stage.quote.rateWei;
        if (stage.stage === 'running') runningRate = stage.rateWei;
      },
    );
    assert.equal(outcome.status, 'completed', outcome.failureReason);
    assert.equal(outcome.stdout, 'slept\n');
    assert.equal(quotedRate, 2n * PRICE, 'the quote before posting');
    assert.equal(runningRate, 2n * PRICE, 'the flow while running');

    const stopped = outcome.payment?.stopped;
    assert.ok(stopped, 'payment stopped');
    assert.equal(stopped.exact, true);
    assert.equal(stopped.refundedWei, 0n);
    assert.equal(stopped.costWei, 2n * PRICE * BigInt(stopped.streamedSeconds));
    // Billed seconds are block timestamps (1 s apart at most on anvil): the container's own
    // run time, give or take the block the start and the completion each landed in.
    const ran = outcome.result!.timings.durationMs / 1000;
    assert.ok(
      stopped.streamedSeconds >= Math.floor(ran) && stopped.streamedSeconds <= Math.ceil(ran) + 1,
      `billed ${stopped.streamedSeconds} s for a ${ran} s run`,
    );
    // The tokens moved are exactly the reported cost, and nothing streams afterwards.
    assert.equal(theirsBefore + stopped.costWei, await balanceOf(requester, them));
    assert.equal(mineBefore - stopped.costWei, await balanceOf(requester, me));
    assert.equal(await readFlowRate(requester.market.publicClient, terms, me, them), 0n);
  });

  it('bills a run that ends in the second it started for 1 s: the provider waits, it does not fail', async () => {
    const requester = await net.addRequester();
    const outcome = await runJob(requester, {
      fileName: 'hello.py',
      source: source('print("hi")\n'),
      cores: 1,
      memoryMb: 256,
      timeoutSec: 10,
    });
    assert.equal(outcome.status, 'completed', outcome.failureReason);
    const stopped = outcome.payment?.stopped;
    assert.ok(stopped);
    assert.ok(stopped.streamedSeconds >= 1, `billed ${stopped.streamedSeconds} s`);
    assert.equal(stopped.costWei, PRICE * BigInt(stopped.streamedSeconds));
    const job = requester.index.jobs.get(outcome.jobId)!;
    assert.ok((job.runSeconds ?? 0) >= 1, `ran ${job.runSeconds} s on chain`);
  });

  it('stops and fails a job whose requester deletes the flow mid-run, keeping the output so far', async () => {
    const requester = await net.addRequester();
    const me = requester.wallet.account.address;
    const them = provider.wallet.account.address;
    let jobId = 0n;
    let deleted: Promise<unknown> | undefined;
    let streamed = '';
    // The requester stops paying, behind the market's back.
    const stopPaying = () => {
      deleted ??= requester.market.walletClient!.writeContract({
        address: terms.cfaV1Forwarder,
        abi: cfaV1ForwarderAbi,
        functionName: 'setFlowrate',
        args: [terms.superToken, them, 0n],
      });
    };
    let fallback: NodeJS.Timeout | undefined;
    const outcome = await runJob(
      requester,
      {
        fileName: 'ticks.py',
        source: source(
          'import time\nfor i in range(300):\n    print(f"tick {i}", flush=True)\n    time.sleep(0.2)\n',
        ),
        cores: 1,
        memoryMb: 256,
        timeoutSec: 60,
      },
      (stage) => {
        if (stage.stage === 'posted') jobId = stage.jobId;
        // Once the script has printed two lines (not a fixed time after the start: under load
        // the container may not print by then), or 8 s into the run should the live output
        // not come: this test is about the payment, live output has its own.
        if (stage.stage === 'running') fallback = setTimeout(stopPaying, 8_000);
        if (stage.stage === 'output') streamed += new TextDecoder().decode(stage.data);
        if (streamed.includes('tick 1\n')) stopPaying();
      },
    );
    clearTimeout(fallback);
    assert.ok(deleted, `the flow was never deleted (live output: ${outcome.live?.reason ?? 'ok'})`);
    await deleted;
    const lines = outcome.stdout.split('\n').length - 1;
    assert.equal(outcome.status, 'failed', `it ${outcome.status} after ${lines} lines`);
    assert.match(outcome.failureReason ?? '', /payment flow stopped/);
    assert.match(outcome.stdout, /^tick 0\ntick 1\n/, 'the output until the stop');
    assert.ok(outcome.stdout.split('\n').length < 100, 'stopped long before the script ended');
    assert.equal(outcome.payment?.stopped?.exact, false);
    assert.equal(await readFlowRate(requester.market.publicClient, terms, me, them), 0n);
    const containers = await new Docker().listContainers({
      all: true,
      filters: { label: [`${JOB_LABEL}=${jobId}`] },
    });
    assert.equal(containers.length, 0, 'the container is gone');
  });

  it('fails, without running it, a job whose requester revoked the market after posting', async () => {
    const requester = await net.addRequester();
    await revokeMarket(requester.market.walletClient!, requester.market.publicClient, terms);
    for (const addr of provider.store.addresses()) await requester.store.connect(addr);
    const signed = await testOffer(requester, provider);
    const { manifestCid, keys } = await sealTestJob(requester, signed, {
      source: 'print("should never run")\n',
    });
    const ended = await hireTestJob(
      requester,
      signed,
      manifestCid,
      grantKeyFrag(keys, publicKeyFromHex(signed.offer.jobPublicKey)),
    );
    assert.equal(ended.status, 'failed');
    assert.match(ended.failureReason ?? '', /not authorized the market to stream its payments/);
    assert.equal(ended.startedAt, undefined, 'never started');
    assert.equal(ended.payment, undefined, 'never streamed');
  });

  it('refuses before posting when the requester cannot pay for the whole run', async () => {
    const poor = await net.fundedWallet();
    const requester = await net.addRequester(poor);
    // An allowance large enough that only the balance can be what stops the run.
    await authorizeMarket(
      requester.market.walletClient!,
      requester.market.publicClient,
      terms,
      parseUnits('100', 18),
    );
    const run = runJob(requester, {
      fileName: 'big.py',
      source: source('print(1)\n'),
      cores: 2,
      memoryMb: 256,
      timeoutSec: 10,
      // A price ceiling so high that 2 cores for 40 s cost more than 1000 tokens.
      maxPricePerCoreSecond: parseUnits('13', 18),
    });
    await assert.rejects(run, (error: unknown) => {
      assert.ok(error instanceof OrangeError);
      assert.equal(error.code, 'PAY_CANNOT_AFFORD');
      assert.match(error.message, /costs? up to 1040 OTTx/);
      assert.match(error.message, /Nothing was posted/);
      return true;
    });
    assert.deepEqual(requester.index.jobsOf(poor.account.address), []);
  });
});
