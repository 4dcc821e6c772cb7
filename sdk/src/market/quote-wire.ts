import { isAddress, recoverMessageAddress, type Address, type Hex, type LocalAccount } from 'viem';
import { DocumentFields } from '../job/document-fields.js';
import { checkOfferFields, type Offer, type SignedOffer } from './offer.js';

/**
 * The quote exchange on a provider's endpoint (market v2): the requester POSTs a QuoteRequest
 * as JSON to `<endpoint>/v2/quote`; the provider answers 200 with a signed offer, or 409 with
 * a QuoteDecline that says why it would not take the job. Numbers that can exceed 2^53 travel
 * as decimal strings.
 */
export const QUOTE_PATH = '/v2/quote';
/** Neither side reads more than this of a quote message. */
export const MAX_QUOTE_MESSAGE_BYTES = 8 * 1024;

export interface QuoteRequest {
  chainId: number;
  market: Address;
  runtime: string;
  cores: number;
  memoryMb: number;
  timeoutSec: number;
  /** Asking for an offer only this requester can use. */
  requester?: Address | undefined;
}

/** Why a provider would not take a job: what the match preview shows beside it. */
export type DeclineCode =
  | 'CAPACITY'
  | 'CORES'
  | 'MEMORY'
  | 'RUNTIME'
  | 'TIMEOUT'
  | 'REQUESTER'
  | 'PAUSED'
  | 'WRONG_MARKET'
  | 'BAD_REQUEST';

export interface QuoteDecline {
  code: DeclineCode;
  message: string;
}

const DECLINE_CODES: readonly DeclineCode[] = [
  'CAPACITY',
  'CORES',
  'MEMORY',
  'RUNTIME',
  'TIMEOUT',
  'REQUESTER',
  'PAUSED',
  'WRONG_MARKET',
  'BAD_REQUEST',
];

const requestFields = new DocumentFields(
  'QUOTE_INVALID',
  'quote request',
  'Send a quote request as Orange Cloud clients do.',
);
const answerFields = new DocumentFields(
  'QUOTE_INVALID',
  'quote answer',
  'That provider does not follow the Orange Cloud protocol; another provider is asked instead.',
);

function text(fields: DocumentFields, record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw fields.fail(key, 'must be text');
  return value;
}

function whole(
  fields: DocumentFields,
  record: Record<string, unknown>,
  key: string,
  max = 2 ** 32 - 1,
): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw fields.fail(key, `must be a whole number from 1 to ${max}`);
  return value;
}

function address(fields: DocumentFields, record: Record<string, unknown>, key: string): Address {
  const value = text(fields, record, key);
  if (!isAddress(value, { strict: false })) throw fields.fail(key, 'must be an address');
  return value;
}

function decimal(fields: DocumentFields, record: Record<string, unknown>, key: string): bigint {
  const value = text(fields, record, key);
  if (!/^(0|[1-9][0-9]{0,29})$/.test(value)) throw fields.fail(key, 'must be a decimal integer');
  return BigInt(value);
}

export function encodeQuoteRequest(request: QuoteRequest): string {
  return JSON.stringify({
    chainId: request.chainId,
    market: request.market,
    runtime: request.runtime,
    cores: request.cores,
    memoryMb: request.memoryMb,
    timeoutSec: request.timeoutSec,
    ...(request.requester ? { requester: request.requester } : {}),
  });
}

export function parseQuoteRequest(bytes: Uint8Array): QuoteRequest {
  const f = requestFields;
  const record = f.object(
    f.parseJson(bytes),
    '',
    ['chainId', 'market', 'runtime', 'cores', 'memoryMb', 'timeoutSec'],
    ['requester'],
  );
  return {
    chainId: whole(f, record, 'chainId', Number.MAX_SAFE_INTEGER),
    market: address(f, record, 'market'),
    runtime: text(f, record, 'runtime'),
    cores: whole(f, record, 'cores'),
    memoryMb: whole(f, record, 'memoryMb'),
    timeoutSec: whole(f, record, 'timeoutSec'),
    requester: 'requester' in record ? address(f, record, 'requester') : undefined,
  };
}

export function encodeSignedOffer(signed: SignedOffer): string {
  const { offer } = signed;
  return JSON.stringify({
    offer: {
      provider: offer.provider,
      requester: offer.requester,
      runtime: offer.runtime,
      cores: offer.cores,
      memoryMb: offer.memoryMb,
      maxTimeoutSec: offer.maxTimeoutSec,
      pricePerCoreSecond: offer.pricePerCoreSecond.toString(),
      jobPublicKey: offer.jobPublicKey,
      expiresAt: offer.expiresAt.toString(),
      nonce: offer.nonce.toString(),
    },
    signature: signed.signature,
  });
}

/** Reads a 200 answer: the fields only, the signature is checked by verifyOfferSignature. */
export function parseSignedOffer(bytes: Uint8Array): SignedOffer {
  const f = answerFields;
  const top = f.object(f.parseJson(bytes), '', ['offer', 'signature']);
  const record = f.object(top.offer, 'offer', [
    'provider',
    'requester',
    'runtime',
    'cores',
    'memoryMb',
    'maxTimeoutSec',
    'pricePerCoreSecond',
    'jobPublicKey',
    'expiresAt',
    'nonce',
  ]);
  const signature = text(f, top, 'signature');
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw f.fail('signature', 'must be 65 bytes of hex');
  const offer: Offer = {
    provider: address(f, record, 'provider'),
    requester: address(f, record, 'requester'),
    runtime: text(f, record, 'runtime'),
    cores: whole(f, record, 'cores'),
    memoryMb: whole(f, record, 'memoryMb'),
    maxTimeoutSec: whole(f, record, 'maxTimeoutSec'),
    pricePerCoreSecond: decimal(f, record, 'pricePerCoreSecond'),
    jobPublicKey: text(f, record, 'jobPublicKey') as Hex,
    expiresAt: decimal(f, record, 'expiresAt'),
    nonce: decimal(f, record, 'nonce'),
  };
  return { offer: checkOfferFields(offer), signature: signature as Hex };
}

export function encodeQuoteDecline(decline: QuoteDecline): string {
  return JSON.stringify({ declined: decline });
}

/** Reads a 409 answer. */
export function parseQuoteDecline(bytes: Uint8Array): QuoteDecline {
  const f = answerFields;
  const top = f.object(f.parseJson(bytes), '', ['declined']);
  const record = f.object(top.declined, 'declined', ['code', 'message']);
  const code = text(f, record, 'code');
  if (!DECLINE_CODES.includes(code as DeclineCode)) throw f.fail('declined.code', 'is unknown');
  const message = text(f, record, 'message');
  if (message.length > 500) throw f.fail('declined.message', 'is too long');
  return { code: code as DeclineCode, message };
}

/**
 * Giving offers back (market v2): a requester that chose another provider's offer, or only
 * previewed, POSTs a QuoteRelease to `<endpoint>/v2/quote/release` so the provider frees the
 * offers' cores and memory at once instead of holding them until they expire. The requester
 * signs it (EIP-191 over `quoteReleaseText`); the provider frees only offers it gave to that
 * requester and not yet hired, so a replay frees nothing more. 200 `{released: n}`.
 */
export const QUOTE_RELEASE_PATH = '/v2/quote/release';
/** The most offer nonces one release names. */
export const MAX_RELEASE_NONCES = 32;
/** How old a release may be when it arrives (s). */
export const RELEASE_MAX_AGE_SEC = 120;
/** How far ahead of the provider's clock a release may be dated (s). */
export const RELEASE_MAX_FUTURE_SEC = 30;

/** What a release names: the offers (by nonce) of one provider on one chain and market. */
export interface QuoteReleaseTerms {
  chainId: number;
  market: Address;
  provider: Address;
  nonces: readonly bigint[];
  /** Unix seconds when the requester signed it. */
  issuedAt: number;
}

export interface QuoteRelease extends QuoteReleaseTerms {
  /** Who signs it: the requester the offers were given to. */
  requester: Address;
  signature: Hex;
}

const releaseFields = new DocumentFields(
  'QUOTE_INVALID',
  'quote release',
  'Send a quote release as Orange Cloud clients do.',
);

/** The text the requester signs: every field but the signature, fixed in form and order. */
export function quoteReleaseText(terms: QuoteReleaseTerms): string {
  return [
    'orange-cloud/quote-release/v2',
    `chain: ${terms.chainId}`,
    `market: ${terms.market.toLowerCase()}`,
    `provider: ${terms.provider.toLowerCase()}`,
    `nonces: ${terms.nonces.join(',')}`,
    `issuedAt: ${terms.issuedAt}`,
  ].join('\n');
}

export async function signQuoteRelease(
  account: LocalAccount,
  terms: QuoteReleaseTerms,
): Promise<QuoteRelease> {
  const signature = await account.signMessage({ message: quoteReleaseText(terms) });
  return { ...terms, nonces: [...terms.nonces], requester: account.address, signature };
}

export function encodeQuoteRelease(release: QuoteRelease): string {
  return JSON.stringify({
    chainId: release.chainId,
    market: release.market,
    provider: release.provider,
    nonces: release.nonces.map(String),
    requester: release.requester,
    issuedAt: release.issuedAt,
    signature: release.signature,
  });
}

/** Reads a release: the fields only, `quoteReleaseProblem` checks who signed it and when. */
export function parseQuoteRelease(bytes: Uint8Array): QuoteRelease {
  const f = releaseFields;
  const record = f.object(f.parseJson(bytes), '', [
    'chainId',
    'market',
    'provider',
    'nonces',
    'requester',
    'issuedAt',
    'signature',
  ]);
  const list = record.nonces;
  if (!Array.isArray(list) || list.length < 1 || list.length > MAX_RELEASE_NONCES)
    throw f.fail('nonces', `must be a list of 1 to ${MAX_RELEASE_NONCES} nonces`);
  const nonces = list.map((value: unknown, i) => {
    if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(value))
      throw f.fail(`nonces.${i}`, 'must be a decimal integer');
    const nonce = BigInt(value);
    if (nonce >= 2n ** 64n) throw f.fail(`nonces.${i}`, 'must fit in 64 bits');
    return nonce;
  });
  if (new Set(nonces).size !== nonces.length) throw f.fail('nonces', 'must not repeat a nonce');
  const signature = text(f, record, 'signature');
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw f.fail('signature', 'must be 65 bytes of hex');
  return {
    chainId: whole(f, record, 'chainId', Number.MAX_SAFE_INTEGER),
    market: address(f, record, 'market'),
    provider: address(f, record, 'provider'),
    nonces,
    requester: address(f, record, 'requester'),
    issuedAt: whole(f, record, 'issuedAt', Number.MAX_SAFE_INTEGER),
    signature: signature as Hex,
  };
}

/** Where a provider receives releases: its chain, market and own address, and its clock. */
export interface QuoteReleaseReceiver {
  chainId: number;
  market: Address;
  provider: Address;
  /** Unix seconds now. */
  nowSec: number;
}

/**
 * Why a parsed release must not be acted on (another chain, market or provider, too old,
 * dated ahead, not signed by its requester), or undefined when it may.
 */
export async function quoteReleaseProblem(
  release: QuoteRelease,
  receiver: QuoteReleaseReceiver,
): Promise<string | undefined> {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (release.chainId !== receiver.chainId || !same(release.market, receiver.market))
    return `it is for the market ${release.market} on chain ${release.chainId}`;
  if (!same(release.provider, receiver.provider))
    return `it is for the provider ${release.provider}`;
  if (receiver.nowSec - release.issuedAt > RELEASE_MAX_AGE_SEC)
    return `it is older than ${RELEASE_MAX_AGE_SEC} s`;
  if (release.issuedAt - receiver.nowSec > RELEASE_MAX_FUTURE_SEC)
    return `it is dated more than ${RELEASE_MAX_FUTURE_SEC} s ahead`;
  let signer: Address;
  try {
    signer = await recoverMessageAddress({
      message: quoteReleaseText(release),
      signature: release.signature,
    });
  } catch {
    return 'its signature is malformed';
  }
  if (!same(signer, release.requester)) return 'it is not signed by its requester';
  return undefined;
}
