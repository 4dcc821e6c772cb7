import { readPairFlow, type MarketClient, type PaymentTerms } from '@orange-cloud/sdk';
import type { Address } from 'viem';
import type { NextBlock, PaymentRail } from './components.js';

type Reader = MarketClient['publicClient'];

/** The payment rail through the market client's own chain clients (Superfluid on chain). */
export function superfluidRail(clients: Pick<MarketClient, 'publicClient' | 'walletClient'>) {
  return {
    readPairFlow: async (
      terms: PaymentTerms,
      requester: Address,
      provider: Address,
      next?: NextBlock,
    ) => {
      const at = next ? await nextBlock(clients.publicClient, next) : undefined;
      return readPairFlow(clients.publicClient, terms, requester, provider, at);
    },
  } satisfies PaymentRail;
}

/** `after + 1` once the chain has made it; the head (still `after`) when none came in time. */
async function nextBlock(reader: Reader, { after, waitMs }: NextBlock): Promise<bigint> {
  const until = Date.now() + waitMs;
  for (;;) {
    const head = await reader.getBlockNumber({ cacheTime: 0 });
    if (head > after) return after + 1n;
    if (Date.now() >= until) return head;
    await new Promise((r) => setTimeout(r, reader.pollingInterval));
  }
}
