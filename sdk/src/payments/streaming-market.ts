import {
  parseAbi,
  type Address,
  type Chain,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { orangeStreamingMarketAbi, orangeStreamingMarketBytecode } from '@orange-cloud/contracts';
import { OrangeError } from '../errors.js';
import { DEFAULT_MARKET_PARAMETERS, type MarketParameters } from '../chain/deploy-market.js';

type Wallet = WalletClient<Transport, Chain, LocalAccount>;
type Reader = PublicClient<Transport, Chain>;

/** Superfluid's flow-operator permission bits (FlowOperatorDefinitions): create, update, delete. */
export const FLOW_PERMISSIONS_ALL = 7;

export const cfaV1ForwarderAbi = parseAbi([
  'function updateFlowOperatorPermissions(address token, address flowOperator, uint8 permissions, int96 flowrateAllowance) returns (bool)',
  'function getFlowOperatorPermissions(address token, address sender, address flowOperator) view returns (uint8 permissions, int96 flowrateAllowance)',
  'function getFlowrate(address token, address sender, address receiver) view returns (int96 flowrate)',
  'function setFlowrate(address token, address receiver, int96 flowrate) returns (bool)',
]);

/** The payment side of a deployment: where flows run and in which token. */
export interface PaymentConnection {
  cfaV1Forwarder: Address;
  superToken: Address;
  market: Address;
}

/** What a requester has allowed the market: rights and the remaining flow-rate budget (wei/s). */
export interface MarketAuthorization {
  permissions: number;
  flowRateAllowance: bigint;
  /** True when the market may create, update and delete this requester's flows. */
  complete: boolean;
}

/** Deploys OrangeStreamingMarket paying through `cfaV1Forwarder` in `superToken`. */
export async function deployStreamingMarket(
  wallet: Wallet,
  reader: Reader,
  payment: { cfaV1Forwarder: Address; superToken: Address },
  parameters: MarketParameters = DEFAULT_MARKET_PARAMETERS,
): Promise<{ address: Address; deployBlock: bigint }> {
  const hash = await wallet.deployContract({
    abi: orangeStreamingMarketAbi,
    bytecode: orangeStreamingMarketBytecode,
    args: [
      parameters.startWindowSec,
      parameters.graceSec,
      payment.cfaV1Forwarder,
      payment.superToken,
    ],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success' || !receipt.contractAddress) {
    throw new OrangeError(
      'DEPLOY_FAILED',
      `Deploying the streaming market failed (transaction ${hash}).`,
      {
        hint: 'Check that the forwarder and the super token are deployed on this chain.',
      },
    );
  }
  return { address: receipt.contractAddress, deployBlock: receipt.blockNumber };
}

/**
 * The requester's one-time, bounded permission: the market may create, update and delete the
 * requester's flows, raising flow rates by at most `flowRateAllowance` wei/s in total (Superfluid
 * spends the allowance on every increase). Not `grantPermissions`, which would be unlimited.
 */
export async function authorizeMarket(
  wallet: Wallet,
  reader: Reader,
  payment: PaymentConnection,
  flowRateAllowance: bigint,
): Promise<MarketAuthorization> {
  if (flowRateAllowance <= 0n || flowRateAllowance >= 2n ** 95n) {
    throw new OrangeError(
      'PAY_ALLOWANCE',
      `A flow-rate allowance of ${flowRateAllowance} wei/s is out of range.`,
      {
        hint: 'Give a positive allowance below 2^95 wei/s: the sum of the rates of the jobs you want running.',
      },
    );
  }
  const hash = await wallet.writeContract({
    address: payment.cfaV1Forwarder,
    abi: cfaV1ForwarderAbi,
    functionName: 'updateFlowOperatorPermissions',
    args: [payment.superToken, payment.market, FLOW_PERMISSIONS_ALL, flowRateAllowance],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') {
    throw new OrangeError('PAY_AUTHORIZE', `Authorising the market failed (transaction ${hash}).`, {
      hint: 'Check the network settings: the forwarder and super token addresses must be on this chain.',
    });
  }
  return readMarketAuthorization(reader, payment, wallet.account.address);
}

export async function readMarketAuthorization(
  reader: Reader,
  payment: PaymentConnection,
  requester: Address,
): Promise<MarketAuthorization> {
  const [permissions, flowRateAllowance] = await reader.readContract({
    address: payment.cfaV1Forwarder,
    abi: cfaV1ForwarderAbi,
    functionName: 'getFlowOperatorPermissions',
    args: [payment.superToken, requester, payment.market],
  });
  return {
    permissions,
    flowRateAllowance,
    complete: (permissions & FLOW_PERMISSIONS_ALL) === FLOW_PERMISSIONS_ALL,
  };
}

/** The current rate of the requester -> provider flow in wei/s (0 when there is none). */
export async function readFlowRate(
  reader: Reader,
  payment: PaymentConnection,
  requester: Address,
  provider: Address,
): Promise<bigint> {
  return reader.readContract({
    address: payment.cfaV1Forwarder,
    abi: cfaV1ForwarderAbi,
    functionName: 'getFlowrate',
    args: [payment.superToken, requester, provider],
  });
}
