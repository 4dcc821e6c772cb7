import type { Address } from 'viem';
import { checkCanPay } from '../payments/payment-check.js';
import { quoteMarket, releaseMarketOffers } from './market-quotes.js';
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
 * this run that did not start it. Every offer not hired is given back as soon as the choice is
 * made, without waiting (each holds a provider's capacity until it expires otherwise).
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
    // A named provider is asked alone, and a provider that did not start is not asked again:
    // every provider asked reserves capacity until the offer is released or expires.
    { signal: request.signal, provider: request.provider, exclude },
  );
  let chosen: OfferMatch;
  try {
    chosen = chooseOffer(matches, {
      provider: request.provider,
      exclude,
      nowSec: Math.floor(Date.now() / 1000),
    });
  } catch (error) {
    void releaseMarketOffers(ctx, matches);
    throw error;
  }
  // Not awaited: the releases go out while the hire is sent, and never fail or delay it.
  void releaseMarketOffers(ctx, matches, chosen);
  // The market does not check that the requester can pay (clients do, before hiring).
  const rateWei = chosen.signed.offer.pricePerCoreSecond * BigInt(request.cores);
  try {
    await checkCanPay(
      ctx.market.publicClient,
      ctx.wallet.account.address,
      { ...quote, rateWei },
      request.timeoutSec,
    );
  } catch (error) {
    void releaseMarketOffers(ctx, [chosen]); // nothing is hired: the chosen one goes back too
    throw error;
  }
  const peers = ctx.index.providers.get(chosen.provider.address)?.ipfsPeers ?? [];
  try {
    return { chosen, hired: await hireWithOffer(ctx, request, sealed, chosen.signed, peers) };
  } catch (error) {
    void releaseMarketOffers(ctx, [chosen]); // the hire failed: its offer goes back too
    throw error;
  }
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
