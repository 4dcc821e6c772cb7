import {
  isAddress,
  isHex,
  parseSignature,
  recoverTypedDataAddress,
  signatureToCompactSignature,
  type Address,
  type Hex,
  type LocalAccount,
} from 'viem';
import { OrangeError } from '../errors.js';

/**
 * A provider's signed promise to run one job on these terms (market v2). The requester asks the
 * provider's endpoint for it, checks it, and hires the provider with it in one transaction; the
 * market checks the same signature, the expiry and that the nonce was never used before (the
 * job's id is the provider's index above the nonce, so a nonce names one job).
 *
 * The field order and types are the EIP-712 type `Offer` of contracts/src/OrangeMarket.sol: a
 * change here is a change there.
 */
export interface Offer {
  provider: Address;
  /** Only this requester may hire with the offer; the zero address lets anyone. */
  requester: Address;
  runtime: string;
  /** Cores and memory the provider reserves for this offer until it expires or the job ends. */
  cores: number;
  memoryMb: number;
  /** The longest timeout a job hired with this offer may ask. */
  maxTimeoutSec: number;
  pricePerCoreSecond: bigint;
  /** A fresh Umbral public key (compressed, 33 bytes) the provider made for this job alone. */
  jobPublicKey: Hex;
  /** Unix seconds after which the market refuses the offer. */
  expiresAt: bigint;
  /** Once per provider: the market refuses a second hire with it. The job id's low 64 bits. */
  nonce: bigint;
}

export interface SignedOffer {
  offer: Offer;
  signature: Hex;
}

export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';

/** EIP-712 domain name and version of the v2 market. */
export const OFFER_DOMAIN_NAME = 'OrangeMarket';
export const OFFER_DOMAIN_VERSION = '2';

export const offerTypes = {
  Offer: [
    { name: 'provider', type: 'address' },
    { name: 'requester', type: 'address' },
    { name: 'runtime', type: 'string' },
    { name: 'cores', type: 'uint32' },
    { name: 'memoryMb', type: 'uint32' },
    { name: 'maxTimeoutSec', type: 'uint32' },
    { name: 'pricePerCoreSecond', type: 'uint96' },
    { name: 'jobPublicKey', type: 'bytes' },
    { name: 'expiresAt', type: 'uint64' },
    { name: 'nonce', type: 'uint64' },
  ],
} as const;

/** Where an offer is valid: one chain, one market contract. */
export interface OfferDomain {
  chainId: number;
  market: Address;
}

export function offerTypedData(domain: OfferDomain, offer: Offer) {
  return {
    domain: {
      name: OFFER_DOMAIN_NAME,
      version: OFFER_DOMAIN_VERSION,
      chainId: domain.chainId,
      verifyingContract: domain.market,
    },
    types: offerTypes,
    primaryType: 'Offer',
    message: offer,
  } as const;
}

const UINT32_MAX = 2 ** 32 - 1;
const UINT64_MAX = 2n ** 64n - 1n;
const UINT96_MAX = 2n ** 96n - 1n;
const COMPRESSED_KEY = /^0x0[23][0-9a-fA-F]{64}$/;
const RUNTIME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

function invalid(what: string): OrangeError {
  return new OrangeError('OFFER_INVALID', `The provider's offer is invalid: ${what}.`, {
    hint: 'That provider does not follow the Orange Cloud protocol; another provider is asked instead.',
  });
}

/** Checks every field is in the range its EIP-712 type allows, so signing never truncates. */
export function checkOfferFields(offer: Offer): Offer {
  if (!isAddress(offer.provider, { strict: false })) throw invalid('provider is no address');
  if (!isAddress(offer.requester, { strict: false })) throw invalid('requester is no address');
  if (!RUNTIME.test(offer.runtime)) throw invalid('runtime is no runtime name');
  for (const [name, value] of [
    ['cores', offer.cores],
    ['memoryMb', offer.memoryMb],
    ['maxTimeoutSec', offer.maxTimeoutSec],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > UINT32_MAX)
      throw invalid(`${name} is out of range`);
  }
  if (offer.pricePerCoreSecond < 0n || offer.pricePerCoreSecond > UINT96_MAX)
    throw invalid('pricePerCoreSecond is out of range');
  if (!isHex(offer.jobPublicKey) || !COMPRESSED_KEY.test(offer.jobPublicKey))
    throw invalid('jobPublicKey is no compressed public key');
  if (offer.expiresAt < 0n || offer.expiresAt > UINT64_MAX)
    throw invalid('expiresAt is out of range');
  if (offer.nonce < 0n || offer.nonce > UINT64_MAX) throw invalid('nonce is out of range');
  return offer;
}

/** The provider signs an offer with its EVM key (the key the market knows it by). */
export async function signOffer(
  account: LocalAccount,
  domain: OfferDomain,
  offer: Offer,
): Promise<SignedOffer> {
  checkOfferFields(offer);
  if (offer.provider.toLowerCase() !== account.address.toLowerCase())
    throw invalid(`it names ${offer.provider} as provider, but ${account.address} signs it`);
  const signature = await account.signTypedData(offerTypedData(domain, offer));
  return { offer, signature };
}

/** Who signed the offer for this domain (the caller compares it with `offer.provider`). */
export async function offerSigner(domain: OfferDomain, signed: SignedOffer): Promise<Address> {
  checkOfferFields(signed.offer);
  try {
    return await recoverTypedDataAddress({
      ...offerTypedData(domain, signed.offer),
      signature: signed.signature,
    });
  } catch (error) {
    throw new OrangeError('OFFER_INVALID', "The provider's offer has a malformed signature.", {
      hint: 'That provider does not follow the Orange Cloud protocol; another provider is asked instead.',
      cause: error,
    });
  }
}

/**
 * The signature in the form the market's hireJob takes: EIP-2098's compact (r, vs), vs being s
 * with the y parity in its top bit. Two words of calldata instead of the 65-byte signature's five
 * (offset, length, r, s, v): about 1,000 gas less per hire. The wire and the checks keep the
 * 65-byte form.
 */
export function compactOfferSignature(signature: Hex): { r: Hex; vs: Hex } {
  try {
    const { r, yParityAndS } = signatureToCompactSignature(parseSignature(signature));
    return { r, vs: yParityAndS };
  } catch (error) {
    throw new OrangeError('OFFER_INVALID', "The provider's offer has a malformed signature.", {
      hint: 'That provider does not follow the Orange Cloud protocol; another provider is asked instead.',
      cause: error,
    });
  }
}

/** The offer is signed by the provider it names, for this chain and market. */
export async function verifyOfferSignature(
  domain: OfferDomain,
  signed: SignedOffer,
): Promise<Offer> {
  const signer = await offerSigner(domain, signed);
  if (signer.toLowerCase() !== signed.offer.provider.toLowerCase())
    throw invalid(`it is signed by ${signer}, not by the provider ${signed.offer.provider}`);
  return signed.offer;
}
