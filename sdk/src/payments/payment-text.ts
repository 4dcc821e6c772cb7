/**
 * What the shells say about money, in one place: the quote before posting,
 * the running line, the cost so far, and what authorizing the market allows.
 *
 * The terminal (`orange`) and the editor (the VS Code extension) word some of
 * it differently: the terminal writes terse stage lines on standard error,
 * the editor whole sentences in an output channel and a dialog. Both
 * wordings live here, side by side, so a change to what is said is made
 * once. `…Line` is the terminal's form, `…Text` the editor's (or both's).
 */
import type { PaymentQuote } from './payment-check.js';
import { costSoFar, formatRate, formatTokens, type PaymentTerms } from './payment-terms.js';
import type { MarketAuthorization } from './streaming-market.js';

/** What amounts are shown in: the market's payment token. */
export type TokenTerms = Pick<PaymentTerms, 'symbol' | 'decimals'>;

/**
 * "rate at most 0.000002 OTTx/s, at most 0.00018 OTTx for 60 s + 30 s grace":
 * the most a run can cost, said before anything is posted.
 */
export function quoteText(quote: PaymentQuote, timeoutSec: number): string {
  if (quote.rateWei === 0n) return 'free: every provider that fits runs it at no charge';
  const { terms } = quote;
  return `rate at most ${formatRate(quote.rateWei, terms)}, at most ${formatTokens(quote.maxCostWei, terms)} for ${timeoutSec} s + ${terms.graceSec} s grace`;
}

/** The terminal's quote: "rate at most 0.000002 OTTx/s; the run costs at most 0.00018 OTTx (60 s + 30 s grace)". */
export function quoteLine(quote: PaymentQuote, timeoutSec: number): string {
  if (quote.rateWei === 0n) return 'free: every fitting provider runs it at no charge';
  const { terms } = quote;
  return `rate at most ${formatRate(quote.rateWei, terms)}; the run costs at most ${formatTokens(quote.maxCostWei, terms)} (${timeoutSec} s + ${terms.graceSec} s grace)`;
}

/** "running, paying 0.000002 OTTx/s" or "running (free)": a run has started. */
export function runningText(rateWei: bigint, terms: TokenTerms): string {
  return rateWei === 0n ? 'running (free)' : `running, paying ${formatRate(rateWei, terms)}`;
}

/** The terminal's: "running, paying 0.000002 OTTx/s while it runs". */
export function runningLine(rateWei: bigint, terms: TokenTerms): string {
  return rateWei === 0n
    ? runningText(rateWei, terms)
    : `${runningText(rateWei, terms)} while it runs`;
}

/** "12 s, 0.000024 OTTx so far": the running cost of a paid run. */
export function runningCostText(
  rateWei: bigint,
  startedAtSec: number,
  nowMs: number,
  terms: TokenTerms,
): string {
  const { seconds, costWei } = costSoFar(rateWei, startedAtSec, nowMs);
  return `${seconds} s, ${formatTokens(costWei, terms)} so far`;
}

/** The terminal's: "12 s so far: 0.000024 OTTx". */
export function runningCostLine(
  rateWei: bigint,
  startedAtSec: number,
  nowMs: number,
  terms: TokenTerms,
): string {
  const { seconds, costWei } = costSoFar(rateWei, startedAtSec, nowMs);
  return `${seconds} s so far: ${formatTokens(costWei, terms)}`;
}

/**
 * The terminal's explanation before `orange pay authorize` sends anything:
 * who gets which rights, within which budget, and how to take them back.
 */
export function authorizationLines(
  terms: PaymentTerms,
  allowanceWei: bigint,
  dearestPricePerCoreSecond: bigint,
): string[] {
  const dearest = dearestPricePerCoreSecond;
  return [
    `authorizing market ${terms.market} as operator of your ${terms.symbol} flows:`,
    '  it may open, raise, lower and close flows from your wallet to providers;',
    '  it does so only when a job you posted starts running, and closes it when the job ends;',
    `  spending limit: at most ${formatRate(allowanceWei, terms)} across the jobs you start, counted at each start` +
      (dearest > 0n
        ? ` (about ${allowanceWei / dearest} one-core job starts at the highest current price, ${formatRate(dearest, terms)} per core)`
        : ''),
    '  it cannot transfer your tokens otherwise; `npx orange pay revoke` takes this back.',
  ];
}

/** What the editor's confirmation needs to know of the wallet's payments now. */
export interface PaymentStanding {
  terms: PaymentTerms;
  availableWei: bigint;
  authorization: MarketAuthorization;
}

/**
 * The editor's confirmation before authorizing: who gets which rights, within
 * which spending limit, and how to take them back. The limit is also said in
 * one-core job starts because Superfluid spends an operator's allowance on every
 * flow increase and never gives it back: each job start uses up its rate for
 * good.
 */
export function authorizationPrompt(
  status: PaymentStanding,
  allowanceWei: bigint,
  dearestPricePerCoreSecond: bigint,
): { message: string; detail: string } {
  const { terms, authorization } = status;
  const budget = [
    `Spending limit: at most ${formatRate(allowanceWei, terms)} across the jobs you start. Each start counts its rate against the limit, and a finished job does not give it back: authorize again to renew it.`,
  ];
  if (dearestPricePerCoreSecond > 0n) {
    budget.push(
      `That is about ${allowanceWei / dearestPricePerCoreSecond} one-core job starts at the highest current price (${formatRate(dearestPricePerCoreSecond, terms)} per core).`,
    );
  }
  const now = authorization.complete
    ? `This replaces what is left of your current spending limit (${formatRate(authorization.flowRateAllowance, terms)}).`
    : 'The market is not authorized yet.';
  return {
    message: `Authorize the Orange Cloud market to stream payments in ${terms.symbol}?`,
    detail: [
      `Market: ${terms.market}`,
      `It may open, raise, lower and close payment flows from this wallet to providers, only for this wallet's jobs while they run: a flow opens when a job starts and closes when it ends. It cannot move your tokens in any other way.`,
      budget.join(' '),
      `${now} Available: ${formatTokens(status.availableWei, terms)}.`,
      'You can revoke it at any time with "Orange Cloud: Revoke Payments".',
    ].join('\n\n'),
  };
}
