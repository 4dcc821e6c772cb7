import { randomBytes } from 'node:crypto';
import type { Address, LocalAccount } from 'viem';
import {
  ZERO_ADDRESS,
  providerKeys,
  publicKeyToHex,
  signOffer,
  type OfferDomain,
  type ProviderKeys,
  type QuoteDecline,
  type QuoteRequest,
  type SignedOffer,
} from '@orange-cloud/sdk';
import type { ProviderPolicy, Usage } from '../criteria.js';
import type { OfferBook } from './components.js';
import { DEFAULT_MAX_TIMEOUT_SEC } from './bond.js';

/** How long an offer stands: long enough to hire with, short enough not to hold capacity idle. */
export const OFFER_LIFETIME_SEC = 60;
/** How long past its expiry an unhired offer still holds its reservation and key. */
const HIRE_NEWS_GRACE_SEC = 30;

interface Reservation {
  cores: number;
  memoryMb: number;
  expiresAt: number;
  keys: ProviderKeys;
  /** Set once the offer is hired: the reservation then lasts until the job ends. */
  jobId: bigint | undefined;
}

/**
 * The provider's offers (market v2), kept simple: each answered quote reserves its cores and
 * memory until the offer expires unhired or its job ends, with a fresh Umbral key pair for the
 * job alone; a quote that does not fit what is left is declined (CAPACITY). Keys live in memory
 * only: after a restart the daemon fails the jobs it cannot open.
 */
export class SimpleOfferBook implements OfferBook {
  private readonly reservations = new Map<bigint, Reservation>();
  private lastNonce = 0n;

  constructor(
    private readonly account: LocalAccount,
    private readonly domain: OfferDomain,
    private readonly policy: ProviderPolicy,
    private readonly nowSec: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /** Cores and memory reserved by standing offers and hired jobs. */
  usage(): Usage {
    this.dropExpired();
    let cores = 0;
    let memoryMb = 0;
    for (const r of this.reservations.values()) {
      cores += r.cores;
      memoryMb += r.memoryMb;
    }
    return { cores, memoryMb };
  }

  /** A signed offer for the request, or why there is none. */
  async quote(request: QuoteRequest): Promise<SignedOffer | QuoteDecline> {
    const p = this.policy;
    const decline = (code: QuoteDecline['code'], message: string) => ({ code, message });
    if (
      request.chainId !== this.domain.chainId ||
      request.market.toLowerCase() !== this.domain.market.toLowerCase()
    )
      return decline('WRONG_MARKET', 'this provider serves another market');
    const requester = request.requester?.toLowerCase();
    if (requester && p.denyRequesters.some((a) => a.toLowerCase() === requester))
      return decline('REQUESTER', 'the requester is not served here');
    if (
      p.allowRequesters.length > 0 &&
      !p.allowRequesters.some((a) => a.toLowerCase() === requester)
    )
      return decline('REQUESTER', 'only listed requesters are served here');
    if (!p.runtimes.includes(request.runtime))
      return decline('RUNTIME', `runtime ${request.runtime} is not offered`);
    if (request.cores > p.cores) return decline('CORES', `at most ${p.cores} cores`);
    if (request.memoryMb > p.memoryMb) return decline('MEMORY', `at most ${p.memoryMb} MB`);
    if (request.timeoutSec > DEFAULT_MAX_TIMEOUT_SEC)
      return decline('TIMEOUT', `jobs of at most ${DEFAULT_MAX_TIMEOUT_SEC} s`);
    const used = this.usage();
    if (used.cores + request.cores > p.cores || used.memoryMb + request.memoryMb > p.memoryMb)
      return decline('CAPACITY', 'no free capacity right now');
    const nonce = this.nextNonce();
    const keys = providerKeys(randomBytes(32));
    const expiresAt = this.nowSec() + OFFER_LIFETIME_SEC;
    this.reservations.set(nonce, {
      cores: request.cores,
      memoryMb: request.memoryMb,
      expiresAt,
      keys,
      jobId: undefined,
    });
    return signOffer(this.account, this.domain, {
      provider: this.account.address,
      requester: (request.requester ?? ZERO_ADDRESS) as Address,
      runtime: request.runtime,
      cores: request.cores,
      memoryMb: request.memoryMb,
      maxTimeoutSec: request.timeoutSec,
      pricePerCoreSecond: p.pricePerCoreSecond,
      jobPublicKey: `0x${publicKeyToHex(keys.publicKey)}`,
      expiresAt: BigInt(expiresAt),
      nonce,
    });
  }

  claim(nonce: bigint, jobId: bigint): Promise<ProviderKeys | undefined> {
    const reservation = this.reservations.get(nonce);
    if (!reservation || (reservation.jobId !== undefined && reservation.jobId !== jobId))
      return Promise.resolve(undefined);
    reservation.jobId = jobId;
    return Promise.resolve(reservation.keys);
  }

  release(nonce: bigint): Promise<void> {
    const reservation = this.reservations.get(nonce);
    this.reservations.delete(nonce);
    reservation?.keys.secretKey.free();
    return Promise.resolve();
  }

  /**
   * Offers that expired unhired free their capacity and their key, a little after their expiry:
   * a hire mined in the offer's last second may reach this daemon's index later.
   */
  private dropExpired(): void {
    const now = this.nowSec();
    for (const [nonce, r] of this.reservations)
      if (r.jobId === undefined && r.expiresAt + HIRE_NEWS_GRACE_SEC < now)
        void this.release(nonce);
  }

  /** Unique per provider across restarts: milliseconds since 1970 and a counter after it. */
  private nextNonce(): bigint {
    const fromClock = BigInt(Date.now()) * 1000n;
    this.lastNonce = fromClock > this.lastNonce ? fromClock : this.lastNonce + 1n;
    return this.lastNonce;
  }
}
