import { InvalidArgumentError } from 'commander';
import { keccak_256 } from '@noble/hashes/sha3.js';

// The parsers run while the command line is read, before any command's code
// loads: they must stay light (no viem, whose import alone takes ~0.4 s).

export const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a positive whole number.`);
  return n;
};

/** The most a provider fetches for one job (the SDK's MAX_PAYLOAD_BYTES, in MiB). */
export const MAX_PROJECT_MB = 64;

export const projectMb = (value: string) => {
  const n = positive('--max-project-mb')(value);
  if (n > MAX_PROJECT_MB)
    throw new InvalidArgumentError(`providers fetch at most ${MAX_PROJECT_MB} MiB per job.`);
  return n;
};

/** `--source`: where `orange jobs` and `orange providers` read the market's history. */
export const historySource = (value: string) => {
  if (value !== 'chain' && value !== 'subgraph')
    throw new InvalidArgumentError('must be "chain" or "subgraph".');
  return value;
};

/** A number of blocks, 0 or more. */
export const blocks = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of blocks.');
  return BigInt(value);
};

/** A number of seconds, 0 or more, at most a day. */
export const seconds = (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 86_400)
    throw new InvalidArgumentError('must be a whole number of seconds (at most 86400).');
  return n;
};

export const wei = (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number of wei.');
  return BigInt(value);
};

export const address = (value: string) => {
  if (!isAddress(value)) throw new InvalidArgumentError('must be a 0x address.');
  return value as `0x${string}`;
};

/**
 * What viem's `isAddress` accepts: 40 hex digits, either all lowercase or
 * mixed case that matches its EIP-55 checksum.
 */
export function isAddress(value: string): value is `0x${string}` {
  if (!/^0x[a-fA-F0-9]{40}$/.test(value)) return false;
  const lower = value.toLowerCase();
  if (lower === value) return true;
  const hex = lower.slice(2);
  const hash = keccak_256(new TextEncoder().encode(hex));
  let checksummed = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = i % 2 === 0 ? hash[i >> 1]! >> 4 : hash[i >> 1]! & 0x0f;
    checksummed += nibble >= 8 ? hex[i]!.toUpperCase() : hex[i];
  }
  return checksummed === value;
}
