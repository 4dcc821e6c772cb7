import type { Offer } from '../market/offer.js';
import {
  formatRate,
  formatTokens,
  maxCostWei,
  type PaymentTerms,
} from '../payments/payment-terms.js';
import { byPreference, whyNoOffer, type OfferMatch, type ProviderMatch } from './quotes.js';

/** How the match preview orders its rows: offers first, best first, then why the others gave none. */
const STATUS_ORDER: readonly ProviderMatch['status'][] = [
  'offer',
  'declined',
  'unfit',
  'offline',
  'invalid',
];

/** The matches as the preview lists them: offers in the order they would be chosen, then the rest. */
export function sortMatches(matches: readonly ProviderMatch[]): ProviderMatch[] {
  return [...matches].sort((a, b) => {
    const byStatus = STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);
    if (byStatus !== 0) return byStatus;
    return a.status === 'offer' ? byPreference(a, b as OfferMatch) : 0;
  });
}

/** The most a job hired with this offer can cost: its rate for the timeout and the grace. */
export function offerMaxCostWei(
  offer: Pick<Offer, 'pricePerCoreSecond' | 'cores'>,
  timeoutSec: number,
  terms: PaymentTerms,
): bigint {
  return maxCostWei(offer.pricePerCoreSecond * BigInt(offer.cores), timeoutSec, terms);
}

/**
 * One provider's row in the match preview, in both shells' words: an offer's price per
 * core-second and the most the run would cost with it, or why the provider gave no offer.
 * E.g. "0.000001 OTTx/s per core, at most 0.00018 OTTx for 60 s + 30 s grace (valid 58 s)".
 */
export function matchText(
  match: ProviderMatch,
  timeoutSec: number,
  terms: PaymentTerms,
  nowSec?: number,
): string {
  if (match.status !== 'offer') return whyNoOffer(match);
  const { offer } = match.signed;
  const valid =
    nowSec === undefined ? '' : ` (valid ${Math.max(0, Number(offer.expiresAt) - nowSec)} s)`;
  if (offer.pricePerCoreSecond === 0n) return `free${valid}`;
  const cost = formatTokens(offerMaxCostWei(offer, timeoutSec, terms), terms);
  return `${formatRate(offer.pricePerCoreSecond, terms)} per core, at most ${cost} for ${timeoutSec} s + ${terms.graceSec} s grace${valid}`;
}

/** "2 offers from 5 providers": the preview's heading. */
export function matchCountText(matches: readonly ProviderMatch[]): string {
  const offers = matches.filter((m) => m.status === 'offer').length;
  const n = matches.length;
  return `${offers} offer${offers === 1 ? '' : 's'} from ${n} provider${n === 1 ? '' : 's'}`;
}
