import * as assert from 'node:assert/strict';
import {
  costAmount,
  costSoFar,
  costText,
  type JobPayment,
  type PaymentTerms,
} from '@orange-cloud/sdk';
import { quoteText, runningCostText } from './payment-text.js';

const terms: PaymentTerms = {
  market: '0x0000000000000000000000000000000000000001',
  cfaV1Forwarder: '0x0000000000000000000000000000000000000002',
  superToken: '0x0000000000000000000000000000000000000003',
  symbol: 'OTTx',
  decimals: 18,
  graceSec: 30,
};
const micro = 10n ** 12n; // 0.000001 OTTx
const stopped = (overrides: Partial<NonNullable<JobPayment['stopped']>> = {}): JobPayment => ({
  rateWei: 2n * micro,
  stopped: {
    streamedSeconds: 10,
    refundedWei: 0n,
    costWei: 20n * micro,
    flowWasLive: true,
    ...overrides,
  },
});

describe('payment text', () => {
  it('quotes the rate and the most a run can cost, grace included', () => {
    assert.equal(
      quoteText({ rateWei: 2n * micro, maxCostWei: 180n * micro, terms }, 60),
      'rate at most 0.000002 OTTx/s, at most 0.00018 OTTx for 60 s + 30 s grace',
    );
  });

  it('says when a run is free', () => {
    assert.match(quoteText({ rateWei: 0n, maxCostWei: 0n, terms }, 60), /^free/);
  });

  it('counts the seconds paid from the chain start, never below zero', () => {
    assert.deepEqual(costSoFar(2n * micro, 1_000, 1_012_900), {
      seconds: 12,
      costWei: 24n * micro,
    });
    // Our clock behind the block's timestamp.
    assert.deepEqual(costSoFar(2n * micro, 1_000, 999_000), { seconds: 0, costWei: 0n });
    assert.equal(
      runningCostText(2n * micro, 1_000, 1_012_000, terms),
      '12 s, 0.000024 OTTx so far',
    );
  });

  it('states the exact cost of a run whose flow was live to the end', () => {
    assert.equal(costText(stopped(), terms), 'cost 0.00002 OTTx (0.000002 OTTx/s for 10 s)');
    assert.equal(costAmount(stopped(), terms), '0.00002 OTTx');
  });

  it('says "at most" when the flow had stopped before the job ended', () => {
    const bound = stopped({ flowWasLive: false });
    assert.equal(
      costText(bound, terms),
      'cost at most 0.00002 OTTx (0.000002 OTTx/s for 10 s; the payment flow had stopped before the job ended)',
    );
    assert.equal(costAmount(bound, terms), 'at most 0.00002 OTTx');
  });

  it('mentions an overrun refund', () => {
    assert.match(
      costText(stopped({ refundedWei: 4n * micro, costWei: 16n * micro }), terms),
      /^cost 0.000016 OTTx \(0.000002 OTTx\/s for 10 s, 0.000004 OTTx overrun refunded\)$/,
    );
  });

  it('shows the rate of a payment that is still flowing', () => {
    const flowing: JobPayment = { rateWei: 2n * micro, stopped: undefined };
    assert.equal(costText(flowing, terms), 'paying 0.000002 OTTx/s');
    assert.equal(costAmount(flowing, terms), 'paying 0.000002 OTTx/s');
  });
});
