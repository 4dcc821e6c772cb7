import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Abi, Address, Hex } from 'viem';
import { OrangeError } from '../errors.js';

/** A Hardhat artifact as Superfluid ships it in build/hardhat, trimmed to what deploys it. */
export interface SuperfluidArtifact {
  contractName: string;
  sourceName: string;
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

/**
 * The folder of Superfluid's compiled contracts that the contracts workspace keeps
 * (contracts/superfluid, generated from Superfluid's npm package, whose build tools the install
 * does without). Only the devnet needs them, to deploy the framework on anvil.
 */
export function superfluidArtifactsDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve('@orange-cloud/contracts/superfluid/erc1820.json'));
  } catch (error) {
    throw new OrangeError(
      'SUPERFLUID_MISSING',
      "Superfluid's compiled contracts are missing, so the devnet cannot deploy the framework.",
      {
        hint: 'Run `npm install` at the repository root (they ship with the contracts workspace).',
        cause: error,
      },
    );
  }
}

/** Reads `artifacts/<sourceName>/<contractName>.json`. */
export function readSuperfluidArtifact(
  sourceName: string,
  contractName: string,
): SuperfluidArtifact {
  const path = join(superfluidArtifactsDir(), 'artifacts', sourceName, `${contractName}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SuperfluidArtifact;
  } catch (error) {
    throw new OrangeError('SUPERFLUID_ARTIFACT', `Cannot read the Superfluid artifact ${path}.`, {
      hint: 'Regenerate it: `node scripts/superfluid-artifacts.mjs` in contracts/.',
      cause: error,
    });
  }
}

/**
 * The creation code with every library reference replaced by its deployed address, as a linker
 * does: `linkReferences` gives byte offsets of 20-byte placeholders per `source:Name`.
 */
export function linkBytecode(
  artifact: SuperfluidArtifact,
  libraries: ReadonlyMap<string, Address>,
): Hex {
  let code = artifact.bytecode.slice(2);
  for (const [source, names] of Object.entries(artifact.linkReferences)) {
    for (const [name, references] of Object.entries(names)) {
      const address = libraries.get(`${source}:${name}`);
      if (!address) {
        throw new OrangeError(
          'SUPERFLUID_LINK',
          `${artifact.contractName} needs library ${source}:${name}, which is not deployed yet.`,
          { hint: 'Deploy the libraries in dependency order (leaves first).' },
        );
      }
      for (const { start, length } of references) {
        const hex = address.slice(2).toLowerCase();
        if (hex.length !== length * 2)
          throw new Error(`link reference of ${name} is ${length} bytes`);
        code = code.slice(0, start * 2) + hex + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

/** The ERC-1820 registry's one-off deployment: a pre-EIP-155 transaction from a keyless sender. */
export function erc1820Deployment(): {
  address: Address;
  sender: Address;
  funding: bigint;
  rawTransaction: Hex;
} {
  const path = join(superfluidArtifactsDir(), 'erc1820.json');
  const deployment = JSON.parse(readFileSync(path, 'utf8')) as {
    address: Address;
    sender: Address;
    funding: Hex;
    rawTransaction: Hex;
  };
  return {
    address: deployment.address,
    sender: deployment.sender,
    funding: BigInt(deployment.funding),
    rawTransaction: deployment.rawTransaction,
  };
}
