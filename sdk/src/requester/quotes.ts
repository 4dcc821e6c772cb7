import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import type { OfferDomain, SignedOffer } from '../market/offer.js';
import { parseQuoteDecline, parseSignedOffer, type QuoteDecline } from '../market/quote-wire.js';
import { DEFAULT_QUOTE_TIMEOUT_MS, askForOffer } from './ask-for-offer.js';
import { MIN_OFFER_VALIDITY_SEC, offerProblem } from './offer-check.js';
import {
  advertisedUnfit,
  priceAboveCeiling,
  quoteUrl,
  type AdvertisedProvider,
  type QuoteTerms,
  type UnfitCode,
} from './provider-fit.js';

/** What a quote round needs from the outside world. */
export interface QuoteComponents {
  /** Where offers must be valid: this chain and market. */
  domain: OfferDomain;
  /** This requester: it asks for offers in its name and accepts those for it or for anyone. */
  requester: Address;
  /** Unix seconds now (default: the clock); the hire is mined against the chain's time. */
  nowSec?: () => number;
}

export interface QuoteOptions {
  /** How long each endpoint gets (default 2.5 s); all are asked at once. */
  timeoutMs?: number;
  /** The user gave up: the round throws ABORTED. */
  signal?: AbortSignal;
}

/** One provider's part in a quote round: its offer, or why it gave none. */
export type ProviderMatch =
  | { status: 'offer'; provider: AdvertisedProvider; signed: SignedOffer }
  | { status: 'declined'; provider: AdvertisedProvider; decline: QuoteDecline }
  /**
   * Its advertisement (or its offer's price) rules it out; it was not asked, or not taken
   * (`signed`: the offer it gave, valid but too dear, so it can be given back).
   */
  | {
      status: 'unfit';
      provider: AdvertisedProvider;
      code: UnfitCode;
      reason: string;
      signed?: SignedOffer;
    }
  /** No usable answer in time: timeout, refused connection, an HTTP error. */
  | { status: 'offline'; provider: AdvertisedProvider; reason: string }
  /** It answered, but not with a usable offer or decline: what was wrong. */
  | { status: 'invalid'; provider: AdvertisedProvider; reason: string };

export type OfferMatch = Extract<ProviderMatch, { status: 'offer' }>;

/**
 * Asks every provider whose advertisement could fit the job for a signed offer, all at once,
 * and classifies each one. Offers are checked before they are trusted (signature, provider,
 * terms, requester, expiry, ceiling): a provider's answer is input from a stranger. Returns in
 * the providers' order; throws only when `signal` aborts.
 */
export async function requestQuotes(
  components: QuoteComponents,
  terms: QuoteTerms,
  providers: readonly AdvertisedProvider[],
  options: QuoteOptions = {},
): Promise<ProviderMatch[]> {
  options.signal?.throwIfAborted();
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUOTE_TIMEOUT_MS;
  const nowSec = components.nowSec ?? (() => Math.floor(Date.now() / 1000));
  const request = {
    chainId: components.domain.chainId,
    market: components.domain.market,
    runtime: terms.runtime,
    cores: terms.cores,
    memoryMb: terms.memoryMb,
    timeoutSec: terms.timeoutSec,
    requester: components.requester,
  };

  const quoteOne = async (provider: AdvertisedProvider): Promise<ProviderMatch> => {
    const unfit = advertisedUnfit(provider, terms);
    if (unfit) return { status: 'unfit', provider, ...unfit };
    const answer = await askForOffer(
      quoteUrl(provider.endpoint)!,
      request,
      timeoutMs,
      options.signal,
    );
    switch (answer.kind) {
      case 'offline':
      case 'invalid':
        return { status: answer.kind, provider, reason: answer.reason };
      case 'declined':
        try {
          return { status: 'declined', provider, decline: parseQuoteDecline(answer.bytes) };
        } catch (error) {
          return { status: 'invalid', provider, reason: `its decline: ${messageOf(error)}` };
        }
      case 'offer': {
        let signed: SignedOffer;
        try {
          signed = parseSignedOffer(answer.bytes);
        } catch (error) {
          return { status: 'invalid', provider, reason: `its offer: ${messageOf(error)}` };
        }
        const problem = await offerProblem(signed, {
          domain: components.domain,
          provider: provider.address,
          requester: components.requester,
          terms,
          nowSec: nowSec(),
        });
        if (problem) return { status: 'invalid', provider, reason: problem };
        const ceiling = terms.maxPricePerCoreSecond;
        const price = signed.offer.pricePerCoreSecond;
        if (ceiling !== undefined && price > ceiling)
          return {
            status: 'unfit',
            provider,
            ...priceAboveCeiling(price, ceiling, 'offered'),
            signed,
          };
        return { status: 'offer', provider, signed };
      }
    }
  };
  return Promise.all(providers.map(quoteOne));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export interface ChooseOptions {
  /** Take this provider's offer, or none. */
  provider?: Address | undefined;
  /** Providers not to hire again (one that did not start its job). */
  exclude?: readonly Address[] | undefined;
  /** Unix seconds now: offers about to expire are passed over (a re-hire chooses later). */
  nowSec?: number | undefined;
}

/** How many providers the NO_OFFER message names, each with its reason. */
const REASONS_SHOWN = 4;

/**
 * The offer to hire with: the cheapest verified one (a tie goes to the one that expires later,
 * then to the lower address, so the choice is the same every time), or the named provider's.
 * Throws NO_OFFER that says, for the first few providers, why each gave none.
 */
export function chooseOffer(
  matches: readonly ProviderMatch[],
  options: ChooseOptions = {},
): OfferMatch {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const excluded = (m: ProviderMatch) =>
    (options.exclude ?? []).some((a) => same(a, m.provider.address));
  const stale = (m: OfferMatch) =>
    options.nowSec !== undefined &&
    m.signed.offer.expiresAt < BigInt(options.nowSec + MIN_OFFER_VALIDITY_SEC);
  let pool = matches.filter((m) => !excluded(m));
  if (options.provider !== undefined) {
    const wanted = options.provider;
    pool = pool.filter((m) => same(m.provider.address, wanted));
    if (pool.length === 0)
      throw new OrangeError('NO_OFFER', `Provider ${wanted} is not an active provider to hire.`, {
        hint: '`npx orange providers` lists them. Nothing was posted.',
      });
  }
  const offers = pool.filter((m): m is OfferMatch => m.status === 'offer' && !stale(m));
  const best = offers.sort(byPreference)[0];
  if (best) return best;
  throw noOffer(pool, stale);
}

/** The order offers are preferred in: cheapest, then later expiry, then lower address. */
export function byPreference(a: OfferMatch, b: OfferMatch): number {
  const x = a.signed.offer;
  const y = b.signed.offer;
  if (x.pricePerCoreSecond !== y.pricePerCoreSecond)
    return x.pricePerCoreSecond < y.pricePerCoreSecond ? -1 : 1;
  if (x.expiresAt !== y.expiresAt) return x.expiresAt > y.expiresAt ? -1 : 1;
  const [p, q] = [x.provider.toLowerCase(), y.provider.toLowerCase()];
  return p < q ? -1 : p > q ? 1 : 0;
}

function noOffer(pool: readonly ProviderMatch[], stale: (m: OfferMatch) => boolean): OrangeError {
  if (pool.length === 0)
    return new OrangeError('NO_OFFER', 'No active provider is registered on this network.', {
      hint: 'On the devnet, `npx orange devnet up` starts one. Nothing was posted.',
    });
  const lines = pool
    .slice(0, REASONS_SHOWN)
    .map(
      (m) =>
        `  ${m.provider.address}: ${m.status === 'offer' && stale(m) ? 'its offer expires too soon' : whyNoOffer(m)}`,
    );
  const more = pool.length - REASONS_SHOWN;
  if (more > 0) lines.push(`  and ${more} more`);
  const asked = `${pool.length} provider${pool.length === 1 ? '' : 's'}`;
  return new OrangeError('NO_OFFER', `No offer to run the job (${asked}):\n${lines.join('\n')}`, {
    hint: 'Ask for fewer resources, raise the price ceiling, or try again shortly. Nothing was posted.',
  });
}

/** One phrase for why a provider gave no offer (an offer: that it gave one). */
export function whyNoOffer(match: ProviderMatch): string {
  switch (match.status) {
    case 'offer':
      return 'offered';
    case 'declined':
      return `declined: ${match.decline.message} (${match.decline.code})`;
    case 'unfit':
      return `would not fit: ${match.reason}`;
    case 'offline':
      return `offline: ${match.reason}`;
    case 'invalid':
      return `invalid answer: ${match.reason}`;
  }
}
