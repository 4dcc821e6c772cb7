import type { Address } from 'viem';
import type {
  JobView,
  MarketEvent,
  PaymentTerms,
  ProviderOffer,
  ProviderView,
} from '@orange-cloud/sdk';
import type { LiveStreams } from '../live/live-streams.js';

/**
 * What the node's parts need from the outside world, each as the narrowest
 * interface that serves: the real MarketClient, MarketIndex and LiveStreams
 * satisfy them as they are, and unit tests pass small fakes.
 */

/** The market contract's calls the node makes; each resolves once its transaction is mined. */
export interface ProviderMarket {
  /** The provider's own account: the node acts as this address. */
  readonly account: { readonly address: Address } | undefined;
  /** The market contract: a job's manifest must be bound to it. */
  readonly address: Address;
  readonly connection: { readonly chainId: number };
  registerProvider(offer: ProviderOffer): Promise<unknown>;
  bondOf(provider: Address): Promise<{ free: bigint; locked: bigint }>;
  /** Approves exactly `amount` and deposits it into the provider's bond. */
  depositBond(amount: bigint): Promise<unknown>;
  startJob(jobId: bigint): Promise<unknown>;
  completeJob(jobId: bigint, resultCid: string, exitCode: number, flags: number): Promise<unknown>;
  failJob(jobId: bigint, reason: string, resultCid?: string): Promise<unknown>;
  expireJob(jobId: bigint): Promise<unknown>;
  paymentTerms(): Promise<PaymentTerms>;
}

/** The market as its events tell it, kept current while started. */
export interface MarketEvents {
  readonly jobs: ReadonlyMap<bigint, JobView>;
  readonly providers: ReadonlyMap<Address, ProviderView>;
  /** The last block whose events are applied (0 before the first sync). */
  readonly syncedBlock: bigint;
  /** Calls `listener` for every event applied from now on; returns an unsubscribe function. */
  onEvent(listener: (event: MarketEvent) => void): () => void;
  /** Syncs now and on every new block until stopped; `onError` hears failed passes. */
  start(onError: (error: Error) => void): Promise<void>;
  stop(): Promise<void>;
  /** Reads up to the chain head. */
  sync(): Promise<void>;
}

/** A pair's payment flow as it is and as the market booked it, read at one block. */
export interface PairFlow {
  flowRate: bigint;
  bookedRate: bigint;
  blockNumber: bigint;
}

/** The block after `after`, waited for at most `waitMs`. */
export interface NextBlock {
  after: bigint;
  waitMs: number;
}

/** The payment token's side of the market (Superfluid): what the node reads there. */
export interface PaymentRail {
  /**
   * The pair's flow at one block: the latest, or with `next` the block after `next.after` once
   * the chain has made it. When the chain makes no block within `next.waitMs` (an idle devnet
   * mines only on transactions) it is read at the latest, which is still `next.after`.
   */
  readPairFlow(
    terms: PaymentTerms,
    requester: Address,
    provider: Address,
    next?: NextBlock,
  ): Promise<PairFlow>;
}

/** Live output for requesters (the public log endpoint). */
export type LiveOutput = Pick<LiveStreams, 'begin' | 'output' | 'checkpoint' | 'end'>;

/** The address the node acts as. */
export function providerAddress(market: Pick<ProviderMarket, 'account'>): Address {
  return market.account!.address;
}
