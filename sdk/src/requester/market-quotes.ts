import type { Address } from 'viem';
import { releaseOffers } from './release-offers.js';
import { requestQuotes, type OfferMatch, type ProviderMatch, type QuoteOptions } from './quotes.js';
import type { QuoteTerms } from './provider-fit.js';
import type { RequesterContext } from './run-types.js';

/** Which providers a quote round asks: all active ones, or only a named one, less some. */
export interface QuoteAudience {
  /** Ask this provider alone (the user named it): no other provider reserves capacity for us. */
  provider?: Address | undefined;
  /** Providers not to ask again (hired for this run and did not start). */
  exclude?: readonly Address[] | undefined;
}

/**
 * A quote round over the market a requester is connected to: every active provider it has
 * registered (or the audience's), asked in this wallet's name for offers valid on this chain and
 * market. What `orange providers --for` and the editor's Run with Options show, and what a run
 * hires from.
 */
export async function quoteMarket(
  ctx: Pick<RequesterContext, 'market' | 'index' | 'wallet'>,
  terms: QuoteTerms,
  options: QuoteOptions & QuoteAudience = {},
): Promise<ProviderMatch[]> {
  await ctx.index.sync();
  const same = (a: Address, b: Address) => a.toLowerCase() === b.toLowerCase();
  const { provider, exclude = [], ...quoteOptions } = options;
  const providers = ctx.index
    .activeProviders()
    .filter((p) => provider === undefined || same(p.address, provider))
    .filter((p) => !exclude.some((address) => same(p.address, address)));
  return requestQuotes(
    {
      domain: { chainId: ctx.market.connection.chainId, market: ctx.market.address },
      requester: ctx.wallet.account.address,
    },
    terms,
    providers,
    quoteOptions,
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
