import { releaseOffers } from './release-offers.js';
import { requestQuotes, type OfferMatch, type ProviderMatch, type QuoteOptions } from './quotes.js';
import type { QuoteTerms } from './provider-fit.js';
import type { RequesterContext } from './run-types.js';

/**
 * A quote round over the market a requester is connected to: every active provider it has
 * registered, asked in this wallet's name for offers valid on this chain and market. What
 * `orange providers --for` and the editor's Run with Options show, and what a run hires from.
 */
export async function quoteMarket(
  ctx: Pick<RequesterContext, 'market' | 'index' | 'wallet'>,
  terms: QuoteTerms,
  options: QuoteOptions = {},
): Promise<ProviderMatch[]> {
  await ctx.index.sync();
  return requestQuotes(
    {
      domain: { chainId: ctx.market.connection.chainId, market: ctx.market.address },
      requester: ctx.wallet.account.address,
    },
    terms,
    ctx.index.activeProviders(),
    options,
  );
}

/**
 * Gives back, in this wallet's name, every offer of a quote round it will not hire (all but
 * `keep`): the providers free their capacity at once. Best effort and never throws; callers
 * need not await it (see releaseOffers).
 */
export function releaseMarketOffers(
  ctx: Pick<RequesterContext, 'market' | 'wallet'>,
  matches: readonly ProviderMatch[],
  keep?: OfferMatch,
): Promise<number> {
  return releaseOffers(
    {
      domain: { chainId: ctx.market.connection.chainId, market: ctx.market.address },
      account: ctx.wallet.account,
    },
    matches,
    keep,
  );
}
