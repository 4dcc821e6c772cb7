import {
  offerRuntimesText,
  type ContentStore,
  type ProviderOffer,
  type ProviderView,
  type RuntimeDescriptor,
} from '@orange-cloud/sdk';
import type { ProviderPolicy } from '../criteria.js';
import type { Logger } from '../logger.js';
import { providerAddress, type MarketEvents, type ProviderMarket } from './components.js';

export interface RegistrationComponents {
  market: Pick<ProviderMarket, 'account' | 'registerProvider'>;
  events: Pick<MarketEvents, 'providers' | 'sync'>;
  store: Pick<ContentStore, 'addresses'>;
  log: Logger;
}

export interface RegistrationInit {
  policy: ProviderPolicy;
  /** URL of the public log endpoint ('' until there is one). */
  endpoint: string;
  /** What each offered runtime holds, as probed at start; absent = names only. */
  runtimeDescriptors?: RuntimeDescriptor[];
}

/**
 * Registers the provider's offer, or refreshes it when anything in it changed (price, cores,
 * runtimes, endpoint, IPFS addresses); a daemon restarted with the same offer sends nothing.
 * Returns whether it sent a registration.
 */
export async function registerOffer(
  c: RegistrationComponents,
  init: RegistrationInit,
): Promise<boolean> {
  const { policy: p } = init;
  await c.events.sync();
  const address = providerAddress(c.market);
  const offer: ProviderOffer = {
    cores: p.cores,
    memoryMb: p.memoryMb,
    pricePerCoreSecond: p.pricePerCoreSecond,
    runtimes: p.runtimes,
    ...(init.runtimeDescriptors ? { runtimeDescriptors: init.runtimeDescriptors } : {}),
    endpoint: init.endpoint,
    ipfsPeers: c.store.addresses(),
  };
  if (isRegistered(c.events.providers.get(address), offer)) return false;
  await c.market.registerProvider(offer);
  c.log.info('registered', { address, peers: offer.ipfsPeers });
  return true;
}

/** Whether the market already holds exactly this offer, active. */
export function isRegistered(current: ProviderView | undefined, offer: ProviderOffer): boolean {
  return (
    current !== undefined &&
    current.active &&
    current.cores === offer.cores &&
    current.memoryMb === offer.memoryMb &&
    current.pricePerCoreSecond === offer.pricePerCoreSecond &&
    current.runtimes.length > 0 &&
    offerRuntimesText(current) === offerRuntimesText(offer) &&
    current.endpoint === offer.endpoint &&
    current.ipfsPeers.join(',') === offer.ipfsPeers.join(',')
  );
}
