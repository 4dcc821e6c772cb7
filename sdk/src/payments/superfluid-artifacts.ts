import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Abi, Address, Hex } from 'viem';
import { OrangeError } from '../errors.js';

/** A Hardhat artifact as Superfluid ships it in build/hardhat. */
export interface SuperfluidArtifact {
  contractName: string;
  sourceName: string;
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
}

/**
 * The folder of @superfluid-finance/ethereum-contracts. It is a development dependency (it pulls
 * hundreds of packages): only the devnet needs it, to deploy the framework on anvil.
 */
export function superfluidPackageDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return dirname(require.resolve('@superfluid-finance/ethereum-contracts/package.json'));
  } catch (error) {
    throw new OrangeError(
      'SUPERFLUID_MISSING',
      'The Superfluid contracts package is not installed, so the devnet cannot deploy the framework.',
      {
        hint: 'Run `npm install` at the repository root (it is a devDependency of the contracts workspace).',
        cause: error,
      },
    );
  }
}

/** Reads `build/hardhat/<sourceName>/<contractName>.json`. */
export function readSuperfluidArtifact(
  sourceName: string,
  contractName: string,
): SuperfluidArtifact {
  const path = join(superfluidPackageDir(), 'build/hardhat', sourceName, `${contractName}.json`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SuperfluidArtifact;
  } catch (error) {
    throw new OrangeError('SUPERFLUID_ARTIFACT', `Cannot read the Superfluid artifact ${path}.`, {
      hint: 'Reinstall @superfluid-finance/ethereum-contracts (`npm install` at the repository root).',
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
  const path = join(superfluidPackageDir(), 'dev-scripts/artifacts/ERC1820Registry.json');
  const { bin } = JSON.parse(readFileSync(path, 'utf8')) as { bin: string };
  return {
    address: '0x1820a4B7618BdE71Dce8cdc73aAB6C95905faD24',
    sender: '0xa990077c3205cbDf861e17Fa532eeB069cE9fF96',
    funding: 0x11c37937e080000n,
    rawTransaction: `0xf90a388085174876e800830c35008080b909e5${bin}1ba01820182018201820182018201820182018201820182018201820182018201820a01820182018201820182018201820182018201820182018201820182018201820`,
  };
}
