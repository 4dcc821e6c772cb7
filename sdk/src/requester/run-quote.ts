import type { ProviderView } from '../chain/market-index.js';
import { OrangeError } from '../errors.js';
import { checkCanPay, type PaymentQuote } from '../payments/payment-check.js';
import { maxCostWei } from '../payments/payment-terms.js';
import { dearestPrice, providersFor } from './capacity.js';
import type { RequesterContext, RunRequest } from './run-types.js';

/** The providers that fit a request, the price ceiling the job will carry, and its cost bound. */
export interface RunQuote extends PaymentQuote {
  providers: ProviderView[];
  maxPricePerCoreSecond: bigint;
}

/**
 * What a run would cost at most, without posting anything: throws when no provider fits.
 * The ceiling is the caller's, or the dearest provider that fits, so every fitting one can bid.
 */
export async function quoteRun(
  ctx: RequesterContext,
  request: Pick<
    RunRequest,
    'runtime' | 'cores' | 'memoryMb' | 'timeoutSec' | 'maxPricePerCoreSecond' | 'provider'
  >,
): Promise<RunQuote> {
  await ctx.index.sync();
  const providers = providersFor(ctx.index.activeProviders(), {
    runtime: request.runtime ?? 'python3',
    cores: request.cores,
    memoryMb: request.memoryMb,
    maxPricePerCoreSecond: request.maxPricePerCoreSecond,
    provider: request.provider,
  });
  const ceiling = request.maxPricePerCoreSecond ?? dearestPrice(providers);
  const terms = await ctx.market.paymentTerms();
  const rateWei = ceiling * BigInt(request.cores);
  return {
    providers,
    maxPricePerCoreSecond: ceiling,
    rateWei,
    maxCostWei: maxCostWei(rateWei, request.timeoutSec, terms),
    terms,
  };
}

/** Throws, before anything is posted, when the wallet cannot pay the gas or the quoted run. */
export async function checkCanRun(
  ctx: RequesterContext,
  quote: RunQuote,
  timeoutSec: number,
): Promise<void> {
  const balance = await ctx.market.balance(ctx.wallet.account.address);
  if (balance === 0n) {
    throw new OrangeError(
      'INSUFFICIENT_FUNDS',
      `The wallet ${ctx.wallet.account.address} has no funds for gas.`,
      {
        hint: 'Fund it (on the devnet: `npx orange devnet fund`). Nothing was posted.',
      },
    );
  }
  await checkCanPay(ctx.market.publicClient, ctx.wallet.account.address, quote, timeoutSec);
}
