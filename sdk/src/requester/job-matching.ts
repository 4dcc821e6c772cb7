import type { Address } from 'viem';
import { checkCanPay } from '../payments/payment-check.js';
import { quoteMarket } from './market-quotes.js';
import { chooseOffer, type OfferMatch } from './quotes.js';
import type { RunQuote } from './run-quote.js';
import type { SealedJob } from './seal-and-post.js';
import { hireWithOffer } from './seal-and-post.js';
import { isTerminal, type RequesterContext, type RunRequest } from './run-types.js';

/** Hires in all for one run: the first, and at most two more when a hired provider does not start. */
export const MAX_HIRES = 3;

/**
 * Asks every provider that could take the job for an offer, takes the cheapest (or the named
 * provider's), checks the wallet can pay for the run at that offer's rate, and hires it. Throws
 * NO_OFFER (nothing posted) when no provider offers. `exclude` names providers already hired for
 * this run that did not start it.
 */
export async function hireBestOffer(
  ctx: RequesterContext,
  request: Pick<
    RunRequest,
    'fileName' | 'cores' | 'memoryMb' | 'timeoutSec' | 'provider' | 'signal'
  > & { runtime: string },
  sealed: SealedJob,
  quote: RunQuote,
  exclude: readonly Address[],
): Promise<{ chosen: OfferMatch; hired: Awaited<ReturnType<typeof hireWithOffer>> }> {
  const matches = await quoteMarket(
    ctx,
    {
      runtime: request.runtime,
      cores: request.cores,
      memoryMb: request.memoryMb,
      timeoutSec: request.timeoutSec,
      maxPricePerCoreSecond: quote.maxPricePerCoreSecond,
    },
    { signal: request.signal },
  );
  const chosen = chooseOffer(matches, {
    provider: request.provider,
    exclude,
    nowSec: Math.floor(Date.now() / 1000),
  });
  // The market does not check that the requester can pay (clients do, before hiring).
  const rateWei = chosen.signed.offer.pricePerCoreSecond * BigInt(request.cores);
  await checkCanPay(
    ctx.market.publicClient,
    ctx.wallet.account.address,
    { ...quote, rateWei },
    request.timeoutSec,
  );
  const peers = ctx.index.providers.get(chosen.provider.address)?.ipfsPeers ?? [];
  const hired = await hireWithOffer(ctx, request, sealed, chosen.signed, peers);
  return { chosen, hired };
}

/** Cancels a job that has not ended; a job that ended meanwhile is left as it is. */
export async function cancelUnlessEnded(ctx: RequesterContext, jobId: bigint) {
  try {
    return await ctx.market.cancelJob(jobId);
  } catch (error) {
    await ctx.index.sync();
    const job = ctx.index.jobs.get(jobId);
    if (job && isTerminal(job)) return undefined;
    throw error;
  } finally {
    await ctx.index.sync();
  }
}
