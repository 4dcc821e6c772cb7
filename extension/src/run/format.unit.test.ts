import * as assert from 'node:assert/strict';
import type { RunOutcome } from '@orange-cloud/sdk';
import { asBlock, doneLine, formatDuration, formatWei, shortAddress, stageLine } from './format.js';

const provider = '0xfc1668A74c816883c3037722fF4CC87dC77113e5' as const;

describe('format', () => {
  it('shortens addresses', () => assert.equal(shortAddress(provider), '0xfc16…13e5'));

  it('formats durations for people', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_345), '12.3 s');
    assert.equal(formatDuration(245_000), '4 min 05 s');
    assert.equal(formatDuration(7_380_000), '2 h 03 min');
  });

  it('formats wei as ETH without losing small amounts', () => {
    assert.equal(formatWei(0n), '0 ETH');
    assert.equal(formatWei(12_000_000_000_000n), '0.000012 ETH');
    assert.equal(formatWei(10n ** 18n), '1 ETH');
    assert.equal(formatWei(1_234_567_890_000_000_000n), '1.234567 ETH');
    assert.equal(formatWei(1n), '0.000000000000000001 ETH');
  });

  it('writes stage lines with their times', () => {
    assert.equal(
      stageLine(
        { stage: 'posted', jobId: 7n, txHash: `0x${'ab'.repeat(32)}`, maxCostWei: 6n * 10n ** 13n },
        124,
      ),
      '[+124 ms] posted job #7 (tx 0xabababab…), at most 0.00006 ETH',
    );
    assert.equal(
      stageLine({ stage: 'accepted', jobId: 7n, provider, pricePerCoreSecond: 1000n }, 1500),
      `[+1.5 s] accepted by ${provider} at 1000 wei per core-second`,
    );
    assert.equal(stageLine({ stage: 'running', jobId: 7n }, 2000), '[+2.0 s] running');
    assert.equal(
      stageLine({ stage: 'notice', jobId: 7n, message: 'no live output' }, 10),
      '[+10 ms] note: no live output',
    );
    assert.equal(
      stageLine({ stage: 'finished', jobId: 7n, status: 'cancelled' }, 10),
      '[+10 ms] cancelled',
    );
  });

  it('closes a run with status, exit code and time', () => {
    const outcome = {
      jobId: 3n,
      status: 'completed',
      exitCode: 1,
      failureReason: undefined,
    } as RunOutcome;
    assert.equal(doneLine(outcome, 2500), '[Done] job #3 completed, exit code 1, in 2.5 s');
    const expired = {
      jobId: 4n,
      status: 'expired',
      exitCode: null,
      failureReason: 'timed out',
    } as RunOutcome;
    assert.equal(doneLine(expired, 500), '[Done] job #4 expired, in 500 ms, (timed out)');
  });

  it('ends output blocks with exactly one newline', () => {
    assert.equal(asBlock('a'), 'a\n');
    assert.equal(asBlock('a\n'), 'a\n');
    assert.equal(asBlock(''), '');
  });
});
