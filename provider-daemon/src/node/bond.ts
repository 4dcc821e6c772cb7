import type { ProviderPolicy } from '../criteria.js';
import type { Logger } from '../logger.js';
import { providerAddress, type ProviderMarket } from './components.js';

/**
 * The longest job timeout a provider offers by default: the market's own limit (MAX_TIMEOUT_SEC,
 * one day). Its bond must cover a full-capacity run of that length.
 */
export const DEFAULT_MAX_TIMEOUT_SEC = 86_400;

export interface BondComponents {
  market: Pick<ProviderMarket, 'account' | 'bondOf' | 'depositBond' | 'paymentTerms'>;
  log: Logger;
}

/**
 * What the provider keeps in its bond: every paid start locks rate x (timeout + grace) of it, so
 * this covers all its cores running jobs of the longest timeout it offers at once.
 */
export function bondTarget(
  policy: Pick<ProviderPolicy, 'cores' | 'pricePerCoreSecond'>,
  maxTimeoutSec: number,
  graceSec: number,
): bigint {
  return policy.pricePerCoreSecond * BigInt(policy.cores) * BigInt(maxTimeoutSec + graceSec);
}

/**
 * Tops the provider's bond up to `bondTarget` (market v2: the requester's refund of overpaid
 * seconds comes from it, so it is no longer voluntary). A free provider needs none. Deposits only
 * the shortfall, with an approval of exactly that amount. Returns what it deposited.
 */
export async function ensureBond(
  c: BondComponents,
  policy: Pick<ProviderPolicy, 'cores' | 'pricePerCoreSecond'>,
  maxTimeoutSec = DEFAULT_MAX_TIMEOUT_SEC,
): Promise<bigint> {
  if (policy.pricePerCoreSecond === 0n) return 0n;
  const terms = await c.market.paymentTerms();
  const target = bondTarget(policy, maxTimeoutSec, terms.graceSec);
  const { free, locked } = await c.market.bondOf(providerAddress(c.market));
  // A restart finds its earlier jobs' locks released (they are failed): count free and locked.
  const shortfall = target - free - locked;
  if (shortfall <= 0n) return 0n;
  await c.market.depositBond(shortfall);
  c.log.info('deposited bond', { amount: shortfall, bond: free + shortfall, token: terms.symbol });
  return shortfall;
}
