import { isAddress, type Address, type Hex } from 'viem';
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
