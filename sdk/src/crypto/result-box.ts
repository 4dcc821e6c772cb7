import { decryptOriginal, encrypt, type PublicKey } from '@nucypher/umbral-pre';
import type { JobKeys } from '../keys/umbral-keys.js';
import { capsuleFromBytes, decryptFailed, type SealedBox } from './sealed-box.js';

/**
 * The provider seals a job's result to the requester's job public key (the delegating key
 * in the manifest): only the requester, who can derive that job's secret key, opens it.
 */
export function sealForRequester(
  requesterJobPublicKey: PublicKey,
  plaintext: Uint8Array,
): SealedBox {
  const [capsule, ciphertext] = encrypt(requesterJobPublicKey, plaintext);
  const capsuleBytes = capsule.toBytes();
  capsule.free();
  return { capsule: capsuleBytes, ciphertext };
}

/** The requester opens a result sealed with `sealForRequester`. */
export function openAsRequester(keys: JobKeys, box: SealedBox): Uint8Array {
  const capsule = capsuleFromBytes(box.capsule, 'job result');
  try {
    return decryptOriginal(keys.secretKey, capsule, box.ciphertext);
  } catch (error) {
    throw decryptFailed('job result', error);
  } finally {
    capsule.free();
  }
}
