import { randomBytes } from 'node:crypto';
import { PublicKey, SecretKey, SecretKeyFactory, Signer } from '@nucypher/umbral-pre';
import { OrangeError } from '../errors.js';

/**
 * The Umbral keys of ONE job. The secret key is the delegating key: a kfrag plus the
 * receiver's secret key reveal it, so it must never protect anything but this job.
 */
export interface JobKeys {
  /** Public; stored in the manifest so the requester can derive the keys again. */
  label: string;
  secretKey: SecretKey;
  /** The delegating public key: payload and result are encrypted to it. */
  publicKey: PublicKey;
  /** Signs the kfrags, so a provider can tell they come from the requester. */
  signer: Signer;
  verifyingKey: PublicKey;
}

/** A provider's long-lived receiving key pair; the public key is registered on chain. */
export interface ProviderKeys {
  secretKey: SecretKey;
  publicKey: PublicKey;
}

// Separate sub-factories keep every job label away from the provider key, whatever the label.
const JOB_KEYS_DOMAIN = 'orange-cloud/job-keys/v1';
const PROVIDER_KEYS_DOMAIN = 'orange-cloud/provider-keys/v1';
const LABEL_PATTERN = /^[\x21-\x7e]{1,128}$/;
const utf8 = (text: string) => new TextEncoder().encode(text);

/** A fresh, unguessable label for a new job's keys: `job/<32 hex digits>`. */
export function newJobKeyLabel(): string {
  return `job/${randomBytes(16).toString('hex')}`;
}

/** True for labels `jobKeys` accepts: 1 to 128 printable ASCII characters without spaces. */
export function isJobKeyLabel(label: string): boolean {
  return LABEL_PATTERN.test(label);
}

function withFactory<T>(
  masterSecret: Uint8Array,
  domain: string,
  use: (factory: SecretKeyFactory) => T,
): T {
  if (masterSecret.length !== SecretKeyFactory.seedSize()) {
    throw new OrangeError(
      'INVALID_MASTER_SECRET',
      `The Umbral master secret must be ${SecretKeyFactory.seedSize()} bytes.`,
      {
        hint: 'Pass the umbralMasterSecret of a wallet from walletFromSecret().',
      },
    );
  }
  const root = SecretKeyFactory.fromSecureRandomness(masterSecret);
  const factory = root.makeFactory(utf8(domain));
  root.free();
  try {
    return use(factory);
  } finally {
    factory.free();
  }
}

/** The keys of the job whose manifest carries `label`; the same inputs give the same keys. */
export function jobKeys(masterSecret: Uint8Array, label: string): JobKeys {
  if (!isJobKeyLabel(label)) {
    throw new OrangeError('INVALID_KEY_LABEL', `"${label}" is not a valid job key label.`, {
      hint: 'Use newJobKeyLabel() for a new job, or the label stored in the job manifest.',
    });
  }
  return withFactory(masterSecret, JOB_KEYS_DOMAIN, (factory) => {
    const secretKey = factory.makeKey(utf8(`${label}#delegating`));
    const signingKey = factory.makeKey(utf8(`${label}#signing`));
    const signer = new Signer(signingKey);
    signingKey.free();
    return {
      label,
      secretKey,
      publicKey: secretKey.publicKey(),
      signer,
      verifyingKey: signer.verifyingKey(),
    };
  });
}

/** The provider's receiving keys, derived from its wallet. */
export function providerKeys(masterSecret: Uint8Array): ProviderKeys {
  return withFactory(masterSecret, PROVIDER_KEYS_DOMAIN, (factory) => {
    const secretKey = factory.makeKey(utf8('receiving'));
    return { secretKey, publicKey: secretKey.publicKey() };
  });
}

/** Frees the WASM memory of a job's keys once the job is over (long-running processes). */
export function freeJobKeys(keys: JobKeys): void {
  keys.secretKey.free();
  keys.publicKey.free();
  keys.signer.free();
  keys.verifyingKey.free();
}

/** Compressed SEC1 bytes (33) as lower-case hex, without a 0x prefix. */
export function publicKeyToHex(key: PublicKey): string {
  return Buffer.from(key.toCompressedBytes()).toString('hex');
}

/** The inverse of `publicKeyToHex`; a 0x prefix is accepted. */
export function publicKeyFromHex(hex: string): PublicKey {
  const digits = hex.startsWith('0x') ? hex.slice(2) : hex;
  const invalid = (cause?: unknown) =>
    new OrangeError('INVALID_PUBLIC_KEY', `"${hex}" is not a compressed Umbral public key.`, {
      hint: 'Expected 66 hexadecimal characters starting with 02 or 03.',
      cause,
    });
  if (!/^0[23][0-9a-fA-F]{64}$/.test(digits)) throw invalid();
  try {
    return PublicKey.fromCompressedBytes(Buffer.from(digits, 'hex'));
  } catch (error) {
    throw invalid(error);
  }
}
