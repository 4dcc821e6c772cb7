import {
  parseAbi,
  type Address,
  type Chain,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { OrangeError } from '../errors.js';
import { superTokenAbi } from './superfluid-abis.js';
import { erc1820Deployment, linkBytecode, readSuperfluidArtifact } from './superfluid-artifacts.js';

type Wallet = WalletClient<Transport, Chain, LocalAccount>;
type Reader = PublicClient<Transport, Chain>;

/** The addresses of a Superfluid deployment the market and the clients need. */
export interface SuperfluidDeployment {
  host: Address;
  cfa: Address;
  cfaV1Forwarder: Address;
  superTokenFactory: Address;
  resolver: Address;
  /** The SuperfluidFrameworkDeployer: it also makes test super tokens. */
  frameworkDeployer: Address;
}

const STEPS = 'contracts/utils/SuperfluidFrameworkDeploymentSteps.t.sol';
/** Leaves first: the IDA and GDA deployer libraries link the first two. */
const LIBRARIES: [source: string, name: string][] = [
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
  ].map((name): [string, string] => [STEPS, name]),
];

const frameworkDeployerAbi = parseAbi([
  'function getNumSteps() pure returns (uint8)',
  'function executeStep(uint8 step)',
  'function getFramework() view returns ((address governance, address host, address cfa, address ida, address gda, address superTokenFactory, address superTokenLogic, address resolver, address superfluidLoader, address cfaV1Forwarder, address gdaV1Forwarder, address macroForwarder, address clearMacroForwarderV1WithPermit2, address batchLiquidator, address toga))',
  'function deployWrapperSuperToken(string underlyingName, string underlyingSymbol, uint8 decimals, uint256 mintLimit, address admin) returns (address underlyingToken, address superToken)',
]);

/** The test ERC-20 under a wrapper super token: anyone may mint up to its per-call limit. */
export const testTokenAbi = parseAbi([
  'function mint(address account, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address account) view returns (uint256)',
]);

/**
 * Deploys the whole Superfluid framework from the artifacts Superfluid ships, with viem alone:
 * the ERC-1820 registry, 16 linked libraries, the framework deployer and its steps. Needs anvil
 * started with `--code-size-limit 32768` (the framework deployer is 32,428 bytes).
 */
export async function deploySuperfluid(
  wallet: Wallet,
  reader: Reader,
): Promise<SuperfluidDeployment> {
  try {
    await deployErc1820(wallet, reader);
    const libraries = new Map<string, Address>();
    for (const [source, name] of LIBRARIES) {
      libraries.set(
        `${source}:${name}`,
        await deployCode(
          wallet,
          reader,
          linkBytecode(readSuperfluidArtifact(source, name), libraries),
        ),
      );
    }
    const deployerArtifact = readSuperfluidArtifact(
      'contracts/utils/SuperfluidFrameworkDeployer.t.sol',
      'SuperfluidFrameworkDeployer',
    );
    const frameworkDeployer = await deployCode(
      wallet,
      reader,
      linkBytecode(deployerArtifact, libraries),
    );
    const steps = await reader.readContract({
      address: frameworkDeployer,
      abi: frameworkDeployerAbi,
      functionName: 'getNumSteps',
    });
    for (let step = 0; step < steps; step++) {
      // Step 2 alone needs ~19.2M gas: estimation finds it (anvil's block gas limit is 30M).
      const hash = await wallet.writeContract({
        address: frameworkDeployer,
        abi: frameworkDeployerAbi,
        functionName: 'executeStep',
        args: [step],
      });
      await mined(reader, hash);
    }
    const framework = await reader.readContract({
      address: frameworkDeployer,
      abi: frameworkDeployerAbi,
      functionName: 'getFramework',
    });
    return {
      host: framework.host,
      cfa: framework.cfa,
      cfaV1Forwarder: framework.cfaV1Forwarder,
      superTokenFactory: framework.superTokenFactory,
      resolver: framework.resolver,
      frameworkDeployer,
    };
  } catch (error) {
    if (error instanceof OrangeError) throw error;
    throw new OrangeError(
      'SUPERFLUID_DEPLOY',
      'Deploying the Superfluid framework on the devnet failed.',
      {
        hint: 'The devnet chain must be anvil started with --code-size-limit 32768 and without --enable-tx-gas-limit.',
        cause: error,
      },
    );
  }
}

/** A test ERC-20 (mintable by anyone, at most `mintLimit` per call) and its wrapper super token. */
export async function deployTestSuperToken(
  wallet: Wallet,
  reader: Reader,
  sf: SuperfluidDeployment,
  options: { name: string; symbol: string; mintLimit: bigint },
): Promise<{ underlying: Address; superToken: Address }> {
  const { request, result } = await reader.simulateContract({
    account: wallet.account,
    address: sf.frameworkDeployer,
    abi: frameworkDeployerAbi,
    functionName: 'deployWrapperSuperToken',
    args: [
      options.name,
      options.symbol,
      18,
      options.mintLimit,
      '0x0000000000000000000000000000000000000000',
    ],
  });
  await mined(reader, await wallet.writeContract(request));
  return { underlying: result[0], superToken: result[1] };
}

/** Mints `amount` of the test ERC-20 to the wallet's account and wraps it into the super token. */
export async function mintSuperTokens(
  wallet: Wallet,
  reader: Reader,
  token: { underlying: Address; superToken: Address },
  amount: bigint,
): Promise<void> {
  const calls = [
    {
      address: token.underlying,
      abi: testTokenAbi,
      functionName: 'mint',
      args: [wallet.account.address, amount],
    },
    {
      address: token.underlying,
      abi: testTokenAbi,
      functionName: 'approve',
      args: [token.superToken, amount],
    },
  ] as const;
  for (const call of calls) await mined(reader, await wallet.writeContract(call));
  await mined(
    reader,
    await wallet.writeContract({
      address: token.superToken,
      abi: superTokenAbi,
      functionName: 'upgrade',
      args: [amount],
    }),
  );
}

/**
 * The devnet faucet: the wallet mints `amount` of the test ERC-20 to itself and wraps it
 * straight into `to`'s super token balance, so `to` needs neither a key here nor gas.
 */
export async function giveSuperTokens(
  wallet: Wallet,
  reader: Reader,
  superToken: Address,
  to: Address,
  amount: bigint,
): Promise<void> {
  const underlying = await reader.readContract({
    address: superToken,
    abi: superTokenAbi,
    functionName: 'getUnderlyingToken',
  });
  const mint = { address: underlying, abi: testTokenAbi } as const;
  await mined(
    reader,
    await wallet.writeContract({
      ...mint,
      functionName: 'mint',
      args: [wallet.account.address, amount],
    }),
  );
  await mined(
    reader,
    await wallet.writeContract({ ...mint, functionName: 'approve', args: [superToken, amount] }),
  );
  await mined(
    reader,
    await wallet.writeContract({
      address: superToken,
      abi: superTokenAbi,
      functionName: 'upgradeTo',
      args: [to, amount, '0x'],
    }),
  );
}

async function deployErc1820(wallet: Wallet, reader: Reader): Promise<void> {
  const registry = erc1820Deployment();
  const code = await reader.getCode({ address: registry.address });
  if (code && code !== '0x') return;
  await mined(
    reader,
    await wallet.sendTransaction({ to: registry.sender, value: registry.funding }),
  );
  await mined(
    reader,
    await reader.request({ method: 'eth_sendRawTransaction', params: [registry.rawTransaction] }),
  );
}

async function deployCode(wallet: Wallet, reader: Reader, bytecode: Hex): Promise<Address> {
  const receipt = await mined(reader, await wallet.deployContract({ abi: [], bytecode }));
  if (!receipt.contractAddress)
    throw new Error(`deployment ${receipt.transactionHash} created no contract`);
  return receipt.contractAddress;
}

async function mined(reader: Reader, hash: Hex) {
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
  return receipt;
}
