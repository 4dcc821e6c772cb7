import type { Hex } from 'viem';
import {
  buildManifest,
  encodeManifest,
  jobKeys,
  newJobKeyLabel,
  packPayload,
  scriptPayload,
  publicKeyToHex,
  type PayloadFile,
  sealPayload,
} from '@orange-cloud/sdk';
import type { TestRequester } from './local-network.js';

/**
 * A well-formed job sealed by `requester` and stored on its IPFS node, for tests that post it
 * by hand (to spoil a part, or to skip the client's own checks). Returns the job's keys, for
 * the grant, and the manifest's CID, for the post. `files` replaces the script with files
 * packed as they are, unchecked (a hostile requester's payload); `x.py` stays the entrypoint.
 */
export async function sealTestJob(
  requester: TestRequester,
  options: {
    source?: string;
    files?: PayloadFile[];
    /** The header's wheel list, unchecked against the files. */
    wheels?: string[];
    claimedRequester?: Hex;
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
