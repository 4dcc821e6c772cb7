import assert from 'node:assert/strict';
import type { JobPayment } from './job-payment.js';
import type { PaymentStatus } from '../requester/session.js';
import { costAmount, costSoFar, costText, type PaymentTerms } from './payment-terms.js';
import {
  authorizationLines,
  authorizationPrompt,
  quoteLine,
  quoteText,
  runningCostLine,
  runningCostText,
  runningLine,
  runningText,
} from './payment-text.js';

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
    paidWei: 20n * micro,
    refundedWei: 0n,
    costWei: 20n * micro,
    exact: true,
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

  it('says "at least" when the flow was changed outside the market', () => {
    const bound = stopped({ exact: false });
    assert.equal(
      costText(bound, terms),
      'cost at least 0.00002 OTTx (0.000002 OTTx/s for 10 s; the payment flow was changed outside the market)',
    );
    assert.equal(costAmount(bound, terms), 'at least 0.00002 OTTx');
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

  it("quotes in the terminal's words too", () => {
    assert.equal(
      quoteLine({ rateWei: 2n * micro, maxCostWei: 180n * micro, terms }, 60),
      'rate at most 0.000002 OTTx/s; the run costs at most 0.00018 OTTx (60 s + 30 s grace)',
    );
    assert.equal(
      quoteLine({ rateWei: 0n, maxCostWei: 0n, terms }, 60),
      'free: every fitting provider runs it at no charge',
    );
  });

  it("says a run started and what it pays, in both shells' words", () => {
    assert.equal(runningText(2n * micro, terms), 'running, paying 0.000002 OTTx/s');
    assert.equal(runningText(0n, terms), 'running (free)');
    assert.equal(runningLine(2n * micro, terms), 'running, paying 0.000002 OTTx/s while it runs');
    assert.equal(runningLine(0n, terms), 'running (free)');
    assert.equal(
      runningCostLine(2n * micro, 1_000, 1_012_000, terms),
      '12 s so far: 0.000024 OTTx',
    );
  });
});

describe('authorization text', () => {
  const authTerms: PaymentTerms = {
    ...terms,
    market: '0x00000000000000000000000000000000000000aa',
  };
  const status = (authorization: PaymentStatus['authorization']): PaymentStatus => ({
    terms: authTerms,
    availableWei: 1000n * 10n ** 18n,
    authorization,
  });
  const notYet = status({ permissions: 0, flowRateAllowance: 0n, complete: false });

  it('tells the terminal what the market may do, the spending limit in job starts, and how to revoke', () => {
    const lines = authorizationLines(authTerms, 10n ** 16n, micro);
    assert.equal(
      lines[0],
      'authorizing market 0x00000000000000000000000000000000000000aa as operator of your OTTx flows:',
    );
    assert.match(
      lines[3]!,
      /spending limit: at most 0.01 OTTx\/s across the jobs you start, counted at each start \(about 10000 one-core job starts at the highest current price, 0.000001 OTTx\/s per core\)$/,
    );
    assert.match(lines[4]!, /cannot transfer your tokens otherwise; `npx orange pay revoke`/);
    assert.doesNotMatch(
      authorizationLines(authTerms, 10n ** 16n, 0n).join('\n'),
      /one-core job starts/,
    );
  });

  it('says exactly what is allowed: market, rights, spending limit, job starts, revoking', () => {
    const { message, detail } = authorizationPrompt(notYet, 10n ** 16n, micro);
    assert.match(message, /Authorize the Orange Cloud market to stream payments in OTTx\?/);
    assert.match(detail, /Market: 0x00000000000000000000000000000000000000aa/);
    assert.match(
      detail,
      /open, raise, lower and close payment flows from this wallet to providers/,
    );
    assert.match(detail, /only for this wallet's jobs while they run/);
    assert.match(detail, /Spending limit: at most 0.01 OTTx\/s across the jobs you start/);
    assert.match(
      detail,
      /about 10000 one-core job starts at the highest current price \(0.000001 OTTx\/s per core\)/,
    );
    assert.match(detail, /not authorized yet/);
    assert.match(detail, /Available: 1000 OTTx/);
    assert.match(detail, /revoke it at any time/);
  });

  it('leaves out job starts when no provider is active, and says what it replaces', () => {
    const { detail } = authorizationPrompt(
      status({ permissions: 7, flowRateAllowance: 3n * micro, complete: true }),
      10n ** 16n,
      0n,
    );
    assert.doesNotMatch(detail, /one-core job starts/);
    assert.match(
      detail,
      /replaces what is left of your current spending limit \(0.000003 OTTx\/s\)/,
    );
  });
});
