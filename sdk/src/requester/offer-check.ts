import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import {
  ZERO_ADDRESS,
  verifyOfferSignature,
  type OfferDomain,
  type SignedOffer,
} from '../market/offer.js';
import type { QuoteTerms } from './provider-fit.js';

/** An offer must stay valid this long after it is checked: time to seal, sign and mine the hire. */
export const MIN_OFFER_VALIDITY_SEC = 10;

export interface OfferExpectation {
  domain: OfferDomain;
  /** The registered provider whose endpoint answered. */
  provider: Address;
  /** This requester: the offer names it, or nobody. */
  requester: Address;
  terms: Omit<QuoteTerms, 'maxPricePerCoreSecond'>;
  nowSec: number;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Why a signed offer (its fields already read by `parseSignedOffer`) cannot be used to hire,
 * or undefined when it can: signed for this market by the provider that was asked, for exactly
 * the terms asked, for this requester or anyone, and valid long enough to be mined. The price
 * ceiling is the caller's to compare: a dear offer is honest, only unaffordable.
 */
export async function offerProblem(
  signed: SignedOffer,
  expected: OfferExpectation,
): Promise<string | undefined> {
  const { offer } = signed;
  const { terms } = expected;
  if (!same(offer.provider, expected.provider))
    return `the offer names ${offer.provider} as provider, but ${expected.provider} was asked`;
  try {
    await verifyOfferSignature(expected.domain, signed);
  } catch (error) {
    if (!(error instanceof OrangeError)) throw error;
    // Signed with another key, or for another chain or market: either way it recovers to
    // someone else, so who is not worth saying.
    return `the offer is not signed by ${offer.provider} for this market`;
  }
  if (offer.runtime !== terms.runtime)
    return `the offer is for runtime ${offer.runtime}, not ${terms.runtime} as asked`;
  if (offer.cores !== terms.cores)
    return `the offer reserves ${offer.cores} cores, not ${terms.cores} as asked`;
  if (offer.memoryMb !== terms.memoryMb)
    return `the offer reserves ${offer.memoryMb} MB, not ${terms.memoryMb} MB as asked`;
  if (offer.maxTimeoutSec < terms.timeoutSec)
    return `the offer allows ${offer.maxTimeoutSec} s, less than the ${terms.timeoutSec} s timeout asked`;
  if (!same(offer.requester, ZERO_ADDRESS) && !same(offer.requester, expected.requester))
    return `the offer is for requester ${offer.requester}, not this wallet`;
  const validUntil = BigInt(expected.nowSec + MIN_OFFER_VALIDITY_SEC);
  if (offer.expiresAt < validUntil)
    return offer.expiresAt <= BigInt(expected.nowSec)
      ? 'the offer has already expired'
      : `the offer expires in less than ${MIN_OFFER_VALIDITY_SEC} s`;
  return undefined;
}
