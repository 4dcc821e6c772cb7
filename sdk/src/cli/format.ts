import type { JobView } from '../chain/market-state.js';
import type { JobPayment } from '../payments/job-payment.js';
import { costAmount, type PaymentTerms } from '../payments/payment-terms.js';

/** JSON.stringify that writes bigints as decimal strings. */
export const toJson = (value: unknown, indent = 2) =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);

export const shortAddress = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

/** The payment fields of `--json` output: token, rate and cost in token wei (decimal strings). */
export function paymentSummary(payment: JobPayment | undefined, terms: PaymentTerms) {
  return {
    token: { address: terms.superToken, symbol: terms.symbol, decimals: terms.decimals },
    rateWei: payment?.rateWei ?? null,
    costWei: payment ? (payment.stopped?.costWei ?? null) : 0n,
    paidSeconds: payment?.stopped?.streamedSeconds ?? null,
    refundedWei: payment?.stopped?.refundedWei ?? null,
    costIsExact: payment?.stopped ? payment.stopped.flowWasLive : true,
  };
}

export function jobLine(job: JobView, terms: PaymentTerms): string {
  const parts = [
    `#${job.jobId}`.padEnd(6),
    job.status.padEnd(10),
    job.name.padEnd(24),
    job.exitCode === undefined ? '' : `exit ${job.exitCode}`,
    job.runSeconds === undefined ? '' : `${job.runSeconds}s`,
    job.payment ? costAmount(job.payment, terms) : '',
    job.provider ? `by ${shortAddress(job.provider)}` : '',
  ];
  return parts.filter(Boolean).join('  ');
}
