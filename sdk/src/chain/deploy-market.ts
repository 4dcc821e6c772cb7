import {
  getAddress,
  type Address,
  type Chain,
  type LocalAccount,
  type PublicClient,
  type Transport,
  type WalletClient,
} from 'viem';
import { orangeStreamingMarketAbi, orangeStreamingMarketBytecode } from '@orange-cloud/contracts';
import { explainChainError } from './chain-errors.js';

export interface MarketParameters {
  /** Seconds an accepted job has to start before anyone may expire it. */
  startWindowSec: number;
  /** Seconds past a running job's timeout before anyone may expire it. */
  graceSec: number;
}

export const DEFAULT_MARKET_PARAMETERS: MarketParameters = { startWindowSec: 300, graceSec: 30 };

/** Where the market's payments flow: a Superfluid CFAv1Forwarder and one super token. */
export interface MarketPaymentSetup {
  cfaV1Forwarder: Address;
  superToken: Address;
}

/** Deploys the market (OrangeStreamingMarket). The devnet and `orange deploy` both use this one path. */
export async function deployMarket(
  wallet: WalletClient<Transport, Chain, LocalAccount>,
  reader: PublicClient<Transport, Chain>,
  payment: MarketPaymentSetup,
  parameters: MarketParameters = DEFAULT_MARKET_PARAMETERS,
): Promise<{ address: Address; deployBlock: bigint; gasUsed: bigint }> {
  try {
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
    if (!receipt.contractAddress || receipt.status !== 'success') {
      throw new Error(`deployment transaction ${hash} did not create a contract`);
    }
    return {
      address: getAddress(receipt.contractAddress),
      deployBlock: receipt.blockNumber,
      gasUsed: receipt.gasUsed,
    };
  } catch (error) {
    throw explainChainError(
      error,
      'Deploying the market',
      reader.transport.url as string | undefined,
    );
  }
}
