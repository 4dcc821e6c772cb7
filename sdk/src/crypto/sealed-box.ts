import { Capsule } from '@nucypher/umbral-pre';
import { OrangeError } from '../errors.js';

/** Umbral ciphertext: the capsule carries the encapsulated key, the ciphertext the data. */
export interface SealedBox {
  capsule: Uint8Array;
  ciphertext: Uint8Array;
}

export function decryptFailed(what: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'DECRYPT_FAILED',
    `The ${what} cannot be decrypted: it was altered, or it was not sealed for this key.`,
    {
      hint: 'Fetch it again; if this persists the stored copy is damaged or belongs to another job.',
      cause,
    },
  );
}

/** Parses capsule bytes; the caller frees the result. */
export function capsuleFromBytes(bytes: Uint8Array, what: string): Capsule {
  try {
    return Capsule.fromBytes(bytes);
  } catch (error) {
    throw decryptFailed(what, error);
  }
}
