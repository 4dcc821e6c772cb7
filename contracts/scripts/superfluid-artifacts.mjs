// Generates contracts/superfluid/ from the npm package of Superfluid's contracts, keeping only
// what the project uses: the compiled artifacts (ABI, creation bytecode, link references) that
// deploy the framework on a test chain, the ERC-1820 registry's deployment, and the Solidity
// file with the registry's runtime code that forge tests etch. The package itself pulls about
// 1,500 packages (hardhat 2, truffle, ethers): the regular install must not need it, so this
// script fetches its tarball with `npm pack` into a temporary folder and nothing is installed.
//
//   node scripts/superfluid-artifacts.mjs           regenerate contracts/superfluid/
//   node scripts/superfluid-artifacts.mjs --check   fail when the committed files differ
//
// Both ask the npm registry for two tarballs, so `npm test` does not run them: the files are
// pinned to SUPERFLUID below and change only when this script or that version changes.
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUPERFLUID = '@superfluid-finance/ethereum-contracts@1.15.2';
/** Only for the text of the AGPL: the Superfluid tarball ships no LICENSE file. */
const LICENSE_TEXTS = 'spdx-license-list@6.12.0';

const contractsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = join(contractsDir, 'superfluid');
const generatedBy = `contracts/scripts/superfluid-artifacts.mjs from ${SUPERFLUID}`;

const STEPS = 'contracts/utils/SuperfluidFrameworkDeploymentSteps.t.sol';
/** Every artifact that sdk/src/payments/superfluid-devnet.ts and SuperfluidFromArtifacts.sol deploy. */
const ARTIFACTS = [
  ['contracts/libs/SlotsBitmapLibrary.sol', 'SlotsBitmapLibrary'],
  ['contracts/agreements/gdav1/SuperfluidPoolDeployerLibrary.sol', 'SuperfluidPoolDeployerLibrary'],
  ...[
    'CFAv1ForwarderDeployerLibrary',
    'GDAv1ForwarderDeployerLibrary',
    'ProxyDeployerLibrary',
    'SuperTokenDeployerLibrary',
    'SuperTokenFactoryDeployerLibrary',
    'SuperfluidCFAv1DeployerLibrary',
    'SuperfluidGDAv1DeployerLibrary',
    'SuperfluidGovDeployerLibrary',
    'SuperfluidHostDeployerLibrary',
    'SuperfluidIDAv1DeployerLibrary',
    'SuperfluidPeripheryDeployerLibrary',
    'SuperfluidPoolLogicDeployerLibrary',
    'SuperfluidPoolNFTLogicDeployerLibrary',
    'TokenDeployerLibrary',
  ].map((name) => [STEPS, name]),
  ['contracts/utils/SuperfluidFrameworkDeployer.t.sol', 'SuperfluidFrameworkDeployer'],
];

/** Downloads `spec`'s tarball with `npm pack` and unpacks it; returns the package folder. */
function unpack(spec, into) {
  const [{ filename }] = JSON.parse(
    execFileSync('npm', ['pack', spec, '--json', '--pack-destination', into], {
      cwd: into, // outside the workspaces, so npm packs the registry's package
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const folder = join(into, filename.replace(/\.tgz$/, ''));
  execFileSync('mkdir', ['-p', folder]);
  execFileSync('tar', ['-xzf', join(into, filename), '-C', folder, '--strip-components=1']);
  return folder;
}

const readJson = async (path) => JSON.parse(await readFile(path, 'utf8'));

/** The SPDX identifier on the first line of a Solidity source. */
async function spdxOf(path) {
  const match = /SPDX-License-Identifier:\s*(\S+)/.exec(await readFile(path, 'utf8'));
  return match ? match[1] : 'none stated';
}

/** Relative path -> file text, for everything contracts/superfluid/ holds. */
async function generate(pkg, licenses) {
  const files = new Map();
  const { version, license } = await readJson(join(pkg, 'package.json'));
  const rows = [];
  for (const [sourceName, contractName] of ARTIFACTS) {
    const artifact = await readJson(join(pkg, 'build/hardhat', sourceName, `${contractName}.json`));
    const kept = {
      generatedBy: `${generatedBy} (build/hardhat/${sourceName}/${contractName}.json)`,
      contractName: artifact.contractName,
      sourceName: artifact.sourceName,
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      linkReferences: artifact.linkReferences,
    };
    files.set(`artifacts/${sourceName}/${contractName}.json`, `${JSON.stringify(kept, null, 2)}\n`);
    rows.push(`| ${sourceName}:${contractName} | ${await spdxOf(join(pkg, sourceName))} |`);
  }

  // ERC-1820's "Nick's method" deployment: a pre-EIP-155 transaction signed by a made-up key, so
  // the registry lands at the same address on every chain. dev-scripts/ holds its init code; the
  // envelope around it is the one in the EIP (gas price 100 gwei, gas 800,000, v 27, r = s = 0x1820…).
  const { bin } = await readJson(join(pkg, 'dev-scripts/artifacts/ERC1820Registry.json'));
  const erc1820 = {
    generatedBy: `${generatedBy} (dev-scripts/artifacts/ERC1820Registry.json)`,
    address: '0x1820a4B7618BdE71Dce8cdc73aAB6C95905faD24',
    sender: '0xa990077c3205cbDf861e17Fa532eeB069cE9fF96',
    funding: '0x11c37937e080000',
    rawTransaction: `0xf90a388085174876e800830c35008080b909e5${bin}1ba01820182018201820182018201820182018201820182018201820182018201820a01820182018201820182018201820182018201820182018201820182018201820`,
  };
  files.set('erc1820.json', `${JSON.stringify(erc1820, null, 2)}\n`);

  const registrySol = 'contracts/libs/ERC1820RegistryCompiled.sol';
  files.set('ERC1820RegistryCompiled.sol', await readFile(join(pkg, registrySol), 'utf8'));
  rows.push(`| ${registrySol} (copied verbatim) | ${await spdxOf(join(pkg, registrySol))} |`);

  const agpl = await readJson(join(licenses, 'licenses/AGPL-3.0-or-later.json'));
  files.set('LICENSE', `${agpl.licenseText.trimEnd()}\n`);

  files.set(
    'README.md',
    `# Superfluid's compiled contracts (generated, do not edit)

Generated by \`${generatedBy.replace(' from ', '` from `')}\`
(package version ${version}). Regenerate with \`node scripts/superfluid-artifacts.mjs\` in \`contracts/\`;
\`--check\` compares these files with a fresh generation. Both fetch the package's tarball with
\`npm pack\` (nothing is installed), so \`npm test\` does not run them; the devnet deployment
(\`sdk/src/payments/streaming-market.test.ts\`) and the forge payment tests deploy the framework
from these files and fail when one is wrong.

Kept from the package: the ABI, creation bytecode and link references of the artifacts under
\`build/hardhat/\` that deploy the framework (\`artifacts/\`), the ERC-1820 registry's deployment
transaction (\`erc1820.json\`), and \`ERC1820RegistryCompiled.sol\` (the registry's runtime code,
which forge tests etch).

## Licence

These files are Superfluid's work, not Orange Cloud's. The package's licence is
\`${license}\`; its README says the protocol's primary licence is the GNU Affero General
Public License v3 and that each file states its own. The sources of the kept files state
the identifiers below; the MIT-licensed deployment libraries hold the creation code of the
AGPLv3 framework contracts they deploy, so treat these files as a whole as AGPLv3:

| source | SPDX identifier |
| --- | --- |
${rows.join('\n')}

\`LICENSE\` beside this file is the text of the GNU AGPL v3.
`,
  );
  return files;
}

async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out.sort();
}

const work = await mkdtemp(join(tmpdir(), 'superfluid-artifacts-'));
try {
  const files = await generate(unpack(SUPERFLUID, work), unpack(LICENSE_TEXTS, work));
  if (process.argv.includes('--check')) {
    const committed = await listFiles(targetDir).catch(() => []);
    const stale = [...files.keys()].filter((path) => !committed.includes(path));
    for (const path of committed) {
      const text = await readFile(join(targetDir, path), 'utf8');
      if (files.get(path) !== text) stale.push(path);
    }
    if (stale.length > 0) {
      console.error(`contracts/superfluid/ is stale:\n  ${stale.join('\n  ')}`);
      console.error(
        'Run `node scripts/superfluid-artifacts.mjs` in contracts/ and commit the result.',
      );
      process.exit(1);
    }
    console.log(`contracts/superfluid/ matches ${SUPERFLUID}.`);
  } else {
    await rm(targetDir, { recursive: true, force: true });
    for (const [path, text] of files) {
      await mkdir(dirname(join(targetDir, path)), { recursive: true });
      await writeFile(join(targetDir, path), text);
    }
    console.log(`Wrote ${files.size} files to ${targetDir}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
