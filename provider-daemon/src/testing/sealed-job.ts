import type { Hex } from 'viem';
import {
  buildManifest,
  encodeManifest,
  jobKeys,
  newJobKeyLabel,
  packScript,
  publicKeyToHex,
  sealPayload,
} from '@orange-cloud/sdk';
import type { TestRequester } from './local-network.js';

/**
 * A well-formed job sealed by `requester` and stored on its IPFS node, for tests that post it
 * by hand (to spoil a part, or to skip the client's own checks). Returns the job's keys, for
 * the grant, and the manifest's CID, for the post.
 */
export async function sealTestJob(
  requester: TestRequester,
  options: { source?: string; claimedRequester?: Hex } = {},
) {
  const label = newJobKeyLabel();
  const keys = jobKeys(requester.wallet.umbralMasterSecret, label);
  const sealed = sealPayload(
    packScript({
      fileName: 'x.py',
      bytes: new TextEncoder().encode(options.source ?? 'print(1)\n'),
    }),
    keys,
  );
  const payloadCid = await requester.store.put(sealed.ciphertext);
  const manifest = buildManifest({
    runtime: 'python3',
    entrypoint: 'x.py',
    payload: { cid: payloadCid, capsule: sealed.capsule, bytes: sealed.ciphertext.length },
    keys: {
      label,
      delegatingPublicKey: publicKeyToHex(keys.publicKey),
      verifyingPublicKey: publicKeyToHex(keys.verifyingKey),
    },
    requester: options.claimedRequester ?? requester.wallet.account.address,
    limits: { cores: 1, memoryMb: 256, timeoutSec: 10 },
  });
  return { keys, manifestCid: await requester.store.put(encodeManifest(manifest)) };
}
