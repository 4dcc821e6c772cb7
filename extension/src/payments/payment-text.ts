import {
  costSoFar,
  formatRate,
  formatTokens,
  type PaymentQuote,
  type PaymentTerms,
} from '@orange-cloud/sdk';

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
