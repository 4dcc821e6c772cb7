import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import type { JobView } from '../chain/market-state.js';
import type { ContentStore, FetchLimits } from '../store/content-store.js';
import { parseManifest, verifyManifest, type JobManifest } from '../job/manifest.js';
import { unpackPayload, type Payload } from '../job/payload.js';
import {
  encodeSealedResult,
  signResult,
  type JobOutputs,
  type JobResult,
  type OutputFile,
  type ResultSigner,
  type SkippedOutput,
} from '../job/result.js';
import { decodeInterleaved, type OutputSegment } from '../job/output-order.js';
import { encodeSealedOutputs } from '../job/sealed-outputs.js';
import { openAsProvider } from '../crypto/envelope.js';
import { sealForRequester } from '../crypto/result-box.js';
import type { PublicKey } from '@nucypher/umbral-pre';
import { publicKeyFromHex, type ProviderKeys } from '../keys/umbral-keys.js';

/** What a provider fetched for a job it accepted: still sealed. */
export interface FetchedJob {
  manifest: JobManifest;
  ciphertext: Uint8Array;
}

/**
 * The provider's first protocol step once hired: fetch the manifest named on chain, check it is
 * signed by the job's requester and bound to this hire (`market`, the job's provider and offer
 * nonce: a copied manifest fails here, MANIFEST_NOT_BOUND, before its payload is fetched), then
 * fetch the sealed payload it names, verified and bounded.
 */
export async function fetchAcceptedJob(
  store: ContentStore,
  job: JobView,
  market: { chainId: number; address: Address },
  limits: FetchLimits,
): Promise<FetchedJob> {
  const manifest = await fetchAcceptedManifest(store, job, market, limits);
  return { manifest, ciphertext: await store.get(manifest.payload.cid, limits) };
}

/**
 * The manifest of a job this provider was hired for, checked as `fetchAcceptedJob` checks it:
 * all a provider needs to seal the result of a run it already has (a run resumed after a
 * restart), without fetching the payload again. `kept`: its bytes as the provider kept them
 * (encodeManifest) when it first fetched it, checked the same way instead of fetched.
 */
export async function fetchAcceptedManifest(
  store: ContentStore,
  job: JobView,
  market: { chainId: number; address: Address },
  limits: FetchLimits,
  kept?: Uint8Array,
): Promise<JobManifest> {
  const manifest = parseManifest(kept ?? (await store.get(job.manifestCid, limits)));
  await verifyManifest(manifest, {
    chainId: market.chainId,
    market: market.address,
    requester: job.requester,
    provider: job.provider,
    offerNonce: job.offerNonce,
  });
  if (manifest.runtime !== job.runtime)
    throw new OrangeError(
      'MANIFEST_INVALID',
      `The manifest asks for runtime ${manifest.runtime}; the job was hired for ${job.runtime}.`,
    );
  return manifest;
}

/** Opens the payload with the requester's grant (a kfrag for the job's key, from the offer). */
export async function openGrantedJob(
  fetched: FetchedJob,
  kfrag: Uint8Array,
  keys: ProviderKeys,
): Promise<Payload> {
  const { manifest, ciphertext } = fetched;
  return unpackPayload(
    openAsProvider({
      capsule: manifest.payload.capsule,
      ciphertext,
      kfrag,
      providerSecretKey: keys.secretKey,
      delegatingPublicKey: publicKeyFromHex(manifest.keys.delegatingPublicKey),
      verifyingPublicKey: publicKeyFromHex(manifest.keys.verifyingPublicKey),
    }),
  );
}

/** What a run produced, as the provider reports it. */
export interface RunReport {
  exitCode: number | null;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** The order the two streams were printed in, as runs of bytes (see OutputOrder). */
  interleaving?: OutputSegment[];
  outputTruncated: boolean;
  timedOut: boolean;
  outOfMemory: boolean;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  /** Of durationMs, the time spent installing the job's dependency wheels, when it had any. */
  installMs?: number;
  /** What came back from out/; absent when the job left it empty. */
  outputs?: RunOutputs;
}

/** The files a run returned from out/, checked by the provider against its own list. */
export interface RunOutputs {
  /** A tar of exactly `files`, in order (paths relative to out/); empty when none. */
  archive: Uint8Array;
  files: OutputFile[];
  skipped: SkippedOutput[];
  truncated: boolean;
  partial: boolean;
}

/**
 * Signs a run's result with the provider's key, bound to the chain, market and job, seals it
 * to the requester's job key (from the manifest) and stores it; returns the CID to record on
 * chain or announce.
 */
export async function publishResult(
  store: ContentStore,
  signer: ResultSigner,
  jobId: bigint,
  manifest: JobManifest,
  report: RunReport,
  failure?: string,
): Promise<string> {
  const printed = decodeInterleaved(report.stdout, report.stderr, report.interleaving ?? []);
  const result: JobResult = {
    version: 2,
    kind: 'orange-cloud/result',
    binding: {
      chainId: signer.chainId,
      market: signer.market.toLowerCase() as Address,
      jobId: jobId.toString(),
    },
    exitCode: report.exitCode,
    stdout: printed.stdout,
    stderr: printed.stderr,
    // Only when both streams printed: one stream alone has nothing to interleave.
    ...(report.interleaving && printed.segments && printed.segments.length > 1
      ? { interleaving: printed.segments }
      : {}),
    outputTruncated: report.outputTruncated,
    timedOut: report.timedOut,
    outOfMemory: report.outOfMemory,
    ...(failure ? { failure } : {}),
    timings: {
      startedAt: report.startedAt.toISOString(),
      endedAt: report.endedAt.toISOString(),
      durationMs: report.durationMs,
      ...(report.installMs !== undefined ? { installMs: report.installMs } : {}),
    },
  };
  const requesterKey = publicKeyFromHex(manifest.keys.delegatingPublicKey);
  if (report.outputs) result.outputs = await storeOutputs(store, requesterKey, report.outputs);
  const box = sealForRequester(requesterKey, await signResult(signer.account, result));
  return store.put(encodeSealedResult(box));
}

/**
 * Seals the outputs archive to the requester's job key like the result, stores it, and
 * returns the list the result carries; with no file to return, nothing is stored.
 */
async function storeOutputs(
  store: ContentStore,
  requesterKey: PublicKey,
  outputs: RunOutputs,
): Promise<JobOutputs> {
  const listed = {
    files: outputs.files,
    skipped: outputs.skipped,
    truncated: outputs.truncated,
    partial: outputs.partial,
  };
  if (outputs.files.length === 0) return { sealedBytes: 0, ...listed };
  const sealed = encodeSealedOutputs(sealForRequester(requesterKey, outputs.archive));
  return { cid: await store.put(sealed), sealedBytes: sealed.length, ...listed };
}
