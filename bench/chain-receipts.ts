import {
  decodeFunctionData,
  type Address,
  type Chain,
  type Hash,
  type PublicClient,
  type Transport,
} from 'viem';
import { orangeStreamingMarketAbi as marketAbi } from '@orange-cloud/contracts';

/** What a set of accounts sent in a block range, read back from the receipts. */
export interface SentFigures {
  transactions: number;
  reverted: number;
  /** Reverted transactions by the market function they called ('other' outside the market). */
  revertedBy: Record<string, number>;
  gasUsed: bigint;
}

/**
 * Every transaction `accounts` sent in blocks (from, to], with its receipt: how many, how many
 * reverted (and calling what), and the gas they used. Counted from the chain, so it does not
 * matter which client sent them or whether it noticed the revert.
 */
export async function sentFigures(
  reader: PublicClient<Transport, Chain>,
  market: Address,
  accounts: readonly Address[],
  from: bigint,
  to: bigint,
): Promise<SentFigures> {
  const senders = new Set(accounts.map((a) => a.toLowerCase()));
  const figures: SentFigures = { transactions: 0, reverted: 0, revertedBy: {}, gasUsed: 0n };
  for (let n = from + 1n; n <= to; n++) {
    const block = await reader.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) {
      if (!senders.has(tx.from.toLowerCase())) continue;
      const receipt = await reader.getTransactionReceipt({ hash: tx.hash });
      figures.transactions++;
      figures.gasUsed += receipt.gasUsed;
      if (receipt.status === 'success') continue;
      figures.reverted++;
      const name = marketFunction(market, tx.to, tx.input);
      figures.revertedBy[name] = (figures.revertedBy[name] ?? 0) + 1;
    }
  }
  return figures;
}

function marketFunction(market: Address, to: Address | null, input: `0x${string}`): string {
  if (to?.toLowerCase() !== market.toLowerCase()) return 'other';
  try {
    return decodeFunctionData({ abi: marketAbi, data: input }).functionName;
  } catch {
    return 'unknown market call';
  }
}

/** The gas of these transactions by the market call each made, and in total. */
export async function gasByCall(
  reader: PublicClient<Transport, Chain>,
  market: Address,
  hashes: readonly Hash[],
): Promise<Record<string, number>> {
  const gas: Record<string, number> = {};
  let total = 0;
  for (const hash of hashes) {
    const [tx, receipt] = await Promise.all([
      reader.getTransaction({ hash }),
      reader.getTransactionReceipt({ hash }),
    ]);
    const name = marketFunction(market, tx.to, tx.input);
    gas[name] = (gas[name] ?? 0) + Number(receipt.gasUsed);
    total += Number(receipt.gasUsed);
  }
  return { ...gas, total };
}
