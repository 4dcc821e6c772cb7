import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretKey, type PublicKey } from '@nucypher/umbral-pre';
import { bytesToHex, type Hex } from 'viem';
import { OrangeError } from '@orange-cloud/sdk';

/**
 * The Umbral key pair of one offer, and so of the one job hired with it (market v2). It is
 * the SDK's ProviderKeys for that job: `openGrantedJob(fetched, kfrag, key)` opens it.
 */
export interface JobKey {
  nonce: bigint;
  /** Opens the job's kfrag-re-encrypted payload; erased when the job ends or the offer expires. */
  secretKey: SecretKey;
  publicKey: PublicKey;
  /** Compressed SEC1, 0x-prefixed: the offer's `jobPublicKey`. */
  jobPublicKey: Hex;
}

const KEY_FILE = /^(0|[1-9][0-9]{0,19})\.key$/;
const SECRET_BYTES = 32;

function jobKey(nonce: bigint, secretKey: SecretKey): JobKey {
  const publicKey = secretKey.publicKey();
  return { nonce, secretKey, publicKey, jobPublicKey: bytesToHex(publicKey.toCompressedBytes()) };
}

/**
 * A fresh random Umbral key pair per offer, so a leaked key opens one job at most (forward
 * secrecy across jobs). The secret lives in memory and, for crash recovery only, in
 * `<stateDir>/job-keys/<nonce>.key` (directory 700, file 600, written atomically); `erase`
 * removes both once the job has ended or the offer expired unhired.
 */
export class JobKeyStore {
  private readonly keys = new Map<bigint, JobKey>();

  private constructor(readonly directory: string) {}

  /** Opens (creating) `<stateDir>/job-keys` and removes half-written files of a crash. */
  static async open(stateDir: string): Promise<JobKeyStore> {
    const directory = join(stateDir, 'job-keys');
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await chmod(directory, 0o700);
    for (const name of await readdir(directory))
      if (name.endsWith('.tmp')) await rm(join(directory, name), { force: true });
    return new JobKeyStore(directory);
  }

  private path(nonce: bigint): string {
    return join(this.directory, `${nonce}.key`);
  }

  /** Makes the key pair of a new offer and persists its secret before the offer is given out. */
  async create(nonce: bigint): Promise<JobKey> {
    if (this.keys.has(nonce)) throw new RangeError(`a job key for offer ${nonce} exists already`);
    const secretKey = SecretKey.random();
    const secret = secretKey.toBEBytes();
    const temporary = join(this.directory, `${nonce}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const file = await open(temporary, 'wx', 0o600);
      try {
        await file.writeFile(secret);
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path(nonce));
    } catch (error) {
      secretKey.free();
      await rm(temporary, { force: true });
      throw error;
    } finally {
      secret.fill(0);
    }
    const key = jobKey(nonce, secretKey);
    this.keys.set(nonce, key);
    return key;
  }

  /** The key of offer `nonce`, from memory or, after a restart, from its file. */
  async load(nonce: bigint): Promise<JobKey | undefined> {
    const known = this.keys.get(nonce);
    if (known) return known;
    let secret: Buffer;
    try {
      secret = await readFile(this.path(nonce));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      if (secret.length !== SECRET_BYTES) throw new Error(`${secret.length} bytes`);
      const key = jobKey(nonce, SecretKey.fromBEBytes(secret));
      this.keys.set(nonce, key);
      return key;
    } catch (error) {
      throw new OrangeError(
        'KEYSTORE_CORRUPT',
        `The job key file ${this.path(nonce)} is corrupt.`,
        {
          hint: 'The job hired with that offer cannot be opened; it is failed, the file can go.',
          cause: error,
        },
      );
    } finally {
      secret.fill(0);
    }
  }

  /** Forgets the key in memory and on disk; false when there was none. */
  async erase(nonce: bigint): Promise<boolean> {
    const key = this.keys.get(nonce);
    this.keys.delete(nonce);
    key?.secretKey.free();
    key?.publicKey.free();
    try {
      await rm(this.path(nonce));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return key !== undefined;
      throw error;
    }
  }

  /**
   * When the key of offer `nonce` was made (its file's modification time, in Unix seconds; the
   * file is written once, before the offer is given out); undefined when there is none.
   */
  async issuedAtSec(nonce: bigint): Promise<number | undefined> {
    try {
      return Math.floor((await stat(this.path(nonce))).mtimeMs / 1000);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Nonces whose keys are on disk: after a restart, what an earlier run left to settle. */
  async stored(): Promise<bigint[]> {
    const names = await readdir(this.directory);
    return names
      .map((name) => KEY_FILE.exec(name)?.[1])
      .filter((digits): digits is string => digits !== undefined)
      .map(BigInt)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
