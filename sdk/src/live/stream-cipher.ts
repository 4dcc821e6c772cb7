import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PublicKey } from '@nucypher/umbral-pre';
import type { JobKeys } from '../keys/umbral-keys.js';
import { openAsRequester, sealForRequester } from '../crypto/result-box.js';
import type { SealedBox } from '../crypto/sealed-box.js';
import { OrangeError } from '../errors.js';

export type OutputStream = 'stdout' | 'stderr';

const TAG_BYTES = 16;

/** The nonce is the event's sequence number: unique because the key is fresh per job. */
function nonce(seq: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(seq), 4);
  return iv;
}

/** Binds each chunk to its place and stream, so a relay cannot swap or reorder them. */
const aad = (jobId: string, seq: number, stream: OutputStream) =>
  Buffer.from(`orange-cloud/live/v1:${jobId}:${seq}:${stream}`);

/**
 * The provider's side of live output. Umbral per chunk would cost an EC
 * operation per line, so a fresh AES-256-GCM key is sealed once to the
 * requester's job key (the `header`) and every chunk is encrypted under it.
 */
export class StreamSealer {
  readonly header: SealedBox;
  private readonly key: Buffer;
  private readonly jobId: string;

  constructor(jobId: string, requesterJobPublicKey: PublicKey) {
    this.jobId = jobId;
    this.key = randomBytes(32);
    this.header = sealForRequester(requesterJobPublicKey, this.key);
  }

  seal(seq: number, stream: OutputStream, data: Uint8Array): Uint8Array {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(seq));
    cipher.setAAD(aad(this.jobId, seq, stream));
    return Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
  }
}

/** The requester's side: opens the header with the job key, then each chunk. */
export class StreamOpener {
  private readonly key: Uint8Array;
  private readonly jobId: string;

  constructor(jobId: string, keys: JobKeys, header: SealedBox) {
    this.jobId = jobId;
    this.key = openAsRequester(keys, header);
  }

  open(seq: number, stream: OutputStream, sealed: Uint8Array): Uint8Array {
    if (sealed.length < TAG_BYTES) throw tampered(`chunk ${seq} is too short`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce(seq));
    decipher.setAAD(aad(this.jobId, seq, stream));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch (error) {
      throw tampered(`chunk ${seq} does not decrypt`, error);
    }
  }
}

export function tampered(detail: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'LIVE_OUTPUT_TAMPERED',
    `The live output was altered on the way: ${detail}.`,
    {
      hint: 'The final result from IPFS is still verified; rely on it.',
      cause,
    },
  );
}
