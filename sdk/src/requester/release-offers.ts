import type { LocalAccount } from 'viem';
import type { OfferDomain } from '../market/offer.js';
import {
  MAX_QUOTE_MESSAGE_BYTES,
  MAX_RELEASE_NONCES,
  QUOTE_RELEASE_PATH,
  encodeQuoteRelease,
  signQuoteRelease,
} from '../market/quote-wire.js';
import { readCapped } from './ask-for-offer.js';
import { quoteUrl } from './provider-fit.js';
import type { OfferMatch, ProviderMatch } from './quotes.js';

/** An offer a provider gave in a quote round (hireable or too dear). */
type GivenOffer = Pick<OfferMatch, 'provider' | 'signed'>;

/** How long a provider gets to take its offers back: a courtesy, never worth a wait. */
export const DEFAULT_RELEASE_TIMEOUT_MS = 1_500;

export interface ReleaseOptions {
  timeoutMs?: number;
  /** Unix seconds now (default: the clock). */
  nowSec?: () => number;
}

/**
 * Gives back every offer among `matches` the requester will not hire (`keep`: the one it
 * hires, if any; offers above the price ceiling go back too), so each provider frees the cores and memory the offer reserved at once
 * instead of when it expires: one signed release per provider, all at once. Best effort: it
 * never throws and resolves with how many offers providers said they freed; a provider that
 * does not answer within `timeoutMs` frees its offer at expiry as before. Callers need not
 * await it.
 */
export async function releaseOffers(
  requester: { domain: OfferDomain; account: LocalAccount },
  matches: readonly ProviderMatch[],
  keep?: OfferMatch,
  options: ReleaseOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RELEASE_TIMEOUT_MS;
  const issuedAt = (options.nowSec ?? (() => Math.floor(Date.now() / 1000)))();
  const unused = matches.flatMap((m): GivenOffer[] =>
    'signed' in m && m.signed && m.signed !== keep?.signed
      ? [{ provider: m.provider, signed: m.signed }]
      : [],
  );
  // One provider answers one offer per round; a list keeps releases of several rounds possible.
  const byProvider = new Map<string, GivenOffer[]>();
  for (const match of unused) {
    const key = match.provider.address.toLowerCase();
    byProvider.set(key, [...(byProvider.get(key) ?? []), match]);
  }
  const sent = [...byProvider.values()].flatMap((offers) => {
    const batches: GivenOffer[][] = [];
    for (let i = 0; i < offers.length; i += MAX_RELEASE_NONCES)
      batches.push(offers.slice(i, i + MAX_RELEASE_NONCES));
    return batches.map((batch) => releaseAt(requester, batch, issuedAt, timeoutMs));
  });
  const counts = await Promise.all(sent);
  return counts.reduce((a, b) => a + b, 0);
}

/** One provider's offers given back: how many it freed, 0 on any failure. */
async function releaseAt(
  requester: { domain: OfferDomain; account: LocalAccount },
  offers: readonly GivenOffer[],
  issuedAt: number,
  timeoutMs: number,
): Promise<number> {
  const first = offers[0]!;
  const base = quoteUrl(first.provider.endpoint);
  if (!base) return 0;
  try {
    const release = await signQuoteRelease(requester.account, {
      chainId: requester.domain.chainId,
      market: requester.domain.market,
      provider: first.signed.offer.provider,
      nonces: offers.map((m) => m.signed.offer.nonce),
      issuedAt,
    });
    const response = await fetch(new URL(QUOTE_RELEASE_PATH, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: encodeQuoteRelease(release),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return 0;
    }
    const bytes = await readCapped(response, MAX_QUOTE_MESSAGE_BYTES);
    if (!bytes) return 0;
    const { released } = JSON.parse(new TextDecoder().decode(bytes)) as { released?: unknown };
    return typeof released === 'number' && Number.isInteger(released) && released >= 0
      ? Math.min(released, offers.length)
      : 0;
  } catch {
    return 0; // offline or slow: the offer frees itself at expiry
  }
}
