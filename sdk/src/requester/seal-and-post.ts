import { bytesToHex } from 'viem';
import { grantKeyFrag, sealPayload } from '../crypto/envelope.js';
import { jobKeys, newJobKeyLabel, publicKeyFromHex, publicKeyToHex } from '../keys/umbral-keys.js';
import { buildManifest, encodeManifest } from '../job/manifest.js';
import type { PackedPayload } from '../project/pack-project.js';
import type { SignedOffer } from '../market/offer.js';
import type { RequesterContext, RunRequest } from './run-types.js';

/** A payload encrypted to a fresh per-job key and stored: what every hire of the run shares. */
export interface SealedJob {
  keys: ReturnType<typeof jobKeys>;
  entrypoint: string;
  payload: { cid: string; capsule: Uint8Array; bytes: number };
  /** The ciphertext itself, kept to hand it to the hired provider (hand-over.ts). */
  ciphertext: Uint8Array;
}

/**
 * Encrypts the packed payload to a fresh per-job key and puts the ciphertext on IPFS. Nothing is
 * on chain yet, and no manifest: a manifest is bound to one hire (`hireWithOffer`).
 */
export async function sealJob(ctx: RequesterContext, payload: PackedPayload): Promise<SealedJob> {
  const keys = jobKeys(ctx.wallet.umbralMasterSecret, newJobKeyLabel());
  const sealed = sealPayload(payload.bytes, keys);
  const cid = await ctx.store.put(sealed.ciphertext);
  return {
    keys,
    entrypoint: payload.entrypoint,
    payload: { cid, capsule: sealed.capsule, bytes: sealed.ciphertext.length },
    ciphertext: sealed.ciphertext,
  };
}

/**
 * Hires the provider of `signed` for the sealed job in one transaction: the manifest, signed by
 * the requester and bound to this offer, goes on IPFS, and the hire carries the kfrag for the
 * offer's per-job key (the grant). Returns the hire and the manifest's CID and bytes.
 */
export async function hireWithOffer(
  ctx: RequesterContext,
  request: Pick<RunRequest, 'fileName' | 'cores' | 'memoryMb' | 'timeoutSec'>,
  sealed: SealedJob,
  signed: SignedOffer,
  providerPeers: readonly string[],
) {
  const { offer } = signed;
  const { keys } = sealed;
  const manifest = await buildManifest(ctx.wallet.account, {
    runtime: offer.runtime,
    entrypoint: sealed.entrypoint,
    payload: sealed.payload,
    keys: {
      label: keys.label,
      delegatingPublicKey: publicKeyToHex(keys.publicKey),
      verifyingPublicKey: publicKeyToHex(keys.verifyingKey),
    },
    requester: ctx.wallet.account.address,
    limits: { cores: request.cores, memoryMb: request.memoryMb, timeoutSec: request.timeoutSec },
    binding: {
      chainId: ctx.market.connection.chainId,
      market: ctx.market.address,
      provider: offer.provider,
      offerNonce: offer.nonce,
    },
  });
  const manifestBytes = encodeManifest(manifest);
  const manifestCid = await ctx.store.put(manifestBytes);
  const kfrag = grantKeyFrag(keys, publicKeyFromHex(offer.jobPublicKey));
  // The provider fetches from us over bitswap, so be connected before it looks.
  await Promise.allSettled(providerPeers.map((addr) => ctx.store.connect(addr)));
  const hired = await ctx.market.hireJob(
    signed,
    { name: request.fileName, timeoutSec: request.timeoutSec, manifestCid },
    bytesToHex(kfrag),
  );
  return { ...hired, manifestCid, manifestBytes };
}
