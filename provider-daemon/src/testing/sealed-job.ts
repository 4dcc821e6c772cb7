import { bytesToHex, type Hex, type LocalAccount } from 'viem';
import {
  QUOTE_PATH,
  buildManifest,
  encodeManifest,
  encodeQuoteRequest,
  jobKeys,
  newJobKeyLabel,
  packPayload,
  parseSignedOffer,
  scriptPayload,
  publicKeyToHex,
  type ManifestBinding,
  type PayloadFile,
  type SignedOffer,
  sealPayload,
  verifyOfferSignature,
} from '@orange-cloud/sdk';
import type { TestProvider, TestRequester } from './local-network.js';

/** What the hand-made test jobs ask for. */
export const TEST_JOB = { runtime: 'python3', cores: 1, memoryMb: 256, timeoutSec: 10 } as const;

/** Asks `provider`'s endpoint for an offer for a TEST_JOB, as a client would, and checks it. */
export async function testOffer(
  requester: Pick<TestRequester, 'market' | 'wallet'>,
  provider: TestProvider,
): Promise<SignedOffer> {
  const domain = {
    chainId: requester.market.connection.chainId,
    market: requester.market.address,
  };
  const response = await fetch(new URL(QUOTE_PATH, provider.liveServer.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: encodeQuoteRequest({
      ...domain,
      ...TEST_JOB,
      requester: requester.wallet.account.address,
    }),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200)
    throw new Error(`no offer (HTTP ${response.status}): ${new TextDecoder().decode(body)}`);
  const signed = parseSignedOffer(body);
  await verifyOfferSignature(domain, signed);
  return signed;
}

/**
 * A well-formed job sealed by `requester` and stored on its IPFS node, its manifest bound to the
 * offer and signed, for tests that hire by hand (to spoil a part, or to skip the client's own
 * checks). Returns the job's keys, for the grant, and the manifest's CID, for the hire. `files`
 * replaces the script with files packed as they are, unchecked (a hostile requester's payload);
 * `x.py` stays the entrypoint.
 */
export async function sealTestJob(
  requester: TestRequester,
  signed: SignedOffer,
  options: {
    source?: string;
    files?: PayloadFile[];
    /** The header's wheel list, unchecked against the files. */
    wheels?: string[];
    claimedRequester?: Hex;
    /** Signs the manifest instead of the requester. */
    signer?: LocalAccount;
    binding?: Partial<ManifestBinding>;
  } = {},
) {
  const label = newJobKeyLabel();
  const keys = jobKeys(requester.wallet.umbralMasterSecret, label);
  const script = scriptPayload({
    fileName: 'x.py',
    bytes: new TextEncoder().encode(options.source ?? 'print(1)\n'),
  });
  const files = options.files ?? script.files;
  const sealed = sealPayload(
    await packPayload({ ...script, files, ...(options.wheels ? { wheels: options.wheels } : {}) }),
    keys,
  );
  const payloadCid = await requester.store.put(sealed.ciphertext);
  const manifest = await buildManifest(options.signer ?? requester.wallet.account, {
    runtime: TEST_JOB.runtime,
    entrypoint: 'x.py',
    payload: { cid: payloadCid, capsule: sealed.capsule, bytes: sealed.ciphertext.length },
    keys: {
      label,
      delegatingPublicKey: publicKeyToHex(keys.publicKey),
      verifyingPublicKey: publicKeyToHex(keys.verifyingKey),
    },
    requester: options.claimedRequester ?? requester.wallet.account.address,
    limits: { cores: TEST_JOB.cores, memoryMb: TEST_JOB.memoryMb, timeoutSec: TEST_JOB.timeoutSec },
    binding: {
      chainId: requester.market.connection.chainId,
      market: requester.market.address,
      provider: signed.offer.provider,
      offerNonce: signed.offer.nonce,
      ...options.binding,
    },
  });
  return { keys, manifestCid: await requester.store.put(encodeManifest(manifest)) };
}

/** Hires with the offer, the manifest and the kfrag as given; returns how the job ended. */
export async function hireTestJob(
  requester: TestRequester,
  signed: SignedOffer,
  manifestCid: string,
  kfrag: Uint8Array,
) {
  const { jobId } = await requester.market.hireJob(
    signed,
    { name: 'x.py', timeoutSec: TEST_JOB.timeoutSec, manifestCid },
    bytesToHex(kfrag),
  );
  return requester.index.waitForJob(jobId, (j) =>
    ['failed', 'completed', 'expired', 'cancelled'].includes(j.status),
  );
}
