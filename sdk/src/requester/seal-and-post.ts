import type { MarketClient } from '../chain/market-client.js';
import { jobKeys, newJobKeyLabel, publicKeyToHex } from '../keys/umbral-keys.js';
import { sealPayload } from '../crypto/envelope.js';
import { buildManifest, encodeManifest } from '../job/manifest.js';
import type { PackedPayload } from '../project/pack-project.js';
import type { RunQuote } from './run-quote.js';
import type { RequesterContext, RunRequest } from './run-types.js';

export interface SealedJob {
  keys: ReturnType<typeof jobKeys>;
  manifestCid: string;
}

/**
 * Encrypts the packed payload to a fresh per-job key and puts the ciphertext and the signed
 * manifest on IPFS. Nothing is on chain yet.
 */
export async function sealJob(
  ctx: RequesterContext,
  request: RunRequest,
  payload: PackedPayload,
): Promise<SealedJob> {
  const label = newJobKeyLabel();
  const keys = jobKeys(ctx.wallet.umbralMasterSecret, label);
  const sealed = sealPayload(payload.bytes, keys);
  const payloadCid = await ctx.store.put(sealed.ciphertext);
  const manifest = buildManifest({
    runtime: request.runtime ?? 'python3',
    entrypoint: payload.entrypoint,
    payload: { cid: payloadCid, capsule: sealed.capsule, bytes: sealed.ciphertext.length },
    keys: {
      label,
      delegatingPublicKey: publicKeyToHex(keys.publicKey),
      verifyingPublicKey: publicKeyToHex(keys.verifyingKey),
    },
    requester: ctx.wallet.account.address,
    limits: { cores: request.cores, memoryMb: request.memoryMb, timeoutSec: request.timeoutSec },
  });
  const manifestCid = await ctx.store.put(encodeManifest(manifest));
  return { keys, manifestCid };
}

/** Posts the sealed job at the quoted price ceiling, connected first to the providers that fit. */
export async function postSealedJob(
  ctx: RequesterContext,
  request: RunRequest,
  quote: RunQuote,
  manifestCid: string,
): ReturnType<MarketClient['postJob']> {
  // The provider fetches from us over bitswap, so be connected before it looks.
  await Promise.allSettled(
    quote.providers.flatMap((p) => p.ipfsPeers.map((addr) => ctx.store.connect(addr))),
  );
  return ctx.market.postJob({
    name: request.fileName,
    runtime: request.runtime ?? 'python3',
    cores: request.cores,
    memoryMb: request.memoryMb,
    timeoutSec: request.timeoutSec,
    maxPricePerCoreSecond: quote.maxPricePerCoreSecond,
    manifestCid,
    provider: request.provider,
  });
}
