import { orangeMarketAbi } from '@orange-cloud/contracts';
import type { MarketClient } from '@orange-cloud/sdk';

/**
 * How many jobs the market has hired, from its JobHired logs: job ids are per provider (its index
 * above the offer's nonce), so the market keeps no counter. A refusal leaves it as it was.
 */
export async function hiredJobCount(market: MarketClient): Promise<number> {
  const hired = await market.publicClient.getContractEvents({
    address: market.connection.marketAddress,
    abi: orangeMarketAbi,
    eventName: 'JobHired',
    fromBlock: market.connection.deployBlock,
  });
  return hired.length;
}
