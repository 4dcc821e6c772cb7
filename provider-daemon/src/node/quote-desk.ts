import type { Address, LocalAccount } from 'viem';
import {
  ZERO_ADDRESS,
  signOffer,
  type DeclineCode,
  type Offer,
  type QuoteDecline,
  type QuoteRequest,
  type SignedOffer,
} from '@orange-cloud/sdk';
import type { ProviderPolicy } from '../criteria.js';
import type { Logger } from '../logger.js';
import { CapacityLedger, type Reservation, type Resources } from './capacity-ledger.js';
import { JobKeyStore, type JobKey } from './job-key-store.js';
import { OfferNonces } from './offer-nonces.js';
import { requesterRefusal } from './requester-policy.js';
import type { QuoteBook } from '../state/types.js';

/** How long an offer is valid by default: time to compare offers and mine a hire. */
export const DEFAULT_OFFER_TTL_SEC = 60;
/**
 * How long past its expiry an unhired offer keeps its reservation and key by default: a hire
 * mined in the offer's last second is seen here a block and a market sync later.
 */
export const DEFAULT_OFFER_GRACE_SEC = 10;

/** What the desk works with: each the narrowest interface, so tests pass fakes. */
export interface QuoteDeskComponents {
  /** Milliseconds since the epoch. */
  clock: { nowMs(): number };
  ledger: Pick<CapacityLedger, 'reserve' | 'unreserve' | 'bind' | 'release' | 'expire' | 'usage'>;
  keys: Pick<JobKeyStore, 'create' | 'load' | 'erase' | 'stored' | 'issuedAtSec'>;
  /** The provider's EVM account: the market knows the provider by it, offers are signed by it. */
  account: LocalAccount;
  /** What the provider offers and whom it serves, read at every quote. */
  policy: { current(): ProviderPolicy };
  nonces: { next(): bigint };
  log: Logger;
  /** Where offers given out are written down, so a restart keeps what they reserve. */
  quotes?: QuoteBook;
}

export interface QuoteDeskInit {
  chainId: number;
  market: Address;
  /** The longest job timeout this provider takes (s). */
  maxTimeoutSec: number;
  /** How long an offer is valid (s); default 60. */
  offerTtlSec?: number;
  /** How long past expiry an unhired offer's reservation and key are kept (s); default 10. */
  offerGraceSec?: number;
}

export type QuoteAnswer = { offer: SignedOffer } | { declined: QuoteDecline };

/** What `hired` found: the ledger's decision, and the offer's key when it still exists. */
export interface Hire {
  /** `over`: the job is not held (no capacity left for it) and must not run. */
  outcome: 'bound' | 'already' | 'late' | 'over';
  /** Opens the job; undefined when it was erased (the offer expired here first). */
  key: JobKey | undefined;
}

/** A runtime as the request names it, when it looks like a runtime name (messages stay short). */
const runtimeName = (runtime: string) =>
  /^[a-z0-9][a-z0-9._-]{0,31}$/.test(runtime) ? runtime : 'asked for';

const coreCount = (n: number) => (n === 1 ? '1 core' : `${n} cores`);

const decline = (code: DeclineCode, message: string): QuoteAnswer => ({
  declined: { code, message },
});

/**
 * The provider's quote desk (market v2): answers a QuoteRequest with a signed Offer or a
 * decline that says why, and follows each offer to its end. An offer reserves its cores and
 * memory (the CapacityLedger) before it is signed and gets a fresh Umbral key of its own (the
 * JobKeyStore); a hire seen on chain turns the reservation into the job's hold (`hired`); the
 * job's end frees both (`jobEnded`); an offer nobody hired frees both after its expiry and
 * grace (`sweep`, also run before every quote), or at once when its requester gives it back
 * (`release`).
 */
export class QuoteDesk {
  private readonly c: QuoteDeskComponents;
  private readonly ttlSec: number;
  private readonly graceSec: number;
  /** Why the daemon itself declines new quotes ("starting", "shutting down"); undefined while taking jobs. */
  private paused: string | undefined;
  /** The operator paused intake (admin endpoint): apart from the daemon's own pauses. */
  private held = false;
  /**
   * Who asked for each offer still reserved (lowercase), when the request named itself: only
   * that requester may give the offer back. An open offer asked for anonymously is not here.
   */
  private readonly askers = new Map<bigint, string>();
  private sweeping: ReturnType<typeof setInterval> | undefined;

  constructor(
    components: QuoteDeskComponents,
    private readonly init: QuoteDeskInit,
  ) {
    this.c = components;
    this.ttlSec = init.offerTtlSec ?? DEFAULT_OFFER_TTL_SEC;
    this.graceSec = init.offerGraceSec ?? DEFAULT_OFFER_GRACE_SEC;
  }

  private nowSec(): number {
    return Math.floor(this.c.clock.nowMs() / 1000);
  }

  /** Cores and memory held by offers out and jobs hired: never more than offered. */
  usage(): Resources {
    return this.c.ledger.usage();
  }

  /** Declines every quote with PAUSED, saying `reason` ("starting", "shutting down"), until `resume`. */
  pause(reason = 'paused'): void {
    this.paused = reason;
  }

  resume(): void {
    this.paused = undefined;
  }

  /**
   * The operator's pause: every quote is declined PAUSED until released, running jobs go on.
   * Kept apart from `pause`/`resume` so the daemon's own resume (after start) cannot undo it.
   */
  hold(on: boolean): void {
    this.held = on;
  }

  /** Whether the operator paused intake. */
  get onHold(): boolean {
    return this.held;
  }

  /** Answers one quote request. Throws only when signing or the key store fails. */
  async quote(request: QuoteRequest): Promise<QuoteAnswer> {
    const policy = this.c.policy.current();
    const refusal = this.refusal(request, policy);
    if (refusal) return refusal;
    await this.sweep();
    const nonce = this.c.nonces.next();
    const expiresAt = this.nowSec() + this.ttlSec;
    // Reserved before anything is awaited: two quotes at once cannot both take the last core.
    const reserved = this.c.ledger.reserve({
      nonce,
      cores: request.cores,
      memoryMb: request.memoryMb,
      expiresAt,
    });
    if (!reserved.reserved) {
      const { free } = reserved;
      return decline(
        'CAPACITY',
        `This provider is busy: ${free.cores} of ${coreCount(policy.cores)} and ${free.memoryMb} of ` +
          `${policy.memoryMb} MB are free now, the job needs ${coreCount(request.cores)} and ` +
          `${request.memoryMb} MB. Try again when a job ends or an offer expires.`,
      );
    }
    if (request.requester) this.askers.set(nonce, request.requester.toLowerCase());
    let key: JobKey | undefined;
    try {
      key = await this.c.keys.create(nonce);
      const offer: Offer = {
        provider: this.c.account.address,
        requester: request.requester ?? ZERO_ADDRESS,
        runtime: request.runtime,
        cores: request.cores,
        memoryMb: request.memoryMb,
        maxTimeoutSec: request.timeoutSec,
        pricePerCoreSecond: policy.pricePerCoreSecond,
        jobPublicKey: key.jobPublicKey,
        expiresAt: BigInt(expiresAt),
        nonce,
      };
      const signed = await signOffer(
        this.c.account,
        { chainId: this.init.chainId, market: this.init.market },
        offer,
      );
      this.c.quotes?.issued({
        nonce,
        expiresAt,
        cores: request.cores,
        memoryMb: request.memoryMb,
      });
      this.c.log.info('offer given', {
        nonce,
        requester: offer.requester,
        cores: offer.cores,
        memoryMb: offer.memoryMb,
        expiresAt,
      });
      return { offer: signed };
    } catch (error) {
      this.c.ledger.unreserve(nonce);
      this.askers.delete(nonce);
      if (key) await this.c.keys.erase(nonce);
      throw error;
    }
  }

  /** The first rule the request breaks, checked before anything is reserved. */
  private refusal(request: QuoteRequest, policy: ProviderPolicy): QuoteAnswer | undefined {
    const { chainId, market } = this.init;
    if (request.chainId !== chainId || request.market.toLowerCase() !== market.toLowerCase()) {
      return decline(
        'WRONG_MARKET',
        `This provider serves the market ${market} on chain ${chainId}, not ${request.market} on chain ${request.chainId}.`,
      );
    }
    if (!policy.runtimes.includes(request.runtime)) {
      return decline(
        'RUNTIME',
        `This provider does not offer the runtime ${runtimeName(request.runtime)} (it offers ${policy.runtimes.join(', ') || 'none'}).`,
      );
    }
    if (request.cores > policy.cores) {
      return decline(
        'CORES',
        `The job asks for ${coreCount(request.cores)}; this provider offers ${policy.cores}.`,
      );
    }
    if (request.memoryMb > policy.memoryMb) {
      return decline(
        'MEMORY',
        `The job asks for ${request.memoryMb} MB of memory; this provider offers ${policy.memoryMb} MB.`,
      );
    }
    if (request.timeoutSec > this.init.maxTimeoutSec) {
      return decline(
        'TIMEOUT',
        `The job's timeout is ${request.timeoutSec} s; this provider takes jobs of at most ${this.init.maxTimeoutSec} s.`,
      );
    }
    const refused = requesterRefusal(policy, request.requester);
    if (refused) {
      return decline(
        'REQUESTER',
        request.requester === undefined
          ? 'This provider serves only named requesters: ask for a quote with your address.'
          : `This provider does not serve ${request.requester} (${refused}).`,
      );
    }
    // shutting down says so even while held: the operator's resume will not bring it back
    if (this.paused === 'shutting down')
      return decline('PAUSED', `This provider is not taking new jobs right now (${this.paused}).`);
    if (this.held) return decline('PAUSED', 'This provider is paused by its operator.');
    if (this.paused !== undefined)
      return decline('PAUSED', `This provider is not taking new jobs right now (${this.paused}).`);
    return undefined;
  }

  /**
   * The hire of offer `nonce` was seen on chain as job `jobId` (`job`: its cores and memory
   * from the hire event). Holds the job's capacity and returns the offer's key to open it.
   * With outcome `over`, or no key, the job cannot be run here and should be failed.
   */
  async hired(nonce: bigint, jobId: bigint, job: Resources): Promise<Hire> {
    const { outcome } = this.c.ledger.bind(nonce, jobId, job);
    this.askers.delete(nonce);
    this.c.quotes?.quoteHired(nonce, jobId);
    const key = await this.c.keys.load(nonce);
    if (outcome === 'over') {
      await this.c.keys.erase(nonce);
      this.c.log.warn('hire over capacity: not held', { job: jobId, nonce });
      return { outcome, key: undefined };
    }
    if (outcome === 'late') this.c.log.warn('hire of an expired offer', { job: jobId, nonce });
    return { outcome, key };
  }

  /** The job ended (whatever way): frees its capacity and erases its key. */
  async jobEnded(jobId: bigint, nonce: bigint): Promise<void> {
    this.c.ledger.release(jobId);
    await this.c.keys.erase(nonce);
  }

  /**
   * Frees the reservations and erases the keys of offers past their expiry and grace, unhired.
   * Returns the reservations freed.
   */
  async sweep(): Promise<Reservation[]> {
    const expired = this.c.ledger.expire(this.nowSec() - this.graceSec);
    for (const { nonce } of expired) {
      this.askers.delete(nonce);
      this.c.quotes?.quoteClosed(nonce);
    }
    for (const reservation of expired) await this.c.keys.erase(reservation.nonce);
    return expired;
  }

  /**
   * `requester` gives offers back unhired (it hired another provider, or only looked): frees
   * the reservation and erases the key of each of `nonces` still reserved for an offer it asked
   * for. A hired, expired, unknown or another requester's nonce is left alone, so a replayed
   * release frees nothing more. Returns how many offers it freed.
   */
  async release(requester: Address, nonces: readonly bigint[]): Promise<number> {
    const who = requester.toLowerCase();
    const freed: bigint[] = [];
    // Each reservation is dropped before anything is awaited: a hire seen meanwhile finds it
    // either still reserved (and binds it) or gone, never half released.
    for (const nonce of nonces) {
      if (this.askers.get(nonce) !== who || !this.c.ledger.unreserve(nonce)) continue;
      this.askers.delete(nonce);
      this.c.quotes?.quoteClosed(nonce);
      freed.push(nonce);
    }
    for (const nonce of freed) await this.c.keys.erase(nonce);
    if (freed.length > 0)
      this.c.log.info('offers released', { requester, nonces: freed.join(',') });
    return freed.length;
  }

  /**
   * After a restart: erases the keys an earlier run left for offers past their expiry and
   * grace, except those of `keep` (the offer nonces of its jobs hired and not yet ended).
   * Younger keys stay: their offers may still be hired, and `hired` finds them on disk.
   */
  async eraseStaleKeys(keep: ReadonlySet<bigint>): Promise<bigint[]> {
    const oldest = this.nowSec() - this.ttlSec - this.graceSec;
    const erased: bigint[] = [];
    for (const nonce of await this.c.keys.stored()) {
      if (keep.has(nonce)) continue;
      const issuedAt = await this.c.keys.issuedAtSec(nonce);
      if (issuedAt === undefined || issuedAt >= oldest) continue;
      await this.c.keys.erase(nonce);
      erased.push(nonce);
    }
    return erased;
  }

  /** Sweeps every `everyMs` until `close`. */
  startSweeping(everyMs: number): void {
    this.sweeping ??= setInterval(() => {
      this.sweep().catch((error: Error) =>
        this.c.log.warn('offer sweep failed', { error: error.message }),
      );
    }, everyMs);
    this.sweeping.unref();
  }

  /** Declines further quotes and stops sweeping. Keys stay on disk for hires still to come. */
  close(): void {
    this.pause(this.paused ?? 'shutting down');
    if (this.sweeping) clearInterval(this.sweeping);
    this.sweeping = undefined;
  }
}

/** What `openQuoteDesk` needs besides the desk's own settings. */
export interface QuoteDeskOptions extends QuoteDeskInit {
  /** The daemon's state directory: job keys live in `<stateDir>/job-keys`. */
  stateDir: string;
  account: LocalAccount;
  policy: { current(): ProviderPolicy };
  log: Logger;
  clock?: QuoteDeskComponents['clock'];
  /** The daemon's database: offers it gave out are written down there. */
  quotes?: QuoteBook;
}

/**
 * The daemon's quote desk with its real parts: a ledger of the policy's cores and memory, the
 * job keys under `stateDir`, nonces above any key an earlier run left. Offers an earlier run
 * gave out that may still be hired (not past expiry and grace, their key on disk) reserve
 * their capacity again. It starts paused: the daemon resumes it once the jobs an earlier run
 * left hired hold their capacity again, so no offer is given on capacity they hold.
 */
export async function openQuoteDesk(options: QuoteDeskOptions): Promise<QuoteDesk> {
  const { stateDir, account, policy, log, clock = { nowMs: Date.now }, quotes, ...init } = options;
  const keys = await JobKeyStore.open(stateDir);
  const stored = await keys.stored();
  const { cores, memoryMb } = policy.current();
  const ledger = new CapacityLedger({ cores, memoryMb });
  const graceSec = init.offerGraceSec ?? DEFAULT_OFFER_GRACE_SEC;
  const withKey = new Set(stored);
  for (const quote of quotes?.reserved(Math.floor(clock.nowMs() / 1000) - graceSec) ?? [])
    if (withKey.has(quote.nonce)) ledger.reserve(quote);
  const desk = new QuoteDesk(
    {
      clock,
      ledger,
      keys,
      account,
      policy,
      nonces: new OfferNonces(() => clock.nowMs(), stored.at(-1) ?? 0n),
      log,
      ...(quotes ? { quotes } : {}),
    },
    init,
  );
  desk.pause('starting');
  return desk;
}
