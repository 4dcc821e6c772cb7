import type { Address } from 'viem';
import { OrangeError } from '../errors.js';
import { checkCanPay } from '../payments/payment-check.js';
import { quoteMarket, releaseMarketOffers } from './market-quotes.js';
import { chooseOffer, type OfferMatch, type ProviderMatch } from './quotes.js';
import type { RunQuote } from './run-quote.js';
import type { SealedJob } from './seal-and-post.js';
import { hireWithOffer } from './seal-and-post.js';
import { isTerminal, type RequesterContext, type RunRequest } from './run-types.js';

/** Hires in all for one run: the first, and at most two more when a hired provider does not start. */
export const MAX_HIRES = 3;

/** How long a run waits for a busy provider to free up, unless the request says otherwise. */
export const DEFAULT_WAIT_FOR_PROVIDER_SEC = 120;

/**
 * How often busy providers are asked again while a run waits for one, at the latest: a job that
 * ends on chain (its provider frees its cores) has them asked at once.
 */
export const BUSY_RETRY_MS = 1_000;

/** The events after which a provider has cores free again. */
const JOB_ENDS = new Set(['JobCompleted', 'JobFailed', 'JobCancelled', 'JobExpired']);

/** How many of the providers asked declined only because their cores or memory are taken now. */
export const busyProviders = (matches: readonly ProviderMatch[]) =>
  matches.filter((m) => m.status === 'declined' && m.decline.code === 'CAPACITY').length;

/**
 * Asks every provider that could take the job for an offer, takes the cheapest (or the named
 * provider's), checks the wallet can pay for the run at that offer's rate, and hires it. When no
 * provider offers but some that could run the job are busy, asks again when a job ends on chain
 * and at least every BUSY_RETRY_MS, for up to `request.waitForProviderSec` (a queue kept by the requester: nothing is posted while it
 * waits); `onBusy` hears when that wait begins. Throws NO_OFFER (nothing posted) when no provider
 * offers by then. `exclude` names providers already hired for this run that did not start it.
 * Every offer not hired is given back as soon as the choice is made, without waiting (each holds
 * a provider's capacity until it expires otherwise).
 */
export async function hireBestOffer(
  ctx: RequesterContext,
  request: Pick<
    RunRequest,
    'fileName' | 'cores' | 'memoryMb' | 'timeoutSec' | 'provider' | 'signal' | 'waitForProviderSec'
  > & { runtime: string },
  sealed: SealedJob,
  quote: RunQuote,
  exclude: readonly Address[],
  onBusy: (busy: number, waitSec: number) => void = () => {},
): Promise<{ chosen: OfferMatch; hired: Awaited<ReturnType<typeof hireWithOffer>> }> {
  const waitSec = request.waitForProviderSec ?? DEFAULT_WAIT_FOR_PROVIDER_SEC;
  const waitUntil = Date.now() + waitSec * 1000;
  let waitedSince: number | undefined;
  let chosen: OfferMatch | undefined;
  let matches: ProviderMatch[] = [];
  while (!chosen) {
    matches = await quoteMarket(
      ctx,
      {
        runtime: request.runtime,
        cores: request.cores,
        memoryMb: request.memoryMb,
        timeoutSec: request.timeoutSec,
        maxPricePerCoreSecond: quote.maxPricePerCoreSecond,
      },
      // A named provider is asked alone, and a provider that did not start is not asked again:
      // every provider asked reserves capacity until the offer is released or expires.
      { signal: request.signal, provider: request.provider, exclude },
    );
    try {
      chosen = chooseOffer(matches, {
        provider: request.provider,
        exclude,
        nowSec: Math.floor(Date.now() / 1000),
      });
    } catch (error) {
      void releaseMarketOffers(ctx, matches);
      const busy = busyProviders(matches);
      if (busy === 0 || Date.now() + BUSY_RETRY_MS > waitUntil) throw waited(error, waitedSince);
      if (waitedSince === undefined) {
        waitedSince = Date.now();
        onBusy(busy, waitSec);
      }
      await nextChance(ctx, BUSY_RETRY_MS, request.signal);
    }
  }
  // Not awaited: the releases go out while the hire is sent, and never fail or delay it.
  void releaseMarketOffers(ctx, matches, chosen);
  // The market does not check that the requester can pay (clients do, before hiring).
  const rateWei = chosen.signed.offer.pricePerCoreSecond * BigInt(request.cores);
  try {
    await checkCanPay(
      ctx.market.publicClient,
      ctx.wallet.account.address,
      { ...quote, rateWei },
      request.timeoutSec,
    );
  } catch (error) {
    void releaseMarketOffers(ctx, [chosen]); // nothing is hired: the chosen one goes back too
    throw error;
  }
  const peers = ctx.index.providers.get(chosen.provider.address)?.ipfsPeers ?? [];
  try {
    return { chosen, hired: await hireWithOffer(ctx, request, sealed, chosen.signed, peers) };
  } catch (error) {
    void releaseMarketOffers(ctx, [chosen]); // the hire failed: its offer goes back too
    throw error;
  }
}

/** Resolves after `ms`, or as soon as a job ends on chain; rejects when `signal` aborts. */
function nextChance(ctx: RequesterContext, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', aborted);
      settle();
    };
    const aborted = () => finish(() => reject(signal!.reason));
    const timer = setTimeout(() => finish(resolve), ms);
    const unsubscribe = ctx.index.onEvent((event) => {
      if (JOB_ENDS.has(event.eventName)) finish(resolve);
    });
    if (signal?.aborted) return aborted();
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** What a shell says when a run starts waiting for a busy provider. */
export function waitingText(busyProviders: number, waitSec: number): string {
  const who =
    busyProviders === 1
      ? 'the provider that could run it is busy'
      : `${busyProviders} providers that could run it are busy`;
  return `${who}; waiting up to ${waitSec} s for one to free up (nothing is posted meanwhile)`;
}

/** NO_OFFER after a wait for busy providers (since `since`, in ms) says how long it waited. */
export function waited(error: unknown, since: number | undefined, now = Date.now()): unknown {
  if (since === undefined || !(error instanceof OrangeError) || error.code !== 'NO_OFFER')
    return error;
  const sec = Math.round((now - since) / 1000);
  return new OrangeError(
    'NO_OFFER',
    `${error.message}\n(after waiting ${sec} s for one to free up)`,
    {
      hint: error.hint,
      cause: error,
    },
  );
}

/** Cancels a job that has not ended; a job that ended meanwhile is left as it is. */
export async function cancelUnlessEnded(ctx: RequesterContext, jobId: bigint) {
  try {
    return await ctx.market.cancelJob(jobId);
  } catch (error) {
    await ctx.index.sync();
    const job = ctx.index.jobs.get(jobId);
    if (job && isTerminal(job)) return undefined;
    throw error;
  } finally {
    await ctx.index.sync();
  }
}
