import {
  OrangeError,
  formatRate,
  formatTokens,
  parseAllowance,
  type PaymentStatus,
} from '@orange-cloud/sdk';
import type { TokenTerms } from './payment-text.js';

/** For the input box's `validateInput`: the problem with the text, or undefined when it is fine. */
export function validateAllowance(text: string, terms: TokenTerms): string | undefined {
  try {
    parseAllowance(text, terms);
    return undefined;
  } catch (error) {
    if (!(error instanceof OrangeError)) throw error;
    return error.hint ? `${error.message} ${error.hint}` : error.message;
  }
}

/**
 * The confirmation before authorising: who gets which rights, within which
 * budget, and how to take them back. The budget is also said in core-starts
 * because Superfluid spends an operator's allowance on every flow increase
 * and never gives it back: each job start uses up its rate for good.
 */
export function authorizationPrompt(
  status: PaymentStatus,
  allowanceWei: bigint,
  dearestPricePerCoreSecond: bigint,
): { message: string; detail: string } {
  const { terms, authorization } = status;
  const budget = [
    `Budget: it may raise your flow rates by at most ${formatRate(allowanceWei, terms)} in total; every job start spends its rate from this budget.`,
  ];
  if (dearestPricePerCoreSecond > 0n) {
    budget.push(
      `That is about ${allowanceWei / dearestPricePerCoreSecond} core-starts at the dearest active provider (${formatRate(dearestPricePerCoreSecond, terms)} per core).`,
    );
  }
  const now = authorization.complete
    ? `This replaces the allowance left now (${formatRate(authorization.flowRateAllowance, terms)}).`
    : 'The market is not authorised yet.';
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
