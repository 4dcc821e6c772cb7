import {
  KeyFrag,
  decryptReencrypted,
  encrypt,
  generateKFrags,
  reencrypt,
  type PublicKey,
  type SecretKey,
  type VerifiedCapsuleFrag,
  type VerifiedKeyFrag,
} from '@nucypher/umbral-pre';
import { OrangeError } from '../errors.js';
import type { JobKeys } from '../keys/umbral-keys.js';
import { capsuleFromBytes, decryptFailed, type SealedBox } from './sealed-box.js';

export type { SealedBox } from './sealed-box.js';

/** Encrypts a job's payload to the job's own public key (only kfrags let anyone else open it). */
export function sealPayload(plaintext: Uint8Array, keys: JobKeys): SealedBox {
  const [capsule, ciphertext] = encrypt(keys.publicKey, plaintext);
  const capsuleBytes = capsule.toBytes();
  capsule.free();
  return { capsule: capsuleBytes, ciphertext };
}

/**
 * The key fragment that lets exactly the provider holding `providerPublicKey` open this
 * job's payload. Threshold 1 of 1, signed over both delegating and receiving keys, so the
 * provider can check it comes from the job's requester and is meant for itself.
 */
export function grantKeyFrag(keys: JobKeys, providerPublicKey: PublicKey): Uint8Array {
  const kfrags = generateKFrags(keys.secretKey, providerPublicKey, keys.signer, 1, 1, true, true);
  const bytes = kfrags[0]!.toBytes();
  for (const kfrag of kfrags) kfrag.free();
  return bytes;
}

export interface ProviderOpenRequest extends SealedBox {
  /** Bytes from `grantKeyFrag`, as published in the grant. */
  kfrag: Uint8Array;
  providerSecretKey: SecretKey;
  /** From the manifest: the job's public key. */
  delegatingPublicKey: PublicKey;
  /** From the manifest: the key the requester signs kfrags with. */
  verifyingPublicKey: PublicKey;
}

function keyFragInvalid(cause?: unknown): OrangeError {
  return new OrangeError(
    'KEYFRAG_INVALID',
    'The access grant for this job is not valid for this provider: it was made for another key or is damaged.',
    {
      hint: 'Only the provider the requester granted can open the job; check the registered Umbral key.',
      cause,
    },
  );
}

/**
 * The provider's side: checks the grant, re-encrypts the capsule with it, checks the
 * capsule fragment and decrypts. The re-encryption step runs here today; it is the seam
 * where independent proxies checking the chain can later take over.
 */
export function openAsProvider(request: ProviderOpenRequest): Uint8Array {
  const receivingPublicKey = request.providerSecretKey.publicKey();
  const capsule = capsuleFromBytes(request.capsule, 'job payload');
  let verifiedKeyFrag: VerifiedKeyFrag | undefined;
  let verifiedCapsuleFrag: VerifiedCapsuleFrag | undefined;
  try {
    try {
      // verify() consumes the KeyFrag, whether it succeeds or not.
      verifiedKeyFrag = KeyFrag.fromBytes(request.kfrag).verify(
        request.verifyingPublicKey,
        request.delegatingPublicKey,
        receivingPublicKey,
      );
    } catch (error) {
      throw keyFragInvalid(error);
    }
    try {
      // The capsule parsed as valid, so a fragment that fails its proof means the kfrag's
      // signature for the receiver was damaged or forged.
      const capsuleFrag = reencrypt(capsule, verifiedKeyFrag).unverify();
      verifiedCapsuleFrag = capsuleFrag.verify(
        capsule,
        request.verifyingPublicKey,
        request.delegatingPublicKey,
        receivingPublicKey,
      );
    } catch (error) {
      throw keyFragInvalid(error);
    }
    try {
      return decryptReencrypted(
        request.providerSecretKey,
        request.delegatingPublicKey,
        capsule,
        [verifiedCapsuleFrag],
        request.ciphertext,
      );
    } catch (error) {
      throw decryptFailed('job payload', error);
    }
  } finally {
    verifiedCapsuleFrag?.free();
    verifiedKeyFrag?.free();
    capsule.free();
    receivingPublicKey.free();
  }
}
