import {
  createTestClient,
  createWalletClient,
  http,
  parseEther,
  parseUnits,
  type Address,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { MarketClient, marketChain, type MarketConnection } from '../chain/market-client.js';
import {
  DEFAULT_MARKET_PARAMETERS,
  deployMarket,
  type MarketParameters,
} from '../chain/deploy-market.js';
import { readPaymentTerms } from '../payments/payment-terms.js';
import {
  deploySuperfluid,
  deployTestSuperToken,
  giveSuperTokens,
} from '../payments/superfluid-devnet.js';

/** anvil's first default account: a public test key, funded on every anvil. */
export const DEVNET_DEPLOYER_KEY =
  '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

/** What `fundOnDevnet` gives: ether for gas and the payment token for jobs. */
export const DEVNET_FUNDING = { ether: parseEther('1000'), tokens: parseUnits('1000', 18) };

/** The devnet's test token, wrapped into the super token jobs are paid in. */
export const DEVNET_TOKEN = { name: 'Orange Test Token', symbol: 'OTT' } as const;

/** A market deployed on an anvil chain together with its own Superfluid framework. */
export interface DevnetMarket {
  marketAddress: Address;
  deployBlock: bigint;
  cfaV1Forwarder: Address;
  superToken: Address;
}

type ChainBase = Pick<MarketConnection, 'chainId' | 'rpcUrl'>;

function deployerWallet(chain: ChainBase) {
  const connection = { ...chain, marketAddress: '0x' as Address, deployBlock: 0n };
  return createWalletClient({
    account: privateKeyToAccount(DEVNET_DEPLOYER_KEY),
    chain: marketChain(connection),
    transport: http(chain.rpcUrl),
  });
}

// One deployer key signs every devnet set-up transaction: queue them so nonces never collide.
const deployerQueues = new Map<string, Promise<unknown>>();
function asDeployer<T>(rpcUrl: string, work: () => Promise<T>): Promise<T> {
  const previous = deployerQueues.get(rpcUrl) ?? Promise.resolve();
  const next = previous.then(work, work);
  deployerQueues.set(
    rpcUrl,
    next.catch(() => undefined),
  );
  return next;
}

/**
 * Deploys, on an anvil chain, the Superfluid framework (from the artifacts Superfluid ships), a
 * test ERC-20 wrapped as a super token, and the market paying in it. Used by `orange devnet up`,
 * the end-to-end tests and the benchmark.
 */
export function deployDevnetMarket(
  chain: ChainBase,
  parameters: MarketParameters = DEFAULT_MARKET_PARAMETERS,
): Promise<DevnetMarket> {
  return asDeployer(chain.rpcUrl, async () => {
    const wallet = deployerWallet(chain);
    const reader = new MarketClient({ ...chain, marketAddress: '0x' as Address, deployBlock: 0n })
      .publicClient;
    const superfluid = await deploySuperfluid(wallet, reader);
    const token = await deployTestSuperToken(wallet, reader, superfluid, {
      ...DEVNET_TOKEN,
      mintLimit: parseUnits('1000000', 18),
    });
    const payment = { cfaV1Forwarder: superfluid.cfaV1Forwarder, superToken: token.superToken };
    const market = await deployMarket(wallet, reader, payment, parameters);
    return { marketAddress: market.address, deployBlock: market.deployBlock, ...payment };
  });
}

/** Funds an address on the devnet: ether by anvil's setBalance, tokens from the faucet. */
export async function fundOnDevnet(
  connection: MarketConnection,
  address: Address,
  amounts: { ether?: bigint; tokens?: bigint } = DEVNET_FUNDING,
): Promise<void> {
  const testClient = createTestClient({ mode: 'anvil', transport: http(connection.rpcUrl) });
  await testClient.setBalance({ address, value: amounts.ether ?? DEVNET_FUNDING.ether });
  const tokens = amounts.tokens ?? DEVNET_FUNDING.tokens;
  if (tokens === 0n) return;
  const reader = new MarketClient(connection).publicClient;
  const terms = await readPaymentTerms(reader, connection.marketAddress);
  await asDeployer(connection.rpcUrl, () =>
    giveSuperTokens(deployerWallet(connection), reader, terms.superToken, address, tokens),
  );
}
