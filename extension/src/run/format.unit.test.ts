import * as assert from 'node:assert/strict';
import type { PaymentTerms, RunOutcome } from '@orange-cloud/sdk';
import {
  asBlock,
  doneLine,
  formatDuration,
  jobLine,
  noteText,
  runningLine,
  shortAddress,
  stageLine,
} from './format.js';

const provider = '0xfc1668A74c816883c3037722fF4CC87dC77113e5' as const;
const terms: PaymentTerms = {
  market: '0x0000000000000000000000000000000000000001',
  cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
  superToken: '0x0000000000000000000000000000000000000003',
  symbol: 'OTTx',
  decimals: 18,
  graceSec: 30,
};
const run = { timeoutSec: 60, terms };

describe('format', () => {
  it('shortens addresses', () => assert.equal(shortAddress(provider), '0xfc16…13e5'));

  it('formats durations for people', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_345), '12.3 s');
    assert.equal(formatDuration(245_000), '4 min 05 s');
    assert.equal(formatDuration(7_380_000), '2 h 03 min');
  });

  it('writes stage lines with their times, amounts in the payment token', () => {
    assert.equal(
      stageLine(
        {
          stage: 'quoted',
          quote: { rateWei: 2n * 10n ** 12n, maxCostWei: 18n * 10n ** 13n, terms },
        },
        40,
        run,
      ),
      '[+40 ms] rate at most 0.000002 OTTx/s, at most 0.00018 OTTx for 60 s + 30 s grace',
    );
    assert.equal(
      stageLine(
        {
          stage: 'quoted',
          quote: { rateWei: 2n * 10n ** 12n, maxCostWei: 18n * 10n ** 13n, terms },
          runtime: {
            runtime: 'python-data',
            descriptor: undefined,
            reason: 'python-data has numpy, which python3 lacks',
            provided: [{ name: 'numpy', distribution: 'numpy', version: '1.24.2' }],
            declared: [],
            optionalMissing: [],
            unsure: [],
          },
        },
        40,
        run,
      ),
      '[+40 ms] runtime python-data: python-data has numpy, which python3 lacks (numpy 1.24.2); rate at most 0.000002 OTTx/s, at most 0.00018 OTTx for 60 s + 30 s grace',
    );
    assert.equal(
      stageLine(
        { stage: 'posted', jobId: 7n, txHash: `0x${'ab'.repeat(32)}`, maxCostWei: 6n * 10n ** 13n },
        124,
        run,
      ),
      '[+124 ms] posted job #7 (tx 0xabababab…), at most 0.00006 OTTx',
    );
    assert.equal(
      stageLine(
        { stage: 'accepted', jobId: 7n, provider, pricePerCoreSecond: 10n ** 12n },
        1500,
        run,
      ),
      `[+1.5 s] accepted by ${provider} at 0.000001 OTTx per core-second`,
    );
    assert.equal(
      stageLine({ stage: 'running', jobId: 7n, rateWei: 2n * 10n ** 12n, startedAt: 1 }, 2000, run),
      '[+2.0 s] running, paying 0.000002 OTTx/s',
    );
    assert.equal(
      stageLine({ stage: 'running', jobId: 7n, rateWei: 0n, startedAt: 1 }, 2000, run),
      '[+2.0 s] running (free)',
    );
    assert.equal(
      stageLine({ stage: 'waiting', busyProviders: 2, waitSec: 120 }, 900, run),
      '[+900 ms] 2 providers that could run it are busy; waiting up to 120 s for one to free up (nothing is posted meanwhile)',
    );
    assert.equal(
      noteText({ stage: 'waiting', busyProviders: 1, waitSec: 30 }),
      'the provider that could run it is busy; waiting up to 30 s for one to free up (nothing is posted meanwhile)',
    );
    assert.equal(
      stageLine({ stage: 'notice', jobId: 7n, message: 'no live output' }, 10, run),
      '[+10 ms] note: no live output',
    );
    assert.equal(
      stageLine({ stage: 'finished', jobId: 7n, status: 'cancelled' }, 10, run),
      '[+10 ms] cancelled',
    );
  });

  it('closes a run with status, exit code, time and cost', () => {
    const outcome = {
      jobId: 3n,
      status: 'completed',
      exitCode: 1,
      failureReason: undefined,
      payment: {
        rateWei: 10n ** 12n,
        stopped: {
          streamedSeconds: 3,
          paidWei: 3n * 10n ** 12n,
          refundedWei: 0n,
          costWei: 3n * 10n ** 12n,
          exact: true,
        },
      },
      paymentTerms: terms,
    } as RunOutcome;
    assert.equal(
      doneLine(outcome, 2500),
      '[Done] exit 1 in 2.5 s, cost 0.000003 OTTx (0.000001 OTTx/s for 3 s)',
    );
    const expired = {
      jobId: 4n,
      status: 'expired',
      exitCode: null,
      failureReason: 'timed out',
      payment: undefined,
      paymentTerms: terms,
    } as RunOutcome;
    assert.equal(doneLine(expired, 500), '[Done] expired: timed out in 500 ms, nothing paid');
  });

  it('shows the time spent installing dependencies apart', () => {
    const installed = {
      jobId: 5n,
      status: 'completed',
      exitCode: 0,
      failureReason: undefined,
      payment: undefined,
      paymentTerms: terms,
      result: { timings: { durationMs: 3000, installMs: 1200 } },
    } as unknown as RunOutcome;
    assert.equal(
      doneLine(installed, 4500),
      '[Done] exit 0 in 4.5 s (1.2 s installing dependencies), nothing paid',
    );
  });

  it('opens a run with its file, cores and the most it can cost', () => {
    assert.equal(
      runningLine('main.py', 2, { maxCostWei: 9n * 10n ** 14n, rateWei: 10n ** 12n, terms }),
      '[Running] main.py on Orange Cloud (2 cores, at most 0.0009 OTTx)',
    );
    assert.equal(
      runningLine('hello.py', 1, { maxCostWei: 0n, rateWei: 0n, terms }),
      '[Running] hello.py on Orange Cloud (1 core, free)',
    );
    assert.equal(runningLine('a.py', 1, undefined), '[Running] a.py on Orange Cloud (1 core)');
  });

  it('puts the protocol details in one short line', () => {
    assert.equal(
      jobLine(
        7n,
        { provider, pricePerCoreSecond: 10n ** 13n },
        `0x5f2a9c01${'ab'.repeat(28)}`,
        terms,
      ),
      '[Job #7] provider 0xfc16…13e5, 0.00001 OTTx per core-second, tx 0x5f2a9c01…',
    );
    assert.equal(
      jobLine(8n, { provider, pricePerCoreSecond: 0n }, undefined, terms),
      '[Job #8] provider 0xfc16…13e5, free',
    );
  });

  it('says why a cancelled run with an exit code ended', () => {
    const cancelled = {
      jobId: 9n,
      status: 'cancelled',
      exitCode: 137,
      failureReason: undefined,
      payment: undefined,
      paymentTerms: terms,
    } as RunOutcome;
    assert.equal(doneLine(cancelled, 5100), '[Done] cancelled (exit 137) in 5.1 s, nothing paid');
  });

  it('ends output blocks with exactly one newline', () => {
    assert.equal(asBlock('a'), 'a\n');
    assert.equal(asBlock('a\n'), 'a\n');
    assert.equal(asBlock(''), '');
  });
});
