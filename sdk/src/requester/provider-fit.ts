import type { ProviderView } from '../chain/market-state.js';
import { QUOTE_PATH } from '../market/quote-wire.js';

/** What a quote round reads of a provider's registration: its advertisement and where to ask. */
export type AdvertisedProvider = Pick<
  ProviderView,
  'address' | 'cores' | 'memoryMb' | 'pricePerCoreSecond' | 'runtimes' | 'endpoint'
>;

/** The terms a requester asks providers to quote for. */
export interface QuoteTerms {
  runtime: string;
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  /** The highest price per core-second the requester accepts; none = any price. */
  maxPricePerCoreSecond?: bigint | undefined;
}

/** Why a provider's advertisement (or its offer's price) rules it out for a job. */
export type UnfitCode = 'RUNTIME' | 'CORES' | 'MEMORY' | 'PRICE' | 'ENDPOINT';

export interface Unfit {
  code: UnfitCode;
  reason: string;
}

/**
 * Why a provider could not take the job, read from its advertisement alone, or undefined when
 * it could: it is then asked for an offer (the offer, not the advertisement, binds). The checks
 * run in the order a user fixes them: runtime, cores, memory, price, then the endpoint.
 */
export function advertisedUnfit(
  provider: AdvertisedProvider,
  terms: Omit<QuoteTerms, 'timeoutSec'>,
): Unfit | undefined {
  if (!provider.runtimes.includes(terms.runtime)) {
    const offered = provider.runtimes.join(', ') || 'none';
    return {
      code: 'RUNTIME',
      reason: `does not offer runtime ${terms.runtime} (offers ${offered})`,
    };
  }
  if (provider.cores < terms.cores)
    return { code: 'CORES', reason: `offers ${provider.cores} cores, the job asks ${terms.cores}` };
  if (provider.memoryMb < terms.memoryMb)
    return {
      code: 'MEMORY',
      reason: `offers ${provider.memoryMb} MB, the job asks ${terms.memoryMb} MB`,
    };
  const ceiling = terms.maxPricePerCoreSecond;
  if (ceiling !== undefined && provider.pricePerCoreSecond > ceiling)
    return priceAboveCeiling(provider.pricePerCoreSecond, ceiling, 'asks');
  if (quoteUrl(provider.endpoint) === undefined)
    return { code: 'ENDPOINT', reason: 'advertises no http(s) endpoint to ask for an offer' };
  return undefined;
}

/** A price over the requester's ceiling, advertised (`asks`) or offered (`offered`). */
export function priceAboveCeiling(price: bigint, ceiling: bigint, verb: 'asks' | 'offered'): Unfit {
  return {
    code: 'PRICE',
    reason: `${verb} ${price} wei per core-second, above the ceiling of ${ceiling}`,
  };
}

/** `<endpoint>/v2/quote`, or undefined for an endpoint that is no http(s) URL. */
export function quoteUrl(endpoint: string): URL | undefined {
  if (!URL.canParse(endpoint)) return undefined;
  const base = new URL(endpoint);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') return undefined;
  return new URL(QUOTE_PATH, base);
}
