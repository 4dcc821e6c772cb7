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

/**
 * The requester opens what a provider sealed with `sealForRequester`: the result, or the
 * archive of returned files (`what` names it in the error).
 */
export function openAsRequester(keys: JobKeys, box: SealedBox, what = 'job result'): Uint8Array {
  const capsule = capsuleFromBytes(box.capsule, what);
  try {
    return decryptOriginal(keys.secretKey, capsule, box.ciphertext);
  } catch (error) {
    throw decryptFailed(what, error);
  } finally {
    capsule.free();
  }
}
