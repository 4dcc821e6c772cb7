import { OrangeError } from '../errors.js';
import type { ProviderView } from '../chain/market-state.js';

export interface JobNeeds {
  runtime: string;
  cores: number;
  memoryMb: number;
  maxPricePerCoreSecond?: bigint;
  provider?: string;
}

/**
 * The active providers that could take a job, or an error that says why
 * none can: the first need that nobody meets, with the best on offer.
 */
export function providersFor(providers: ProviderView[], needs: JobNeeds): ProviderView[] {
  const active = providers.filter((p) => p.active);
  if (active.length === 0) {
    throw new OrangeError('NO_PROVIDER', 'No active provider is registered on this network.', {
      hint: 'On the devnet, `npx orange devnet up` starts one.',
    });
  }
  let pool = active;
  if (needs.provider) {
    const wanted = needs.provider.toLowerCase();
    pool = pool.filter((p) => p.address.toLowerCase() === wanted);
    if (pool.length === 0) {
      throw new OrangeError('NO_PROVIDER', `Provider ${needs.provider} is not an active provider.`);
    }
  }
  const steps: [string, (p: ProviderView) => boolean, (best: ProviderView[]) => string][] = [
    [
      `runtime "${needs.runtime}"`,
      (p) => p.runtimes.includes(needs.runtime),
      (all) =>
        `runtimes on offer: ${[...new Set(all.flatMap((p) => p.runtimes))].join(', ') || 'none'}`,
    ],
    [
      `${needs.cores} cores`,
      (p) => p.cores >= needs.cores,
      (all) => `the largest offers ${Math.max(...all.map((p) => p.cores))}`,
    ],
    [
      `${needs.memoryMb} MB of memory`,
      (p) => p.memoryMb >= needs.memoryMb,
      (all) => `the largest offers ${Math.max(...all.map((p) => p.memoryMb))} MB`,
    ],
  ];
  if (needs.maxPricePerCoreSecond !== undefined) {
    const ceiling = needs.maxPricePerCoreSecond;
    steps.push([
      `a price at or below ${ceiling} wei per core-second`,
      (p) => p.pricePerCoreSecond <= ceiling,
      (all) =>
        `the cheapest asks ${all.reduce((m, p) => (p.pricePerCoreSecond < m ? p.pricePerCoreSecond : m), all[0]!.pricePerCoreSecond)}`,
    ]);
  }
  for (const [need, meets, best] of steps) {
    const next = pool.filter(meets);
    if (next.length === 0) {
      throw new OrangeError('NO_PROVIDER', `No active provider offers ${need}; ${best(pool)}.`, {
        hint: 'Ask for less, or wait for a larger provider. Nothing was posted.',
      });
    }
    pool = next;
  }
  return pool;
}

/** The highest price per core-second among `providers` (0 when there is none). */
export const dearestPrice = (providers: Pick<ProviderView, 'pricePerCoreSecond'>[]): bigint =>
  providers.reduce((max, p) => (p.pricePerCoreSecond > max ? p.pricePerCoreSecond : max), 0n);
