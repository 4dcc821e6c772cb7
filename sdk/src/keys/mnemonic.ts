import { createHash, hkdfSync, pbkdf2Sync } from 'node:crypto';
import {
  english,
  generateMnemonic as generateBip39Mnemonic,
  mnemonicToAccount,
  privateKeyToAccount,
  type LocalAccount,
} from 'viem/accounts';
import { OrangeError } from '../errors.js';

/** What a keystore holds: exactly one of a BIP-39 mnemonic or an imported EVM private key. */
export type WalletSecret = { mnemonic: string } | { privateKey: `0x${string}` };

/** The user's identity: the EVM account and the root of every Umbral key. */
export interface Wallet {
  account: LocalAccount;
  /** 32 bytes, domain-separated from the EVM key; feeds `jobKeys` and `providerKeys`. */
  umbralMasterSecret: Uint8Array;
}

// Domain separation: the Umbral root never equals (nor reveals) the EVM key, and the two
// sources of secrets can never derive the same Umbral root.
const UMBRAL_MASTER_INFO = {
  mnemonic: 'orange-cloud/umbral-master/v1/bip39-seed',
  privateKey: 'orange-cloud/umbral-master/v1/private-key',
} as const;
const UMBRAL_MASTER_SALT = 'orange-cloud';

const WORD_INDEX = new Map(english.map((word, index) => [word, index]));
const WORD_COUNTS = [12, 15, 18, 21, 24];

/** A new 12-word English BIP-39 mnemonic (128 bits of entropy). */
export function generateMnemonic(): string {
  return generateBip39Mnemonic(english, 128);
}

function invalidMnemonic(reason: string): OrangeError {
  return new OrangeError('INVALID_MNEMONIC', `This is not a valid BIP-39 mnemonic: ${reason}.`, {
    hint: 'Enter the 12 to 24 English words exactly as written down, separated by spaces.',
  });
}

/**
 * The canonical form of a typed or pasted mnemonic (trimmed, single spaces, lower case),
 * after checking the words and the BIP-39 checksum.
 */
export function normalizeMnemonic(input: string): string {
  const words = input.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!WORD_COUNTS.includes(words.length)) {
    throw invalidMnemonic(`it has ${words.length} words, expected 12, 15, 18, 21 or 24`);
  }
  const indices = words.map((word, position) => {
    const index = WORD_INDEX.get(word);
    if (index === undefined)
      throw invalidMnemonic(`word ${position + 1} ("${word}") is not in the English word list`);
    return index;
  });
  if (!checksumMatches(indices))
    throw invalidMnemonic('its checksum does not match (a word is wrong or out of order)');
  return words.join(' ');
}

/** BIP-39: the last ENT/32 bits are the first bits of SHA-256(entropy). */
function checksumMatches(indices: number[]): boolean {
  const bits = indices.map((i) => i.toString(2).padStart(11, '0')).join('');
  const checksumBits = bits.length / 33;
  const entropyBits = bits.slice(0, bits.length - checksumBits);
  const entropy = Buffer.from(entropyBits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
  const hash = createHash('sha256').update(entropy).digest();
  const expected = hash[0]!.toString(2).padStart(8, '0').slice(0, checksumBits);
  return bits.slice(bits.length - checksumBits) === expected;
}

/** BIP-39 seed (no passphrase): PBKDF2-HMAC-SHA512, 2048 rounds, salt "mnemonic". */
function bip39Seed(mnemonic: string): Buffer {
  return pbkdf2Sync(mnemonic.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512');
}

function deriveUmbralMaster(ikm: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, UMBRAL_MASTER_SALT, info, 32));
}

/** The canonical form of an EVM private key (0x + 64 lower-case hex), checked to be a valid secp256k1 scalar. */
export function normalizePrivateKey(value: string): `0x${string}` {
  const key = value.trim().toLowerCase();
  const hex = key.startsWith('0x') ? key : `0x${key}`;
  const invalid = () =>
    new OrangeError('INVALID_PRIVATE_KEY', 'This is not a valid private key.', {
      hint: 'A private key is 64 hexadecimal characters, optionally prefixed with 0x.',
    });
  if (!/^0x[0-9a-f]{64}$/.test(hex)) throw invalid();
  const scalar = BigInt(hex);
  // secp256k1 accepts 1 <= k < n only.
  if (
    scalar === 0n ||
    scalar >= 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
  ) {
    throw invalid();
  }
  return hex as `0x${string}`;
}

/**
 * The wallet a secret stands for. Mnemonics use the standard Ethereum HD path
 * m/44'/60'/0'/0/0, so the address matches what other wallets show for the same words.
 */
export function walletFromSecret(secret: WalletSecret): Wallet {
  if ('mnemonic' in secret) {
    const mnemonic = normalizeMnemonic(secret.mnemonic);
    return {
      account: mnemonicToAccount(mnemonic),
      umbralMasterSecret: deriveUmbralMaster(bip39Seed(mnemonic), UMBRAL_MASTER_INFO.mnemonic),
    };
  }
  const privateKey = normalizePrivateKey(secret.privateKey);
  return {
    account: privateKeyToAccount(privateKey),
    umbralMasterSecret: deriveUmbralMaster(
      Buffer.from(privateKey.slice(2), 'hex'),
      UMBRAL_MASTER_INFO.privateKey,
    ),
  };
}
