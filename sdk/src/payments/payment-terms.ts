import {
  formatUnits,
  parseAbi,
  parseUnits,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
} from 'viem';
import { orangeStreamingMarketAbi } from '@orange-cloud/contracts';
import { OrangeError } from '../errors.js';
import type { JobPayment } from './job-payment.js';

type Reader = PublicClient<Transport, Chain>;

const tokenMetadataAbi = parseAbi([
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
]);

/** How a market pays: through which forwarder, in which token, with which grace period. */
export interface PaymentTerms {
  market: Address;
  cfaV1Forwarder: Address;
  superToken: Address;
  symbol: string;
  decimals: number;
  /** Seconds past a job's timeout that still count as its run (and may be paid). */
  graceSec: number;
}

/** Reads the payment terms a market was deployed with (they never change). */
export async function readPaymentTerms(reader: Reader, market: Address): Promise<PaymentTerms> {
  const read = <F extends 'FORWARDER' | 'TOKEN' | 'GRACE_SEC'>(functionName: F) =>
    reader.readContract({ address: market, abi: orangeStreamingMarketAbi, functionName });
  let cfaV1Forwarder: Address;
  let superToken: Address;
  let graceSec: number;
  try {
    [cfaV1Forwarder, superToken, graceSec] = await Promise.all([
      read('FORWARDER'),
      read('TOKEN'),
      read('GRACE_SEC'),
    ]);
  } catch (error) {
    throw new OrangeError(
      'MARKET_NOT_PAYING',
      `The contract at ${market} is not an Orange Cloud market with streaming payments.`,
      {
        hint: 'Check the market address of the network; on the devnet run `npx orange devnet down` and `npx orange devnet up`.',
        cause: error,
      },
    );
  }
  const [symbol, decimals] = await Promise.all([
    reader.readContract({ address: superToken, abi: tokenMetadataAbi, functionName: 'symbol' }),
    reader.readContract({ address: superToken, abi: tokenMetadataAbi, functionName: 'decimals' }),
  ]);
  return { market, cfaV1Forwarder, superToken, symbol, decimals, graceSec };
}

/** The most a job can cost: its rate for every second it may run (timeout + grace). */
export function maxCostWei(rateWei: bigint, timeoutSec: number, terms: PaymentTerms): bigint {
  return rateWei * BigInt(timeoutSec + terms.graceSec);
}

/** An amount of the payment token for people: `0.000012 OTTx`. */
export function formatTokens(
  wei: bigint,
  terms: Pick<PaymentTerms, 'symbol' | 'decimals'>,
): string {
  return `${formatUnits(wei, terms.decimals)} ${terms.symbol}`;
}

/** A flow rate for people: `0.000002 OTTx/s`. */
export function formatRate(weiPerSecond: bigint, terms: Pick<PaymentTerms, 'symbol' | 'decimals'>) {
  return `${formatTokens(weiPerSecond, terms)}/s`;
}

/** Parses a token amount typed by a person (`0.5`) into token wei. */
export function parseTokens(
  text: string,
  terms: Pick<PaymentTerms, 'symbol' | 'decimals'>,
): bigint {
  const match = /^\d+(?:\.(\d+))?$/.exec(text.trim());
  if (!match) {
    throw new OrangeError('BAD_AMOUNT', `"${text}" is not an amount of ${terms.symbol}.`, {
      hint: 'Write a plain decimal number, e.g. 0.5.',
    });
  }
  // viem would round the extra digits away; an amount must mean exactly what was typed.
  if ((match[1]?.length ?? 0) > terms.decimals) {
    throw new OrangeError(
      'BAD_AMOUNT',
      `"${text}" has more decimals than ${terms.symbol} (${terms.decimals}).`,
      { hint: `Use at most ${terms.decimals} digits after the point.` },
    );
  }
  return parseUnits(text.trim(), terms.decimals);
}

/** Seconds paid so far and what they cost, from the chain's start time of the run. */
export function costSoFar(
  rateWei: bigint,
  startedAtSec: number,
  nowMs: number,
): { seconds: number; costWei: bigint } {
  // The flow streams from the block that started the job; the chain's clock may run ahead of ours.
  const seconds = Math.max(0, Math.floor(nowMs / 1000) - startedAtSec);
  return { seconds, costWei: rateWei * BigInt(seconds) };
}

/**
 * "cost 0.000003 OTTx (0.000001 OTTx/s for 3 s)". When someone else changed the flow at a
 * time the market cannot know (the wallet closed it, or it was liquidated), the market only
 * knows a lower bound, and the text says so.
 */
export function costText(
  payment: JobPayment,
  terms: Pick<PaymentTerms, 'symbol' | 'decimals'>,
): string {
  const { stopped } = payment;
  if (!stopped) return `paying ${formatRate(payment.rateWei, terms)}`;
  const refund =
    stopped.refundedWei > 0n
      ? `, ${formatTokens(stopped.refundedWei, terms)} overrun refunded`
      : '';
  const bound = stopped.exact ? '' : '; the payment flow was changed outside the market';
  return `cost ${costAmount(payment, terms)} (${formatRate(payment.rateWei, terms)} for ${stopped.streamedSeconds} s${refund}${bound})`;
}

/** The short form for a list: "0.000003 OTTx", "at least 0.000003 OTTx", or "paying 0.000001 OTTx/s". */
export function costAmount(
  payment: JobPayment,
  terms: Pick<PaymentTerms, 'symbol' | 'decimals'>,
): string {
  const { stopped } = payment;
  if (!stopped) return `paying ${formatRate(payment.rateWei, terms)}`;
  return `${stopped.exact ? '' : 'at least '}${formatTokens(stopped.costWei, terms)}`;
}
