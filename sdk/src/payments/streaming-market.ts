import {
  type Address,
  type Chain,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { orangeStreamingMarketAbi } from '@orange-cloud/contracts';
import { OrangeError } from '../errors.js';
import { cfaV1ForwarderAbi, superTokenAbi } from './superfluid-abis.js';
import { parseTokens, type PaymentTerms } from './payment-terms.js';

type Wallet = WalletClient<Transport, Chain, LocalAccount>;
type Reader = PublicClient<Transport, Chain>;

/** Superfluid's flow-operator permission bits (FlowOperatorDefinitions): create, update, delete. */
export const FLOW_PERMISSIONS_ALL = 7;

/** The largest flow rate, and so flow-rate allowance, Superfluid can carry (an int96). */
export const MAX_FLOW_RATE_WEI = 2n ** 95n - 1n;

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

/** An allowance typed by a person (tokens per second) in token wei per second; throws BAD_AMOUNT. */
export function parseAllowance(
  text: string,
  terms: Pick<PaymentTerms, 'symbol' | 'decimals'>,
): bigint {
  const wei = parseTokens(text, terms);
  if (wei === 0n) {
    throw new OrangeError('BAD_AMOUNT', 'An allowance of 0 would let no job start.', {
      hint: 'Give a positive amount per second; revoking (`orange pay revoke`, "Orange Cloud: Revoke Payments") takes the permission back.',
    });
  }
  if (wei > MAX_FLOW_RATE_WEI) {
    throw new OrangeError(
      'BAD_AMOUNT',
      `${text.trim()} ${terms.symbol}/s is more than a flow can carry.`,
      { hint: 'Give the sum of the rates of the jobs you want to start, e.g. 0.01.' },
    );
  }
  return wei;
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
  if (flowRateAllowance <= 0n || flowRateAllowance > MAX_FLOW_RATE_WEI) {
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
    throw new OrangeError('PAY_AUTHORIZE', `Authorizing the market failed (transaction ${hash}).`, {
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

/** Takes back the market's right to stream for this requester (no job can start afterwards). */
export async function revokeMarket(
  wallet: Wallet,
  reader: Reader,
  payment: PaymentConnection,
): Promise<MarketAuthorization> {
  const hash = await wallet.writeContract({
    address: payment.cfaV1Forwarder,
    abi: cfaV1ForwarderAbi,
    functionName: 'updateFlowOperatorPermissions',
    args: [payment.superToken, payment.market, 0, 0n],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') {
    throw new OrangeError('PAY_AUTHORIZE', `Revoking the market failed (transaction ${hash}).`);
  }
  return readMarketAuthorization(reader, payment, wallet.account.address);
}

/** What the account can spend now: its balance minus deposits, after its flows so far. */
export async function readAvailableBalance(
  reader: Reader,
  payment: Pick<PaymentConnection, 'superToken'>,
  account: Address,
): Promise<bigint> {
  const [available] = await reader.readContract({
    address: payment.superToken,
    abi: superTokenAbi,
    functionName: 'realtimeBalanceOfNow',
    args: [account],
  });
  return available;
}

/**
 * The pair's flow as it is and as the market booked it, read at one block (`atBlock`, or the
 * latest) so a start or an end in between cannot make them disagree. flowRate < bookedRate means
 * the requester (or a liquidation) stopped or lowered the flow behind the market's back.
 */
export async function readPairFlow(
  reader: Reader,
  payment: PaymentConnection,
  requester: Address,
  provider: Address,
  atBlock?: bigint,
): Promise<{ flowRate: bigint; bookedRate: bigint; blockNumber: bigint }> {
  const blockNumber = atBlock ?? (await reader.getBlockNumber({ cacheTime: 0 }));
  const [flowRate, bookedRate] = await Promise.all([
    reader.readContract({
      address: payment.cfaV1Forwarder,
      abi: cfaV1ForwarderAbi,
      functionName: 'getFlowrate',
      args: [payment.superToken, requester, provider],
      blockNumber,
    }),
    reader.readContract({
      address: payment.market,
      abi: orangeStreamingMarketAbi,
      functionName: 'pairRate',
      args: [requester, provider],
      blockNumber,
    }),
  ]);
  return { flowRate, bookedRate, blockNumber };
}

/**
 * Lets the market take exactly `amount` of the provider's tokens, for one bond deposit
 * (`depositBond` transfers exactly that). No standing approval: the market can never take more
 * than the provider chose to deposit.
 */
export async function approveBondDeposit(
  wallet: Wallet,
  reader: Reader,
  payment: Pick<PaymentConnection, 'superToken' | 'market'>,
  amount: bigint,
): Promise<void> {
  const hash = await wallet.writeContract({
    address: payment.superToken,
    abi: superTokenAbi,
    functionName: 'approve',
    args: [payment.market, amount],
  });
  const receipt = await reader.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') {
    throw new OrangeError(
      'PAY_APPROVE',
      `Approving the bond deposit failed (transaction ${hash}).`,
    );
  }
}
