import {
  formatRate,
  formatTokens,
  type JobPayment,
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

/** Seconds paid so far and what they cost, from the chain's start time of the run. */
export function costSoFar(
  rateWei: bigint,
  startedAtSec: number,
  nowMs: number,
): { seconds: number; costWei: bigint } {
  // The flow streams from the block that started the job; the chain's clock may run ahead of ours.
  const seconds = Math.max(0, Math.floor(nowMs / 1000) - startedAtSec);
  return { seconds, costWei: rateWei * BigInt(seconds) };
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

/**
 * "cost 0.000003 OTTx (0.000001 OTTx/s for 3 s)". When the flow had already
 * stopped (the wallet closed it, or it was liquidated), the market only
 * knows an upper bound, and the text says so.
 */
export function costText(payment: JobPayment, terms: TokenTerms): string {
  const { stopped } = payment;
  if (!stopped) return `paying ${formatRate(payment.rateWei, terms)}`;
  const refund =
    stopped.refundedWei > 0n
      ? `, ${formatTokens(stopped.refundedWei, terms)} overrun refunded`
      : '';
  const bound = stopped.flowWasLive ? '' : '; the payment flow had stopped before the job ended';
  return `cost ${costAmount(payment, terms)} (${formatRate(payment.rateWei, terms)} for ${stopped.streamedSeconds} s${refund}${bound})`;
}

/** The short form for a list: "0.000003 OTTx", "at most 0.000003 OTTx", or "paying 0.000001 OTTx/s". */
export function costAmount(payment: JobPayment, terms: TokenTerms): string {
  const { stopped } = payment;
  if (!stopped) return `paying ${formatRate(payment.rateWei, terms)}`;
  return `${stopped.flowWasLive ? '' : 'at most '}${formatTokens(stopped.costWei, terms)}`;
}
