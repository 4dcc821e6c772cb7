import {
  keccak256,
  recoverMessageAddress,
  toBytes,
  type Address,
  type Hex,
  type LocalAccount,
} from 'viem';
import { canonicalJson } from '../job/document-fields.js';
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

const digest = (body: LiveEventBody) =>
  keccak256(toBytes(`orange-cloud/live/v1\n${canonicalJson(body)}`));

export async function signLiveEvent(
  account: LocalAccount,
  body: LiveEventBody,
): Promise<LiveEvent> {
  const signature = await account.signMessage({ message: { raw: digest(body) } });
  return { ...body, signature };
}

/** Checks the event's signature is the provider's; returns the body. */
export async function verifyLiveEvent(event: LiveEvent, provider: Address): Promise<LiveEventBody> {
  const { signature, ...body } = event;
  let signer: Address;
  try {
    signer = await recoverMessageAddress({
      message: { raw: digest(body as LiveEventBody) },
      signature,
    });
  } catch (error) {
    throw tampered(`event ${body.id} has a malformed signature`, error);
  }
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
): string {
  return `Orange Cloud live output\nchain ${chainId}\nmarket ${market.toLowerCase()}\njob ${jobId}\nissued ${issuedAt}`;
}

export const LIVE_AUTH_SCHEME = 'Orange-Sig';

/** The Authorization header value: `Orange-Sig <issuedAt>:<signature>`. */
export async function liveAuthHeader(
  account: LocalAccount,
  chainId: number,
  market: Address,
  jobId: bigint,
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  const signature = await account.signMessage({
    message: liveAuthMessage(chainId, market, jobId, now),
  });
  return `${LIVE_AUTH_SCHEME} ${now}:${signature}`;
}

/** Recovers who signed an Authorization header; undefined when malformed or stale. */
export async function liveAuthSigner(
  header: string | undefined,
  chainId: number,
  market: Address,
  jobId: bigint,
  maxAgeSec = 300,
  now = Math.floor(Date.now() / 1000),
): Promise<Address | undefined> {
  const match = header?.match(/^Orange-Sig (\d+):(0x[0-9a-fA-F]+)$/);
  if (!match) return undefined;
  const issuedAt = Number(match[1]);
  if (Math.abs(now - issuedAt) > maxAgeSec) return undefined;
  try {
    return await recoverMessageAddress({
      message: liveAuthMessage(chainId, market, jobId, issuedAt),
      signature: match[2] as Hex,
    });
  } catch {
    return undefined;
  }
}
