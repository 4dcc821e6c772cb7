import type { Address, Chain, PublicClient, Transport } from 'viem';
import { OrangeError } from '../errors.js';
import { cfaV1ForwarderAbi } from './superfluid-abis.js';
import { readAvailableBalance, readMarketAuthorization } from './streaming-market.js';
import { formatRate, formatTokens, type PaymentTerms } from './payment-terms.js';

type Reader = PublicClient<Transport, Chain>;

/** What a run will cost at most, known before anything is posted. */
export interface PaymentQuote {
  /** Token wei per second while the job runs: cores x the price ceiling. */
  rateWei: bigint;
  /** rate x (timeout + grace): what the requester's balance must cover. */
  maxCostWei: bigint;
  terms: PaymentTerms;
}

/**
 * Refuses, before anything is posted, a run the market would refuse to start: the requester
 * has not authorized the market, its allowance is spent, or its balance cannot cover the whole
 * run. Mirrors the market's own check (OrangeStreamingMarket._onRunStarted), with the job's flow
 * counted as a new one, which is the case that needs the most.
 */
export async function checkCanPay(
  reader: Reader,
  requester: Address,
  quote: PaymentQuote,
  timeoutSec: number,
): Promise<void> {
  const { terms, rateWei } = quote;
  if (rateWei === 0n) return;
  const auth = await readMarketAuthorization(reader, terms, requester);
  if (!auth.complete) {
    throw new OrangeError(
      'PAY_NOT_AUTHORIZED',
      `This wallet has not authorized the market to stream payments in ${terms.symbol}. Nothing was posted.`,
      {
        hint: 'Run `npx orange pay authorize` once (in VS Code: "Orange Cloud: Authorize Payments").',
      },
    );
  }
  if (auth.flowRateAllowance < rateWei) {
    throw new OrangeError(
      'PAY_ALLOWANCE_SPENT',
      `The payment allowance left (${formatRate(auth.flowRateAllowance, terms)}) is below this job's rate (${formatRate(rateWei, terms)}). Nothing was posted.`,
      { hint: 'Top it up with `npx orange pay authorize`.' },
    );
  }
  const [net, buffer, available] = await Promise.all([
    reader.readContract({
      address: terms.cfaV1Forwarder,
      abi: cfaV1ForwarderAbi,
      functionName: 'getAccountFlowrate',
      args: [terms.superToken, requester],
    }),
    reader.readContract({
      address: terms.cfaV1Forwarder,
      abi: cfaV1ForwarderAbi,
      functionName: 'getBufferAmountByFlowrate',
      args: [terms.superToken, rateWei],
    }),
    readAvailableBalance(reader, terms, requester),
  ]);
  const outflow = (net < 0n ? -net : 0n) + rateWei;
  const needed = outflow * BigInt(timeoutSec + terms.graceSec) + buffer;
  if (available < needed) {
    throw new OrangeError(
      'PAY_CANNOT_AFFORD',
      `This run may cost up to ${formatTokens(quote.maxCostWei, terms)}; with your other flows and the deposit the wallet needs ${formatTokens(needed, terms)} but has ${formatTokens(available, terms)}. Nothing was posted.`,
      {
        hint: 'Top up the payment token (on the devnet: `npx orange devnet fund`), or ask for fewer cores or a shorter timeout.',
      },
    );
  }
}
