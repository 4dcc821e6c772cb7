import type { RequesterContext } from '@orange-cloud/sdk';
import type { LocalNetwork } from './local-network.js';

/** Every transaction input and market log since the market was deployed, as hex. */
export async function* chainBytes(
  net: LocalNetwork,
  requester: RequesterContext,
): AsyncIterable<string> {
  const client = requester.market.publicClient;
  const head = await client.getBlockNumber();
  for (let n = net.connection.deployBlock; n <= head; n++) {
    const block = await client.getBlock({ blockNumber: n, includeTransactions: true });
    for (const tx of block.transactions) yield tx.input;
  }
  const logs = await client.getLogs({
    address: net.connection.marketAddress,
    fromBlock: net.connection.deployBlock,
  });
  for (const log of logs) yield log.data;
}
