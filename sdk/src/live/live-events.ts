import { randomBytes } from 'node:crypto';
import { recoverMessageAddress, type Address, type Hex, type LocalAccount } from 'viem';
import { SIGNATURE_HEX, documentSigner, signDocument } from '../job/document-signature.js';
import type { OutputStream } from './stream-cipher.js';
import { tampered } from './stream-cipher.js';

/**
 * What the provider's live endpoint sends, one SSE event each. `id` is the
 * event's place in the job's stream (0 = key, then output chunks, then end);
 * the requester checks every id follows the last and every signature is the
 * provider's, so no relay can drop, reorder or forge an event unnoticed.
 */
export type LiveEventBody =
  | { type: 'key'; jobId: string; id: number; capsule: string; ciphertext: string }
  | { type: 'output'; jobId: string; id: number; stream: OutputStream; data: string }
  /** The output so far, sealed to the requester, stored on IPFS (survives the provider). */
  | { type: 'checkpoint'; jobId: string; id: number; cid: string }
  | { type: 'end'; jobId: string; id: number; exitCode: number | null };

export type LiveEvent = LiveEventBody & { signature: Hex };

/** The chain and market a job's events belong to: part of what every event's signature covers. */
export interface LiveScope {
  chainId: number;
  market: Address;
}

/**
 * Events are signed under "orange-cloud/live/v2\n{chainId}\n{market}\n" + the canonical body:
 * an event of a job with the same id on another chain or market never verifies here.
 */
const prefix = (scope: LiveScope) =>
  `orange-cloud/live/v2\n${scope.chainId}\n${scope.market.toLowerCase()}\n`;

export async function signLiveEvent(
  account: LocalAccount,
  scope: LiveScope,
  body: LiveEventBody,
): Promise<LiveEvent> {
  const signature = await signDocument(account, prefix(scope), body);
  return { ...body, signature };
}

/** Checks the event's signature is the provider's, for this chain and market; returns the body. */
export async function verifyLiveEvent(
  event: LiveEvent,
  provider: Address,
  scope: LiveScope,
): Promise<LiveEventBody> {
  const { signature, ...body } = event;
  if (typeof signature !== 'string' || !SIGNATURE_HEX.test(signature)) {
    throw tampered(`event ${body.id} has a malformed signature`);
  }
  const signer = await documentSigner(prefix(scope), body, signature);
  if (!signer) throw tampered(`event ${body.id} has a malformed signature`);
  if (signer.toLowerCase() !== provider.toLowerCase()) {
    throw tampered(`event ${body.id} is not signed by the provider ${provider}`);
  }
  return body as LiveEventBody;
}

/** What the requester signs to prove it may read a job's live output. */
export function liveAuthMessage(
  chainId: number,
  market: Address,
  jobId: bigint,
  issuedAt: number,
  nonce: string,
): string {
  return `Orange Cloud live output\nchain ${chainId}\nmarket ${market.toLowerCase()}\njob ${jobId}\nissued ${issuedAt}\nnonce ${nonce}`;
}

export const LIVE_AUTH_SCHEME = 'Orange-Sig';
/** How far in the future a header's timestamp may be (clock skew), in seconds. */
export const LIVE_AUTH_MAX_SKEW_SEC = 30;
/** How long a header stays valid after it was issued, in seconds. */
export const LIVE_AUTH_MAX_AGE_SEC = 300;

/**
 * The Authorization header value: `Orange-Sig <issuedAt>:<nonce>:<signature>`, the nonce 16
 * random bytes in hex, so that a server that remembers nonces can refuse a replayed header.
 */
export async function liveAuthHeader(
  account: LocalAccount,
  chainId: number,
  market: Address,
  jobId: bigint,
  now = Math.floor(Date.now() / 1000),
  nonce = randomBytes(16).toString('hex'),
): Promise<string> {
  const signature = await account.signMessage({
    message: liveAuthMessage(chainId, market, jobId, now, nonce),
  });
  return `${LIVE_AUTH_SCHEME} ${now}:${nonce}:${signature}`;
}

/** Who signed a header, when, and with which nonce (the server checks the nonce is new). */
export interface LiveAuth {
  signer: Address;
  issuedAt: number;
  nonce: string;
}

/**
 * Recovers who signed an Authorization header; undefined when malformed, older than `maxAgeSec`
 * or issued more than LIVE_AUTH_MAX_SKEW_SEC in the future. Replays within the max age are the
 * server's to refuse (see LiveNonces).
 */
export async function liveAuthSigner(
  header: string | undefined,
  chainId: number,
  market: Address,
  jobId: bigint,
  maxAgeSec = LIVE_AUTH_MAX_AGE_SEC,
  now = Math.floor(Date.now() / 1000),
): Promise<LiveAuth | undefined> {
  const match = header?.match(/^Orange-Sig (\d{1,15}):([0-9a-f]{32}):(0x[0-9a-fA-F]{130})$/);
  if (!match) return undefined;
  const issuedAt = Number(match[1]);
  const nonce = match[2]!;
  if (now - issuedAt > maxAgeSec || issuedAt - now > LIVE_AUTH_MAX_SKEW_SEC) return undefined;
  try {
    const signer = await recoverMessageAddress({
      message: liveAuthMessage(chainId, market, jobId, issuedAt, nonce),
      signature: match[3] as Hex,
    });
    return { signer, issuedAt, nonce };
  } catch {
    return undefined;
  }
}
