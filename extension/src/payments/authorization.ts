import {
  OrangeError,
  formatRate,
  formatTokens,
  parseTokens,
  type PaymentStatus,
  type ProviderView,
} from '@orange-cloud/sdk';
import type { TokenTerms } from './payment-text.js';

/** Tokens per second offered in the input box: the CLI's `orange pay authorize` default too. */
export const DEFAULT_ALLOWANCE = '0.01';

/** Superfluid keeps flow rates in an int96: an allowance must stay below it. */
const ALLOWANCE_LIMIT_WEI = 2n ** 95n;

/** The allowance typed in the input box, in token wei per second; throws an OrangeError. */
export function parseAllowance(text: string, terms: TokenTerms): bigint {
  const wei = parseTokens(text, terms);
  if (wei === 0n) {
    throw new OrangeError('BAD_AMOUNT', 'An allowance of 0 would let no job start.', {
      hint: 'Give a positive amount per second; "Orange Cloud: Revoke Payments" takes the permission back.',
    });
  }
  if (wei >= ALLOWANCE_LIMIT_WEI) {
    throw new OrangeError(
      'BAD_AMOUNT',
      `${text.trim()} ${terms.symbol}/s is more than a flow can carry.`,
      {
        hint: 'Give the sum of the rates of the jobs you want to start, e.g. 0.01.',
      },
    );
  }
  return wei;
}

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

/** The highest price per core-second among the active providers (0 when there is none). */
export const dearestPrice = (providers: Pick<ProviderView, 'pricePerCoreSecond'>[]) =>
  providers.reduce((max, p) => (p.pricePerCoreSecond > max ? p.pricePerCoreSecond : max), 0n);

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
