import { readPairFlow, type MarketClient, type PaymentTerms } from '@orange-cloud/sdk';
import type { Address } from 'viem';
import type { PaymentRail } from './components.js';

/** The payment rail through the market client's own chain clients (Superfluid on chain). */
export function superfluidRail(clients: Pick<MarketClient, 'publicClient' | 'walletClient'>) {
  return {
    readPairFlow: (terms: PaymentTerms, requester: Address, provider: Address) =>
      readPairFlow(clients.publicClient, terms, requester, provider),
  } satisfies PaymentRail;
}
