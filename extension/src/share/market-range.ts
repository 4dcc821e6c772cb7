import { formatRate, type TokenTerms } from '@orange-cloud/sdk';

/** "active providers ask 0.000001–0.000003 OTTx/s per core (3 providers)", for the price prompt. */
export function marketRangeText(
  providers: readonly { active: boolean; pricePerCoreSecond: bigint; address: string }[],
  terms: TokenTerms,
  exclude?: string,
): string {
  const prices = providers
    .filter((p) => p.active && p.address.toLowerCase() !== exclude?.toLowerCase())
    .map((p) => p.pricePerCoreSecond)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (prices.length === 0) return 'no other provider is active on this market yet';
  const low = prices[0]!;
  const high = prices[prices.length - 1]!;
  const range =
    low === high
      ? formatRate(low, terms)
      : `${formatRate(low, terms).replace(/ .*$/, '')}–${formatRate(high, terms)}`;
  const count = prices.length === 1 ? '1 provider' : `${prices.length} providers`;
  return `active providers ask ${range} per core (${count})`;
}
