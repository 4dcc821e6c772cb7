import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OrangeError } from '../errors.js';
import { normalizeMnemonic, normalizePrivateKey, type WalletSecret } from './mnemonic.js';

/**
 * The wallet secret at rest. scrypt turns the passphrase into 64 bytes: the first half is
 * the AES-256-GCM key, the SHA-256 of the second half is stored as `check`, so a wrong
 * passphrase is told apart from a damaged file.
 */
interface KeystoreFile {
  version: 1;
  kind: 'orange-cloud/keystore';
  /** false when the passphrase is empty: anyone who can read the file has the wallet. */
  protected: boolean;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  check: string;
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  ciphertext: string;
}

export interface KeystoreInfo {
  /** false when the keystore has an empty passphrase. */
  protected: boolean;
}

/**
 * scrypt cost for a passphrase: N = 2^17 (128 MiB, about 1 s to unlock on a 2-core machine
 * under load; docs/security.md has the measurements). An empty passphrase protects nothing
 * whatever the cost, so an unprotected keystore (the devnet's) keeps the old, fast 2^15.
 * Files keep their own parameters: a keystore written with other ones still opens.
 */
const SCRYPT_PROTECTED = { N: 2 ** 17, r: 8, p: 1 };
const SCRYPT_UNPROTECTED = { N: 2 ** 15, r: 8, p: 1 };
// Bounds on parameters read from a file, so a crafted keystore cannot exhaust memory.
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
/** GCM's full tag: a shorter stored tag would make forging the ciphertext easier. */
const GCM_TAG_BYTES = 16;
const AAD = Buffer.from('orange-cloud/keystore/v1');
const MAX_KEYSTORE_BYTES = 64 * 1024;

function deriveKeys(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }) {
  const options: ScryptOptions = { ...params, maxmem: MAX_SCRYPT_MEMORY + 1024 * 1024 };
  return new Promise<{ key: Buffer; check: Buffer }>((resolve, reject) =>
    scrypt(passphrase.normalize('NFKC'), salt, 64, options, (error, derived) => {
      if (error) reject(error);
      else
        resolve({
          key: derived.subarray(0, 32),
          check: createHash('sha256').update(derived.subarray(32)).digest(),
        });
    }),
  );
}

function noWallet(path: string): OrangeError {
  return new OrangeError('NO_WALLET', `No wallet found at ${path}.`, {
    hint: 'Run `orange wallet create` or `orange wallet import` first.',
  });
}

function corrupt(path: string, problem: string, cause?: unknown): OrangeError {
  return new OrangeError(
    'KEYSTORE_CORRUPT',
    `The wallet keystore ${path} is damaged: ${problem}.`,
    {
      hint: 'Restore it from a backup, or import the wallet again from its mnemonic (`orange wallet import --force`).',
      cause,
    },
  );
}

/** Writes the secret encrypted under `passphrase`; replaces any keystore at `path` atomically. */
export async function writeKeystore(
  path: string,
  secret: WalletSecret,
  passphrase: string,
): Promise<void> {
  const normalized: WalletSecret =
    'mnemonic' in secret
      ? { mnemonic: normalizeMnemonic(secret.mnemonic) }
      : { privateKey: normalizePrivateKey(secret.privateKey) };
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const cost = passphrase.length > 0 ? SCRYPT_PROTECTED : SCRYPT_UNPROTECTED;
  const { key, check } = await deriveKeys(passphrase, salt, cost);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES }).setAAD(
    AAD,
  );
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(normalized), 'utf8'),
    cipher.final(),
  ]);
  const file: KeystoreFile = {
    version: 1,
    kind: 'orange-cloud/keystore',
    protected: passphrase.length > 0,
    kdf: { name: 'scrypt', ...cost, salt: salt.toString('base64') },
    check: check.toString('base64'),
    cipher: {
      name: 'aes-256-gcm',
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    },
    ciphertext: ciphertext.toString('base64'),
  };

  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Temp file + rename: a crash mid-write never leaves a half-written wallet behind.
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(file, null, 2) + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(temp, 0o600);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function keystoreExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function loadKeystore(path: string): Promise<KeystoreFile> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_KEYSTORE_BYTES) throw corrupt(path, 'it is far larger than a keystore');
    text = bytes.toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw noWallet(path);
    if (error instanceof OrangeError) throw error;
    throw new OrangeError(
      'KEYSTORE_UNREADABLE',
      `The wallet keystore ${path} cannot be read (${code ?? error}).`,
      {
        hint: 'Check the file permissions; the keystore must be readable by the user running Orange Cloud.',
        cause: error,
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, 'it is not JSON', error);
  }
  return checkShape(path, parsed);
}

function checkShape(path: string, value: unknown): KeystoreFile {
  const file = value as KeystoreFile;
  const b64 = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v);
  if (typeof value !== 'object' || value === null)
    throw corrupt(path, 'it is not a keystore object');
  if (file.kind !== 'orange-cloud/keystore')
    throw corrupt(path, 'it is not an Orange Cloud keystore');
  if (file.version !== 1) throw corrupt(path, `version ${String(file.version)} is not supported`);
  if (typeof file.protected !== 'boolean') throw corrupt(path, '"protected" is missing');
  const { kdf, cipher } = file;
  const intIn = (v: unknown, min: number, max: number) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
  if (
    typeof kdf !== 'object' ||
    kdf === null ||
    kdf.name !== 'scrypt' ||
    !intIn(kdf.N, 2, 2 ** 24) ||
    (kdf.N & (kdf.N - 1)) !== 0 ||
    !intIn(kdf.r, 1, 64) ||
    !intIn(kdf.p, 1, 16) ||
    128 * kdf.N * kdf.r > MAX_SCRYPT_MEMORY ||
    !b64(kdf.salt)
  ) {
    throw corrupt(path, 'its key derivation parameters are invalid');
  }
  if (
    typeof cipher !== 'object' ||
    cipher === null ||
    cipher.name !== 'aes-256-gcm' ||
    !b64(cipher.iv) ||
    !b64(cipher.tag) ||
    Buffer.from(cipher.tag, 'base64').length !== GCM_TAG_BYTES
  ) {
    throw corrupt(path, 'its cipher parameters are invalid');
  }
  if (!b64(file.check) || !b64(file.ciphertext))
    throw corrupt(path, 'its encrypted data is malformed');
  return file;
}

/** Whether the keystore needs a passphrase, without asking for it. */
export async function keystoreInfo(path: string): Promise<KeystoreInfo> {
  return { protected: (await loadKeystore(path)).protected };
}

/** Decrypts the wallet secret; an empty passphrase opens an unprotected keystore. */
export async function readKeystore(path: string, passphrase: string): Promise<WalletSecret> {
  const file = await loadKeystore(path);
  const { key, check } = await deriveKeys(
    passphrase,
    Buffer.from(file.kdf.salt, 'base64'),
    file.kdf,
  );
  const stored = Buffer.from(file.check, 'base64');
  if (stored.length !== check.length || !timingSafeEqual(stored, check)) {
    throw new OrangeError(
      'WRONG_PASSPHRASE',
      `The passphrase for the wallet at ${path} is wrong.`,
      {
        hint: file.protected
          ? 'Enter the passphrase chosen when the wallet was created (or set ORANGE_PASSPHRASE).'
          : 'This keystore has no passphrase: leave it empty (unset ORANGE_PASSPHRASE).',
      },
    );
  }
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.cipher.iv, 'base64'), {
      authTagLength: GCM_TAG_BYTES,
    }).setAAD(AAD);
    decipher.setAuthTag(Buffer.from(file.cipher.tag, 'base64'));
    plaintext = Buffer.concat([
      decipher.update(Buffer.from(file.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch (error) {
    throw corrupt(path, 'its encrypted data does not authenticate', error);
  }
  try {
    const secret = JSON.parse(plaintext) as Record<string, unknown>;
    if (typeof secret.mnemonic === 'string')
      return { mnemonic: normalizeMnemonic(secret.mnemonic) };
    if (typeof secret.privateKey === 'string')
      return { privateKey: normalizePrivateKey(secret.privateKey) };
  } catch (error) {
    throw corrupt(path, 'it holds no valid wallet secret', error);
  }
  throw corrupt(path, 'it holds no wallet secret');
}
